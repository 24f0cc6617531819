// MpscQueue: an intrusive, lock-free, unbounded multi-producer single-consumer queue
// (Dmitry Vyukov's node-based design).
//
// Producers on any thread call Push(); exactly one consumer thread calls Pop(). Push is
// wait-free (one atomic exchange); Pop may briefly observe the queue as empty while a producer is
// between its two steps; the producer's wake-up that follows covers that window.
//
// Nodes are owned by the caller: a node must not be pushed twice and must stay alive until
// popped. Thread-safety: as stated above.
#pragma once

#include <atomic>

namespace mqb::io {

struct MpscNode {
  std::atomic<MpscNode*> next{nullptr};
};

class MpscQueue {
 public:
  MpscQueue() : head_(&stub_), tail_(&stub_) {}
  MpscQueue(const MpscQueue&) = delete;
  MpscQueue& operator=(const MpscQueue&) = delete;

  // Any thread. Returns true if the queue looked empty before this push (a hint for wake-ups).
  bool Push(MpscNode* node) noexcept {
    node->next.store(nullptr, std::memory_order_relaxed);
    MpscNode* prev = head_.exchange(node, std::memory_order_acq_rel);
    prev->next.store(node, std::memory_order_release);
    return prev == &stub_;
  }

  // Consumer thread only. Returns nullptr when empty (or momentarily inconsistent).
  MpscNode* Pop() noexcept {
    MpscNode* tail = tail_;
    MpscNode* next = tail->next.load(std::memory_order_acquire);
    if (tail == &stub_) {
      if (next == nullptr) return nullptr;
      tail_ = next;
      tail = next;
      next = next->next.load(std::memory_order_acquire);
    }
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    if (tail != head_.load(std::memory_order_acquire)) return nullptr;  // producer mid-push
    Push(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    return nullptr;
  }

 private:
  alignas(64) std::atomic<MpscNode*> head_;
  alignas(64) MpscNode* tail_;
  MpscNode stub_;
};

}  // namespace mqb::io
