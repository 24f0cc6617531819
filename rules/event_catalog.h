// EventCatalog: the client, session and message events a rule's FROM can name
// ("$events/client_connected", ...), with their columns as EMQX documents them.
//
// One table serves the engine (which raises the events and fills their columns), the SQL tester
// (which fills a context's missing columns with each column's example), the API's rule_events
// and docs/sql.md. Every event has two FROM names, EMQX's original one
// ("$events/client_connected") and the namespaced one EMQX 5.10 added
// ("$events/client/connected"); a FROM entry with wildcards ("$events/#",
// "$events/session/+") names every event whose namespaced name it matches.
//
// The columns `event`, `timestamp`, `node` and `metadata` belong to every event and are not
// listed. Message events (has_message) read id, topic, payload, qos, flags, pub_props and
// publish_received_at from the message itself.
//
// Thread-safety: immutable static data and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace mqb::rules {

enum class BrokerEventType : uint8_t {
  kClientConnected,
  kClientDisconnected,
  kClientConnack,
  kClientCheckAuthzComplete,
  kSessionSubscribed,
  kSessionUnsubscribed,
  kMessageDelivered,
  kMessageAcked,
  kMessageDropped,
  kDeliveryDropped,
  kCount
};
inline constexpr size_t kBrokerEventCount = static_cast<size_t>(BrokerEventType::kCount);

struct EventColumn {
  std::string_view name;
  std::string_view example;  // JSON text of the example value the SQL tester uses
  std::string_view description;
};

struct EventInfo {
  BrokerEventType type;
  std::string_view topic;       // "$events/client_connected" (what the engine matches)
  std::string_view topic_v2;    // "$events/client/connected"
  std::string_view name;        // the `event` column: "client.connected"
  std::string_view event_type;  // the SQL tester's context.event_type: "client_connected"
  std::string_view title;
  std::string_view description;  // when it is raised
  bool has_message;              // carries a message (id, topic, payload, ...)
  std::span<const EventColumn> columns;
};

std::span<const EventInfo> BrokerEvents();
const EventInfo& EventOf(BrokerEventType type);
// By either FROM name; nullptr if `topic` names no event.
const EventInfo* FindEventByTopic(std::string_view topic);
// By the tester's event_type ("client_connected") or the event name ("client.connected").
const EventInfo* FindEventByType(std::string_view event_type);
// Bit (1 << type) for every event a FROM entry names: exact names, or a wildcard filter over
// the namespaced names. 0 if it names none.
uint32_t EventMaskOfFrom(std::string_view from);
// The columns message events take from their message, with examples (for the tester and docs).
std::span<const EventColumn> MessageColumns();

}  // namespace mqb::rules
