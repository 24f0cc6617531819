#include "engine/bridge/collector.h"

namespace mqb::engine::bridge {

BatchPool::~BatchPool() {
  EventBatch* b = nullptr;
  while (free_.try_pop(b)) delete b;
}

EventBatch* BatchPool::Get() {
  EventBatch* b = nullptr;
  if (free_.try_pop(b)) {
    free_count_.fetch_sub(1, std::memory_order_relaxed);
    return b;
  }
  return new EventBatch();
}

void BatchPool::Recycle(EventBatch* batch) {
  batch->Clear();
  if (free_count_.load(std::memory_order_relaxed) >= kKeep) {
    delete batch;
    return;
  }
  free_count_.fetch_add(1, std::memory_order_relaxed);
  free_.push(batch);
}

BatchRef BatchPool::Share(EventBatch* batch) {
  return BatchRef(batch, [this](EventBatch* b) { Recycle(b); });
}

Collector::Collector(BatchPool* pool, Submit submit, int max_in_flight)
    : pool_(pool),
      submit_(std::move(submit)),
      max_in_flight_(max_in_flight),
      slots_(max_in_flight) {}

Collector::~Collector() {
  Stop();
  for (auto& p : producers_) {
    for (EventBatch* b = p->cur_.exchange(nullptr); b != nullptr;) {
      EventBatch* next = b->next;
      pool_->Recycle(b);
      b = next;
    }
  }
}

Producer* Collector::AddProducer() {
  producers_.push_back(std::make_unique<Producer>(this, pool_));
  return producers_.back().get();
}

void Collector::Start() {
  running_.store(true);
  thread_ = std::thread([this] { Loop(); });
}

void Collector::Stop() {
  if (!thread_.joinable()) return;
  running_.store(false);
  pending_.fetch_add(1);
  pending_.notify_one();
  thread_.join();
}

bool Collector::Drain() {
  bool complete = true;
  for (auto& p : producers_) {
    EventBatch* b = p->cur_.exchange(nullptr);
    if (b == nullptr) {
      // The producer may be appending right now: come back for its batch.
      if (p->busy_.load() || p->cur_.load() != nullptr) complete = false;
      continue;
    }
    // A chain of batches (the producer filled some while the pipeline was full), in order.
    while (b != nullptr) {
      EventBatch* next = b->next;
      b->next = b->tail = nullptr;
      if (b->events.empty()) {
        pool_->Recycle(b);
      } else {
        slots_.acquire();
        b->seq = next_seq_++;
        submit_(b);
      }
      b = next;
    }
  }
  return complete;
}

void Collector::Loop() {
  for (;;) {
    pending_.wait(0);
    const bool stopping = !running_.load();
    pending_.store(0);
    while (!Drain()) std::this_thread::yield();
    if (stopping) {
      // One more pass for anything appended while we were draining.
      while (!Drain()) std::this_thread::yield();
      return;
    }
  }
}

}  // namespace mqb::engine::bridge
