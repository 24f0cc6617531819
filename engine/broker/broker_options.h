// BrokerOptions: everything the broker core needs, derived from engine::BrokerConfig by
// MakeBrokerOptions (broker.h). Keys of the [broker] section (defaults in brackets):
//   broker.max_keepalive       [65535 s]  Server Keep Alive cap (5.0 clients are told; 3.x
//                                          clients are held to their own value)
//   broker.connect_timeout     [10 s]     time to receive CONNECT after accept
//   broker.receive_maximum     [128]      inbound QoS 2 messages awaiting PUBREL per client
//   broker.topic_alias_maximum [64]       inbound topic aliases per 5.0 client
//   broker.outbound_topic_aliases [64]    aliases the broker assigns per 5.0 client, within the
//                                         client's Topic Alias Maximum (0: none)
//   broker.queue_qos0_offline  [false]    also queue QoS 0 for disconnected sessions
//   broker.retain_available    [true]
//
// Thread-safety: plain value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mqb::engine::broker {

struct BrokerOptions {
  bool allow_anonymous = true;
  std::string password_file;            // empty: no password file
  std::string acl_file;                 // empty: everything allowed
  uint32_t max_packet_size = 1u << 20;  // bytes, whole packet
  uint16_t max_inflight = 32;           // outbound QoS 1/2 per client (also capped by the
                                        // client's Receive Maximum)
  uint32_t max_queued_messages = 1000;  // per session
  uint32_t session_expiry_max = 7200;   // seconds
  uint16_t max_keepalive = 65535;
  std::chrono::milliseconds connect_timeout{10'000};
  uint16_t receive_maximum = 128;
  uint16_t topic_alias_maximum = 64;
  uint16_t outbound_topic_aliases = 64;  // aliases we assign per 5.0 client (0: none)
  bool queue_qos0_offline = false;
  bool retain_available = true;
};

}  // namespace mqb::engine::broker
