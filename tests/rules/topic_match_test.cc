// MQTT topic-filter matching used by FROM and =~.
#include "rules/topic_match.h"

#include <gtest/gtest.h>

namespace mqb::rules {
namespace {

TEST(TopicMatchTest, Exact) {
  EXPECT_TRUE(MatchTopic("a/b", "a/b"));
  EXPECT_FALSE(MatchTopic("a/b", "a/c"));
  EXPECT_FALSE(MatchTopic("a/b", "a"));
  EXPECT_FALSE(MatchTopic("a", "a/b"));
  EXPECT_TRUE(MatchTopic("a/", "a/"));
  EXPECT_FALSE(MatchTopic("a", "a/"));
  EXPECT_TRUE(MatchTopic("/a", "/a"));
  EXPECT_FALSE(MatchTopic("a", ""));
}

TEST(TopicMatchTest, Plus) {
  EXPECT_TRUE(MatchTopic("a/b", "a/+"));
  EXPECT_TRUE(MatchTopic("a/", "a/+"));
  EXPECT_FALSE(MatchTopic("a", "a/+"));
  EXPECT_FALSE(MatchTopic("a/b/c", "a/+"));
  EXPECT_TRUE(MatchTopic("a/b/c", "+/b/+"));
  EXPECT_TRUE(MatchTopic("/x", "+/x"));
  EXPECT_TRUE(MatchTopic("", "+"));
}

TEST(TopicMatchTest, Hash) {
  EXPECT_TRUE(MatchTopic("a", "a/#"));
  EXPECT_TRUE(MatchTopic("a/b/c", "a/#"));
  EXPECT_TRUE(MatchTopic("anything/at/all", "#"));
  EXPECT_FALSE(MatchTopic("b/c", "a/#"));
  EXPECT_TRUE(MatchTopic("a/b/c", "a/+/#"));
  EXPECT_TRUE(MatchTopic("a/b", "a/+/#"));
}

TEST(TopicMatchTest, DollarTopicsAndMalformedFilters) {
  EXPECT_FALSE(MatchTopic("$SYS/x", "#"));
  EXPECT_FALSE(MatchTopic("$SYS/x", "+/x"));
  EXPECT_TRUE(MatchTopic("$SYS/x", "$SYS/#"));
  EXPECT_FALSE(MatchTopic("a/b", "a/#/b"));
  EXPECT_FALSE(MatchTopic("ab", "a+"));
  EXPECT_FALSE(MatchTopic("a/b#", "a/b#"));
  EXPECT_TRUE(HasWildcard("a/+"));
  EXPECT_FALSE(HasWildcard("a/b"));
}

}  // namespace
}  // namespace mqb::rules
