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
// Thread-safety: both methods are called on the broker's reactor thread and must not block;
// OnPublish may keep `message.message` (a refcount) to process the message on another thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "codec/properties.h"
#include "codec/protocol.h"
#include "engine/broker/message.h"

namespace mqb::engine::broker {

struct InboundMessage {
  std::string_view topic;             // valid during the call; message->topic lives longer
  std::span<const uint8_t> payload;   // ditto
  MessageRef message;                 // keep this to use topic/payload/properties later
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  std::string_view client_id;
  std::string_view username;          // empty if none
  std::string_view peer;              // "ip:port"
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  // 5.0 properties as forwarded (user properties, content type, response topic, ...); the
  // Message Expiry Interval is in message->expires_at.
  codec::Properties properties;
};

class PublishHook {
 public:
  virtual ~PublishHook() = default;
  // Cheap pre-filter: true if any rule's FROM filter may match `topic`.
  virtual bool WantsTopic(std::string_view topic) = 0;
  // Called only when WantsTopic(topic) returned true.
  virtual void OnPublish(const InboundMessage& message) = 0;
  // Back-pressure, asked on the broker thread after a read that fed OnPublish, and while any
  // connection is paused: true stops reading from the publishers that feed the hook until it
  // turns false (TCP flow control then slows them down instead of messages piling up).
  virtual bool Congested() { return false; }
};

}  // namespace mqb::engine::broker
