// Message: one application message inside the broker, shared by every subscriber it is routed
// to. The topic, payload and forwarded 5.0 properties are stored once; subscribers, offline
// queues, in-flight windows and the retained store hold MessageRef (a refcount), never a copy.
//
// Forwarded properties are the PUBLISH properties the spec says the server passes on unchanged
// (Payload Format Indicator, Content Type, Response Topic, Correlation Data, User Properties),
// already encoded. Topic Alias and Subscription Identifiers are per hop and are dropped; the
// Message Expiry Interval is kept as an absolute deadline and re-encoded as the remaining time
// on every send (spec 3.3.2.3.3).
//
// Thread-safety: a Message is immutable once built; MessageRef may be shared across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/properties.h"
#include "codec/protocol.h"

namespace mqb::engine::broker {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct Message {
  std::string topic;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> properties;  // encoded forwarded 5.0 properties (see above)
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  bool has_expiry = false;
  TimePoint expires_at{};
  uint64_t origin_session = 0;  // the publishing session (no_local); 0 for injected messages
  bool injected = false;        // came through the republish entry point, not from a client
  bool quiet = false;           // raises no message events (republished because of an event)
  TimePoint received_at{};      // when the broker took it (publish_received_at)
  // The publisher, kept only while a rule reads message events (from_clientid, ...).
  std::string publisher_id, publisher_username, publisher_peer;

  bool Expired(TimePoint now) const { return has_expiry && now >= expires_at; }
  codec::Properties forwarded_properties() const {
    return codec::Properties::FromValidated(properties);
  }
};

using MessageRef = std::shared_ptr<const Message>;

// Copies the forwardable properties of an inbound PUBLISH/Will block into `out` (see above) and
// returns the Message Expiry Interval if present.
std::optional<uint32_t> ExtractForwardedProperties(const codec::Properties& in,
                                                   std::vector<uint8_t>& out);

}  // namespace mqb::engine::broker
