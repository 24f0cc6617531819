// Time functions through the registry, with a pinned clock. Expected values: EMQX SQL function
// reference (format_date, date_to_unix_ts, rfc3339_to_unix_ts, timezone_to_offset_seconds,
// mongo_date) and emqx_rule_funcs_SUITE (t_date_to_unix_ts, t_timezone_to_offset_seconds,
// t_unix_ts_to_rfc3339, t_rfc3339_to_unix_ts).
#include <cstdlib>

#include "rules/functions/calendar.h"
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(TimeFns, NowTimestamp) {
  TestContext ctx;  // clock pinned at 1708933353472123456 ns
  EXPECT_VAL(ctx.Call("now_timestamp", {}), I(1708933353));
  EXPECT_VAL(ctx.Call("now_timestamp", {S("second")}), I(1708933353));
  EXPECT_VAL(ctx.Call("now_timestamp", {S("millisecond")}), I(1708933353472));
  EXPECT_VAL(ctx.Call("now_timestamp", {S("microsecond")}), I(1708933353472123));
  EXPECT_VAL(ctx.Call("now_timestamp", {S("nanosecond")}), I(1708933353472123456));
  EXPECT_FN_ERROR(ctx.Call("now_timestamp", {S("hour")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("now_timestamp", {I(1)}), kBadArgument);
}

TEST(TimeFns, Rfc3339RoundTrip) {
  TestContext ctx;
  // t_unix_ts_to_rfc3339 / t_rfc3339_to_unix_ts: every unit round-trips (in the local zone).
  for (const char* unit : {"second", "millisecond", "microsecond", "nanosecond"}) {
    auto now = ctx.Call("now_timestamp", {S(unit)});
    ASSERT_TRUE(now.ok());
    auto text = ctx.Call("unix_ts_to_rfc3339", {now.value(), S(unit)});
    ASSERT_TRUE(text.ok()) << Show(text);
    EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {text.value(), S(unit)}), now.value());
    auto now_text = ctx.Call("now_rfc3339", {S(unit)});
    ASSERT_TRUE(now_text.ok());
    EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {now_text.value(), S(unit)}), now.value());
  }
  auto s = ctx.Call("now_rfc3339", {});
  ASSERT_TRUE(s.ok());
  EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {s.value()}), I(1708933353));
  EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {S("2024-02-23T15:56:30Z")}), I(1708703790));
  EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {S("2024-02-23T15:56:30+08:00")}), I(1708674990));
  EXPECT_VAL(ctx.Call("rfc3339_to_unix_ts", {S("2024-02-23T15:56:30.87Z"), S("millisecond")}),
             I(1708703790870));
  EXPECT_FN_ERROR(ctx.Call("rfc3339_to_unix_ts", {S("yesterday")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("unix_ts_to_rfc3339", {S("1")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("unix_ts_to_rfc3339", {I(INT64_MAX)}), kBadArgument);
}

TEST(TimeFns, UnixTsToRfc3339UsesTheLocalOffset) {
  TestContext ctx;
  int64_t off = functions::LocalOffsetSeconds(1708671600);
  std::string want;
  ASSERT_TRUE(
      functions::FormatRfc3339(1708671600766, functions::TimeUnit::kMillisecond, off, &want));
  EXPECT_STR(ctx.Call("unix_ts_to_rfc3339", {I(1708671600766), S("millisecond")}), want);
}

TEST(TimeFns, FormatDate) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("format_date", {S("millisecond"), S("+08:00"), S("%Y-%m-%d %H:%M:%S.%6N%z"),
                                      I(1708933353472)}),
             "2024-02-26 15:42:33.472000+0800");
  EXPECT_STR(ctx.Call("format_date", {S("millisecond"), S("+08:00"), S("%Y-%m-%d %H:%M:%S.%6N%:z"),
                                      I(1708933353472)}),
             "2024-02-26 15:42:33.472000+08:00");
  EXPECT_STR(ctx.Call("format_date", {S("millisecond"), S("+08:20:30"),
                                      S("%Y-%m-%d %H:%M:%S.%3N%::z"), I(1708933353472)}),
             "2024-02-26 16:03:03.472+08:20:30");
  EXPECT_STR(ctx.Call("format_date",
                      {S("millisecond"), S("Z"), S("%Y-%m-%d %H:%M:%S.%3N%:z"), I(1708933353472)}),
             "2024-02-26 07:42:33.472+00:00");
  EXPECT_STR(ctx.Call("format_date", {S("millisecond"), I(28800), S("%Y-%m-%d %H:%M:%S.%3N%:z"),
                                      I(1708933353472)}),
             "2024-02-26 15:42:33.472+08:00");
  // Without a time: now (pinned).
  EXPECT_STR(ctx.Call("format_date", {S("second"), S("Z"), S("%Y-%m-%dT%H:%M:%S")}),
             "2024-02-26T07:42:33");
  EXPECT_FN_ERROR(ctx.Call("format_date", {S("day"), S("Z"), S("%Y")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("format_date", {S("second"), S("+25:00"), S("%Y"), I(0)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("format_date", {S("second"), I(86400), S("%z"), I(0)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("format_date", {S("second"), I(INT64_MAX), S("%Y"), I(0)}),
                  kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("format_date", {S("second"), S("Z"), S("%Y"), S("0")}), kBadArgument);
}

TEST(TimeFns, DateToUnixTs) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("%Y-%m-%d %H:%M:%S%:z"), S("2024-02-23 15:00:00+08:00")}),
             I(1708671600));
  EXPECT_VAL(ctx.Call("date_to_unix_ts", {S("second"), S("+08:00"), S("%Y-%m-%d %H:%M:%S%:z"),
                                          S("2024-02-23 15:00:00")}),
             I(1708671600));
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("Z"), S("%Y-%m-%d %H:%M:%S%:z"), S("2024-02-23 07:00:00")}),
             I(1708671600));
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), I(14400), S("%Y-%m-%d %H:%M:%S%:z"), S("2024-02-23 15:00:00")}),
             I(1708686000));
  // t_date_to_unix_ts table (expected = the same instant via RFC 3339).
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("+08:00"), S("%Y-%m-%d %H-%M-%S"), S("2024-03-01 10:30:38")}),
             I(1709260238));
  EXPECT_VAL(ctx.Call("date_to_unix_ts", {S("millisecond"), S("+08:00"), S("%Y-%m-%d %H-%M-%S.%3N"),
                                          S("2024-03-01 10:30:38.333")}),
             I(1709260238333));
  EXPECT_VAL(ctx.Call("date_to_unix_ts", {S("nanosecond"), S("+08:00"), S("%Y-%m-%d %H-%M-%S.%3N"),
                                          S("2024-03-01 10:30:38.333")}),
             I(1709260238333000000));
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("+08:00"), S("%Y-%m-%d %H:%M:%S"), S("2024-02-29 14:31:40")}),
             I(1709188300));
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("+08:00"), S("%Y-%m-%d %H:%M:%S"), S("2100-03-01 12:44:31")}),
             I(4107559471));
  EXPECT_FN_ERROR(
      ctx.Call("date_to_unix_ts", {S("second"), S("%Y-%m-%d %H:%M:%S"), S("2023-02-29 10:40:12")}),
      kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("date_to_unix_ts", {S("second"), S("%H:%M:%S"), S("10:40:12")}),
                  kBadArgument);
  // format_date and date_to_unix_ts invert each other (prop_format_date_fun, Args3 case).
  auto text = ctx.Call("format_date",
                       {S("second"), S("+04:00"), S("--%m--%d--%Y---%H:%M:%S"), I(1708933353)});
  ASSERT_TRUE(text.ok());
  EXPECT_VAL(ctx.Call("date_to_unix_ts",
                      {S("second"), S("+04:00"), S("--%m--%d--%Y---%H:%M:%S"), text.value()}),
             I(1708933353));
}

TEST(TimeFns, TimezoneToOffsetSeconds) {
  TestContext ctx;
  for (const char* fn : {"timezone_to_offset_seconds", "timezone_to_second"}) {
    EXPECT_VAL(ctx.Call(fn, {S("+02:00:00")}), I(7200));
    EXPECT_VAL(ctx.Call(fn, {S("-02:00:00")}), I(-7200));
    EXPECT_VAL(ctx.Call(fn, {S("+00:01:42")}), I(102));
    EXPECT_VAL(ctx.Call(fn, {S("z")}), I(0));
    EXPECT_VAL(ctx.Call(fn, {S("Z")}), I(0));
    EXPECT_VAL(ctx.Call(fn, {S("+08:00")}), I(28800));
    EXPECT_VAL(ctx.Call(fn, {I(42)}), I(42));
    EXPECT_VAL(ctx.Call(fn, {U()}), I(0));
    EXPECT_TRUE(ctx.Call(fn, {S("local")}).ok());
    EXPECT_FN_ERROR(ctx.Call(fn, {S("+8")}), kBadArgument);
  }
}

TEST(TimeFns, MongoDate) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("mongo_date", {}), "ISODate(2024-02-26T07:42:33.472Z)");
  EXPECT_STR(ctx.Call("mongo_date", {I(1708671600123)}), "ISODate(2024-02-23T07:00:00.123Z)");
  EXPECT_STR(ctx.Call("mongo_date", {I(1708671600123456), S("microsecond")}),
             "ISODate(2024-02-23T07:00:00.123Z)");
  EXPECT_STR(ctx.Call("mongo_date", {I(1708671600), S("second")}),
             "ISODate(2024-02-23T07:00:00.000Z)");
  EXPECT_FN_ERROR(ctx.Call("mongo_date", {I(INT64_MAX), S("second")}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
