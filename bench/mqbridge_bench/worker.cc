#include "bench/mqbridge_bench/worker.h"

#include <cmath>
#include <fstream>
#include <iterator>

#include "bench/mqbridge_bench/payload_stamp.h"

namespace mqb::bench {

namespace {

constexpr auto kTick = std::chrono::milliseconds(1);

io::MqttClientOptions ClientOptions(const BenchOptions& o, const Endpoint& ep,
                                    std::string client_id) {
  io::MqttClientOptions c;
  c.host = ep.host;
  c.port = ep.port;
  c.version = o.version;
  c.client_id = std::move(client_id);
  if (!o.username.empty()) c.username = o.username;
  if (!o.password.empty()) c.password = o.password;
  c.keepalive_s = o.keepalive_s;
  c.max_inflight = o.max_inflight;
  c.tls_enable = o.tls;
  if (o.tls) {
    c.tls.verify_peer = !o.insecure && !o.ca_file.empty();
    c.tls.ca_file = o.ca_file;
    c.tls.cert_file = o.cert_file;
    c.tls.key_file = o.key_file;
    c.tls.sni = o.sni;
  }
  return c;
}

std::vector<uint8_t> MakePayload(const BenchOptions& o) {
  std::vector<uint8_t> p;
  if (!o.payload_file.empty()) {
    std::ifstream in(o.payload_file, std::ios::binary);
    p.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    p.assign(o.payload_size, 'x');
  }
  if (p.size() < kStampSize) p.resize(kStampSize, 'x');
  return p;
}

}  // namespace

// One benchmark connection. Reactor thread only (after StartThread).
class Worker::Client final : public io::MqttClientHandler {
 public:
  Client(Worker& w, Role role, int index, const Endpoint& ep) : w_(w), role_(role), index_(index) {
    const BenchOptions& o = w.options_;
    std::string id = ExpandPattern(o.client_id, index, "", o.mode);
    if (role == Role::kSubscriber && o.mode == Mode::kBridge) id += "-s";
    if (role == Role::kPublisher) {
      topic_ = ExpandPattern(o.topic, index, id, o.mode);
      payload_ = MakePayload(o);
    } else if (role == Role::kSubscriber) {
      const std::string& filter = o.mode == Mode::kBridge ? o.sub_topic : o.topic;
      std::string f = ExpandPattern(filter, index, id, o.mode);
      if (!o.shared_group.empty()) f = "$share/" + o.shared_group + "/" + f;
      sub_.filter = std::move(f);
      sub_.options.qos = o.sub_qos;
      trackers_.reserve(64);
    }
    client_ = std::make_unique<io::MqttClient>(*w.reactor_, ClientOptions(o, ep, id), this);
  }

  Role role() const { return role_; }
  bool stopped() const { return client_->stopped(); }
  void Stop() { client_->Stop(); }

  void Start() {
    start_ns_ = MonotonicNs();
    client_->Start();
    if (role_ == Role::kSubscriber) client_->Subscribe(std::span(&sub_, 1));
  }

  // Publishes what is due: up to `due` messages in total (flat out: until refused).
  void Publish(uint64_t due) {
    if (done_) return;
    const BenchOptions& o = w_.options_;
    io::OutboundMessage m;
    m.topic = topic_;
    m.payload = payload_;
    m.qos = o.qos;
    m.retain = o.retain;
    while (seq_ < due) {
      if (o.count != 0 && seq_ >= o.count) break;
      const uint64_t now = MonotonicNs();
      if (now >= w_.end_ns_) break;
      WriteStamp(payload_, Stamp{w_.run_id_, static_cast<uint32_t>(index_), seq_, now});
      const io::PublishStatus st = client_->Publish(m);
      if (st == io::PublishStatus::kWindowFull) return;    // OnWindowOpen resumes (flat out)
      if (st == io::PublishStatus::kNotConnected) return;  // QoS 0 while reconnecting
      if (st != io::PublishStatus::kOk) {
        w_.counters_.publish_errors.Add();
        Finish();
        return;
      }
      ++seq_;
      w_.counters_.sent.Add();
    }
    if ((o.count != 0 && seq_ >= o.count) || MonotonicNs() >= w_.end_ns_) Finish();
  }

  void Finish() {
    if (done_) return;
    done_ = true;
    w_.counters_.publishers_done.Add();
  }

  void Probe() {
    if (status_ != io::ClientStatus::kConnected) return;
    std::vector<uint8_t> p(kStampSize, 0);
    WriteStamp(p, Stamp{w_.run_id_, kProbePublisher, 0, MonotonicNs()});
    io::OutboundMessage m;
    m.topic = topic_;
    m.payload = p;
    m.qos = codec::QoS::kAtMostOnce;  // repeated until one arrives; acks count only the run
    (void)client_->Publish(m);
  }

  void CollectInto(WorkerResults& r) const {
    for (const StreamTracker& t : trackers_) {
      r.unique += t.unique();
      r.duplicates += t.duplicates();
      r.out_of_order += t.out_of_order();
      r.missing += t.missing();
    }
    r.streams += trackers_.size();
  }

 private:
  void OnStatus(io::ClientStatus s, const io::IoError& error) override {
    status_ = s;
    if (s == io::ClientStatus::kConnected) {
      if (!ever_connected_) {
        ever_connected_ = true;
        w_.results_.connect_time.Record(MonotonicNs() - start_ns_);
        w_.counters_.connected.Add();
      } else {
        w_.counters_.reconnects.Add();
      }
      if (w_.publishing_ && role_ == Role::kPublisher && w_.options_.rate == 0) {
        Publish(UINT64_MAX);
      }
    } else if (s == io::ClientStatus::kDisconnected && !error.ok() && !client_->stopped()) {
      w_.counters_.connect_errors.Add();
      if (w_.results_.first_error.empty()) w_.results_.first_error = error.message;
    }
  }

  void OnSubscribeDone(uint16_t, std::span<const uint8_t> codes) override {
    bool ok = !codes.empty();
    for (uint8_t c : codes) ok = ok && c < 0x80;
    if (subscribed_) return;  // a resubscription after reconnect
    subscribed_ = true;
    (ok ? w_.counters_.subscribed : w_.counters_.subscribe_errors).Add();
    if (!ok && w_.results_.first_error.empty()) {
      w_.results_.first_error = "subscription to " + sub_.filter + " refused";
    }
  }

  void OnMessage(const codec::Publish& message) override {
    const auto stamp = ReadStamp(message.payload);
    WorkerCounters& c = w_.counters_;
    if (!stamp) {
      c.foreign.Add();
      return;
    }
    if (stamp->publisher == kProbePublisher) {
      c.probes.Add();
      return;
    }
    if (w_.options_.mode == Mode::kBridge && stamp->run_id != w_.run_id_) {
      c.foreign.Add();
      return;
    }
    const uint64_t now = MonotonicNs();
    w_.results_.latency.Record(now >= stamp->sent_ns ? now - stamp->sent_ns : 0);
    const uint64_t key = (uint64_t{stamp->run_id} << 32) | stamp->publisher;
    if (key != last_key_ || last_ == nullptr) {
      auto [it, inserted] = streams_.try_emplace(key, trackers_.size());
      if (inserted) trackers_.emplace_back();
      last_key_ = key;
      last_ = &trackers_[it->second];
    }
    const bool was_new = last_->Add(stamp->seq) != StreamTracker::Verdict::kDuplicate;
    c.received.Add();
    if (was_new && w_.options_.mode == Mode::kSub && w_.options_.count != 0 && !done_ &&
        ++unique_ >= w_.options_.count) {
      done_ = true;
      c.subscribers_done.Add();
    }
  }

  void OnPublishDone(uint16_t, codec::ReasonCode rc) override {
    w_.counters_.acked.Add();
    if (!codec::IsSuccess(rc)) w_.counters_.refused.Add();
  }

  void OnWindowOpen() override {
    if (w_.publishing_ && w_.options_.rate == 0) Publish(UINT64_MAX);
  }

  Worker& w_;
  const Role role_;
  const int index_;
  std::unique_ptr<io::MqttClient> client_;
  io::ClientStatus status_ = io::ClientStatus::kDisconnected;
  bool ever_connected_ = false;
  uint64_t start_ns_ = 0;
  bool done_ = false;
  // Publisher.
  std::string topic_;
  std::vector<uint8_t> payload_;
  uint64_t seq_ = 0;
  // Subscriber.
  io::SubscriptionRequest sub_;
  bool subscribed_ = false;
  uint64_t unique_ = 0;
  std::unordered_map<uint64_t, size_t> streams_;
  std::vector<StreamTracker> trackers_;
  uint64_t last_key_ = 0;
  StreamTracker* last_ = nullptr;
};

Worker::Worker(const BenchOptions& options, uint32_t run_id, std::string name)
    : options_(options), run_id_(run_id), name_(std::move(name)) {}

Worker::~Worker() { StopAndJoin(std::chrono::milliseconds(0)); }

void Worker::AddClient(Role role, int index, const Endpoint& endpoint) {
  if (reactor_ == nullptr) {
    io::ReactorOptions ro;
    ro.quiet = true;
    ro.name = name_;
    ro.queue_depth = 4096;
    auto r = io::Reactor::Create(ro);
    if (!r.ok()) {
      results_.first_error = r.error();
      return;
    }
    reactor_ = std::move(r).value();
  }
  clients_.push_back(std::make_unique<Client>(*this, role, index, endpoint));
  if (role == Role::kPublisher) publishers_.push_back(clients_.back().get());
}

Result<void, std::string> Worker::StartThread() {
  if (reactor_ == nullptr) {
    return Err(results_.first_error.empty() ? std::string("no clients") : results_.first_error);
  }
  thread_ = std::thread([this] { reactor_->Run(); });
  return {};
}

void Worker::StartClient(size_t i) {
  reactor_->Post([this, i] { clients_[i]->Start(); });
}

void Worker::StartPublishing(uint64_t start_ns) {
  reactor_->Post([this, start_ns] {
    publishing_ = true;
    start_ns_ = start_ns;
    if (options_.duration_s > 0) {
      end_ns_ = start_ns + static_cast<uint64_t>(options_.duration_s * 1e9);
    }
    if (options_.rate == 0) {
      for (Client* p : publishers_) p->Publish(UINT64_MAX);
    }
    PublishTick();  // rate: publishes what is due; both: watches the deadline
  });
}

void Worker::PublishTick() {
  tick_timer_ = 0;
  if (!publishing_) return;
  const uint64_t now = MonotonicNs();
  if (options_.rate > 0) {
    const double elapsed = static_cast<double>(now - start_ns_) / 1e9;
    const auto due = static_cast<uint64_t>(std::floor(elapsed * options_.rate)) + 1;
    for (Client* p : publishers_) p->Publish(due);
  }
  if (now >= end_ns_) {
    for (Client* p : publishers_) p->Finish();
    publishing_ = false;
    return;
  }
  tick_timer_ = reactor_->AddTimer(kTick, [this] { PublishTick(); });
}

void Worker::SendProbe() {
  reactor_->Post([this] {
    if (!publishers_.empty()) publishers_.front()->Probe();
  });
}

void Worker::StopPublishing() {
  reactor_->Post([this] {
    publishing_ = false;
    if (tick_timer_ != 0) reactor_->CancelTimer(tick_timer_);
    tick_timer_ = 0;
    for (Client* p : publishers_) p->Finish();
  });
}

void Worker::StopAndJoin(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  if (joined_.exchange(true)) return;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  reactor_->Post([this, deadline] {
    publishing_ = false;
    if (tick_timer_ != 0) reactor_->CancelTimer(tick_timer_);
    tick_timer_ = 0;
    for (auto& c : clients_) c->Stop();
    FinishStop(deadline);
  });
  thread_.join();
}

void Worker::FinishStop(std::chrono::steady_clock::time_point deadline) {
  bool all = true;
  for (auto& c : clients_) all = all && c->stopped();
  if (!all && std::chrono::steady_clock::now() < deadline) {
    reactor_->AddTimer(std::chrono::milliseconds(5), [this, deadline] { FinishStop(deadline); });
    return;
  }
  for (auto& c : clients_) c->CollectInto(results_);
  publishers_.clear();
  clients_.clear();  // on the reactor thread: aborts whatever has not closed
  reactor_->Stop();
}

WorkerResults Worker::TakeResults() { return std::move(results_); }

}  // namespace mqb::bench
