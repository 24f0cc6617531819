#include "bench/mqbridge_bench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mqb::bench {

size_t LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kExactBelow) return static_cast<size_t>(value);
  int msb = 63 - std::countl_zero(value);
  if (msb > kMaxMsb) return kBuckets - 1;
  const int shift = msb - kSubBits;          // >= 1
  const uint64_t mantissa = value >> shift;  // in [64, 128)
  return static_cast<size_t>(kExactBelow + static_cast<uint64_t>(shift - 1) * (1u << kSubBits) +
                             (mantissa - (1u << kSubBits)));
}

uint64_t LatencyHistogram::BucketLow(size_t index) {
  if (index < kExactBelow) return index;
  const size_t rel = index - kExactBelow;
  const int shift = static_cast<int>(rel >> kSubBits) + 1;
  const uint64_t mantissa = (rel & ((1u << kSubBits) - 1)) + (1u << kSubBits);
  return mantissa << shift;
}

uint64_t LatencyHistogram::BucketHigh(size_t index) {
  if (index < kExactBelow) return index;
  if (index + 1 >= kBuckets) return UINT64_MAX;
  return BucketLow(index + 1) - 1;
}

void LatencyHistogram::Record(uint64_t value_ns) {
  ++buckets_[BucketOf(value_ns)];
  ++count_;
  sum_ += value_ns;
  max_ = std::max(max_, value_ns);
  min_ = std::min(min_, value_ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void LatencyHistogram::Reset() { *this = LatencyHistogram(); }

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Rank of the sample (1-based): the smallest rank covering p percent of the samples.
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(BucketHigh(i), max_);
  }
  return max_;
}

}  // namespace mqb::bench
