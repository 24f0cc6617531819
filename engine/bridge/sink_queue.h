// SinkQueue: the TTL queue of one pool connection. Entries are sink messages (an OutMsg of a
// rendered batch) in the order the dispatcher handed them over, with their enqueue time.
//
// Chunks: the dispatcher hands over one chunk per batch (the batch reference and the indices of
// its messages for this connection), so pushing N messages is one deque append, and the batch
// stays alive while any of its messages is queued. Every message is counted under the plan of its
// batch: the `queuing` / `queuing_bytes` gauges of its action follow the queue, updated once per
// run of messages of the same action (FlushGauges) rather than once per message.
//
// The owner enforces request_ttl (front entries older than it are popped and counted by the
// caller), the byte limit (TrimTo drops the oldest), and re-queues messages at the front after a
// recoverable reply (PushFront keeps their original enqueue time).
//
// Thread-safety: not thread-safe; owned by the connection's reactor thread. The gauges it
// updates are atomics read by any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "engine/bridge/batch.h"
#include "engine/bridge/plan.h"

namespace mqb::engine::bridge {

class SinkQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  SinkQueue() = default;
  ~SinkQueue() { FlushGauges(); }
  SinkQueue(const SinkQueue&) = delete;
  SinkQueue& operator=(const SinkQueue&) = delete;

  // Bytes an entry counts for: topic, payload and properties.
  static size_t EntryBytes(const OutMsg& m) {
    return m.topic.len + m.payload.len + m.properties.len;
  }

  bool empty() const { return queue_.empty(); }
  size_t size() const { return size_; }
  size_t bytes() const { return bytes_; }

  // Appends the batch's messages `idx` (all with enqueue time `now`).
  void Push(BatchRef batch, std::vector<uint32_t> idx, TimePoint now);
  // Puts one message back at the front (a recoverable reply), keeping its enqueue time.
  void PushFront(BatchRef batch, uint32_t out, TimePoint enqueued, bool retried);

  // The front entry (queue not empty).
  const BatchRef& front_batch() const { return queue_.front().batch; }
  uint32_t front_out() const {
    const Chunk& c = queue_.front();
    return c.idx[c.head];
  }
  const OutMsg& front_msg() const {
    const Chunk& c = queue_.front();
    return c.batch->outs[c.idx[c.head]];
  }
  TimePoint front_enqueued() const { return queue_.front().enqueued; }
  bool front_retried() const { return queue_.front().retried; }
  const SinkPlan& front_sink() const { return front_batch()->plan->sinks[front_msg().action]; }
  const RulePlan& front_rule() const { return front_batch()->plan->rules[front_msg().rule]; }

  // Removes the front entry (may release its batch).
  void PopFront();

  // Drops the oldest entries while more than `limit` bytes are queued; on_drop(sink, rule) is
  // called for each before it is removed.
  template <typename F>
  size_t TrimTo(uint64_t limit, F on_drop) {
    size_t n = 0;
    while (bytes_ > limit && !queue_.empty()) {
      on_drop(front_sink(), front_rule());
      PopFront();
      ++n;
    }
    return n;
  }

  // Removes every entry, calling f(batch, indices, enqueued) once per run of one batch's messages
  // in queue order (a connector change hands them to its new connections).
  template <typename F>
  void DrainChunks(F f) {
    while (!queue_.empty()) {
      Chunk& c = queue_.front();
      std::vector<uint32_t> idx(c.idx.begin() + static_cast<std::ptrdiff_t>(c.head), c.idx.end());
      BatchRef batch = c.batch;
      const TimePoint enqueued = c.enqueued;
      for (size_t i = idx.size(); i > 0; --i) PopFront();
      f(std::move(batch), std::move(idx), enqueued);
    }
    FlushGauges();
  }

  // Applies the gauge changes not yet published (called at the end of every queue operation
  // burst by the owner, and by the destructor).
  void FlushGauges();

 private:
  struct Chunk {
    BatchRef batch;
    std::vector<uint32_t> idx;
    size_t head = 0;
    TimePoint enqueued;
    bool retried = false;  // re-queued after a recoverable reply
  };

  // Accumulates a gauge change for `metrics` (published when the action changes or on flush).
  void Account(ResourceMetrics* metrics, int64_t count, int64_t bytes) {
    if (metrics != pending_metrics_) {
      FlushGauges();
      pending_metrics_ = metrics;
    }
    pending_count_ += count;
    pending_bytes_ += bytes;
  }

  std::deque<Chunk> queue_;
  size_t size_ = 0, bytes_ = 0;
  ResourceMetrics* pending_metrics_ = nullptr;
  int64_t pending_count_ = 0, pending_bytes_ = 0;
};

}  // namespace mqb::engine::bridge
