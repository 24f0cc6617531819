// EventBatch: the unit that crosses threads on the data path. Producers (the broker's reactor
// thread for local publishes, connector reactor threads for source messages) append events to
// their current batch; the collector takes whole batches and feeds them to the rule pipeline,
// which adds the rendered outbound messages (OutMsg) to the same batch; sink queues keep the batch
// alive (shared_ptr) until every message rendered into it has been sent or dropped.
//
// Strings of an event or an output live in the batch's byte stores (`bytes`, `out_bytes`) and are
// referenced by offset, so a batch that is recycled keeps its capacity: after warm-up, filling a
// batch allocates nothing per message.
//
// Thread-safety: a batch is owned by one thread at a time (producer -> collector -> pipeline
// worker -> dispatcher); after dispatch it is immutable and shared read-only by sink queues.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/broker/message.h"

namespace mqb::engine::bridge {

struct Plan;

// Wall-clock milliseconds since the epoch (Event::received_at_ms, the rules' timestamps).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A slice of a byte store.
struct Slice {
  uint32_t off = 0, len = 0;
  std::string_view In(const std::string& store) const {
    return std::string_view(store).substr(off, len);
  }
};

inline Slice Append(std::string& store, std::string_view s) {
  Slice sl{static_cast<uint32_t>(store.size()), static_cast<uint32_t>(s.size())};
  store.append(s);
  return sl;
}

// One input message.
struct Event {
  // Local publish: the broker's message (topic, payload, forwarded properties).
  broker::MessageRef msg;
  // Local publish: clientid, username, peer. Source message: topic, payload, properties.
  Slice clientid, username, peer;
  Slice topic, payload, properties;
  int source = -1;  // stable id of the source it came through, -1: local publish
  // Broker event: 1 + rules::BrokerEventType (0: a message); `msg` is its message, if any, and
  // `columns` the event's own columns as a JSON object (EventColumns).
  uint8_t broker_event = 0;
  Slice columns;
  int origin_connector = -1;  // connector of that source (loop prevention)
  uint8_t qos = 0;
  bool retain = false, dup = false, has_username = false;
  uint8_t version = 4;  // MQTT version of the publisher (local) or of the source connection
  int64_t received_at_ms = 0;
  uint64_t hash = 0;  // dispatch hash: the publisher's client id (or the topic)
};

// One rendered outbound message.
struct OutMsg {
  enum class Kind : uint8_t { kSink, kRepublish };
  Kind kind = Kind::kSink;
  uint8_t qos = 0;
  bool retain = false;
  uint32_t action = 0;               // sink: action index; republish: unused
  uint32_t conn = 0;                 // sink: pool connection index
  uint32_t rule = 0;                 // rule index (for rule action metrics)
  Slice topic, payload, properties;  // in out_bytes; properties: encoded 5.0 PUBLISH properties
  Slice user_props;                  // republish: pairs encoded as [u32 klen][k][u32 vlen][v]...
  int64_t expiry_s = -1;             // republish: Message Expiry Interval, -1 none
  bool quiet = false;                // republish for a broker event: raises no message events
};

struct EventBatch {
  uint64_t seq = 0;
  uint32_t local_events = 0;  // events from the local broker (set by the evaluate stage)
  // The plan the batch is evaluated and rendered with (set on submission, kept while any of its
  // messages is queued), so indices in `outs` stay meaningful across a reload.
  std::shared_ptr<const Plan> plan;
  std::vector<Event> events;
  std::string bytes;
  std::vector<OutMsg> outs;
  std::string out_bytes;
  // Producer side only: a full batch is followed by the next one (Producer::Add), so batches
  // stay bounded (kMaxEvents) and recycled ones keep a steady capacity. `tail` is valid on the
  // first batch of a chain.
  EventBatch* next = nullptr;
  EventBatch* tail = nullptr;
  static constexpr size_t kMaxEvents = 1024;
  // Padding so payloads copied into `bytes` can be JSON-parsed in place is not kept: the evaluator
  // copies a payload into its own padded buffer when a rule reads payload fields.

  void Clear() {
    events.clear();
    bytes.clear();
    outs.clear();
    out_bytes.clear();
    plan.reset();
    next = tail = nullptr;
    seq = 0;
    local_events = 0;
  }
};

using BatchRef = std::shared_ptr<EventBatch>;

}  // namespace mqb::engine::bridge
