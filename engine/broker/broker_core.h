// BrokerCore: the sans-I/O MQTT 3.1 / 3.1.1 / 5.0 server. Bytes in, bytes out, no sockets,
// no clocks, no threads: the network binding (broker.h) or a test feeds it received bytes with
// the current time and calls Tick() periodically; the core writes packets to each client's
// Transport and closes transports when the protocol says so.
//
// What it implements (spec sections in docs/broker.md): CONNECT validation and CONNACK codes,
// client-id takeover, assigned client ids, keep-alive (1.5x), clean start and in-memory sessions
// with expiry, QoS 0/1/2 both ways with Receive Maximum and in-flight limits, a bounded queue per
// session, retained messages (retain handling, retain as published), wills with will delay,
// inbound topic aliases, Maximum Packet Size both ways, message expiry, subscription
// identifiers, user properties passed through, no_local, shared subscriptions (round-robin),
// server DISCONNECT with the matching reason code on protocol errors, authentication and ACLs
// (auth.h), the engine hook and the republish entry point (hooks.h).
//
// Fan-out: an accepted PUBLISH becomes one refcounted Message; each subscriber gets a Delivery
// (a MessageRef plus options) and the PUBLISH is written as {head, payload} iovecs, the head
// encoded into the client's reused scratch buffer. No per-subscriber payload copy or allocation
// (a queued or in-flight delivery may grow that session's deque/vector once).
//
// Lifecycle of a Client: Accept() -> OnData()* / OnWritable()* -> (the core calls
// transport->Close(), or the binding reports the socket closed) -> OnTransportClosed(), which
// frees the Client. The Client pointer is valid until OnTransportClosed returns.
//
// Thread-safety: not thread-safe. One thread (the broker's reactor) makes every call.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "codec/packet.h"
#include "engine/broker/auth.h"
#include "engine/broker/broker_options.h"
#include "engine/broker/counters.h"
#include "engine/broker/hooks.h"
#include "engine/broker/retained_store.h"
#include "engine/broker/session.h"
#include "engine/broker/subscription_trie.h"

namespace mqb::engine::broker {

// A message for the republish entry point. Views only: the caller keeps the bytes alive until
// Inject returns (Broker::Republish keeps them with the batch's owner).
struct InjectRequest {
  std::string_view topic;
  std::span<const uint8_t> payload;
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
  std::span<const std::pair<std::string_view, std::string_view>> user_properties;
  std::optional<uint32_t> message_expiry;  // seconds
  bool quiet = false;  // a rule republished it for a broker event: it raises no message events
};

// Republish requests handed over together; their views point into memory `owner` keeps alive
// (and into `user_properties`, which the requests' spans index).
struct InjectBatch {
  std::shared_ptr<const void> owner;
  std::vector<InjectRequest> requests;
  std::vector<std::pair<std::string_view, std::string_view>> user_properties;
};

class BrokerCore {
 public:
  // `auth` may be null (anonymous, no ACL); it must outlive the core.
  explicit BrokerCore(BrokerOptions options, const Authenticator* auth = nullptr);
  ~BrokerCore();
  BrokerCore(const BrokerCore&) = delete;
  BrokerCore& operator=(const BrokerCore&) = delete;

  // A new network connection. `transport` must stay valid until OnTransportClosed.
  // `peer` and `sockname`: "ip:port" of the client and of the listener end.
  Client* Accept(Transport* transport, std::string peer, TimePoint now, std::string sockname = {});
  void OnData(Client* client, std::span<const uint8_t> bytes, TimePoint now);
  // The transport can take more bytes again (after a Write returned false).
  void OnWritable(Client* client, TimePoint now);
  // The connection is gone (peer closed, I/O error, or after our Close()). Frees `client`.
  void OnTransportClosed(Client* client, TimePoint now);
  // Keep-alive and connect timeouts, session expiry, delayed wills. Call about once a second.
  void Tick(TimePoint now);
  // Sends v5 clients DISCONNECT "server shutting down" and closes every connection.
  void CloseAll(TimePoint now);

  // The republish entry point: routes `request` to subscribers (and the retained store) as if
  // published by a client, without offering it to the hook. Returns false if the topic is not
  // a valid topic name.
  bool Inject(const InjectRequest& request, TimePoint now);

  void set_publish_hook(PublishHook* hook) { hook_ = hook; }
  const BrokerCounters& counters() const { return counters_; }
  const BrokerOptions& options() const { return options_; }
  size_t client_count() const { return clients_.size(); }
  size_t session_count() const { return sessions_.size(); }
  size_t retained_count() const { return retained_.size(); }
  // The session of `client_id`, or nullptr (tests, admin).
  const Session* FindSession(std::string_view client_id) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Packet handlers (broker_connect.cc, broker_publish.cc, broker_subscribe.cc).
  void HandleFrame(Client& c, const codec::Frame& frame, TimePoint now);
  void HandleConnect(Client& c, const codec::Frame& frame, TimePoint now);
  void HandlePublish(Client& c, codec::Publish& p, TimePoint now);
  void HandlePuback(Client& c, const codec::Puback& p, TimePoint now);
  void HandlePubrec(Client& c, const codec::Pubrec& p, TimePoint now);
  void HandlePubrel(Client& c, const codec::Pubrel& p);
  void HandlePubcomp(Client& c, const codec::Pubcomp& p, TimePoint now);
  void HandleSubscribe(Client& c, const codec::Subscribe& s, TimePoint now);
  void HandleUnsubscribe(Client& c, const codec::Unsubscribe& u, TimePoint now);
  void HandleDisconnect(Client& c, const codec::Disconnect& d, TimePoint now);

  // Connection teardown. ProtocolError: v5 DISCONNECT with `rc` (when CONNACK was sent), close.
  void ProtocolError(Client& c, codec::ReasonCode rc, TimePoint now);
  void RefuseConnect(Client& c, codec::ReasonCode rc);
  // Detaches the session (will, expiry) and closes the transport; idempotent.
  void Shutdown(Client& c, TimePoint now, bool close_transport);
  void EndSession(Session* s, TimePoint now);  // destroys it (publishes a pending will)
  void PublishWill(const WillMessage& will, TimePoint now);

  // Routing and delivery (broker_route.cc).
  void Route(const MessageRef& m, TimePoint now);
  void Deliver(Session& s, Delivery&& d, TimePoint now);
  void Drain(Session& s, TimePoint now);
  void Resume(Session& s, TimePoint now);
  enum class SendResult { kSent, kWouldBlock, kTooLarge };
  SendResult SendPublish(Client& c, const Delivery& d, uint16_t packet_id, bool dup, TimePoint now);
  size_t InflightLimit(const Session& s) const;
  uint16_t NextPacketId(Session& s);
  void DeliverRetained(Session& s, std::string_view filter, const codec::SubscriptionOptions& o,
                       uint32_t sub_id, TimePoint now);

  // Broker events (broker_events.cc). Each is a no-op unless the hook wants its type; the
  // callers test Wants() first where building the arguments costs anything.
  bool Wants(rules::BrokerEventType t) const { return hook_ != nullptr && hook_->Wants(t); }
  bool WantsMessageEvents() const;
  void Raise(const BrokerEvent& e);  // OnEvent, counted in hook_calls
  void EmitConnack(const Client& c, codec::ReasonCode rc, TimePoint now);
  void EmitConnected(const Client& c, TimePoint now);
  void EmitDisconnected(const Client& c, TimePoint now);
  void EmitAuthz(const Client& c, std::string_view topic, bool subscribe, bool allowed,
                 bool acl_rule, TimePoint now);
  void EmitSubscription(const Client& c, bool subscribed, std::string_view filter, codec::QoS qos,
                        const codec::Properties& props, TimePoint now);
  void EmitDelivery(rules::BrokerEventType t, const Session& s, const Delivery& d, bool dup,
                    std::string_view reason, const codec::Properties& props, TimePoint now);
  void EmitMessageDropped(const MessageRef& m, TimePoint now);
  // The event name of a reason code ("not_authorized", "keepalive_timeout", ...).
  static const char* EventReason(codec::ReasonCode rc);

  // Output of control packets; false if the transport refused them.
  bool Send(Client& c, const codec::Packet& packet);
  // 5.0 DISCONNECT with `rc` and a Reason String naming it (some clients, e.g. paho 1.6, read
  // the reason code only when properties follow it).
  void SendDisconnect(Client& c, codec::ReasonCode rc);

  BrokerOptions options_;
  const Authenticator* auth_;
  PublishHook* hook_ = nullptr;
  BrokerCounters counters_;
  SubscriptionTrie trie_;
  RetainedStore retained_;
  std::unordered_map<std::string, std::unique_ptr<Session>, Hash, std::equal_to<>> sessions_;
  std::unordered_set<Client*> clients_;
  uint64_t next_session_id_ = 1;
  uint64_t assigned_id_counter_ = 0;
  uint64_t route_epoch_ = 0;
  std::vector<Delivery> targets_;          // fan-out scratch (reused)
  std::vector<Session*> target_sessions_;  // parallel to targets_
  std::vector<Session*> expiring_scratch_;
  // While HandleConnect runs: the CONNECT (for client_connack of a refusal) and, while
  // HandleDisconnect runs, the DISCONNECT's properties (for client_disconnected).
  const codec::Connect* connecting_ = nullptr;
  codec::Properties disconnect_props_;
};

}  // namespace mqb::engine::broker
