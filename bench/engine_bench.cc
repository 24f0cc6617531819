// Benchmarks of the bridge's per-connection structures on the send path:
//   BM_SinkQueuePushPop/N   one batch of N messages handed over, then every message popped
//                           (the steady state of a connection keeping up); items = messages
//   BM_SinkQueueTrim        the overflow path: every push drops as many old messages
//   BM_InflightInsertTake/W QoS 1 bookkeeping with W messages in flight (insert at send, take
//                           at PUBACK)
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>

#include "engine/bridge/inflight_table.h"
#include "engine/bridge/plan.h"
#include "engine/bridge/sink_queue.h"

namespace mqb::engine::bridge {
namespace {

// A plan with one sink and one rule, and a batch of `n` rendered 64-byte messages.
struct Fixture {
  MetricsRegistry metrics;
  std::shared_ptr<Plan> plan = std::make_shared<Plan>();
  Fixture() {
    SinkPlan s;
    s.name = "out";
    s.metrics = metrics.Action("out");
    plan->sinks.push_back(std::move(s));
    RulePlan r;
    r.name = "r";
    r.metrics = metrics.Rule("r");
    plan->rules.push_back(std::move(r));
  }
  BatchRef Batch(size_t n) {
    auto b = std::make_shared<EventBatch>();
    b->plan = plan;
    for (size_t i = 0; i < n; ++i) {
      OutMsg m;
      m.topic = Append(b->out_bytes, "pub/temp_hum/emqx");
      m.payload = Append(b->out_bytes, std::string(64, 'x'));
      b->outs.push_back(m);
    }
    return b;
  }
};

void BM_SinkQueuePushPop(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Fixture f;
  BatchRef batch = f.Batch(n);
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
  SinkQueue q;
  const auto now = std::chrono::steady_clock::now();
  for (auto _ : state) {
    q.Push(batch, idx, now);
    while (!q.empty()) {
      benchmark::DoNotOptimize(q.front_msg().payload.len);
      q.PopFront();
    }
    q.FlushGauges();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_SinkQueuePushPop)->Arg(1)->Arg(16)->Arg(256);

void BM_SinkQueueTrim(benchmark::State& state) {
  constexpr size_t kBatch = 64;
  Fixture f;
  BatchRef batch = f.Batch(kBatch);
  std::vector<uint32_t> idx(kBatch);
  for (size_t i = 0; i < kBatch; ++i) idx[i] = static_cast<uint32_t>(i);
  SinkQueue q;
  const auto now = std::chrono::steady_clock::now();
  q.Push(batch, idx, now);
  const uint64_t limit = q.bytes();
  size_t dropped = 0;
  for (auto _ : state) {
    q.Push(batch, idx, now);
    dropped += q.TrimTo(limit, [](const SinkPlan&, const RulePlan&) {});
    q.FlushGauges();
  }
  benchmark::DoNotOptimize(dropped);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_SinkQueueTrim);

void BM_InflightInsertTake(benchmark::State& state) {
  const size_t window = static_cast<size_t>(state.range(0));
  Fixture f;
  BatchRef batch = f.Batch(1);
  InflightTable t(window);
  uint16_t next = 1, oldest = 1;
  for (size_t i = 0; i < window; ++i) {
    t.Insert(InflightEntry{next, false, 0, batch, {}});
    next = static_cast<uint16_t>(next == 65535 ? 1 : next + 1);
  }
  for (auto _ : state) {
    InflightEntry e = t.Take(oldest);
    benchmark::DoNotOptimize(e.out);
    oldest = static_cast<uint16_t>(oldest == 65535 ? 1 : oldest + 1);
    e.packet_id = next;
    t.Insert(std::move(e));
    next = static_cast<uint16_t>(next == 65535 ? 1 : next + 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_InflightInsertTake)->Arg(32)->Arg(1024);

}  // namespace
}  // namespace mqb::engine::bridge
