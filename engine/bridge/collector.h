// Batch hand-off from the producing threads to the rule pipeline.
//
// Producer: one per producing thread (the broker's reactor thread, each connector reactor
// thread). Add() appends one event to the producer's current batch: two uncontended atomic
// operations, no lock, no syscall; only the first event of a batch wakes the collector (one futex
// wake per batch, not per message).
//
// Collector: one thread that takes every producer's current batch as a whole (lock-free swap),
// numbers it and submits it to the pipeline. At most `max_in_flight` batches are in the pipeline;
// while it is full, producers keep appending, so batches grow with load (natural batching: one
// hand-off per batch, never per message) up to EventBatch::kMaxEvents; then the producer chains
// a new batch behind the full one, and the collector submits the chain in order.
//
// BatchPool: recycled batches (their vectors and strings keep their capacity).
//
// Thread-safety: Producer::Add from its one producing thread only; Collector::Notify and
// BatchPool from any thread; Start/Stop from the owning thread.
#pragma once

#include <tbb/concurrent_queue.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

#include "engine/bridge/batch.h"

namespace mqb::engine::bridge {

class BatchPool {
 public:
  BatchPool() = default;
  ~BatchPool();
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

  EventBatch* Get();
  void Recycle(EventBatch* batch);
  // A shared reference that recycles the batch when the last holder lets go.
  BatchRef Share(EventBatch* batch);

 private:
  static constexpr size_t kKeep = 256;
  tbb::concurrent_queue<EventBatch*> free_;
  std::atomic<size_t> free_count_{0};
};

class Collector;

class Producer {
 public:
  Producer(Collector* collector, BatchPool* pool) : collector_(collector), pool_(pool) {}
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Producing thread: fill(EventBatch&) appends one event (and its bytes) to the current batch.
  template <typename F>
  void Add(F&& fill);

 private:
  friend class Collector;
  Collector* collector_;
  BatchPool* pool_;
  std::atomic<EventBatch*> cur_{nullptr};
  std::atomic<bool> busy_{false};
};

class Collector {
 public:
  using Submit = std::function<void(EventBatch*)>;
  Collector(BatchPool* pool, Submit submit, int max_in_flight);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Owning thread, before Start(): creates a producer (owned by the collector).
  Producer* AddProducer();
  void Start();
  // Takes what is left, submits it, and joins the thread.
  void Stop();

  // Any thread: at least one producer has a non-empty batch.
  void Notify() {
    if (pending_.fetch_add(1, std::memory_order_acq_rel) == 0) pending_.notify_one();
  }
  // Pipeline: a submitted batch has been dispatched (frees an in-flight slot).
  void Done() { slots_.release(); }
  // Owning thread: blocks until every submitted batch has been dispatched, and keeps new batches
  // out of the pipeline until Resume() (producers keep appending meanwhile). A configuration
  // change swaps what the pipeline and the dispatcher use in between.
  void Pause() {
    for (int i = 0; i < max_in_flight_; ++i) slots_.acquire();
  }
  void Resume() { slots_.release(max_in_flight_); }

 private:
  void Loop();
  bool Drain();  // returns false if a producer was busy (retry)

  BatchPool* pool_;
  Submit submit_;
  std::vector<std::unique_ptr<Producer>> producers_;
  int max_in_flight_;
  std::counting_semaphore<1024> slots_;
  std::atomic<uint32_t> pending_{0};
  std::atomic<bool> running_{false};
  uint64_t next_seq_ = 0;
  std::thread thread_;
};

template <typename F>
void Producer::Add(F&& fill) {
  busy_.store(true, std::memory_order_relaxed);
  EventBatch* head = cur_.exchange(nullptr, std::memory_order_acq_rel);
  if (head == nullptr) {
    head = pool_->Get();
    head->tail = head;
  }
  const bool was_empty = head->events.empty();
  EventBatch* b = head->tail;
  if (b->events.size() >= EventBatch::kMaxEvents) {
    EventBatch* fresh = pool_->Get();
    b->next = fresh;
    head->tail = fresh;
    b = fresh;
  }
  fill(*b);
  cur_.store(head, std::memory_order_release);
  busy_.store(false, std::memory_order_release);
  if (was_empty) collector_->Notify();
}

}  // namespace mqb::engine::bridge
