#include "io/mqtt_client.h"

#include <algorithm>

namespace mqb::io {

namespace {
SteadyTime Now() { return std::chrono::steady_clock::now(); }
}  // namespace

const char* ClientStatusName(ClientStatus status) {
  switch (status) {
    case ClientStatus::kConnecting:
      return "connecting";
    case ClientStatus::kConnected:
      return "connected";
    case ClientStatus::kDisconnected:
      return "disconnected";
  }
  return "?";
}

MqttClient::MqttClient(Reactor& reactor, MqttClientOptions options, MqttClientHandler* handler)
    : reactor_(reactor), handler_(handler), session_(std::move(options), this) {}

MqttClient::~MqttClient() {
  CancelResolve();
  if (deadline_timer_ != 0) reactor_.CancelTimer(deadline_timer_);
  if (connect_timer_ != 0) reactor_.CancelTimer(connect_timer_);
  if (reconnect_timer_ != 0) reactor_.CancelTimer(reconnect_timer_);
  if (conn_ != nullptr) {
    Connection* c = conn_;
    conn_ = nullptr;
    c->set_handler(nullptr);
    c->Abort({IoErrc::kClosedLocally, 0, "client destroyed"});
  }
}

void MqttClient::SetStatus(ClientStatus status) {
  if (status == status_ && status != ClientStatus::kDisconnected) return;
  status_ = status;
  if (handler_ != nullptr) handler_->OnStatus(status_, last_error_);
}

void MqttClient::Start() {
  if (!stopped_) return;
  stopped_ = false;
  const MqttClientOptions& o = session_.options();
  if (o.tls_enable && tls_ == nullptr) {
    auto ctx = TlsContext::CreateClient(o.tls);
    if (!ctx.ok()) {
      last_error_ = {IoErrc::kTls, 0, ctx.error()};
      stopped_ = true;
      SetStatus(ClientStatus::kDisconnected);
      return;
    }
    tls_ = ctx.value();
  }
  backoff_ = Millis(0);
  Attempt();
}

void MqttClient::Attempt() {
  reconnect_timer_ = 0;
  if (stopped_ || conn_ != nullptr || resolving_ != nullptr) return;
  ++attempts_;
  SetStatus(ClientStatus::kConnecting);
  const MqttClientOptions& o = session_.options();
  // One deadline for resolution, TCP, TLS and CONNACK.
  connect_timer_ = reactor_.AddTimer(o.connect_timeout, [this] {
    connect_timer_ = 0;
    const auto ms = std::to_string(session_.options().connect_timeout.count());
    if (resolving_ != nullptr) {
      CancelResolve();
      last_error_ = {IoErrc::kDns, 0,
                     "DNS failure: cannot resolve '" + session_.options().host +
                         "': no answer within " + ms + " ms"};
      SetStatus(ClientStatus::kDisconnected);
      ScheduleReconnect();
      return;
    }
    if (conn_ != nullptr && session_.state() == MqttSession::State::kDisconnected) {
      conn_->Abort({IoErrc::kTimeout, 0,
                    "connect timed out after " + ms + " ms" +
                        (conn_->state() == Connection::State::kHandshaking ? " (TLS handshake)"
                                                                           : " (TCP)")});
    }
  });
  resolving_ = ResolveAsync(reactor_, o.host, o.port, [this](ResolveResult address) {
    resolving_.reset();
    OnResolved(std::move(address));
  });
}

void MqttClient::OnResolved(ResolveResult address) {
  if (!address.ok()) {
    CancelConnectTimer();
    last_error_ = address.error();
    SetStatus(ClientStatus::kDisconnected);
    ScheduleReconnect();
    return;
  }
  const MqttClientOptions& o = session_.options();
  ConnectionOptions co;
  co.max_send_queue = 8 << 20;
  co.tls = tls_;
  co.tls_server_name = o.host;
  conn_ = Connection::Connect(reactor_, address->storage, address->length, this, co);
}

void MqttClient::CancelResolve() {
  if (resolving_ == nullptr) return;
  resolving_->Cancel();
  resolving_.reset();
}

void MqttClient::CancelConnectTimer() {
  if (connect_timer_ != 0) {
    reactor_.CancelTimer(connect_timer_);
    connect_timer_ = 0;
  }
}

void MqttClient::ScheduleReconnect() {
  const MqttClientOptions& o = session_.options();
  if (stopped_ || !o.auto_reconnect) {
    stopped_ = true;
    return;
  }
  // Decorrelated jitter: next in [min, 3 * previous], capped at max.
  const auto lo = o.reconnect_min.count();
  const auto hi = std::max<int64_t>(
      lo, std::min<int64_t>(o.reconnect_max.count(), std::max<int64_t>(lo, backoff_.count()) * 3));
  std::uniform_int_distribution<int64_t> pick(lo, hi);
  backoff_ = Millis(pick(rng_));
  reconnect_timer_ = reactor_.AddTimer(backoff_, [this] { Attempt(); });
}

void MqttClient::Stop() {
  if (stopped_ && conn_ == nullptr) return;
  stopped_ = true;
  if (reconnect_timer_ != 0) {
    reactor_.CancelTimer(reconnect_timer_);
    reconnect_timer_ = 0;
  }
  if (resolving_ != nullptr) {
    // Like aborting a connection attempt: the lookup's result will be ignored.
    CancelResolve();
    CancelConnectTimer();
    last_error_ = {IoErrc::kClosedLocally, 0, "stopped"};
    SetStatus(ClientStatus::kDisconnected);
    return;
  }
  if (conn_ == nullptr) return;
  if (session_.state() == MqttSession::State::kConnected) {
    session_.Disconnect();
    Pump();
    if (conn_ != nullptr) conn_->Close();
  } else {
    conn_->Abort({IoErrc::kClosedLocally, 0, "stopped"});
  }
}

void MqttClient::OnOpen(Connection& /*c*/) {
  CancelConnectTimer();
  session_.TransportOpen(Now());
  Pump();
}

void MqttClient::OnData(Connection& /*c*/, std::span<const uint8_t> data) {
  session_.Receive(data, Now());
  Pump();
}

void MqttClient::OnWritable(Connection& /*c*/) {
  if (want_writable_) {
    want_writable_ = false;
    if (handler_ != nullptr) handler_->OnWindowOpen();
  }
}

void MqttClient::OnClose(Connection& /*c*/, const IoError& error) {
  conn_ = nullptr;
  CancelConnectTimer();
  if (deadline_timer_ != 0) {
    reactor_.CancelTimer(deadline_timer_);
    deadline_timer_ = 0;
    armed_deadline_ = SteadyTime::max();
  }
  const bool was_connecting = session_.state() != MqttSession::State::kConnected;
  last_error_ = session_.close_requested() ? session_.close_reason() : error;
  if (was_connecting && last_error_.code == IoErrc::kClosedByPeer) {
    last_error_.message = "connection closed by broker before CONNACK";
  }
  session_.TransportClosed(Now());
  SetStatus(ClientStatus::kDisconnected);
  ScheduleReconnect();
}

void MqttClient::Pump() {
  if (conn_ == nullptr) return;
  auto out = session_.output();
  if (!out.empty()) {
    (void)conn_->SendAlways(out);
    session_.ConsumeOutput();
  }
  if (session_.close_requested()) {
    const IoError reason = session_.close_reason();
    // A hung broker (timeouts) cannot be flushed to; a protocol error may carry a DISCONNECT.
    if (reason.code == IoErrc::kTimeout) {
      conn_->Abort(reason);
    } else {
      conn_->Close();
    }
    return;
  }
  ArmTimer();
}

void MqttClient::ArmTimer() {
  const SteadyTime deadline = session_.next_deadline();
  if (deadline == SteadyTime::max() || deadline >= armed_deadline_) return;
  if (deadline_timer_ != 0) reactor_.CancelTimer(deadline_timer_);
  armed_deadline_ = deadline;
  deadline_timer_ = reactor_.AddTimer(std::max(SteadyTime::duration::zero(), deadline - Now()),
                                      [this] { OnTimer(); });
}

void MqttClient::OnTimer() {
  deadline_timer_ = 0;
  armed_deadline_ = SteadyTime::max();
  if (conn_ == nullptr) return;
  session_.Tick(Now());
  Pump();
}

PublishStatus MqttClient::Publish(const OutboundMessage& message, uint16_t* packet_id) {
  if (message.qos == codec::QoS::kAtMostOnce && conn_ != nullptr &&
      !conn_->CanSend(message.payload.size() + message.topic.size() + 16)) {
    want_writable_ = true;
    conn_->NotifyWhenWritable();
    return PublishStatus::kWindowFull;
  }
  PublishStatus st = session_.Publish(message, Now(), packet_id);
  if (st == PublishStatus::kOk) Pump();
  return st;
}

uint16_t MqttClient::Subscribe(std::span<const SubscriptionRequest> subscriptions) {
  uint16_t id = session_.Subscribe(subscriptions, Now());
  Pump();
  return id;
}

uint16_t MqttClient::Unsubscribe(std::span<const std::string> filters) {
  uint16_t id = session_.Unsubscribe(filters, Now());
  Pump();
  return id;
}

void MqttClient::OnConnected(bool session_present) {
  backoff_ = Millis(0);
  last_error_ = {};
  SetStatus(ClientStatus::kConnected);
  if (handler_ != nullptr) handler_->OnConnected(session_present);
}

void MqttClient::OnMessage(const codec::Publish& message) {
  if (handler_ != nullptr) handler_->OnMessage(message);
}

void MqttClient::OnPublishDone(uint16_t packet_id, codec::ReasonCode rc) {
  if (handler_ != nullptr) handler_->OnPublishDone(packet_id, rc);
}

void MqttClient::OnSubscribeDone(uint16_t packet_id, std::span<const uint8_t> codes) {
  if (handler_ != nullptr) handler_->OnSubscribeDone(packet_id, codes);
}

void MqttClient::OnUnsubscribeDone(uint16_t packet_id, std::span<const uint8_t> codes) {
  if (handler_ != nullptr) handler_->OnUnsubscribeDone(packet_id, codes);
}

void MqttClient::OnWindowOpen() {
  if (handler_ != nullptr) handler_->OnWindowOpen();
}

}  // namespace mqb::io
