// MessageInput: what the engine hands a rule for one message. Plain views, no codec types.
//
// The engine fills one MessageInput per message from the decoded PUBLISH (or from the source
// bridge event); every view must stay valid for the whole Evaluate() call and, because output
// Values may point into them, until the outputs have been consumed. The payload should be
// followed by kJsonPadding (64) readable bytes and `payload_padded` set, so the payload is
// JSON-parsed in place; otherwise it is copied into a padded buffer when a rule reads payload.x.
//
// Event columns derived from it (REFERENCE.md section 7):
//   message.publish  (event kMessagePublish, FROM matches `topic`): event "message.publish",
//     id, clientid, username, payload, peerhost, peername, topic, qos, flags {retain, dup},
//     pub_props, publish_received_at, client_attrs {}, timestamp, node, metadata {rule_id}.
//   bridge source    (event kBridgeSource, FROM matches `hookpoint`, "$bridges/mqtt:<name>"):
//     event (= hookpoint), id, server, topic, qos, dup, retain, pub_props, payload,
//     message_received_at, timestamp, node, metadata {rule_id}.
//   broker event     (event kBrokerEvent, FROM names it, rules/event_catalog.h): event
//     (= event_name), timestamp, node, metadata, the event's own columns in `extra_columns`,
//     and for message events (has_message) id, topic, payload, qos, flags, pub_props and
//     publish_received_at from the fields below.
// `extra_columns`, if a map, adds or replaces columns (the SQL tester uses it for context keys).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "rules/value.h"

namespace mqb::rules {

enum class EventKind : uint8_t { kMessagePublish, kBridgeSource, kBrokerEvent };

// One MQTT v5 PUBLISH property, by its EMQX printable name ("Content-Type",
// "Message-Expiry-Interval", "Payload-Format-Indicator", "Response-Topic", "Correlation-Data",
// "Subscription-Identifier", "Topic-Alias"). Numeric properties set is_number.
struct PubProp {
  std::string_view name;
  std::string_view text;
  int64_t number = 0;
  bool is_number = false;
};

struct MessageInput {
  EventKind event = EventKind::kMessagePublish;
  std::string_view hookpoint;   // bridge source: "$bridges/mqtt:<name>"; broker event: its
                                // EventInfo::topic ("$events/client_connected"); else unused
  std::string_view event_name;  // broker event: "client.connected"
  bool has_message = false;     // broker event: a message event (id, topic, payload, ...)
  std::string_view id;          // message id, hex
  std::string_view topic;
  std::string_view payload;
  bool payload_padded = false;  // kJsonPadding readable bytes follow payload
  int qos = 0;
  bool retain = false;
  bool dup = false;
  std::string_view clientid;
  std::string_view username;  // empty with has_username=false => undefined
  bool has_username = true;
  std::string_view peerhost;
  std::string_view peername;  // "host:port"
  std::string_view server;    // bridge source: remote "host:port"
  std::span<const PubProp> pub_props;
  std::span<const std::pair<std::string_view, std::string_view>> user_properties;
  int64_t received_at_ms = 0;  // publish_received_at / message_received_at
  int64_t timestamp_ms = 0;    // rule trigger time
  std::string_view node;       // e.g. "mqbridge@127.0.0.1"
  Value extra_columns;         // map of added/overriding columns, or undefined
};

}  // namespace mqb::rules
