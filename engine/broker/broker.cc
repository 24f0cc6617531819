#include "engine/broker/broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <future>

#include "io/connection.h"
#include "io/listener.h"
#include "io/reactor.h"
#include "io/tls.h"

namespace mqb::engine::broker {

BrokerOptions MakeBrokerOptions(const BrokerConfig& config) {
  BrokerOptions o;
  o.allow_anonymous = config.allow_anonymous;
  o.password_file = config.password_file;
  o.acl_file = config.acl_file;
  o.max_packet_size =
      static_cast<uint32_t>(std::min<uint64_t>(config.max_packet_size, codec::kMaxPacketSize));
  o.max_inflight = static_cast<uint16_t>(std::clamp(config.max_inflight, 1, 65535));
  o.max_queued_messages =
      static_cast<uint32_t>(std::min<uint64_t>(config.max_queued_messages, UINT32_MAX));
  o.session_expiry_max = static_cast<uint32_t>(
      std::min<int64_t>(config.session_expiry_max.count() / 1000, UINT32_MAX));
  o.max_keepalive =
      static_cast<uint16_t>(std::clamp<int64_t>(config.max_keepalive.count() / 1000, 1, 65535));
  o.connect_timeout = config.connect_timeout;
  o.receive_maximum = static_cast<uint16_t>(std::clamp(config.receive_maximum, 1, 65535));
  o.topic_alias_maximum = static_cast<uint16_t>(std::clamp(config.topic_alias_maximum, 0, 65535));
  o.outbound_topic_aliases =
      static_cast<uint16_t>(std::clamp(config.outbound_topic_aliases, 0, 65535));
  o.queue_qos0_offline = config.queue_qos0_offline;
  o.retain_available = config.retain_available;
  return o;
}

namespace {

// How long a closed client connection keeps reading (and discarding) so that the client can read
// the server's last packet; ends earlier when the client closes.
constexpr std::chrono::milliseconds kCloseLinger{2000};

// "ip:port" of the connection's peer (local = false) or of its local end.
std::string AddressName(int fd, bool local = false) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  const int rc = local ? getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                       : getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return "?";
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "?";
}

}  // namespace

// One accepted connection: the io handler on one side, the core's Transport on the other.
class Broker::Conn : public io::ConnectionHandler, public Transport {
 public:
  explicit Conn(Broker* broker) : broker_(broker) {}

  void OnOpen(io::Connection& connection) override {
    conn_ = &connection;
    broker_->EnterCore();
    client_ = broker_->core_->Accept(this, AddressName(connection.fd()), Clock::now(),
                                     AddressName(connection.fd(), true));
    broker_->LeaveCore();
  }
  void OnData(io::Connection&, std::span<const uint8_t> data) override {
    if (client_ == nullptr) return;
    const uint64_t fed = broker_->core_->counters().hook_calls;
    broker_->EnterCore();
    broker_->core_->OnData(client_, data, Clock::now());
    // Back-pressure: this read fed the hook and the hook is congested. (Decided before
    // LeaveCore, which may delete this connection.)
    if (conn_ != nullptr && broker_->core_->counters().hook_calls != fed &&
        broker_->hook_->Congested()) {
      broker_->Pause(this);
    }
    broker_->LeaveCore();
  }
  void OnWritable(io::Connection&) override {
    if (client_ == nullptr) return;
    broker_->EnterCore();
    broker_->core_->OnWritable(client_, Clock::now());
    broker_->LeaveCore();
  }
  void OnClose(io::Connection&, const io::IoError&) override {
    conn_ = nullptr;
    broker_->Closed(this);
  }

  bool Write(std::span<const iovec> parts) override {
    return conn_ != nullptr && conn_->Sendv(parts) == io::SendStatus::kOk;
  }
  void Close() override {
    if (conn_ != nullptr) conn_->Close();
  }

  void PauseReading() {
    if (conn_ != nullptr) conn_->PauseReading();
  }
  void ResumeReading() {
    if (conn_ != nullptr) conn_->ResumeReading();
  }

  Client* client_ = nullptr;
  bool paused_ = false;

 private:
  Broker* broker_;
  io::Connection* conn_ = nullptr;
};

void Broker::Pause(Conn* conn) {
  if (conn->paused_) return;
  conn->paused_ = true;
  conn->PauseReading();
  paused_.push_back(conn);
  ++pauses_;
  if (paused_.size() == 1) ArmResumeCheck();
}

void Broker::ArmResumeCheck() {
  reactor_->AddTimer(std::chrono::milliseconds(2), [this] {
    if (paused_.empty() || stopped_) return;
    if (hook_->Congested()) {
      // The silence is ours: keep the paused clients' keep-alive from expiring.
      const auto now = Clock::now();
      for (Conn* c : paused_) {
        if (c->client_ != nullptr) c->client_->last_received = now;
      }
      ArmResumeCheck();
      return;
    }
    for (Conn* c : paused_) {
      c->paused_ = false;
      c->ResumeReading();
    }
    paused_.clear();
  });
}

void Broker::Closed(Conn* conn) {
  if (depth_ > 0) {
    deferred_closed_.push_back(conn);
    return;
  }
  if (conn->client_ != nullptr) {
    EnterCore();
    core_->OnTransportClosed(conn->client_, Clock::now());
    conn->client_ = nullptr;
    LeaveCore();
  }
  if (conn->paused_) std::erase(paused_, conn);
  conns_.erase(conn);
  delete conn;
}

void Broker::LeaveCore() {
  if (--depth_ > 0) return;
  while (!deferred_closed_.empty()) {
    Conn* c = deferred_closed_.back();
    deferred_closed_.pop_back();
    Closed(c);
  }
}

Result<std::unique_ptr<Broker>, std::string> Broker::Start(
    BrokerOptions options, const std::vector<ListenerConfig>& listeners, PublishHook* hook) {
  std::unique_ptr<Broker> b(new Broker());
  b->options_ = options;
  if (!options.password_file.empty() || !options.acl_file.empty() || !options.allow_anonymous) {
    auto auth = Authenticator::Create(options);
    if (!auth.ok()) return Err(auth.error());
    b->auth_ = std::move(auth).value();
  }
  b->core_ = std::make_unique<BrokerCore>(options, b->auth_.get());
  b->core_->set_publish_hook(hook);
  b->hook_ = hook;
  io::ReactorOptions ro;
  ro.name = "broker";
  auto reactor = io::Reactor::Create(ro);
  if (!reactor.ok()) return Err("broker: " + reactor.error());
  b->reactor_ = std::move(reactor).value();
  for (const ListenerConfig& l : listeners) {
    std::shared_ptr<const io::TlsContext> tls;
    if (l.ssl.enable) {
      io::TlsOptions t;
      t.cert_file = l.ssl.certfile;
      t.key_file = l.ssl.keyfile;
      t.ca_file = l.ssl.cacertfile;
      t.verify_peer = l.ssl.verify_peer;
      auto ctx = io::TlsContext::CreateServer(t);
      if (!ctx.ok())
        return Err("broker listener " + l.host + ":" + std::to_string(l.port) + ": " + ctx.error());
      tls = std::move(ctx).value();
    }
    Broker* self = b.get();
    auto listener =
        io::Listener::Listen(*b->reactor_, l.host, l.port, [self, tls](io::ConnectionOptions& o) {
          o.tls = tls;
          // After a DISCONNECT for a violation the client may still be writing: let it read the
          // DISCONNECT (see ConnectionOptions::close_linger) instead of resetting under it.
          o.close_linger = kCloseLinger;
          auto* c = new Conn(self);
          self->conns_.insert(c);
          return static_cast<io::ConnectionHandler*>(c);
        });
    if (!listener.ok()) {
      return Err("broker listener " + l.host + ":" + std::to_string(l.port) + ": " +
                 listener.error());
    }
    b->ports_.push_back(listener.value()->port());
  }
  Broker* self = b.get();
  b->reactor_->Post([self] { self->Tick(); });
  b->thread_ = std::thread([self] { self->reactor_->Run(); });
  return b;
}

void Broker::Tick() {
  EnterCore();
  core_->Tick(Clock::now());
  LeaveCore();
  reactor_->AddTimer(std::chrono::milliseconds(250), [this] { Tick(); });
}

void Broker::Stop() {
  if (stopped_) return;
  stopped_ = true;
  reactor_->Post([this] {
    EnterCore();
    core_->CloseAll(Clock::now());
    LeaveCore();
  });
  reactor_->Shutdown(std::chrono::milliseconds(1000));
  thread_.join();
}

Broker::~Broker() {
  if (thread_.joinable()) Stop();
  reactor_.reset();  // aborts what is left; OnClose reaches the handlers
  for (Conn* c : conns_) delete c;
  conns_.clear();
}

void Broker::Republish(InjectBatch batch) {
  reactor_->Post([this, b = std::move(batch)] {
    EnterCore();
    const auto now = Clock::now();
    for (const InjectRequest& r : b.requests) core_->Inject(r, now);
    LeaveCore();
  });
}

BrokerCounters Broker::counters() {
  if (stopped_ || reactor_->in_reactor_thread()) return core_->counters();
  std::promise<BrokerCounters> p;
  auto f = p.get_future();
  reactor_->Post([this, &p] { p.set_value(core_->counters()); });
  return f.get();
}

uint64_t Broker::pauses() {
  if (stopped_ || reactor_->in_reactor_thread()) return pauses_;
  std::promise<uint64_t> p;
  auto f = p.get_future();
  reactor_->Post([this, &p] { p.set_value(pauses_); });
  return f.get();
}

void Broker::Sync() {
  if (stopped_ || reactor_->in_reactor_thread()) return;
  std::promise<void> p;
  auto f = p.get_future();
  reactor_->Post([&p] { p.set_value(); });
  f.wait();
}

size_t Broker::client_count() {
  if (stopped_ || reactor_->in_reactor_thread()) return core_->client_count();
  std::promise<size_t> p;
  auto f = p.get_future();
  reactor_->Post([this, &p] { p.set_value(core_->client_count()); });
  return f.get();
}

}  // namespace mqb::engine::broker
