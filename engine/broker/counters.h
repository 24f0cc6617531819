// BrokerCounters: monotonically increasing event counts of one broker, including every message
// the broker drops, by reason.
//
// Thread-safety: plain values owned by the broker's reactor thread; Broker::counters() returns a
// consistent copy taken on that thread.
#pragma once

#include <cstdint>

namespace mqb::engine::broker {

struct BrokerCounters {
  uint64_t connections_accepted = 0;
  uint64_t connects_accepted = 0;  // CONNACK success sent
  uint64_t connects_refused = 0;   // CONNACK failure sent
  uint64_t auth_failures = 0;
  uint64_t takeovers = 0;
  uint64_t keepalive_timeouts = 0;
  uint64_t connect_timeouts = 0;
  uint64_t protocol_errors = 0;  // offender disconnected
  uint64_t publishes_received = 0;
  uint64_t publishes_injected = 0;
  uint64_t publishes_sent = 0;
  uint64_t hook_calls = 0;
  uint64_t wills_published = 0;
  uint64_t sessions_expired = 0;
  // Drops, by reason.
  uint64_t dropped_queue_full = 0;        // offline/backlog queue at max_queued_messages
  uint64_t dropped_expired = 0;           // message expiry interval elapsed before delivery
  uint64_t dropped_qos0_offline = 0;      // QoS 0 for a disconnected session
  uint64_t dropped_send_buffer_full = 0;  // QoS 0 to a client whose send buffer is full
  uint64_t dropped_too_large = 0;         // larger than the client's Maximum Packet Size
  uint64_t dropped_not_authorized = 0;    // PUBLISH denied by ACL
  uint64_t dropped_no_subscribers = 0;    // accepted but nobody subscribed (not an error)
};

}  // namespace mqb::engine::broker
