// The broker's interface to the engine: every PUBLISH the broker accepts from a client is offered
// to a PublishHook (the rule engine), and the engine injects messages back through
// BrokerCore::Inject / Broker::Republish (see broker_core.h).
//
// Cost when no rule matches: one virtual WantsTopic(topic) call per accepted PUBLISH (the engine
// answers from its own rule-filter trie); nothing is built or copied unless it returns true.
//
// Loop safety: messages injected through the republish entry point are routed to subscribers
// but never offered to the hook again, so a rule that republishes onto a topic it also reads
// cannot feed itself.
//
// Broker events (client connected, subscribed, message delivered, ...; rules/event_catalog.h)
// go to OnEvent, but only those whose bit is set in wanted_events(): the cost of an event nobody
// reads is one relaxed atomic load at the point where it happens. Messages republished by a rule
// that an event triggered raise no message events, so such a rule cannot feed itself either.
//
// Thread-safety: the methods are called on the broker's reactor thread and must not block;
// OnPublish may keep `message.message` (a refcount) to process the message on another thread.
// set_wanted_events may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "codec/properties.h"
#include "codec/protocol.h"
#include "engine/broker/message.h"
#include "rules/event_catalog.h"

namespace mqb::engine::broker {

struct InboundMessage {
  std::string_view topic;            // valid during the call; message->topic lives longer
  std::span<const uint8_t> payload;  // ditto
  MessageRef message;                // keep this to use topic/payload/properties later
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  std::string_view client_id;
  std::string_view username;  // empty if none
  std::string_view peer;      // "ip:port"
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  // 5.0 properties as forwarded (user properties, content type, response topic, ...); the
  // Message Expiry Interval is in message->expires_at.
  codec::Properties properties;
};

// One broker event; views valid during OnEvent only (keep `message`, a refcount, to use it
// later). Fields that do not apply to the event's type are left at their defaults.
struct BrokerEvent {
  rules::BrokerEventType type{};
  // The client concerned: the connecting/disconnecting/subscribing one, the subscriber for
  // message_delivered / message_acked / delivery_dropped, the publisher for message_dropped.
  std::string_view client_id, username, peer, sockname;
  bool has_username = false;
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  // Connection events.
  bool clean_start = true, is_bridge = false;
  uint16_t keep_alive = 0;
  uint16_t receive_maximum = 65535;
  uint32_t expiry_interval = 0;  // seconds
  TimePoint connected_at{};      // steady clock, like `now`
  TimePoint now{};
  // disconnected: reason; connack: reason_code; message_dropped / delivery_dropped: reason.
  std::string_view reason;
  // authz_complete, session_(un)subscribed: the topic or filter; authz: action and result.
  std::string_view topic;
  bool subscribe = false;                    // authz: the action is subscribe (else publish)
  bool allowed = true;                       // authz: result
  bool acl_rule = false;                     // authz: an ACL rule decided (else the default)
  codec::QoS qos = codec::QoS::kAtMostOnce;  // subscription / delivery QoS
  // Message events: the message (its publisher in message->publisher_*), and the delivery's
  // flags.
  const MessageRef* message = nullptr;
  bool retain = false, dup = false;
  // conn_props, disconn_props, sub_props, unsub_props or puback_props (5.0).
  codec::Properties properties;
};

class PublishHook {
 public:
  virtual ~PublishHook() = default;
  // Bit (1 << BrokerEventType) per event OnEvent wants.
  uint32_t wanted_events() const { return wanted_events_.load(std::memory_order_relaxed); }
  void set_wanted_events(uint32_t mask) { wanted_events_.store(mask, std::memory_order_relaxed); }
  bool Wants(rules::BrokerEventType t) const {
    return (wanted_events() >> static_cast<unsigned>(t)) & 1u;
  }
  // Called only for the events wanted_events() names.
  virtual void OnEvent(const BrokerEvent&) {}
  // Cheap pre-filter: true if any rule's FROM filter may match `topic`.
  virtual bool WantsTopic(std::string_view topic) = 0;
  // Called only when WantsTopic(topic) returned true.
  virtual void OnPublish(const InboundMessage& message) = 0;
  // Back-pressure, asked on the broker thread after a read that fed OnPublish, and while any
  // connection is paused: true stops reading from the publishers that feed the hook until it
  // turns false (TCP flow control then slows them down instead of messages piling up).
  virtual bool Congested() { return false; }

 private:
  std::atomic<uint32_t> wanted_events_{0};
};

}  // namespace mqb::engine::broker
