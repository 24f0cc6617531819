// InflightTable: the sink messages a pool connection has published at QoS 1/2 and awaits the
// acknowledgement of, keyed by packet id.
//
// Open addressing with linear probing and backward-shift deletion over a power-of-two array that
// holds at least twice the in-flight window, so after construction it never allocates: the
// client never has more than max_inflight messages in flight. Should a caller insert more anyway,
// the table doubles (rare, counted by the caller only as memory).
//
// Each entry keeps the batch the message was rendered in (so its plan, action and rule stay
// valid across a configuration reload, and the message can be queued again on a recoverable
// PUBACK) and its enqueue time (late replies).
//
// Thread-safety: not thread-safe; owned by one reactor thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/bridge/batch.h"

namespace mqb::engine::bridge {

struct InflightEntry {
  uint16_t packet_id = 0;  // 0: free slot
  bool retried = false;    // this message was queued again before (retried.* counters)
  uint32_t out = 0;        // index into batch->outs
  BatchRef batch;
  std::chrono::steady_clock::time_point enqueued;
};

class InflightTable {
 public:
  explicit InflightTable(size_t window) {
    size_t cap = 16;
    while (cap < window * 2) cap <<= 1;
    slots_.resize(cap);
  }

  size_t size() const { return size_; }

  // Adds an entry; `e.packet_id` must be non-zero and not present.
  void Insert(InflightEntry e) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Home(e.packet_id);
    while (slots_[i].packet_id != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = std::move(e);
    ++size_;
  }

  // Removes and returns the entry of `packet_id` (packet_id 0 in the result: not found).
  InflightEntry Take(uint16_t packet_id) {
    if (packet_id == 0) return {};
    const size_t mask = slots_.size() - 1;
    size_t i = Home(packet_id);
    while (slots_[i].packet_id != packet_id) {
      if (slots_[i].packet_id == 0) return {};
      i = (i + 1) & mask;
    }
    InflightEntry out = std::move(slots_[i]);
    slots_[i] = InflightEntry{};
    --size_;
    // Backward-shift: move later entries of the cluster into the hole when that brings them
    // closer to (or onto) their home slot.
    size_t hole = i;
    for (size_t j = (i + 1) & mask; slots_[j].packet_id != 0; j = (j + 1) & mask) {
      const size_t home = Home(slots_[j].packet_id);
      // Entry j may fill the hole if its home is not in (hole, j] cyclically.
      const bool home_between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (home_between) continue;
      slots_[hole] = std::move(slots_[j]);
      slots_[j] = InflightEntry{};
      hole = j;
    }
    return out;
  }

  // Removes every entry, calling f(entry&&) for each.
  template <typename F>
  void Drain(F f) {
    for (InflightEntry& e : slots_) {
      if (e.packet_id == 0) continue;
      f(std::move(e));
      e = InflightEntry{};
    }
    size_ = 0;
  }

 private:
  size_t Home(uint16_t id) const { return (id * 0x9E37u) & (slots_.size() - 1); }

  void Grow() {
    std::vector<InflightEntry> old = std::move(slots_);
    slots_.clear();
    slots_.resize(old.size() * 2);
    size_ = 0;
    for (InflightEntry& e : old) {
      if (e.packet_id != 0) Insert(std::move(e));
    }
  }

  std::vector<InflightEntry> slots_;
  size_t size_ = 0;
};

}  // namespace mqb::engine::bridge
