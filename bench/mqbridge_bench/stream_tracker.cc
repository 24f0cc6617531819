#include "bench/mqbridge_bench/stream_tracker.h"

namespace mqb::bench {

void StreamTracker::Advance(uint64_t seq) {
  // Clears the bits that leave the window as `highest_` moves up to `seq`.
  if (seq - highest_ >= kWindow) {
    bits_.fill(0);
  } else {
    for (uint64_t s = highest_ + 1; s <= seq; ++s) Clear(s);
  }
  highest_ = seq;
}

StreamTracker::Verdict StreamTracker::Add(uint64_t seq) {
  if (!any_) {
    any_ = true;
    highest_ = seq;
    bits_.fill(0);
    Set(seq);
    ++unique_;
    // Sequences start at 0; a first arrival above 0 means earlier ones are late or lost.
    return Verdict::kInOrder;
  }
  if (seq > highest_) {
    Advance(seq);
    Set(seq);
    ++unique_;
    return Verdict::kInOrder;
  }
  if (highest_ - seq < kWindow) {
    if (Test(seq)) {
      ++duplicates_;
      return Verdict::kDuplicate;
    }
    Set(seq);
  }
  ++unique_;
  ++out_of_order_;
  return Verdict::kOutOfOrder;
}

}  // namespace mqb::bench
