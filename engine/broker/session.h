// Session and Client: the broker's per-client-id state (Session, survives disconnects until it
// expires) and per-network-connection state (Client, lives as long as the connection).
//
// Invariants:
//  1. session->client == client iff client->session == session and client->state == kConnected.
//  2. Session::inflight holds at most InflightLimit() outbound QoS 1/2 messages, in send order;
//     Session::queue holds only QoS 1/2 messages (plus QoS 0 if queue_qos0_offline), at most
//     max_queued_messages.
//  3. Every subscription in Session::subscriptions is also in the broker's SubscriptionTrie.
//
// Thread-safety: plain state owned by BrokerCore (single reactor thread).
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/framer.h"
#include "codec/protocol.h"
#include "codec/subscribe.h"
#include "engine/broker/message.h"

namespace mqb::engine::broker {

// The byte sink of one network connection (implemented by the network binding and by tests).
class Transport {
 public:
  virtual ~Transport() = default;
  // Queues the concatenation of `parts` for sending; false (nothing queued) if the connection's
  // send buffer cannot take it now. OnWritable follows once it can.
  virtual bool Write(std::span<const iovec> parts) = 0;
  // Flushes what is queued, then closes. The core calls nothing on the transport afterwards and
  // waits for BrokerCore::OnTransportClosed, which must not be called from inside Close() (the
  // binding defers it until the current core call has returned).
  virtual void Close() = 0;
};

// One outbound delivery: a message with the options of the subscription(s) it matched.
struct Delivery {
  static constexpr size_t kMaxIds = 4;  // subscription identifiers kept per delivery
  MessageRef message;
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  uint8_t id_count = 0;
  std::array<uint32_t, kMaxIds> ids{};
  void AddId(uint32_t id) {
    if (id != 0 && id_count < kMaxIds) ids[id_count++] = id;
  }
};

struct Inflight {
  Delivery delivery;
  uint16_t packet_id = 0;
  bool released = false;  // QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP
};

struct WillMessage {
  MessageRef message;                     // expires_at unset; set from `expiry` when published
  uint32_t delay = 0;                     // seconds
  std::optional<uint32_t> expiry;         // Message Expiry Interval, seconds
  std::string client_id, username, peer;  // for the engine hook
};

struct Client;

struct SessionSubscription {
  std::string group;   // empty: not shared
  std::string filter;  // without the $share prefix
  codec::SubscriptionOptions options;
  uint32_t subscription_id = 0;
};

struct Session {
  std::string client_id;
  uint64_t id = 0;               // unique per session object (no_local, logs)
  Client* client = nullptr;      // attached connection, or nullptr while offline
  uint32_t expiry_interval = 0;  // seconds after disconnect; 0xFFFFFFFF: never
  TimePoint expires_at{};        // valid while offline
  std::map<std::string, SessionSubscription> subscriptions;  // by full filter as subscribed
  std::vector<Inflight> inflight;
  std::deque<Delivery> queue;
  std::vector<uint16_t> inbound_qos2;  // packet ids awaiting PUBREL (PUBREC sent)
  uint16_t next_packet_id = 1;
  std::optional<WillMessage> delayed_will;
  TimePoint will_at{};
  // Routing scratch: the index of this session in the current fan-out (dedupe without maps).
  uint64_t route_epoch = 0;
  size_t route_index = 0;
};

// Hashes topics as string_views, so lookups by a view do not build a std::string.
struct TopicHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Client {
  enum class State { kAwaitConnect, kConnected, kClosed };
  Transport* transport = nullptr;
  std::string peer;
  std::string sockname;  // the listener end, "ip:port"
  State state = State::kAwaitConnect;
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  codec::Framer framer;
  Session* session = nullptr;
  std::string client_id;
  std::string username;
  bool has_username = false;
  TimePoint accepted_at{};
  TimePoint connected_at{};  // when CONNECT was accepted
  // Why the connection ends, for client_disconnected (EMQX's reason names); the peer closing
  // the socket unless something else said first.
  const char* disconnect_reason = "tcp_closed";
  // From CONNECT, for the connection events.
  bool clean_start = true, is_bridge = false;
  uint32_t expiry_requested = 0;  // Session Expiry Interval asked for, seconds
  TimePoint last_received{};
  uint16_t keep_alive = 0;  // seconds, as granted
  // Limits the client set in CONNECT (5.0).
  uint16_t receive_maximum = 65535;
  uint32_t maximum_packet_size = 0;        // 0: none
  std::vector<std::string> topic_aliases;  // inbound alias -> topic (index alias-1)
  // Outbound topic aliases (5.0): topic -> alias this connection has been told, at most
  // out_alias_max (the lower of the client's Topic Alias Maximum and ours); assigned first come,
  // never replaced, so a stable set of topics keeps its aliases.
  uint16_t out_alias_max = 0;
  std::unordered_map<std::string, uint16_t, TopicHash, std::equal_to<>> out_aliases;
  bool session_expiry_zero_at_connect = false;
  std::optional<WillMessage> will;
  bool closing_with_will = true;       // false after a normal DISCONNECT
  std::vector<uint8_t> scratch;        // encoding buffer reused for every packet sent
  std::vector<uint8_t> props_scratch;  // outbound PUBLISH properties, reused
};

}  // namespace mqb::engine::broker
