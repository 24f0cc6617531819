// Counters and gauges of rules, actions, sources and connectors, with EMQX's metric names
// (REFERENCE.md section 6), and the rate meters the API reports.
//
// Counters are relaxed atomics: writers on the data path add per batch where they can
// (`Add(n)`), readers (API, status log) take a consistent-enough snapshot. A MetricsRegistry owns
// one block per object; blocks never move once created, so the data path keeps raw pointers.
//
// Thread-safety: Counter/Gauge/RateMeter operations are safe from any thread. Registry lookups
// and creation take a mutex (configuration time only, never per message).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace mqb::engine {

class Counter {
 public:
  void Add(uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get() const noexcept { return v_.load(std::memory_order_relaxed); }
  void Reset() noexcept { v_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Add(int64_t n) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  void Set(int64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
  int64_t Get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Rate of a counter in events/s: current (last 10 s sample), max since start or reset, and the
// average over the last 5 minutes. Sample() is called by one periodic timer.
class RateMeter {
 public:
  struct Rates {
    double current = 0, max = 0, last5m = 0;
  };
  // Called every sampling period with the counter's current total.
  void Sample(uint64_t total, std::chrono::steady_clock::time_point now);
  Rates Get() const;
  void Reset();

 private:
  mutable std::mutex mu_;  // sampling thread vs readers; never on the data path
  bool primed_ = false;
  uint64_t last_total_ = 0;
  std::chrono::steady_clock::time_point last_time_{};
  Rates rates_;
  // (time, total) samples over the last five minutes.
  std::vector<std::pair<std::chrono::steady_clock::time_point, uint64_t>> window_;
};

// Rule metrics, in EMQX's order.
struct RuleMetrics {
  Counter matched, passed, failed_exception, failed_no_result;
  Counter actions_total, actions_success, actions_failed, actions_failed_out_of_service,
      actions_failed_unknown, actions_discarded;
  RateMeter matched_rate;
  void Reset();
};

// Action (sink) and source metrics.
struct ResourceMetrics {
  Counter matched, success, failed, retried, retried_success, retried_failed, late_reply;
  Counter dropped_expired, dropped_queue_full, dropped_resource_not_found, dropped_resource_stopped,
      dropped_other;
  Counter received;
  // Template variables that were missing and rendered empty (an mqbridge addition).
  Counter template_missing_vars;
  Gauge queuing, queuing_bytes, inflight;
  RateMeter matched_rate, received_rate;
  uint64_t Dropped() const {
    return dropped_expired.Get() + dropped_queue_full.Get() + dropped_resource_not_found.Get() +
           dropped_resource_stopped.Get() + dropped_other.Get();
  }
  void Reset();
};

enum class ResourceStatus { kConnected, kConnecting, kDisconnected, kStopped };
const char* ResourceStatusName(ResourceStatus s);

// Connector status as the health check sees it.
struct ConnectorState {
  std::atomic<ResourceStatus> status{ResourceStatus::kConnecting};
  Gauge connected_clients;
  std::atomic<int> pool_size{0};
  mutable std::mutex mu_;
  std::string last_error;  // guarded by mu_
  void SetError(std::string e) {
    std::lock_guard lock(mu_);
    last_error = std::move(e);
  }
  std::string Error() const {
    std::lock_guard lock(mu_);
    return last_error;
  }
};

class MetricsRegistry {
 public:
  // Returns the block for `name`, creating it on first use (or listing it again if it was
  // unlisted). Pointers stay valid for the registry's lifetime.
  RuleMetrics* Rule(const std::string& name);
  ResourceMetrics* Action(const std::string& name);
  ResourceMetrics* Source(const std::string& name);
  ConnectorState* Connector(const std::string& name);

  // Global counters.
  Counter rules_matched;
  Counter messages_received, messages_dropped_no_subscribers;
  // Template variables of republish actions that were missing and rendered empty.
  Counter republish_missing_vars;

  // Samples every rate meter (call every 10 s, or faster in tests).
  void SampleRates(std::chrono::steady_clock::time_point now);

  // After a configuration reload: rules, actions and sources not named here are no longer
  // listed by the visitors. Their blocks stay alive (messages rendered before the reload may
  // still be counted on them) and are listed again, with their totals, if the name returns.
  void ListOnly(const std::set<std::string>& rules, const std::set<std::string>& actions,
                const std::set<std::string>& sources, const std::set<std::string>& connectors);

  // Visitors for rendering (API, Prometheus, status log), in name order, listed blocks only.
  template <typename F>
  void ForEachRule(F f) const {
    Visit(rules_, unlisted_rules_, f);
  }
  template <typename F>
  void ForEachAction(F f) const {
    Visit(actions_, unlisted_actions_, f);
  }
  template <typename F>
  void ForEachSource(F f) const {
    Visit(sources_, unlisted_sources_, f);
  }
  template <typename F>
  void ForEachConnector(F f) const {
    Visit(connectors_, unlisted_connectors_, f);
  }
  // Every action block, listed or not (queued messages of removed actions still count).
  template <typename F>
  void ForEachActionBlock(F f) const {
    Visit(actions_, kNone, f);
  }

 private:
  template <typename M, typename F>
  void Visit(const M& m, const std::set<std::string>& unlisted, F& f) const {
    std::lock_guard lock(mu_);
    for (const auto& [name, block] : m) {
      if (!unlisted.contains(name)) f(name, *block);
    }
  }

  static inline const std::set<std::string> kNone{};
  mutable std::mutex mu_;
  std::set<std::string> unlisted_rules_, unlisted_actions_, unlisted_sources_, unlisted_connectors_;
  std::map<std::string, std::unique_ptr<RuleMetrics>> rules_;
  std::map<std::string, std::unique_ptr<ResourceMetrics>> actions_;
  std::map<std::string, std::unique_ptr<ResourceMetrics>> sources_;
  std::map<std::string, std::unique_ptr<ConnectorState>> connectors_;
};

}  // namespace mqb::engine
