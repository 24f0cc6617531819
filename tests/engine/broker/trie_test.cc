// SubscriptionTrie: wildcard matching, $-topics, shared groups, removal and pruning.
#include <algorithm>
#include <set>

#include "codec/topic.h"
#include "engine/broker/subscription_trie.h"
#include "gtest/gtest.h"

namespace mqb::engine::broker {
namespace {

Session* S(int i) { return reinterpret_cast<Session*>(static_cast<uintptr_t>(i * 16)); }

std::set<Session*> Matches(SubscriptionTrie& t, std::string_view topic) {
  std::set<Session*> out;
  t.Match(
      topic, [&](const SubscriptionEntry& e) { out.insert(e.session); },
      [&](std::vector<SubscriptionEntry>& members, size_t& next) {
        out.insert(members[next % members.size()].session);
        next = (next + 1) % members.size();
      });
  return out;
}

TEST(SubscriptionTrieTest, AgreesWithTopicMatches) {
  const std::vector<std::string> filters = {"#",      "+",      "a",     "a/#",  "a/+",
                                            "a/b",    "a/+/c",  "+/b/#", "+/+",  "a/b/c/#",
                                            "$SYS/#", "$SYS/+", "+/",    "a//b", "/+"};
  const std::vector<std::string> topics = {"a",      "a/b",  "a/b/c", "a/x/c", "b/b", "x/b/y/z",
                                           "$SYS/x", "$SYS", "a/",    "a//b",  "/a",  "/"};
  SubscriptionTrie t;
  for (size_t i = 0; i < filters.size(); ++i) {
    ASSERT_TRUE(t.Add("", filters[i], {S(static_cast<int>(i) + 1), {}, 0}));
  }
  for (const std::string& topic : topics) {
    std::set<Session*> expected;
    for (size_t i = 0; i < filters.size(); ++i) {
      if (codec::TopicMatches(filters[i], topic)) expected.insert(S(static_cast<int>(i) + 1));
    }
    EXPECT_EQ(Matches(t, topic), expected) << topic;
  }
}

TEST(SubscriptionTrieTest, AddReplacesAndRemovePrunes) {
  SubscriptionTrie t;
  EXPECT_TRUE(t.Add("", "a/b", {S(1), {}, 1}));
  EXPECT_FALSE(t.Add("", "a/b", {S(1), {}, 2}));
  EXPECT_EQ(t.size(), 1u);
  uint32_t id = 0;
  t.Match(
      "a/b", [&](const SubscriptionEntry& e) { id = e.subscription_id; },
      [](std::vector<SubscriptionEntry>&, size_t&) {});
  EXPECT_EQ(id, 2u);
  EXPECT_FALSE(t.Remove("", "a/c", S(1)));
  EXPECT_FALSE(t.Remove("", "a/b", S(2)));
  EXPECT_TRUE(t.Remove("", "a/b", S(1)));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(Matches(t, "a/b").empty());
}

TEST(SubscriptionTrieTest, SharedGroupsRoundRobinPerGroup) {
  SubscriptionTrie t;
  t.Add("g1", "jobs/+", {S(1), {}, 0});
  t.Add("g1", "jobs/+", {S(2), {}, 0});
  t.Add("g2", "jobs/+", {S(3), {}, 0});
  std::vector<Session*> seen;
  for (int i = 0; i < 4; ++i) {
    auto m = Matches(t, "jobs/x");
    EXPECT_EQ(m.size(), 2u);  // one member of each group
    EXPECT_TRUE(m.count(S(3)));
    seen.push_back(m.count(S(1)) ? S(1) : S(2));
  }
  EXPECT_EQ(seen, (std::vector<Session*>{S(1), S(2), S(1), S(2)}));
  EXPECT_TRUE(t.Remove("g1", "jobs/+", S(1)));
  EXPECT_EQ(Matches(t, "jobs/x"), (std::set<Session*>{S(2), S(3)}));
}

}  // namespace
}  // namespace mqb::engine::broker
