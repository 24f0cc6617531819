// Cluster: this node's membership in a cluster of mqbridge nodes that share one configuration
// through etcd ([cluster] store = "etcd"; docs/cluster.md).
//
// Keys, under [cluster] prefix (P):
//   P/config/managed  the managed layer (the objects made through the API) as TOML: one document,
//                     so a change that touches several objects is one atomic write, and one
//                     mod_revision to compare (Management writes it through SharedLayer).
//   P/config/users, P/config/api_keys
//                     the API's users and keys, as AuthStore's files (hashes only, never a
//                     secret), each written with the same revision check.
//   P/nodes/<name>    {"node", "api", "version", "started_at"}, attached to this node's lease.
//   P/status/<name>   this node's status and counters for every object, the same lease,
//                     rewritten every status_interval.
// A node that dies stops renewing its lease; etcd removes both keys lease_ttl later, so it leaves
// GET /api/v5/nodes and node_status by itself. A clean stop revokes the lease at once.
//
// Threads: one keeps the lease and publishes the status; one watches P/config/ and hands each new
// revision to Management::Adopt or AuthStore::ReplaceFile (after a lost watch it reads the keys
// again, so a node catches up after etcd was away). API threads read the peers through Peers(), one
// range call at most every kPeerCacheMs.
//
// Thread-safety: Start/Stop from one thread; Peers, State and the SharedLayer calls from any.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/result.h"
#include "engine/api/auth_store.h"
#include "engine/api/cluster_view.h"
#include "engine/api/management.h"
#include "engine/cluster/etcd_client.h"
#include "engine/config.h"

namespace mqb::engine::cluster {

struct ClusterOptions {
  ClusterConfig config;
  std::string node_name;
  std::string api_address;  // "host:port" of this node's API, for GET /nodes ("" without one)
};

class Cluster final : public SharedLayer, public ClusterView {
 public:
  static constexpr int kPeerCacheMs = 500;

  explicit Cluster(ClusterOptions options);
  ~Cluster() override;

  // At start-up: the shared configuration (text, revision), nullopt when there is none yet.
  // Error: etcd cannot be reached.
  Result<std::optional<std::pair<std::string, int64_t>>, std::string> FetchConfig();

  // Registers this node and starts the threads. `status` returns this node's status document
  // (ApiServer::LocalStatus); `management` gets every new shared revision. Both must outlive
  // Stop.
  void Start(Management* management, std::function<std::string()> status);
  // Shares `auth`'s users and API keys: takes the cluster's (or seeds them with this node's when
  // the cluster has none) and publishes every change. Before Start; `auth` must outlive Stop.
  void AttachAuth(AuthStore* auth);
  // Stops the threads and revokes the lease (this node leaves at once).
  void Stop();

  // SharedLayer.
  Result<std::optional<int64_t>, std::string> Write(const std::string& text,
                                                    int64_t expected) override;
  Result<std::pair<std::string, int64_t>, std::string> Read() override;
  Result<void, std::string> Lock() override;
  void Unlock() override;

  // ClusterView.
  std::vector<PeerNode> Peers() override;
  StoreState State() override;

 private:
  void LeaseLoop();
  void WatchLoop();
  // A shared document changed (from the watch or a read): hands it to its owner.
  void Changed(const KeyValue& kv);
  Result<void, std::string> PublishAuth(const std::string& file, const std::string& text);
  void Reachable();
  void Unreachable(const std::string& why);
  bool Sleep(int ms);  // false once stopping

  EtcdOptions EtcdOpts() const;
  std::string Key(const std::string& suffix) const { return options_.config.prefix + suffix; }

  ClusterOptions options_;
  Management* management_ = nullptr;
  std::function<std::string()> status_;
  int64_t started_at_ms_ = 0;

  std::atomic<bool> stopping_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::thread lease_thread_, watch_thread_;
  std::unique_ptr<EtcdClient> lease_client_, watch_client_;

  std::mutex call_mu_;  // the client for Write, Read and FetchConfig
  std::unique_ptr<EtcdClient> call_client_;

  std::atomic<int64_t> lease_{0};  // this node's lease while registered
  std::mutex lock_mu_;             // the client for Lock and Unlock
  std::unique_ptr<EtcdClient> lock_client_;
  std::string lock_key_;

  std::mutex peers_mu_;
  std::unique_ptr<EtcdClient> peers_client_;
  std::vector<PeerNode> peers_;
  std::chrono::steady_clock::time_point peers_at_{};

  AuthStore* auth_ = nullptr;
  std::mutex auth_mu_;
  std::map<std::string, int64_t> auth_revisions_;  // "users", "api_keys": revision applied here

  std::mutex state_mu_;
  std::string unreachable_;  // "" while etcd answers
};

}  // namespace mqb::engine::cluster
