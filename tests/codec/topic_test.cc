// Topic names, filters, wildcard matching and shared subscriptions.
#include <string>

#include "codec/topic.h"
#include "codec/utf8.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

Errc NameError(std::string_view s) {
  auto r = ValidateTopicName(s);
  return r.ok() ? Errc::kUnspecifiedError : r.error();
}
Errc FilterError(std::string_view s) {
  auto r = ValidateTopicFilter(s);
  return r.ok() ? Errc::kUnspecifiedError : r.error();
}

TEST(Topic, Names) {
  for (std::string_view ok : {"a", "/", "a/b/c", "$SYS/x", "a//b", " ", "ü/€/𝄞"}) {
    EXPECT_TRUE(ValidateTopicName(ok).ok()) << ok;
  }
  EXPECT_EQ(NameError(""), Errc::kEmptyTopicName);
  EXPECT_EQ(NameError("a/+"), Errc::kWildcardInTopicName);
  EXPECT_EQ(NameError("#"), Errc::kWildcardInTopicName);
  EXPECT_EQ(NameError(std::string("a\0b", 3)), Errc::kUtf8NullCharacter);
  EXPECT_EQ(NameError("\xC3\x28"), Errc::kInvalidUtf8);
  EXPECT_EQ(NameError(std::string(65536, 'a')), Errc::kFieldTooLong);
  EXPECT_TRUE(ValidateTopicName(std::string(65535, 'a')).ok());
}

TEST(Topic, Filters) {
  for (std::string_view ok : {"#", "+", "a/#", "+/+", "a/+/b", "/+", "+/", "$share/g/#",
                              "$share/g/a/+/b", "a//#", "$SYS/#"}) {
    EXPECT_TRUE(ValidateTopicFilter(ok).ok()) << ok;
  }
  EXPECT_EQ(FilterError(""), Errc::kEmptyTopicFilter);
  EXPECT_EQ(FilterError("a#"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("a/#/b"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("##"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("a+"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("+a"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("a/++/b"), Errc::kInvalidWildcard);
  EXPECT_EQ(FilterError("$share/"), Errc::kInvalidSharedSubscription);
  EXPECT_EQ(FilterError("$share/g"), Errc::kInvalidSharedSubscription);
  EXPECT_EQ(FilterError("$share/g/"), Errc::kInvalidSharedSubscription);
  EXPECT_EQ(FilterError("$share//t"), Errc::kInvalidSharedSubscription);
  EXPECT_EQ(FilterError("$share/#/t"), Errc::kInvalidSharedSubscription);
  EXPECT_EQ(FilterError("$share/g/t#"), Errc::kInvalidSharedSubscription);
  // "$shared/..." or "$share" alone are ordinary filters.
  EXPECT_TRUE(ValidateTopicFilter("$shared/g/t").ok());
  EXPECT_TRUE(ValidateTopicFilter("$share").ok());
}

TEST(Topic, SharedSubscriptionParsing) {
  auto s = ParseSharedSubscription("$share/group-1/a/+/c");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*s);
  EXPECT_EQ((*s)->group, "group-1");
  EXPECT_EQ((*s)->filter, "a/+/c");
  auto plain = ParseSharedSubscription("a/b");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(*plain);
  EXPECT_FALSE(ParseSharedSubscription("$share/g").ok());
}

struct MatchCase {
  const char* filter;
  const char* name;
  bool match;
};

TEST(Topic, Matching) {
  const MatchCase cases[] = {
      {"a/b", "a/b", true},       {"a/b", "a/c", false},      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},    {"a", "ab", false},         {"ab", "a", false},
      {"#", "a", true},           {"#", "a/b/c", true},       {"#", "/", true},
      {"a/#", "a", true},         {"a/#", "a/", true},        {"a/#", "a/b/c", true},
      {"a/#", "ab", false},       {"a/#", "b/a", false},      {"+", "a", true},
      {"+", "a/b", false},        {"+", "/a", false},         {"+", "", true},
      {"+/+", "/a", true},        {"+/+", "a/", true},        {"/+", "/a", true},
      {"a/+", "a/", true},        {"a/+", "a", false},        {"a/+/c", "a/b/c", true},
      {"a/+/c", "a/b/d", false},  {"a/+/#", "a/b", true},     {"a/+/#", "a/b/c/d", true},
      {"+/b/#", "x/b", true},     {"a//b", "a//b", true},     {"a/+/b", "a//b", true},
      {"#", "$SYS/x", false},     {"+/x", "$SYS/x", false},   {"+", "$SYS", false},
      {"$SYS/#", "$SYS/x", true}, {"$SYS/+", "$SYS/x", true}, {"a/#", "a/$x", true},
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/#", "sport", true}, {"sport/+", "sport", false}, {"sport/+", "sport/", true},
  };
  for (const MatchCase& c : cases) {
    EXPECT_EQ(TopicMatches(c.filter, c.name), c.match) << c.filter << " vs " << c.name;
  }
  EXPECT_TRUE(HasWildcard("a/+"));
  EXPECT_FALSE(HasWildcard("a/b"));
}

TEST(Utf8, ValidAndInvalid) {
  EXPECT_TRUE(ValidateMqttUtf8("").ok());
  EXPECT_TRUE(ValidateMqttUtf8("plain ascii that is longer than eight bytes").ok());
  EXPECT_TRUE(ValidateMqttUtf8("\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xEF\xBF\xBF \xF0\x90\x80\x80 "
                               "\xF4\x8F\xBF\xBF")
                  .ok());
  // U+0001 and U+FFFF are allowed (receivers may accept them).
  EXPECT_TRUE(ValidateMqttUtf8("\x01\x7F\xEF\xBF\xBF").ok());
  for (std::string_view bad : {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x9F\xBF",
                               "\xED\xBF\xBF", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5",
                               "\xFF", "\xE2\x82", "abcdefgh\xE2\x82"}) {
    auto r = ValidateMqttUtf8(bad);
    ASSERT_FALSE(r.ok()) << Hex(Span(bad));
    EXPECT_EQ(r.error(), Errc::kInvalidUtf8);
  }
}

}  // namespace
}  // namespace mqb::codec::test
