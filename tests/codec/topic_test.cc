// Topic names, filters, wildcard matching and shared subscriptions.
#include "codec/topic.h"

#include <string>

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
      {"a/b", "a/b", true},
      {"a/b", "a/c", false},
      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},
      {"a", "ab", false},
      {"ab", "a", false},
      {"#", "a", true},
      {"#", "a/b/c", true},
      {"#", "/", true},
      {"a/#", "a", true},
      {"a/#", "a/", true},
      {"a/#", "a/b/c", true},
      {"a/#", "ab", false},
      {"a/#", "b/a", false},
      {"+", "a", true},
      {"+", "a/b", false},
      {"+", "/a", false},
      {"+", "", true},
      {"+/+", "/a", true},
      {"+/+", "a/", true},
      {"/+", "/a", true},
      {"a/+", "a/", true},
      {"a/+", "a", false},
      {"a/+/c", "a/b/c", true},
      {"a/+/c", "a/b/d", false},
      {"a/+/#", "a/b", true},
      {"a/+/#", "a/b/c/d", true},
      {"+/b/#", "x/b", true},
      {"a//b", "a//b", true},
      {"a/+/b", "a//b", true},
      {"#", "$SYS/x", false},
      {"+/x", "$SYS/x", false},
      {"+", "$SYS", false},
      {"$SYS/#", "$SYS/x", true},
      {"$SYS/+", "$SYS/x", true},
      {"a/#", "a/$x", true},
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/#", "sport", true},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},
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
  for (std::string_view bad :
       {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xBF\xBF", "\xF0\x8F\xBF\xBF",
        "\xF4\x90\x80\x80", "\xF5", "\xFF", "\xE2\x82", "abcdefgh\xE2\x82"}) {
    auto r = ValidateMqttUtf8(bad);
    ASSERT_FALSE(r.ok()) << Hex(Span(bad));
    EXPECT_EQ(r.error(), Errc::kInvalidUtf8);
  }
}

TEST(Utf8, FastPathsSeeEveryPosition) {
  // Strings of every length up to 40 with one bad byte at every position: the word-at-a-time
  // paths (1-3, 4-7 overlapping, 8+ and 16+ SIMD with overlapping tails) must all catch it.
  for (size_t n = 1; n <= 40; ++n) {
    for (size_t pos = 0; pos < n; ++pos) {
      std::string s(n, 'a');
      s[pos] = '\0';
      auto r = ValidateMqttUtf8(s);
      ASSERT_FALSE(r.ok()) << n << " " << pos;
      EXPECT_EQ(r.error(), Errc::kUtf8NullCharacter);
      s[pos] = '\x80';
      r = ValidateMqttUtf8(s);
      ASSERT_FALSE(r.ok()) << n << " " << pos;
      EXPECT_EQ(r.error(), Errc::kInvalidUtf8);
      s[pos] = '+';
      EXPECT_EQ(NameError(s), Errc::kWildcardInTopicName) << n << " " << pos;
      s[pos] = '#';
      EXPECT_EQ(NameError(s), Errc::kWildcardInTopicName) << n << " " << pos;
      s[pos] = '\0';
      EXPECT_EQ(NameError(s), Errc::kUtf8NullCharacter) << n << " " << pos;
    }
    EXPECT_TRUE(ValidateMqttUtf8(std::string(n, 'a')).ok());
  }
}

TEST(Utf8, DecoderTopicCheckSeesEveryPosition) {
  // The decoder's SSE2 topic check, through DecodePublish.
  for (size_t n = 1; n <= 40; ++n) {
    for (size_t pos = 0; pos < n; ++pos) {
      for (char bad : {'+', '#', '\0', '\xff'}) {
        Bytes pkt = {0x30, static_cast<uint8_t>(2 + n), 0x00, static_cast<uint8_t>(n)};
        for (size_t i = 0; i < n; ++i) pkt.push_back(i == pos ? static_cast<uint8_t>(bad) : 'a');
        const Errc want = bad == '\0'     ? Errc::kUtf8NullCharacter
                          : bad == '\xff' ? Errc::kInvalidUtf8
                                          : Errc::kWildcardInTopicName;
        EXPECT_EQ(DecodeError(pkt, ProtocolVersion::kV311), want) << n << " " << pos;
      }
    }
  }
}

}  // namespace
}  // namespace mqb::codec::test
