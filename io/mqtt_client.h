// MqttClient: an MqttSession bound to a Reactor connection, with reconnect.
//
// Owns at most one Connection at a time (TCP or TLS per the options), feeds the session, sends
// what it produces, keeps one reactor timer at the session's next deadline, and reconnects after
// a failure with exponential backoff and decorrelated jitter (reconnect_min .. reconnect_max;
// reset after a successful CONNACK). After reconnect the session resubscribes and resends its
// in-flight messages (see MqttSession).
//
// Name resolution runs off the reactor thread (ResolveAsync), so a slow DNS server never stalls
// the reactor's other connections; connect_timeout covers resolution, TCP, TLS and CONNACK
// together. A lookup that has not answered when it expires fails the attempt with
// "DNS failure: cannot resolve 'host': no answer within N ms".
//
// Status: kConnecting (resolving, TCP, TLS, waiting for CONNACK), kConnected, kDisconnected (with
// last_error(): the precise reason of the last failure; waiting for the next attempt, or stopped).
//
// Backpressure: Publish returns kWindowFull when the QoS 1/2 window is full or, for QoS 0, when
// the connection's send queue is full; OnWindowOpen follows when there is room again.
//
// Thread-safety: every method, and every handler callback, runs on the reactor's thread (post
// from other threads with Reactor::Post). The client must outlive its reactor's use of it: call
// Stop() and let the connection close before destroying it, or destroy it on the reactor thread
// (the destructor aborts the connection without callbacks).
#pragma once

#include <memory>
#include <random>
#include <span>
#include <string>

#include "io/connection.h"
#include "io/io_error.h"
#include "io/mqtt_session.h"
#include "io/reactor.h"
#include "io/resolver.h"
#include "io/tls.h"

namespace mqb::io {

enum class ClientStatus { kConnecting, kConnected, kDisconnected };
const char* ClientStatusName(ClientStatus status);

class MqttClientHandler : public MqttSessionHandler {
 public:
  virtual void OnStatus(ClientStatus /*status*/, const IoError& /*last_error*/) {}

 protected:
  ~MqttClientHandler() = default;
};

class MqttClient final : private ConnectionHandler, private MqttSessionHandler {
 public:
  MqttClient(Reactor& reactor, MqttClientOptions options, MqttClientHandler* handler);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting (and keeps reconnecting if auto_reconnect).
  void Start();
  // Sends DISCONNECT when connected, closes after flushing, stops reconnecting.
  void Stop();

  PublishStatus Publish(const OutboundMessage& message, uint16_t* packet_id = nullptr);
  uint16_t Subscribe(std::span<const SubscriptionRequest> subscriptions);
  uint16_t Unsubscribe(std::span<const std::string> filters);

  ClientStatus status() const { return status_; }
  const IoError& last_error() const { return last_error_; }
  const MqttSession& session() const { return session_; }
  int connect_attempts() const { return attempts_; }
  bool stopped() const { return stopped_ && conn_ == nullptr; }

 private:
  // ConnectionHandler
  void OnOpen(Connection& c) override;
  void OnData(Connection& c, std::span<const uint8_t> data) override;
  void OnWritable(Connection& c) override;
  void OnClose(Connection& c, const IoError& error) override;
  // MqttSessionHandler (forwarded to the user's handler)
  void OnConnected(bool session_present) override;
  void OnMessage(const codec::Publish& message) override;
  void OnPublishDone(uint16_t packet_id, codec::ReasonCode rc) override;
  void OnSubscribeDone(uint16_t packet_id, std::span<const uint8_t> codes) override;
  void OnUnsubscribeDone(uint16_t packet_id, std::span<const uint8_t> codes) override;
  void OnWindowOpen() override;

  void Attempt();
  void OnResolved(ResolveResult address);
  void CancelResolve();
  void CancelConnectTimer();
  void ScheduleReconnect();
  void Pump();
  void ArmTimer();
  void OnTimer();
  void SetStatus(ClientStatus status);

  Reactor& reactor_;
  MqttClientHandler* handler_;
  MqttSession session_;
  std::shared_ptr<const TlsContext> tls_;
  Connection* conn_ = nullptr;
  std::shared_ptr<PendingResolve> resolving_;  // set while the host is being looked up
  ClientStatus status_ = ClientStatus::kDisconnected;
  IoError last_error_;
  bool stopped_ = true;
  bool want_writable_ = false;
  int attempts_ = 0;
  Reactor::TimerId deadline_timer_ = 0;
  SteadyTime armed_deadline_ = SteadyTime::max();
  Reactor::TimerId connect_timer_ = 0;
  Reactor::TimerId reconnect_timer_ = 0;
  Millis backoff_{0};
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace mqb::io
