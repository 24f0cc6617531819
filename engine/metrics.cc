#include "engine/metrics.h"

#include <algorithm>

namespace mqb::engine {

void RateMeter::Sample(uint64_t total, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  if (primed_ && now > last_time_) {
    double secs = std::chrono::duration<double>(now - last_time_).count();
    uint64_t delta = total >= last_total_ ? total - last_total_ : 0;
    rates_.current = static_cast<double>(delta) / secs;
    rates_.max = std::max(rates_.max, rates_.current);
  }
  primed_ = true;
  last_total_ = total;
  last_time_ = now;
  window_.emplace_back(now, total);
  auto horizon = now - std::chrono::minutes(5);
  while (window_.size() > 1 && window_.front().first < horizon) window_.erase(window_.begin());
  if (window_.size() > 1) {
    double secs =
        std::chrono::duration<double>(window_.back().first - window_.front().first).count();
    uint64_t delta = window_.back().second >= window_.front().second
                         ? window_.back().second - window_.front().second
                         : 0;
    rates_.last5m = secs > 0 ? static_cast<double>(delta) / secs : 0;
  }
}

RateMeter::Rates RateMeter::Get() const {
  std::lock_guard lock(mu_);
  return rates_;
}

void RateMeter::Reset() {
  std::lock_guard lock(mu_);
  primed_ = false;
  rates_ = {};
  window_.clear();
}

void RuleMetrics::Reset() {
  for (Counter* c : {&matched, &passed, &failed_exception, &failed_no_result, &actions_total,
                     &actions_success, &actions_failed, &actions_failed_out_of_service,
                     &actions_failed_unknown, &actions_discarded}) {
    c->Reset();
  }
  matched_rate.Reset();
}

void ResourceMetrics::Reset() {
  for (Counter* c :
       {&matched, &success, &failed, &retried, &retried_success, &retried_failed, &late_reply,
        &dropped_expired, &dropped_queue_full, &dropped_resource_not_found,
        &dropped_resource_stopped, &dropped_other, &received, &template_missing_vars}) {
    c->Reset();
  }
  matched_rate.Reset();
  received_rate.Reset();
}

const char* ResourceStatusName(ResourceStatus s) {
  switch (s) {
    case ResourceStatus::kConnected:
      return "connected";
    case ResourceStatus::kConnecting:
      return "connecting";
    case ResourceStatus::kDisconnected:
      return "disconnected";
    case ResourceStatus::kStopped:
      return "stopped";
  }
  return "unknown";
}

namespace {
template <typename T>
T* GetOrCreate(std::mutex& mu, std::map<std::string, std::unique_ptr<T>>& m,
               const std::string& name, std::set<std::string>* unlisted = nullptr) {
  std::lock_guard lock(mu);
  if (unlisted != nullptr) unlisted->erase(name);
  auto& slot = m[name];
  if (!slot) slot = std::make_unique<T>();
  return slot.get();
}
}  // namespace

RuleMetrics* MetricsRegistry::Rule(const std::string& name) {
  return GetOrCreate(mu_, rules_, name, &unlisted_rules_);
}
ResourceMetrics* MetricsRegistry::Action(const std::string& name) {
  return GetOrCreate(mu_, actions_, name, &unlisted_actions_);
}
ResourceMetrics* MetricsRegistry::Source(const std::string& name) {
  return GetOrCreate(mu_, sources_, name, &unlisted_sources_);
}

void MetricsRegistry::ListOnly(const std::set<std::string>& rules,
                               const std::set<std::string>& actions,
                               const std::set<std::string>& sources,
                               const std::set<std::string>& connectors) {
  std::lock_guard lock(mu_);
  auto unlist = [](const auto& blocks, const std::set<std::string>& keep,
                   std::set<std::string>& out) {
    out.clear();
    for (const auto& [name, block] : blocks) {
      if (!keep.contains(name)) out.insert(name);
    }
  };
  unlist(rules_, rules, unlisted_rules_);
  unlist(actions_, actions, unlisted_actions_);
  unlist(sources_, sources, unlisted_sources_);
  unlist(connectors_, connectors, unlisted_connectors_);
}
ConnectorState* MetricsRegistry::Connector(const std::string& name) {
  return GetOrCreate(mu_, connectors_, name);
}

void MetricsRegistry::SampleRates(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  for (auto& [n, r] : rules_) r->matched_rate.Sample(r->matched.Get(), now);
  for (auto& [n, a] : actions_) a->matched_rate.Sample(a->matched.Get(), now);
  for (auto& [n, s] : sources_) s->received_rate.Sample(s->received.Get(), now);
}

}  // namespace mqb::engine
