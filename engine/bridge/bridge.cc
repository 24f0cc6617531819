#include "engine/bridge/bridge.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "engine/bridge/event_columns.h"
#include "engine/bridge/reload.h"

namespace mqb::engine::bridge {

Bridge::Bridge(Config config) : config_(std::move(config)) {}

Bridge::~Bridge() { Stop(std::chrono::milliseconds(0)); }

Result<void, std::string> Bridge::Start() {
  auto plan =
      Plan::Build(std::make_shared<const Config>(config_), metrics_, source_ids_, connector_slots_);
  if (!plan.ok()) return Err(plan.error());
  plan_ = std::move(plan.value());
  hook_plan_.store(plan_.get());
  set_wanted_events(plan_->event_mask);

  // io reactors for the connector pools: also without connectors, since connectors may be
  // created at run time (an idle reactor sleeps in the kernel and costs nothing).
  int n = config_.node.io_threads;
  if (n <= 0) n = static_cast<int>(std::max(1u, std::min(2u, std::thread::hardware_concurrency())));
  for (int i = 0; i < n; ++i) {
    io::ReactorOptions ro;
    ro.name = "bridge-io-" + std::to_string(i);
    ro.quiet = true;
    auto r = io::Reactor::Create(ro);
    if (!r.ok()) return Err("io: " + r.error());
    reactor_ptrs_.push_back(r.value().get());
    reactors_.push_back(std::move(r.value()));
  }

  collector_ = std::make_unique<Collector>(
      &batch_pool_, [this](EventBatch* b) { pipeline_->Submit(b); }, 16);
  for (int i = 0; i < n; ++i) producers_.push_back(collector_->AddProducer());
  broker_producer_ = collector_->AddProducer();

  pools_.resize(plan_->connectors.size());
  for (size_t slot = 0; slot < plan_->connectors.size(); ++slot) {
    if (plan_->connectors[slot] == nullptr) continue;
    pools_[slot] = NewPool(static_cast<int>(slot), *plan_->connectors[slot], *plan_);
  }

  if (config_.broker.enable) {
    auto b = broker::Broker::Start(broker::MakeBrokerOptions(config_.broker),
                                   config_.broker.listeners, this);
    if (!b.ok()) return Err("broker: " + b.error());
    broker_ = std::move(b.value());
  }

  pipeline_ = std::make_unique<Pipeline>(
      plan_, PoolPointers(), broker_.get(), &batch_pool_, [this](const EventBatch& b) {
        dispatched_.fetch_add(b.local_events, std::memory_order_relaxed);
        collector_->Done();
      });
  collector_->Start();
  for (auto& p : pools_) {
    if (p) p->Start();
  }
  ListOnly();
  for (auto& r : reactors_) {
    io::Reactor* rp = r.get();
    threads_.emplace_back([rp] { rp->Run(); });
  }
  started_ = true;
  accepting_.store(true);
  return {};
}

void Bridge::Stop(std::chrono::milliseconds flush) {
  if (!started_) return;
  started_ = false;
  accepting_.store(false);
  collector_->Stop();
  pipeline_->Wait();
  // Let queued messages flow while the remotes are up.
  const auto deadline = std::chrono::steady_clock::now() + flush;
  while (Pending() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& p : pools_) {
    if (p) p->Stop();
  }
  // Wait (briefly) until every connection has sent its DISCONNECT and closed.
  const auto closed_by = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    int64_t open = 0;
    metrics_.ForEachConnector(
        [&](const std::string&, const ConnectorState& s) { open += s.connected_clients.Get(); });
    if (open == 0 || std::chrono::steady_clock::now() >= closed_by) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& r : reactors_) r->Shutdown(std::chrono::milliseconds(500));
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (broker_) broker_->Stop();
  pools_.clear();
  retired_pools_.clear();
  pipeline_.reset();
}

std::unique_ptr<ConnectorPool> Bridge::NewPool(int slot, const ConnectorConfig& config,
                                               const Plan& plan) {
  return std::make_unique<ConnectorPool>(slot, config, plan, metrics_, reactor_ptrs_, producers_,
                                         &next_reactor_, &backlog_);
}

std::vector<ConnectorPool*> Bridge::PoolPointers() const {
  std::vector<ConnectorPool*> out;
  for (const auto& p : pools_) out.push_back(p.get());
  return out;
}

void Bridge::ListOnly() {
  std::set<std::string> rules, actions, sources, connectors;
  const Config& c = *plan_->config;
  for (const auto& [name, r] : c.rules) rules.insert(name);
  for (const auto& [name, a] : c.actions) actions.insert(name);
  for (const auto& [name, s] : c.sources) sources.insert(name);
  for (const auto& [name, k] : c.connectors) connectors.insert(name);
  metrics_.ListOnly(rules, actions, sources, connectors);
}

Result<void, std::string> Bridge::Check(const Config& next) const {
  if (!started_) return Err(std::string("not running"));
  ReloadMerge merged = MergeForReload(*plan_->config, next);
  MetricsRegistry scratch;
  SourceIds ids = source_ids_;
  ConnectorSlots slots = connector_slots_;
  auto built =
      Plan::Build(std::make_shared<const Config>(std::move(merged.config)), scratch, ids, slots);
  if (!built.ok()) return Err(built.error());
  return {};
}

Result<std::vector<std::string>, std::string> Bridge::Apply(Config next,
                                                            const std::string& restart) {
  if (!started_) return Err(std::string("not running"));
  // Pools retired long enough ago have closed their connections: free them now.
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(retired_pools_, [&](RetiredPool& r) {
    if (now - r.at < kRetiredGrace) return false;
    r.pool->Dispose();
    return true;
  });
  ReloadMerge merged = MergeForReload(*plan_->config, std::move(next));
  auto built = Plan::Build(std::make_shared<const Config>(std::move(merged.config)), metrics_,
                           source_ids_, connector_slots_);
  if (!built.ok()) return Err(built.error());
  std::shared_ptr<const Plan> plan = std::move(built.value());

  // Per slot: keep the pool, replace it (the connector changed), start one or retire one.
  const size_t slots = std::max(plan->connectors.size(), pools_.size());
  std::vector<std::unique_ptr<ConnectorPool>> fresh(slots);
  std::vector<size_t> retire;
  for (size_t slot = 0; slot < slots; ++slot) {
    const ConnectorConfig* want = slot < plan->connectors.size() ? plan->connectors[slot] : nullptr;
    ConnectorPool* have = slot < pools_.size() ? pools_[slot].get() : nullptr;
    if (want != nullptr && have != nullptr && SameConnector(have->config(), *want) &&
        want->name != restart) {
      continue;
    }
    if (want != nullptr) fresh[slot] = NewPool(static_cast<int>(slot), *want, *plan);
    if (have != nullptr) retire.push_back(slot);
  }

  // No batch in the pipeline from here to Resume: the dispatcher's pools can change.
  const auto paused_at = std::chrono::steady_clock::now();
  collector_->Pause();
  pools_.resize(slots);
  for (size_t slot : retire) {
    ConnectorPool* successor = fresh[slot].get();
    pools_[slot]->Retire(successor);  // its messages go to `successor` before anything newer
    if (successor == nullptr) {
      ConnectorState* st = metrics_.Connector(pools_[slot]->name());
      st->status.store(ResourceStatus::kDisconnected);
      st->connected_clients.Set(0);
      st->SetError("");
      spdlog::info("connector {}: stopped", pools_[slot]->name());
    } else {
      spdlog::info("connector {}: settings changed, reconnecting its pool", pools_[slot]->name());
    }
    retired_pools_.push_back({std::move(pools_[slot]), std::chrono::steady_clock::now()});
  }
  std::vector<bool> started(slots, false);
  for (size_t slot = 0; slot < slots; ++slot) {
    if (!fresh[slot]) continue;
    pools_[slot] = std::move(fresh[slot]);
    started[slot] = true;
  }
  pipeline_->SetPools(PoolPointers());
  pipeline_->SetPlan(plan);
  for (size_t slot = 0; slot < slots; ++slot) {
    if (!pools_[slot]) continue;
    if (started[slot]) {
      pools_[slot]->Start();
    } else {
      pools_[slot]->Reconfigure(*plan);  // same connections, new sinks' limits and sources
    }
  }
  std::shared_ptr<const Plan> old = std::move(plan_);
  plan_ = plan;
  hook_plan_.store(plan_.get(), std::memory_order_release);
  set_wanted_events(plan_->event_mask);
  collector_->Resume();
  const auto paused_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - paused_at)
                             .count();
  // The broker thread may be inside WantsTopic with the old plan; wait it out before freeing.
  if (broker_) broker_->Sync();
  old.reset();

  ListOnly();
  spdlog::info(
      "configuration applied: {} connector(s), {} rule(s), {} action(s), {} source(s); "
      "messages waited {:.3f} ms for it",
      plan_->config->connectors.size(), plan_->rules.size(), plan_->sinks.size(),
      plan_->sources.size(), static_cast<double>(paused_us) / 1000.0);
  for (const std::string& line : merged.ignored) spdlog::warn("reload: {}", line);
  return std::move(merged.ignored);
}

std::vector<uint16_t> Bridge::broker_ports() const {
  return broker_ ? broker_->ports() : std::vector<uint16_t>{};
}

int64_t Bridge::Pending() const {
  int64_t n = 0;
  metrics_.ForEachActionBlock([&](const std::string&, const ResourceMetrics& m) {
    n += m.queuing.Get() + m.inflight.Get();
  });
  return n;
}

void Bridge::LogStatus() {
  metrics_.ForEachConnector([](const std::string& name, const ConnectorState& s) {
    const std::string err = s.Error();
    spdlog::info("connector {}: {} ({}/{} connected){}{}", name,
                 ResourceStatusName(s.status.load()), s.connected_clients.Get(), s.pool_size.load(),
                 err.empty() ? "" : ": ", err);
  });
  metrics_.ForEachRule([](const std::string& name, const RuleMetrics& m) {
    spdlog::info(
        "rule {}: matched {} passed {} failed.exception {} failed.no_result {} "
        "actions.total {} actions.success {} actions.failed {}",
        name, m.matched.Get(), m.passed.Get(), m.failed_exception.Get(), m.failed_no_result.Get(),
        m.actions_total.Get(), m.actions_success.Get(), m.actions_failed.Get());
  });
  metrics_.ForEachAction([](const std::string& name, const ResourceMetrics& m) {
    spdlog::info(
        "action {}: matched {} success {} failed {} dropped {} (expired {}, queue_full {}) "
        "queuing {} inflight {}",
        name, m.matched.Get(), m.success.Get(), m.failed.Get(), m.Dropped(),
        m.dropped_expired.Get(), m.dropped_queue_full.Get(), m.queuing.Get(), m.inflight.Get());
  });
  metrics_.ForEachSource([](const std::string& name, const ResourceMetrics& m) {
    spdlog::info("source {}: received {}", name, m.received.Get());
  });
}

bool Bridge::Congested() {
  const int64_t limit = config_.broker.max_bridge_backlog;
  if (limit <= 0) return false;
  // Queued for connected remotes, plus handed to the rules and not yet dispatched.
  const int64_t n = backlog_.load(std::memory_order_relaxed) +
                    static_cast<int64_t>(fed_.load(std::memory_order_relaxed) -
                                         dispatched_.load(std::memory_order_relaxed));
  congested_ = congested_ ? n > limit / 2 : n > limit;
  return congested_;
}

bool Bridge::WantsTopic(std::string_view topic) {
  return accepting_.load(std::memory_order_relaxed) &&
         hook_plan_.load(std::memory_order_acquire)->WantsTopic(topic);
}

void Bridge::OnPublish(const broker::InboundMessage& message) {
  if (!accepting_.load(std::memory_order_relaxed)) return;
  fed_.store(fed_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // one writer
  broker_producer_->Add([&](EventBatch& b) {
    Event& e = b.events.emplace_back();
    e.msg = message.message;
    e.clientid = Append(b.bytes, message.client_id);
    e.username = Append(b.bytes, message.username);
    e.has_username = !message.username.empty();
    e.peer = Append(b.bytes, message.peer);
    e.qos = static_cast<uint8_t>(message.qos);
    e.retain = message.retain;
    e.version = static_cast<uint8_t>(message.version);
    e.received_at_ms = NowMs();
    e.hash = std::hash<std::string_view>{}(message.client_id);
  });
}

}  // namespace mqb::engine::bridge

namespace mqb::engine::bridge {

void Bridge::OnEvent(const broker::BrokerEvent& event) {
  if (!accepting_.load(std::memory_order_relaxed)) return;
  // Counted like a publish, so a flood of events is held back by the same back-pressure.
  fed_.store(fed_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // one writer
  const int64_t now_ms = NowMs();
  broker_producer_->Add([&](EventBatch& b) {
    Event& e = b.events.emplace_back();
    e.broker_event = static_cast<uint8_t>(1 + static_cast<unsigned>(event.type));
    e.received_at_ms = now_ms;
    if (event.message != nullptr) {
      e.msg = *event.message;
      const broker::Message& m = *e.msg;
      e.received_at_ms = m.received_at == broker::TimePoint{}
                             ? now_ms
                             : now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(
                                            event.now - m.received_at)
                                            .count();
      e.retain = event.retain;
      e.dup = event.dup;
    }
    e.qos = static_cast<uint8_t>(event.qos);
    e.version = static_cast<uint8_t>(event.version);
    e.columns.off = static_cast<uint32_t>(b.bytes.size());
    AppendEventColumns(event, now_ms, &b.bytes);
    e.columns.len = static_cast<uint32_t>(b.bytes.size() - e.columns.off);
    e.hash = std::hash<std::string_view>{}(event.client_id);
  });
}

}  // namespace mqb::engine::bridge
