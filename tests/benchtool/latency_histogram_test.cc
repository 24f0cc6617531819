#include "bench/mqbridge_bench/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace mqb::bench {
namespace {

TEST(LatencyHistogram, BucketsCoverEveryValueWithBoundedError) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 255ull, 256ull, 1000ull, 65535ull,
                     1'000'000ull, 123'456'789ull, (1ull << 47) - 1}) {
    const size_t b = LatencyHistogram::BucketOf(v);
    ASSERT_LT(b, LatencyHistogram::kBuckets);
    EXPECT_LE(LatencyHistogram::BucketLow(b), v) << v;
    EXPECT_GE(LatencyHistogram::BucketHigh(b), v) << v;
    // Width at most 1/64 of the value.
    EXPECT_LE(LatencyHistogram::BucketHigh(b) - LatencyHistogram::BucketLow(b), v / 64) << v;
  }
  // Buckets are contiguous and increasing.
  for (size_t i = 1; i + 1 < LatencyHistogram::kBuckets; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketLow(i), LatencyHistogram::BucketHigh(i - 1) + 1) << i;
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogram, PercentilesMatchASortedSampleWithinBucketPrecision) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(10.0, 1.5);  // ~22 us median, long tail
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<uint64_t>(dist(rng));
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const uint64_t exact = values[static_cast<size_t>(p / 100 * values.size()) - 1];
    const uint64_t got = h.Percentile(p);
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(got, exact + exact / 32 + 1) << p;
  }
  EXPECT_EQ(h.Percentile(100), values.back());
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsExtremes) {
  LatencyHistogram a, b;
  a.Record(100);
  a.Record(200);
  b.Record(5'000'000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.max(), 5'000'000u);
  EXPECT_EQ(a.min(), 100u);
  EXPECT_EQ(a.Percentile(50), 201u);  // 200 lies in [200, 201]
  EXPECT_EQ(a.Percentile(100), 5'000'000u);
  LatencyHistogram empty;
  EXPECT_EQ(empty.Percentile(99), 0u);
  EXPECT_EQ(empty.min(), 0u);
}

}  // namespace
}  // namespace mqb::bench
