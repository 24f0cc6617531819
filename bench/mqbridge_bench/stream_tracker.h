// StreamTracker: loss, duplicate and order accounting for one publisher's sequence numbers as seen
// by one subscriber.
//
// Keeps the highest sequence number seen and a bitmap of the kWindow numbers below it. A number
// above the highest is new (a gap in between is not yet loss: it may arrive late). A number inside
// the window is a duplicate if its bit is set, else a late (out-of-order) first arrival. A number
// below the window is counted out of order and assumed new (it cannot be told apart from a
// duplicate any more). unique() counts first arrivals; missing() = highest + 1 - unique() is the
// loss as far as this subscriber can tell (messages lost after the highest one it saw are
// invisible to it; the caller that knows how many were sent computes loss from that instead).
//
// No allocation after construction.
//
// Thread-safety: distinct objects safe, shared objects unsafe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mqb::bench {

class StreamTracker {
 public:
  static constexpr uint64_t kWindow = 4096;

  enum class Verdict { kInOrder, kOutOfOrder, kDuplicate };
  Verdict Add(uint64_t seq);

  uint64_t unique() const { return unique_; }
  uint64_t duplicates() const { return duplicates_; }
  uint64_t out_of_order() const { return out_of_order_; }
  uint64_t received() const { return unique_ + duplicates_; }
  bool empty() const { return !any_; }
  uint64_t highest() const { return highest_; }
  uint64_t missing() const { return any_ ? highest_ + 1 - unique_ : 0; }

 private:
  bool Test(uint64_t seq) const { return (bits_[(seq / 64) % kWords] >> (seq % 64)) & 1; }
  void Set(uint64_t seq) { bits_[(seq / 64) % kWords] |= uint64_t{1} << (seq % 64); }
  void Clear(uint64_t seq) { bits_[(seq / 64) % kWords] &= ~(uint64_t{1} << (seq % 64)); }
  void Advance(uint64_t seq);

  static constexpr uint64_t kWords = kWindow / 64;
  std::array<uint64_t, kWords> bits_{};
  uint64_t highest_ = 0;
  bool any_ = false;
  uint64_t unique_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t out_of_order_ = 0;
};

}  // namespace mqb::bench
