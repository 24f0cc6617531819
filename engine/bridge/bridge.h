// Bridge: everything the configuration describes, running as one service.
//
//   embedded broker (optional) --OnPublish--> Producer --+
//   connector reactors: source messages ----> Producer ---> Collector --> Pipeline (TBB graph)
//                                                                  |
//        pool connections' TTL queues <--- one hand-off per batch and connection
//        local broker (republish)     <--- in order
//
// Start() compiles the rules, starts the broker (with the Bridge as its PublishHook), the io
// reactor threads with every connector's pool (sources subscribe), the collector and the
// pipeline. The admin API is not part of the Bridge: the composition root (run.cc) serves it.
// Stop() stops taking input, lets queued messages flow for up to `flush` (while the remotes are
// up), DISCONNECTs every connection and joins every thread.
//
// Apply(next) replaces connectors, rules, actions and sources while everything runs
// (engine/bridge/reload.h says what waits for a restart): the new plan is compiled first (a bad
// rule leaves the running one untouched); then, with the pipeline paused (no batch in it),
// unchanged connectors keep their pools and change their subscriptions in place, a changed
// connector gets a new pool to which the old one hands its queued and in-flight messages
// (ConnectorPool::Retire), and new batches use the new plan. Messages already queued are sent
// under the plan they were rendered with. Other connectors and the local clients are untouched.
//
// Thread-safety: Start/Stop/Apply/destructor from one thread at a time (the caller serialises
// them); WantsTopic/OnPublish are
// called by the broker's thread; metrics() and the accessors are safe from any thread after
// Start().
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "engine/bridge/collector.h"
#include "engine/bridge/connector_pool.h"
#include "engine/bridge/pipeline.h"
#include "engine/bridge/plan.h"
#include "engine/broker/broker.h"
#include "engine/broker/hooks.h"
#include "engine/config.h"
#include "engine/metrics.h"
#include "io/reactor.h"

namespace mqb::engine::bridge {

class Bridge final : public broker::PublishHook {
 public:
  explicit Bridge(Config config);
  ~Bridge() override;
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Errors (bad rule, bind failure, io_uring unavailable) are human readable.
  Result<void, std::string> Start();
  void Stop(std::chrono::milliseconds flush = std::chrono::seconds(2));
  // Applies a new configuration's connectors, rules, actions and sources. Returns the changes
  // that wait for a restart (one line each), or why nothing was applied.
  // `restart` names a connector whose pool reconnects even if its settings are the same.
  Result<std::vector<std::string>, std::string> Apply(Config next, const std::string& restart = {});
  // Whether Apply(next) would accept `next` (rules compile, names resolve), without changing
  // anything: the plan is built against scratch metrics. Same thread as Apply.
  Result<void, std::string> Check(const Config& next) const;
  Result<std::vector<std::string>, std::string> Reload(Config next) {
    return Apply(std::move(next));
  }
  // Owning thread: pools replaced by Apply that are not yet disposed of (see retired_pools_).
  size_t retired_pool_count() const { return retired_pools_.size(); }

  MetricsRegistry& metrics() { return metrics_; }
  // The configuration as started (node, broker and api settings; see Apply for the rest).
  const Config& config() const { return config_; }
  // Bound ports (after Start): the broker's listeners.
  std::vector<uint16_t> broker_ports() const;
  // The embedded broker (null when [broker] enable = false).
  broker::Broker* broker() const { return broker_.get(); }
  // Queued + in-flight sink messages over every action.
  int64_t Pending() const;
  // One log line per connector, rule, action and source with their main counters.
  void LogStatus();

  // broker::PublishHook (broker thread).
  bool WantsTopic(std::string_view topic) override;
  void OnPublish(const broker::InboundMessage& message) override;
  // Broker events the running rules read (wanted_events() follows the plan).
  void OnEvent(const broker::BrokerEvent& event) override;
  // True while more than [broker] max_bridge_backlog messages wait for connected remotes or in
  // the rule pipeline (until the backlog is below half of it again).
  bool Congested() override;
  // Messages queued for connected remotes (any thread).
  int64_t backlog() const { return backlog_.load(std::memory_order_relaxed); }
  // How often the broker paused a publisher for back-pressure (0 without a broker).
  uint64_t publisher_pauses() { return broker_ ? broker_->pauses() : 0; }

 private:
  std::unique_ptr<ConnectorPool> NewPool(int slot, const ConnectorConfig& config, const Plan& plan);
  std::vector<ConnectorPool*> PoolPointers() const;
  // Lists the metric blocks of the running plan's objects only.
  void ListOnly();

  Config config_;  // as started (connectors, broker, api, node)
  MetricsRegistry metrics_;
  SourceIds source_ids_;
  std::shared_ptr<const Plan> plan_;             // the current plan (owning thread)
  std::atomic<const Plan*> hook_plan_{nullptr};  // the same, for the broker thread
  BatchPool batch_pool_;
  ConnectorSlots connector_slots_;
  std::vector<std::unique_ptr<io::Reactor>> reactors_;
  std::vector<io::Reactor*> reactor_ptrs_;
  std::vector<Producer*> producers_;  // one per reactor
  int next_reactor_ = 0;
  std::vector<std::thread> threads_;
  std::unique_ptr<Collector> collector_;
  Producer* broker_producer_ = nullptr;
  std::vector<std::unique_ptr<ConnectorPool>> pools_;  // by connector slot (null: none)
  // Pools replaced or removed by Apply, with when: their connections close with DISCONNECT,
  // and the next Apply at least kRetiredGrace later disposes of them (Stop of any left).
  struct RetiredPool {
    std::unique_ptr<ConnectorPool> pool;
    std::chrono::steady_clock::time_point at;
  };
  static constexpr std::chrono::seconds kRetiredGrace{1};
  std::vector<RetiredPool> retired_pools_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<Pipeline> pipeline_;
  std::atomic<bool> accepting_{false};
  std::atomic<int64_t> backlog_{0};
  std::atomic<uint64_t> fed_{0};         // local messages handed to the rules (broker thread)
  std::atomic<uint64_t> dispatched_{0};  // of those, dispatched (pipeline)
  bool congested_ = false;               // broker thread
  bool started_ = false;
};

}  // namespace mqb::engine::bridge
