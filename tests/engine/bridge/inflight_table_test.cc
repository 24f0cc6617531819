// InflightTable against std::map under random inserts and removals, including clustered ids,
// wrap-around and growth past the sized window.
#include "engine/bridge/inflight_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace mqb::engine::bridge {
namespace {

TEST(InflightTable, MatchesAMapUnderRandomOperations) {
  for (size_t window : {1u, 4u, 32u, 1000u}) {
    InflightTable t(window);
    std::map<uint16_t, uint32_t> ref;
    std::mt19937 rng(static_cast<uint32_t>(window));
    uint16_t next = 0;
    for (int step = 0; step < 200000; ++step) {
      const bool insert = ref.size() < window && (ref.empty() || rng() % 3 != 0);
      if (insert) {
        // Sequential ids as the packet id pool hands them out, skipping ids still in use.
        do {
          next = static_cast<uint16_t>(next == 65535 ? 1 : next + 1);
        } while (ref.contains(next));
        const uint32_t out = rng();
        t.Insert(InflightEntry{next, false, out, nullptr, {}});
        ref[next] = out;
      } else {
        // Remove a random present id, or probe an absent one.
        if (rng() % 8 == 0) {
          const uint16_t absent = static_cast<uint16_t>(rng() % 65535 + 1);
          if (!ref.contains(absent)) {
            EXPECT_EQ(t.Take(absent).packet_id, 0);
          }
          continue;
        }
        auto it = ref.begin();
        std::advance(it, rng() % ref.size());
        InflightEntry e = t.Take(it->first);
        ASSERT_EQ(e.packet_id, it->first) << "window " << window << " step " << step;
        EXPECT_EQ(e.out, it->second);
        ref.erase(it);
      }
      ASSERT_EQ(t.size(), ref.size());
    }
    for (const auto& [id, out] : ref) EXPECT_EQ(t.Take(id).out, out);
    EXPECT_EQ(t.size(), 0u);
  }
}

TEST(InflightTable, GrowsWhenMoreThanTheWindowIsInFlight) {
  InflightTable t(2);
  for (uint16_t id = 1; id <= 5000; ++id) t.Insert(InflightEntry{id, false, id, nullptr, {}});
  EXPECT_EQ(t.size(), 5000u);
  for (uint16_t id = 5000; id >= 1; --id) ASSERT_EQ(t.Take(id).out, id);
  EXPECT_EQ(t.Take(0).packet_id, 0);
}

TEST(InflightTable, DrainVisitsEveryEntryOnce) {
  InflightTable t(8);
  for (uint16_t id : {7, 7 + 64, 7 + 128, 9, 65535})
    t.Insert(InflightEntry{id, true, id, nullptr, {}});
  std::map<uint16_t, int> seen;
  t.Drain([&](InflightEntry&& e) { ++seen[e.packet_id]; });
  EXPECT_EQ(seen.size(), 5u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(t.size(), 0u);
}

}  // namespace
}  // namespace mqb::engine::bridge
