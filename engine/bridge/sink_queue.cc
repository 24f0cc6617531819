#include "engine/bridge/sink_queue.h"

namespace mqb::engine::bridge {

void SinkQueue::Push(BatchRef batch, std::vector<uint32_t> idx, TimePoint now) {
  if (idx.empty()) return;
  const Plan& plan = *batch->plan;
  size_t bytes = 0;
  for (uint32_t i : idx) {
    const OutMsg& m = batch->outs[i];
    const size_t n = EntryBytes(m);
    bytes += n;
    Account(plan.sinks[m.action].metrics, 1, static_cast<int64_t>(n));
  }
  size_ += idx.size();
  bytes_ += bytes;
  queue_.push_back(Chunk{std::move(batch), std::move(idx), 0, now, false});
}

void SinkQueue::PushFront(BatchRef batch, uint32_t out, TimePoint enqueued, bool retried) {
  const OutMsg& m = batch->outs[out];
  const size_t n = EntryBytes(m);
  Account(batch->plan->sinks[m.action].metrics, 1, static_cast<int64_t>(n));
  ++size_;
  bytes_ += n;
  queue_.push_front(Chunk{std::move(batch), {out}, 0, enqueued, retried});
}

void SinkQueue::PopFront() {
  Chunk& c = queue_.front();
  const OutMsg& m = c.batch->outs[c.idx[c.head]];
  const size_t n = EntryBytes(m);
  Account(c.batch->plan->sinks[m.action].metrics, -1, -static_cast<int64_t>(n));
  --size_;
  bytes_ -= n;
  if (++c.head == c.idx.size()) queue_.pop_front();
}

void SinkQueue::FlushGauges() {
  if (pending_metrics_ != nullptr && (pending_count_ != 0 || pending_bytes_ != 0)) {
    pending_metrics_->queuing.Add(pending_count_);
    pending_metrics_->queuing_bytes.Add(pending_bytes_);
  }
  pending_count_ = pending_bytes_ = 0;
}

}  // namespace mqb::engine::bridge
