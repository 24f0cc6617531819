// Calendar helpers (rules/functions/calendar.h). Expected values come from EMQX's
// emqx_rule_funcs_SUITE (t_date_to_unix_ts, t_parse_date_errors) and the EMQX SQL function
// reference.
#include "rules/functions/calendar.h"

#include <gtest/gtest.h>

namespace mqb::rules::functions {
namespace {

TEST(Calendar, CivilRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(0, 1, 1), -719528);  // EMQX DAYS_FROM_0_TO_1970
  for (int64_t secs : {int64_t{0}, int64_t{1709217100}, int64_t{-1}, int64_t{4107588271},
                       int64_t{-62167219200}, int64_t{253402300799}}) {
    CivilTime c = CivilFromUnixSeconds(secs);
    int64_t back =
        DaysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
    EXPECT_EQ(back, secs);
  }
  CivilTime c = CivilFromUnixSeconds(1709217100);  // 2024-02-29 14:31:40 UTC (leap day)
  EXPECT_EQ(c.year, 2024);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.hour, 14);
  EXPECT_EQ(c.minute, 31);
  EXPECT_EQ(c.second, 40);
}

TEST(Calendar, ValidDates) {
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2100, 2, 29));
  EXPECT_TRUE(IsValidDate(2000, 2, 29));
  EXPECT_FALSE(IsValidDate(2024, 2, 30));
  EXPECT_FALSE(IsValidDate(2022, 5, 32));
  EXPECT_FALSE(IsValidDate(2022, 13, 1));
  EXPECT_FALSE(IsValidDate(2022, 0, 1));
}

TEST(Calendar, ParseOffset) {
  // emqx_rule_funcs_SUITE t_timezone_to_offset_seconds.
  EXPECT_EQ(ParseOffset("+02:00:00"), 7200);
  EXPECT_EQ(ParseOffset("-02:00:00"), -7200);
  EXPECT_EQ(ParseOffset("+00:01:42"), 102);
  EXPECT_EQ(ParseOffset("z"), 0);
  EXPECT_EQ(ParseOffset("Z"), 0);
  EXPECT_EQ(ParseOffset("+08:00"), 28800);
  EXPECT_EQ(ParseOffset("+0800"), 28800);
  EXPECT_TRUE(ParseOffset("local").has_value());
  EXPECT_FALSE(ParseOffset("+08").has_value());
  EXPECT_FALSE(ParseOffset("08:00").has_value());
  EXPECT_FALSE(ParseOffset("+24:00").has_value());
  EXPECT_FALSE(ParseOffset("+08:60").has_value());
  EXPECT_FALSE(ParseOffset("+aa:00").has_value());
  EXPECT_FALSE(ParseOffset("").has_value());
}

TEST(Calendar, Rfc3339) {
  std::string s;
  ASSERT_TRUE(FormatRfc3339(1708671600, TimeUnit::kSecond, 8 * 3600, &s));
  EXPECT_EQ(s, "2024-02-23T15:00:00+08:00");
  s.clear();
  ASSERT_TRUE(FormatRfc3339(1708671600766, TimeUnit::kMillisecond, 8 * 3600, &s));
  EXPECT_EQ(s, "2024-02-23T15:00:00.766+08:00");
  s.clear();
  ASSERT_TRUE(FormatRfc3339(5, TimeUnit::kMicrosecond, 0, &s));
  EXPECT_EQ(s, "1970-01-01T00:00:00.000005+00:00");
  s.clear();
  ASSERT_TRUE(FormatRfc3339(0, TimeUnit::kSecond, -5 * 3600 - 1800, &s));
  EXPECT_EQ(s, "1969-12-31T18:30:00-05:30");
  s.clear();
  EXPECT_FALSE(FormatRfc3339(int64_t{1} << 62, TimeUnit::kSecond, 0, &s));

  // EMQX reference examples for rfc3339_to_unix_ts.
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30Z", TimeUnit::kSecond), 1708703790);
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30+08:00", TimeUnit::kSecond), 1708674990);
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30.87Z", TimeUnit::kSecond), 1708703790);
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30.87Z", TimeUnit::kMillisecond), 1708703790870);
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30.87Z", TimeUnit::kMicrosecond), 1708703790870000);
  EXPECT_EQ(ParseRfc3339("2024-02-23T15:56:30.535904509Z", TimeUnit::kNanosecond),
            1708703790535904509);
  EXPECT_FALSE(ParseRfc3339("2024-02-30T15:56:30Z", TimeUnit::kSecond).has_value());
  EXPECT_FALSE(ParseRfc3339("2024-02-23T15:56:30", TimeUnit::kSecond).has_value());
  EXPECT_FALSE(ParseRfc3339("2024-02-23T15:56:30.Z", TimeUnit::kSecond).has_value());
  EXPECT_FALSE(ParseRfc3339("garbage", TimeUnit::kSecond).has_value());
  EXPECT_FALSE(ParseRfc3339("", TimeUnit::kSecond).has_value());
  // Beyond 2262 nanoseconds do not fit in 64 bits: an error, not a wrap.
  EXPECT_FALSE(ParseRfc3339("9999-01-01T00:00:00Z", TimeUnit::kNanosecond).has_value());
}

TEST(Calendar, FormatDate) {
  // EMQX reference examples for format_date.
  std::string s;
  ASSERT_TRUE(
      FormatDate(1708933353472, TimeUnit::kMillisecond, 28800, "%Y-%m-%d %H:%M:%S.%6N%z", &s));
  EXPECT_EQ(s, "2024-02-26 15:42:33.472000+0800");
  s.clear();
  ASSERT_TRUE(
      FormatDate(1708933353472, TimeUnit::kMillisecond, 28800, "%Y-%m-%d %H:%M:%S.%6N%:z", &s));
  EXPECT_EQ(s, "2024-02-26 15:42:33.472000+08:00");
  s.clear();
  ASSERT_TRUE(FormatDate(1708933353472, TimeUnit::kMillisecond, 8 * 3600 + 20 * 60 + 30,
                         "%Y-%m-%d %H:%M:%S.%3N%::z", &s));
  EXPECT_EQ(s, "2024-02-26 16:03:03.472+08:20:30");
  s.clear();
  ASSERT_TRUE(FormatDate(1708933353472, TimeUnit::kMillisecond, 0, "%Y-%m-%d %H:%M:%S.%3N%:z", &s));
  EXPECT_EQ(s, "2024-02-26 07:42:33.472+00:00");
  s.clear();
  ASSERT_TRUE(FormatDate(1708933353, TimeUnit::kSecond, 0, "%N|%y|%%", &s));
  EXPECT_EQ(s, "000000000|%y|%%");
  s.clear();
  EXPECT_FALSE(FormatDate(0, TimeUnit::kSecond, 86400, "%z", &s));
}

TEST(Calendar, ParseFormattedDate) {
  std::string err;
  // t_parse_date_errors compatibility values (UTC).
  EXPECT_EQ(ParseFormattedDate("2022-05-26 10:40:12", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err),
            1653561612);
  // Literal format characters are skipped, not compared (EMQX 4.x compatibility).
  EXPECT_EQ(ParseFormattedDate("2022-05-26 10:40:12", "%Y-%m-%d %H-%M-%S", TimeUnit::kSecond, &err),
            1653561612);
  EXPECT_EQ(ParseFormattedDate("2024-02-29 14:31:40", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err),
            1709217100);
  EXPECT_EQ(ParseFormattedDate("2100-03-01 12:44:31", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err),
            4107588271);
  EXPECT_EQ(ParseFormattedDate("2024-02-23 15:00:00.123+08:00", "%Y-%m-%d %H:%M:%S.%3N%:z",
                               TimeUnit::kSecond, &err),
            1708671600);
  EXPECT_EQ(ParseFormattedDate("2024-03-01 10:30:38.333444", "%Y-%m-%d %H-%M-%S.%6N",
                               TimeUnit::kMicrosecond, &err),
            1709289038333444);
  EXPECT_EQ(ParseFormattedDate("2024-03-01 10:30:38.333", "%Y-%m-%d %H-%M-%S.%3N",
                               TimeUnit::kNanosecond, &err),
            1709289038333000000);

  EXPECT_FALSE(
      ParseFormattedDate("2022-059999-26 10:40:12", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_EQ(err, "bad_formatter_or_date");
  EXPECT_FALSE(
      ParseFormattedDate("2022-05-26 10:40:12", "%y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_EQ(err, "bad_formatter_or_date");
  EXPECT_FALSE(ParseFormattedDate("2022-32 10:40:12", "%Y-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_EQ(err, "missing_date_part month");
  EXPECT_FALSE(ParseFormattedDate("10:40:12", "%H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_EQ(err, "missing_date_part year");
  EXPECT_FALSE(
      ParseFormattedDate("2022-05-32 10:40:12", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_FALSE(
      ParseFormattedDate("2023-02-29 10:40:12", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_FALSE(
      ParseFormattedDate("2024-02-30 10:40:12", "%Y-%m-%d %H:%M:%S", TimeUnit::kSecond, &err));
  EXPECT_FALSE(ParseFormattedDate("2024", "%Y-%m-%d", TimeUnit::kSecond, &err));
}

TEST(Calendar, FormatParseRoundTrip) {
  // prop_format_date_fun: date_to_unix_ts(format_date(S)) == S.
  for (int64_t t : {int64_t{0}, int64_t{1708933353}, int64_t{951782400}, int64_t{4102444799}}) {
    std::string s;
    ASSERT_TRUE(FormatDate(t, TimeUnit::kSecond, 7 * 3600, "%m--%d--%Y---%H:%M:%S%z", &s));
    std::string err;
    EXPECT_EQ(ParseFormattedDate(s, "%m--%d--%Y---%H:%M:%S%z", TimeUnit::kSecond, &err), t) << s;
  }
  int64_t ms = 1708933353472;
  std::string s;
  ASSERT_TRUE(
      FormatDate(ms, TimeUnit::kMillisecond, 4 * 3600, "--%m--%d--%Y---%H:%M:%S:%3N%z", &s));
  std::string err;
  EXPECT_EQ(ParseFormattedDate(s, "--%m--%d--%Y---%H:%M:%S:%3N%z", TimeUnit::kMillisecond, &err),
            ms);
}

}  // namespace
}  // namespace mqb::rules::functions
