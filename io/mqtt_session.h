// MqttSession: the sans-I/O MQTT client protocol core (3.1, 3.1.1, 5.0).
//
// Bytes in, events and bytes out, timers requested; no sockets or clocks inside. The owner (see
// MqttClient for the reactor binding) feeds it:
//   TransportOpen(now)        the byte stream is up      -> CONNECT is queued
//   Receive(bytes, now)       bytes from the broker      -> handler events, replies queued
//   Tick(now)                 at or after next_deadline() -> PINGREQ, resends, timeouts
//   TransportClosed(now)      the byte stream is gone    -> state kDisconnected
// and after every call: sends output() and calls ConsumeOutput(); if close_requested(), closes
// the transport with close_reason(); re-arms its one timer at next_deadline().
//
// What it implements: CONNECT (client id, credentials, keepalive, clean start, will, bridge bit
// for 3.x, 5.0 properties), distinct CONNACK failures, QoS 0/1/2 publish with an in-flight window
// (min(max_inflight, broker Receive Maximum)), packet-id allocation, DUP resend after
// retry_interval and after reconnect, inbound QoS 1/2 (exactly-once for QoS 2 by packet id),
// SUBSCRIBE/UNSUBSCRIBE with 5.0 options and Subscription Identifiers (remembered and re-sent
// after reconnect; one SUBSCRIBE per distinct identifier, since a packet carries at most one; not
// sent when the broker's CONNACK says Subscription Identifier Available = 0), topic aliases
// both ways, Maximum Packet Size both ways, Server Keep Alive, user properties, reason codes in
// acks, PINGREQ every keepalive with a PINGRESP deadline (a hung broker is detected, not only a
// closed socket), CONNACK timeout.
//
// In-flight messages survive TransportClosed and are resent (DUP) after the next CONNACK, before
// any new message, in their original order.
//
// Thread-safety: distinct objects safe, shared objects unsafe (one reactor thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/framer.h"
#include "codec/packet.h"
#include "codec/properties.h"
#include "codec/subscribe.h"
#include "io/io_error.h"
#include "io/mqtt_options.h"
#include "io/packet_ids.h"

namespace mqb::io {

using SteadyTime = std::chrono::steady_clock::time_point;

// Callbacks; each is invoked before the MqttSession call that caused it returns.
class MqttSessionHandler {
 public:
  virtual void OnConnected(bool /*session_present*/) {}
  // An application message. `message.topic` is resolved (never an empty alias-only topic). The
  // views are valid only during the call.
  virtual void OnMessage(const codec::Publish& message) = 0;
  // A QoS 1/2 publish finished: PUBACK / PUBCOMP (or a failure reason code in PUBREC/PUBACK).
  virtual void OnPublishDone(uint16_t /*packet_id*/, codec::ReasonCode /*rc*/) {}
  virtual void OnSubscribeDone(uint16_t /*packet_id*/, std::span<const uint8_t> /*codes*/) {}
  virtual void OnUnsubscribeDone(uint16_t /*packet_id*/, std::span<const uint8_t> /*codes*/) {}
  // The in-flight window has room again after Publish returned kWindowFull.
  virtual void OnWindowOpen() {}

 protected:
  ~MqttSessionHandler() = default;
};

struct OutboundMessage {
  std::string_view topic;
  std::span<const uint8_t> payload;
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  codec::Properties properties;  // 5.0 PUBLISH properties (user properties, expiry, ...)
};

struct SubscriptionRequest {
  std::string filter;
  codec::SubscriptionOptions options;
  // 5.0 Subscription Identifier (1..268435455) the broker attaches to messages matching this
  // subscription; 0: none. Ignored on 3.x connections.
  uint32_t subscription_id = 0;
};

enum class PublishStatus {
  kOk,            // queued (QoS 0) or accepted into the window (QoS 1/2; sent when connected)
  kWindowFull,    // in-flight window full: retry after OnWindowOpen
  kNotConnected,  // QoS 0 while not connected
  kTooLarge,      // exceeds the broker's Maximum Packet Size
  kInvalid,       // the codec refused it (bad topic, too long, ...)
};

class MqttSession {
 public:
  enum class State { kDisconnected, kConnecting, kConnected };

  MqttSession(MqttClientOptions options, MqttSessionHandler* handler);
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  void TransportOpen(SteadyTime now);
  void Receive(std::span<const uint8_t> bytes, SteadyTime now);
  void Tick(SteadyTime now);
  void TransportClosed(SteadyTime now);

  // QoS 1/2: `*packet_id` receives the id used (reported again in OnPublishDone).
  PublishStatus Publish(const OutboundMessage& message, SteadyTime now,
                        uint16_t* packet_id = nullptr);
  // Returns the packet id (0 if not connected: the subscriptions are still remembered and sent
  // after the next CONNACK). Requests with different subscription ids go in separate SUBSCRIBE
  // packets (in order of first appearance); the id returned is the first packet's.
  uint16_t Subscribe(std::span<const SubscriptionRequest> subscriptions, SteadyTime now);
  uint16_t Unsubscribe(std::span<const std::string> filters, SteadyTime now);
  // Queues DISCONNECT; the owner closes the transport after flushing.
  void Disconnect(codec::ReasonCode reason = codec::ReasonCode::kNormalDisconnection);

  std::span<const uint8_t> output() const { return out_; }
  void ConsumeOutput() { out_.clear(); }
  bool close_requested() const { return close_requested_; }
  const IoError& close_reason() const { return close_reason_; }
  SteadyTime next_deadline() const;

  State state() const { return state_; }
  size_t inflight() const { return inflight_count_; }
  size_t window() const;
  const MqttClientOptions& options() const { return options_; }
  uint16_t effective_keepalive_s() const { return keepalive_s_; }
  uint32_t broker_maximum_packet_size() const { return broker_max_packet_; }
  uint16_t broker_topic_alias_maximum() const { return broker_alias_max_; }
  // False after a 5.0 CONNACK with Subscription Identifier Available = 0 (and on 3.x).
  bool subscription_ids_available() const {
    return broker_sub_ids_ && options_.version == codec::ProtocolVersion::kV5;
  }

 private:
  enum class Stage : uint8_t { kFree, kUnsent, kAwaitPuback, kAwaitPubrec, kAwaitPubcomp };
  struct Slot {
    Stage stage = Stage::kFree;
    uint16_t packet_id = 0;
    uint64_t seq = 0;
    SteadyTime sent_at{};
    std::vector<uint8_t> packet;  // the PUBLISH with the full topic (no alias), for resends
  };

  void Fail(IoErrc code, std::string message, int detail = 0);
  void ProtocolViolation(codec::ReasonCode rc, std::string message);
  bool Append(const codec::Packet& packet);
  void HandlePacket(const codec::Packet& packet, SteadyTime now);
  void HandleConnack(const codec::Connack& connack, SteadyTime now);
  void HandlePublish(const codec::Publish& publish);
  void HandleAck(codec::PacketType type, uint16_t id, codec::ReasonCode rc, SteadyTime now);
  void SendPublishSlot(Slot& slot, bool dup, SteadyTime now);
  void SendPubrel(uint16_t id);
  void FreeSlot(Slot& slot);
  // Sends `subs` as one SUBSCRIBE per distinct (effective) subscription id; returns the first
  // packet id, 0 if none was sent.
  uint16_t SendSubscribes(std::span<const SubscriptionRequest> subs);
  // The Subscription Identifier actually sent for `s` (0 on 3.x or if the broker has none).
  uint32_t EffectiveSubscriptionId(const SubscriptionRequest& s) const;
  void ResumeAfterConnack(bool session_present, SteadyTime now);
  Slot* FindSlot(uint16_t id);
  Slot* FreeSlotFor();
  bool InboundQos2(uint16_t id) const { return (qos2_in_[id >> 6] >> (id & 63)) & 1; }
  void SetInboundQos2(uint16_t id, bool on);

  MqttClientOptions options_;
  MqttSessionHandler* handler_;
  State state_ = State::kDisconnected;
  codec::Framer framer_;
  std::vector<uint8_t> out_;
  std::vector<uint8_t> scratch_;
  bool close_requested_ = false;
  IoError close_reason_;

  // Negotiated at CONNACK.
  uint16_t keepalive_s_;
  uint16_t broker_receive_max_ = 65535;
  uint32_t broker_max_packet_ = 0;
  uint16_t broker_alias_max_ = 0;
  bool broker_sub_ids_ = true;  // Subscription Identifier Available

  // Timers.
  SteadyTime connect_deadline_ = SteadyTime::max();
  SteadyTime next_ping_ = SteadyTime::max();
  SteadyTime pingresp_deadline_ = SteadyTime::max();

  // Outbound QoS 1/2.
  PacketIdPool ids_;
  std::vector<Slot> slots_;
  size_t inflight_count_ = 0;
  uint64_t next_seq_ = 1;
  bool window_was_full_ = false;

  // Topic aliases: ours towards the broker, and the broker's towards us.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint16_t, StringHash, std::equal_to<>> out_aliases_;
  std::vector<std::string> in_aliases_;

  // Inbound QoS 2 ids awaiting PUBREL (exactly-once delivery).
  std::vector<uint64_t> qos2_in_ = std::vector<uint64_t>(1024, 0);

  // Subscriptions to restore after reconnect, and requests awaiting their acks.
  std::vector<SubscriptionRequest> subscriptions_;
  std::vector<uint16_t> pending_sub_ids_;
};

const char* MqttStateName(MqttSession::State state);
// "bad username or password", "not authorized", ... for a CONNACK code of `version`.
std::string ConnackReason(codec::ProtocolVersion version, uint8_t code);

}  // namespace mqb::io
