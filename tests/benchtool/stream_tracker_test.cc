#include "bench/mqbridge_bench/stream_tracker.h"

#include <gtest/gtest.h>

#include "bench/mqbridge_bench/payload_stamp.h"

namespace mqb::bench {
namespace {

using V = StreamTracker::Verdict;

TEST(StreamTracker, InOrderStream) {
  StreamTracker t;
  for (uint64_t i = 0; i < 10000; ++i) ASSERT_EQ(t.Add(i), V::kInOrder);
  EXPECT_EQ(t.unique(), 10000u);
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_EQ(t.duplicates(), 0u);
  EXPECT_EQ(t.out_of_order(), 0u);
}

TEST(StreamTracker, GapsCountAsMissingUntilTheyArriveLate) {
  StreamTracker t;
  EXPECT_EQ(t.Add(0), V::kInOrder);
  EXPECT_EQ(t.Add(1), V::kInOrder);
  EXPECT_EQ(t.Add(5), V::kInOrder);
  EXPECT_EQ(t.missing(), 3u);
  EXPECT_EQ(t.Add(3), V::kOutOfOrder);
  EXPECT_EQ(t.missing(), 2u);
  EXPECT_EQ(t.out_of_order(), 1u);
  EXPECT_EQ(t.Add(3), V::kDuplicate);
  EXPECT_EQ(t.Add(5), V::kDuplicate);
  EXPECT_EQ(t.Add(0), V::kDuplicate);
  EXPECT_EQ(t.duplicates(), 3u);
  EXPECT_EQ(t.received(), 7u);
  EXPECT_EQ(t.unique(), 4u);
}

TEST(StreamTracker, WindowSlidesAndForgetsOldBits) {
  StreamTracker t;
  t.Add(0);
  t.Add(StreamTracker::kWindow * 3);  // a big jump clears the whole window
  EXPECT_EQ(t.Add(StreamTracker::kWindow * 3 - 1), V::kOutOfOrder);
  EXPECT_EQ(t.Add(StreamTracker::kWindow * 3 - 1), V::kDuplicate);
  // Below the window: cannot be told from a duplicate; counted late and new.
  EXPECT_EQ(t.Add(0), V::kOutOfOrder);
  // A slot reused after the window moved past it is not mistaken for a duplicate.
  StreamTracker u;
  for (uint64_t i = 0; i < StreamTracker::kWindow * 2 + 10; ++i) ASSERT_EQ(u.Add(i), V::kInOrder);
  EXPECT_EQ(u.duplicates(), 0u);
}

TEST(PayloadStamp, RoundTripsAndRejectsShortPayloads) {
  std::vector<uint8_t> buf(64, 'x');
  WriteStamp(buf, Stamp{0xdeadbeef, 7, 1234567890123ull, 42});
  auto s = ReadStamp(buf);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->run_id, 0xdeadbeefu);
  EXPECT_EQ(s->publisher, 7u);
  EXPECT_EQ(s->seq, 1234567890123ull);
  EXPECT_EQ(s->sent_ns, 42u);
  EXPECT_EQ(buf[kStampSize], 'x');
  EXPECT_FALSE(ReadStamp(std::span(buf.data(), kStampSize - 1)).has_value());
}

}  // namespace
}  // namespace mqb::bench
