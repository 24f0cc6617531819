// Pipeline: the rule engine over batches, as a oneTBB flow graph.
//
//   Submit(batch) -> [evaluate: parse, SQL, templates]  (parallel, one Evaluator per TBB thread)
//                 -> [sequencer]                          (restores submission order)
//                 -> [dispatch]                           (serial: hands outputs to the sinks)
//
// evaluate: for every event of the batch, the rules its FROM may name (local rules for a local
// publish, the source's rules for a `$bridges/mqtt:<name>` event) are evaluated; every output of
// every rule is rendered once per action into the batch's OutMsg list (topic, payload, qos,
// retain, v5 properties). Rule and action counters are summed per batch and added once.
// dispatch: one hand-off per batch and pool connection (PoolConnection::Enqueue), republish
// messages into the local broker in order. Batches are dispatched in the order they were
// submitted, and a publisher's messages always go to the same pool connection (hash of its
// client id), so per-publisher order is kept end to end.
//
// Loop prevention: an event that came in through a source of connector C is never rendered for
// a sink of connector C. The broker never offers republished messages to the rules again.
//
// Small batches while the graph is idle (a steady, moderate load) are evaluated and dispatched
// directly on the submitting thread: the order is the same (nothing else is in flight), and
// the TBB workers stay asleep instead of waking (and spinning) for one message.
//
// Reload: SetPlan swaps the plan new batches are evaluated with; a batch keeps the plan it was
// submitted under until its last message is sent (EventBatch::plan).
//
// Thread-safety: Submit from the collector thread only; Wait and SetPlan from the owning thread.
#pragma once

#include <tbb/enumerable_thread_specific.h>
#include <tbb/flow_graph.h>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "engine/bridge/batch.h"
#include "engine/bridge/collector.h"
#include "engine/bridge/connector_pool.h"
#include "engine/bridge/plan.h"
#include "engine/broker/broker.h"

namespace mqb::engine::bridge {

struct Worker;

class Pipeline {
 public:
  // `pools[i]` is the pool of plan.connectors[i] (null where that is null); `broker` may be null
  // (no embedded broker: republish outputs are dropped and counted as failed).
  Pipeline(std::shared_ptr<const Plan> plan, std::vector<ConnectorPool*> pools,
           broker::Broker* broker, BatchPool* pool,
           std::function<void(const EventBatch&)> on_dispatched);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void Submit(EventBatch* batch);
  // Batches submitted from now on use `plan` (same connector pools).
  void SetPlan(std::shared_ptr<const Plan> plan) { plan_.store(std::move(plan)); }
  // Replaces the pools (indexed by connector slot; null where a slot has none). Only while no
  // batch is in the pipeline (Collector::Pause).
  void SetPools(std::vector<ConnectorPool*> pools);
  // Blocks until every submitted batch has been dispatched.
  void Wait();

  // Evaluates and renders one batch with its plan (the current one if it has none; public for
  // tests and benchmarks).
  void Evaluate(EventBatch& batch, Worker& worker) const;

 private:
  void Dispatch(const BatchRef& batch);
  static constexpr size_t kInlineMaxEvents = 64;

  std::atomic<std::shared_ptr<const Plan>> plan_;
  std::vector<ConnectorPool*> pools_;
  broker::Broker* broker_;
  BatchPool* batch_pool_;
  std::function<void(const EventBatch&)> on_dispatched_;
  std::vector<std::vector<std::vector<uint32_t>>> per_conn_;  // dispatcher scratch
  std::atomic<int64_t> in_graph_{0};  // batches submitted to the graph and not dispatched yet
  uint64_t next_graph_seq_ = 0;       // sequencer numbers (graph batches only; submit thread)
  std::unique_ptr<tbb::enumerable_thread_specific<Worker>> workers_;
  tbb::flow::graph graph_;
  tbb::flow::function_node<BatchRef, BatchRef> evaluate_;
  tbb::flow::sequencer_node<BatchRef> order_;
  tbb::flow::function_node<BatchRef, tbb::flow::continue_msg> dispatch_;
};

}  // namespace mqb::engine::bridge
