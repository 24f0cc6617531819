// LatencyHistogram: a fixed-size log-bucketed histogram of nanosecond values (HDR style).
//
// Values below 128 ns are counted exactly; above, each power of two is split into 64 linear
// sub-buckets, so a recorded value is known to within 1/64 (1.6 %) of itself. Values up to
// 2^47 ns (about 39 hours) are bucketed; larger ones land in the last bucket. The exact maximum and
// minimum are kept separately. Record() never allocates (the buckets are a fixed array).
//
// Thread-safety: distinct objects safe, shared objects unsafe. Each reactor thread records into
// its own histogram; they are merged after the threads have stopped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mqb::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr uint64_t kExactBelow = uint64_t{2} << kSubBits;  // 128: counted one by one
  static constexpr int kMaxMsb = 47;
  static constexpr size_t kBuckets = kExactBelow + (kMaxMsb - kSubBits) * (uint64_t{1} << kSubBits);

  void Record(uint64_t value_ns);
  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at percentile `p` (0..100): the highest value that falls in the same bucket as the
  // sample of that rank, capped at max(). 0 when empty.
  uint64_t Percentile(double p) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketLow(size_t index);
  static uint64_t BucketHigh(size_t index);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace mqb::bench
