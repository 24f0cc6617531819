#include "engine/cluster/cluster.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "engine/commands.h"
#include "engine/json_writer.h"

namespace mqb::engine::cluster {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kSections[] = {"connectors", "actions", "sources", "rules"};

// A peer's status document (ApiServer::LocalStatus), or nullopt if it does not parse.
std::optional<PeerNode> ParsePeer(simdjson::dom::parser& parser, const std::string& text) {
  auto doc = parser.parse(text);
  if (doc.error()) return std::nullopt;
  PeerNode peer;
  auto node = doc.value()["node"].get_string();
  if (node.error()) return std::nullopt;
  peer.node = std::string(node.value());
  if (auto info = doc.value()["info"]; !info.error())
    peer.node_info = simdjson::minify(info.value());
  for (int k = 0; k < 4; ++k) {
    auto section = doc.value()[kSections[k]].get_object();
    if (section.error()) continue;
    for (auto field : section.value()) {
      PeerObject o;
      if (auto s = field.value["status"].get_string(); !s.error())
        o.status = std::string(s.value());
      if (auto r = field.value["status_reason"].get_string(); !r.error()) {
        o.status_reason = std::string(r.value());
      }
      if (auto m = field.value["metrics"]; !m.error()) o.metrics = simdjson::minify(m.value());
      peer.objects[k].emplace(std::string(field.key), std::move(o));
    }
  }
  return peer;
}

}  // namespace

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {
  call_client_ = std::make_unique<EtcdClient>(EtcdOpts());
  peers_client_ = std::make_unique<EtcdClient>(EtcdOpts());
  lock_client_ = std::make_unique<EtcdClient>(EtcdOpts());
}

Cluster::~Cluster() { Stop(); }

EtcdOptions Cluster::EtcdOpts() const {
  EtcdOptions o;
  const ClusterConfig& c = options_.config;
  o.endpoints = c.endpoints;
  o.username = c.username;
  o.password = c.password.value_or("");
  o.cacertfile = c.cacertfile;
  o.certfile = c.certfile;
  o.keyfile = c.keyfile;
  o.timeout_ms = static_cast<int>(c.request_timeout.count());
  return o;
}

void Cluster::Reachable() {
  std::lock_guard lock(state_mu_);
  if (!unreachable_.empty()) spdlog::info("cluster: etcd reachable again");
  unreachable_.clear();
}

void Cluster::Unreachable(const std::string& why) {
  std::lock_guard lock(state_mu_);
  if (unreachable_ != why) spdlog::warn("cluster: etcd unreachable: {}", why);
  unreachable_ = why;
}

bool Cluster::Sleep(int ms) {
  std::unique_lock lock(sleep_mu_);
  sleep_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
  return !stopping_;
}

Result<std::optional<std::pair<std::string, int64_t>>, std::string> Cluster::FetchConfig() {
  std::lock_guard lock(call_mu_);
  auto kv = call_client_->Get(Key("/config/managed"));
  if (!kv.ok()) {
    Unreachable(kv.error().message);
    return Err(kv.error().message);
  }
  Reachable();
  if (!kv.value()) return std::optional<std::pair<std::string, int64_t>>();
  return std::optional<std::pair<std::string, int64_t>>(
      std::make_pair(kv.value()->value, kv.value()->mod_revision));
}

Result<std::optional<int64_t>, std::string> Cluster::Write(const std::string& text,
                                                           int64_t expected) {
  std::lock_guard lock(call_mu_);
  auto r = call_client_->CompareAndPut(Key("/config/managed"), text, expected);
  if (!r.ok()) {
    if (r.error().kind == EtcdError::Kind::kUnavailable) Unreachable(r.error().message);
    return Err(r.error().message);
  }
  Reachable();
  return r.value();
}

Result<std::pair<std::string, int64_t>, std::string> Cluster::Read() {
  auto kv = FetchConfig();
  if (!kv.ok()) return Err(kv.error());
  if (!kv.value()) return std::make_pair(std::string(), int64_t{0});
  return *kv.value();
}

Result<void, std::string> Cluster::Lock() {
  const int64_t lease = lease_.load();
  if (lease == 0) return {};  // not registered yet: the revision check alone guards the change
  std::lock_guard lock(lock_mu_);
  constexpr int kWaitMs = 10'000;
  auto key = lock_client_->Lock(Key("/lock/config"), lease, kWaitMs);
  if (!key.ok()) {
    if (key.error().kind == EtcdError::Kind::kUnavailable) Unreachable(key.error().message);
    return Err(
        "the cluster store is unreachable or another node holds the configuration lock, "
        "so the change is refused: " +
        key.error().message);
  }
  lock_key_ = key.value();
  return {};
}

void Cluster::Unlock() {
  std::lock_guard lock(lock_mu_);
  if (lock_key_.empty()) return;
  if (auto r = lock_client_->Unlock(lock_key_); !r.ok()) {
    spdlog::warn("cluster: cannot release the configuration lock (it goes with the lease): {}",
                 r.error().message);
  }
  lock_key_.clear();
}

void Cluster::Start(Management* management, std::function<std::string()> status) {
  management_ = management;
  status_ = std::move(status);
  started_at_ms_ = NowMs();
  lease_client_ = std::make_unique<EtcdClient>(EtcdOpts());
  watch_client_ = std::make_unique<EtcdClient>(EtcdOpts());
  lease_thread_ = std::thread([this] { LeaseLoop(); });
  watch_thread_ = std::thread([this] { WatchLoop(); });
}

void Cluster::Stop() {
  if (!lease_thread_.joinable()) return;
  {
    std::lock_guard lock(sleep_mu_);
    stopping_ = true;
  }
  sleep_cv_.notify_all();
  watch_client_->Stop();
  lease_thread_.join();
  watch_thread_.join();
}

void Cluster::LeaseLoop() {
  const int64_t ttl_s = std::max<int64_t>(2, options_.config.lease_ttl.count() / 1000);
  const int64_t renew_ms = ttl_s * 1000 / 3;
  const int64_t status_ms = options_.config.status_interval.count();
  int64_t lease = 0;
  auto next_renew = std::chrono::steady_clock::now();
  auto next_status = next_renew;
  const std::string node_key = Key("/nodes/" + options_.node_name);
  const std::string status_key = Key("/status/" + options_.node_name);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    bool ok = true;
    if (lease == 0) {
      auto granted = lease_client_->GrantLease(ttl_s);
      if (granted.ok()) {
        JsonWriter w;
        w.BeginObject().Key("node").String(options_.node_name);
        w.Key("api").String(options_.api_address).Key("version").String(kVersion);
        w.Key("started_at").Int(started_at_ms_).EndObject();
        auto put = lease_client_->Put(node_key, w.str(), granted.value());
        if (put.ok()) {
          lease = granted.value();
          lease_ = lease;
          spdlog::info("cluster: node {} registered (lease {:x}, {} s)", options_.node_name, lease,
                       ttl_s);
          next_renew = now + std::chrono::milliseconds(renew_ms);
          next_status = now;
        } else {
          (void)lease_client_->RevokeLease(granted.value());
          ok = false;
          Unreachable(put.error().message);
        }
      } else {
        ok = false;
        Unreachable(granted.error().message);
      }
    } else if (now >= next_renew) {
      auto left = lease_client_->KeepAlive(lease);
      if (!left.ok()) {
        ok = false;
        Unreachable(left.error().message);
      } else if (left.value() <= 0) {
        spdlog::warn("cluster: lease {:x} expired; registering {} again", lease,
                     options_.node_name);
        lease = 0;
        lease_ = 0;
        continue;
      } else {
        next_renew = now + std::chrono::milliseconds(renew_ms);
      }
    }
    if (ok && lease != 0 && now >= next_status) {
      auto put = lease_client_->Put(status_key, status_(), lease);
      if (!put.ok()) {
        ok = false;
        // A lease etcd no longer knows: register again.
        if (put.error().kind == EtcdError::Kind::kRejected) lease = lease_ = 0;
        Unreachable(put.error().message);
      }
      next_status = now + std::chrono::milliseconds(status_ms);
    }
    if (ok) Reachable();
    const auto next = std::min(next_renew, next_status);
    int64_t wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                       next - std::chrono::steady_clock::now())
                       .count();
    if (!ok) wait = 500;
    if (!Sleep(static_cast<int>(std::clamp<int64_t>(wait, 10, 60'000)))) break;
  }
  if (lease != 0) (void)lease_client_->RevokeLease(lease);
}

void Cluster::Changed(const KeyValue& kv) {
  if (kv.key == Key("/config/managed")) {
    if (auto a = management_->Adopt(kv.value, kv.mod_revision); !a.ok()) {
      spdlog::error("cluster: {}", a.error());
    }
    return;
  }
  if (auth_ == nullptr) return;
  for (const char* file : {"users", "api_keys"}) {
    if (kv.key != Key(std::string("/config/") + file)) continue;
    {
      std::lock_guard lock(auth_mu_);
      int64_t& seen = auth_revisions_[file];
      if (kv.mod_revision <= seen) return;
      seen = kv.mod_revision;
    }
    if (auto r = auth_->ReplaceFile(file, kv.value); !r.ok()) {
      spdlog::error("cluster: cannot apply the cluster's {} on this node: {}", file, r.error());
    } else {
      spdlog::info("cluster: applied the cluster's {} (revision {})", file, kv.mod_revision);
    }
  }
}

void Cluster::WatchLoop() {
  const std::string prefix = Key("/config/");
  while (!stopping_) {
    int64_t revision = 0;
    auto kvs = watch_client_->GetPrefix(prefix, &revision);
    if (!kvs.ok()) {
      if (stopping_) break;
      Unreachable(kvs.error().message);
      if (!Sleep(500)) break;
      continue;
    }
    for (const KeyValue& kv : kvs.value()) Changed(kv);
    // Follow every later change; the stream ends after 10 s without one (then read again, which
    // also proves etcd is there), when etcd goes away, or on Stop.
    auto watched = watch_client_->Watch(prefix, true, revision + 1, 10'000,
                                        [this](const KeyValue& change, bool deleted) {
                                          if (deleted) {
                                            spdlog::warn(
                                                "cluster: {} was deleted in etcd; nodes keep "
                                                "what they have",
                                                change.key);
                                            return;
                                          }
                                          Changed(change);
                                        });
    if (stopping_) break;
    if (!watched.ok()) spdlog::debug("cluster: watch ended: {}", watched.error().message);
    if (!Sleep(100)) break;
  }
}

void Cluster::AttachAuth(AuthStore* auth) {
  for (const char* file : {"users", "api_keys"}) {
    std::lock_guard lock(call_mu_);
    const std::string key = Key(std::string("/config/") + file);
    auto kv = call_client_->Get(key);
    if (!kv.ok()) {
      Unreachable(kv.error().message);
      continue;  // this node's own files until etcd is back (the watch catches up)
    }
    if (kv.value()) {
      if (auto r = auth->ReplaceFile(file, kv.value()->value); !r.ok()) {
        spdlog::error("cluster: cannot apply the cluster's {}: {}", file, r.error());
      }
      std::lock_guard alock(auth_mu_);
      auth_revisions_[file] = kv.value()->mod_revision;
    } else if (const std::string text = auth->FileText(file); !text.empty()) {
      auto w = call_client_->CompareAndPut(key, text, 0);
      if (w.ok() && w.value()) {
        std::lock_guard alock(auth_mu_);
        auth_revisions_[file] = *w.value();
      }
    }
  }
  auth_ = auth;
  auth->SetPublisher(
      [this](const std::string& file, const std::string& text) { return PublishAuth(file, text); });
}

Result<void, std::string> Cluster::PublishAuth(const std::string& file, const std::string& text) {
  int64_t expected = 0;
  {
    std::lock_guard lock(auth_mu_);
    expected = auth_revisions_[file];
  }
  std::lock_guard lock(call_mu_);
  auto w = call_client_->CompareAndPut(Key("/config/" + file), text, expected);
  if (!w.ok()) {
    if (w.error().kind == EtcdError::Kind::kUnavailable) Unreachable(w.error().message);
    return Err("the cluster store is unreachable, so changes are refused until it is back: " +
               w.error().message);
  }
  Reachable();
  if (!w.value()) {
    return Err("the " + file + " changed on another node at the same moment; try again");
  }
  std::lock_guard alock(auth_mu_);
  auth_revisions_[file] = std::max(auth_revisions_[file], *w.value());
  return {};
}

std::vector<PeerNode> Cluster::Peers() {
  std::lock_guard lock(peers_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - peers_at_ < std::chrono::milliseconds(kPeerCacheMs)) return peers_;
  peers_at_ = now;
  auto kvs = peers_client_->GetPrefix(Key("/status/"));
  if (!kvs.ok()) {
    Unreachable(kvs.error().message);
    // The last known view, marked: nothing is known of the peers while etcd is away.
    for (PeerNode& p : peers_) {
      const std::string running = "\"node_status\":\"running\"";
      if (auto at = p.node_info.find(running); at != std::string::npos) {
        p.node_info.replace(at, running.size(), "\"node_status\":\"unknown\"");
      }
    }
    return peers_;
  }
  simdjson::dom::parser parser;
  std::vector<PeerNode> peers;
  for (const KeyValue& kv : kvs.value()) {
    auto peer = ParsePeer(parser, kv.value);
    if (!peer || peer->node == options_.node_name) continue;
    peers.push_back(std::move(*peer));
  }
  peers_ = std::move(peers);
  return peers_;
}

StoreState Cluster::State() {
  StoreState s;
  s.store = "etcd";
  {
    std::lock_guard lock(state_mu_);
    s.status = unreachable_.empty() ? "connected" : "unreachable";
    s.reason = unreachable_;
  }
  if (management_ != nullptr) {
    s.revision = management_->shared_revision();
    if (s.reason.empty()) s.reason = management_->adopt_error();
  }
  return s;
}

}  // namespace mqb::engine::cluster
