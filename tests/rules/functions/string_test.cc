// String functions. Expected values: emqx_rule_funcs_SUITE (t_lower_upper, t_reverse, t_strlen,
// t_substr, t_trim, t_split_*, t_tokens, t_concat, t_sprintf, t_pad*, t_replace, t_ascii,
// t_join_to_string, t_join_to_sql_values_string, t_find*, t_regex_*, t_unescape*,
// t_map_to_redis_hset_args) and the EMQX SQL function reference; jq: EMQX's rule-sql-jq page.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

// Compares an array result with a list of strings.
void ExpectStrings(const Result<Value, EvalError>& r, std::vector<std::string_view> want) {
  ASSERT_TRUE(r.ok()) << Show(r);
  ASSERT_TRUE(r.value().is_array()) << Show(r);
  std::vector<std::string_view> got;
  for (const Value& v : r.value().AsArray()) {
    ASSERT_TRUE(v.is_string()) << Show(r);
    got.push_back(v.AsString());
  }
  EXPECT_EQ(got, want) << Show(r);
}

TEST(StringFns, Case) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("upper", {S("abc4")}), "ABC4");
  EXPECT_STR(ctx.Call("lower", {S("0ABC")}), "0abc");
  EXPECT_STR(ctx.Call("lower", {S("AbC")}), "abc");
  EXPECT_STR(ctx.Call("upper", {S("hello")}), "HELLO");
  EXPECT_STR(ctx.Call("upper", {S("straße ÄÖÜ é")}), "STRAßE ÄÖÜ É");
  EXPECT_STR(ctx.Call("lower", {S("ÄÖÜ ΣΑΣ")}), "äöü σασ");
  EXPECT_STR(ctx.Call("upper", {ctx.S("a\xFFz")}), "A\xFFZ");  // invalid bytes kept
  EXPECT_FN_ERROR(ctx.Call("lower", {U()}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("upper", {I(1)}), kBadArgument);
}

TEST(StringFns, ReverseStrlen) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("reverse", {S("abcd")}), "dcba");
  EXPECT_STR(ctx.Call("reverse", {S("1234")}), "4321");
  EXPECT_STR(ctx.Call("reverse", {S("你好")}), "好你");
  EXPECT_STR(ctx.Call("reverse", {S("a\r\nb")}), "b\r\na");
  EXPECT_VAL(ctx.Call("strlen", {S("abcd")}), I(4));
  EXPECT_VAL(ctx.Call("strlen", {S("你好")}), I(2));
  EXPECT_VAL(ctx.Call("strlen", {S("hello\n")}), I(6));
  EXPECT_VAL(ctx.Call("strlen", {S("a\r\n")}), I(2));
  EXPECT_VAL(ctx.Call("strlen", {S("")}), I(0));
}

TEST(StringFns, Substr) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("substr", {S(""), I(1)}), "");
  EXPECT_STR(ctx.Call("substr", {S("abc"), I(1)}), "bc");
  EXPECT_STR(ctx.Call("substr", {S("abcd"), I(1), I(2)}), "bc");
  EXPECT_STR(ctx.Call("substr", {S("hello"), I(0)}), "hello");
  EXPECT_STR(ctx.Call("substr", {S("hello world"), I(6)}), "world");
  EXPECT_STR(ctx.Call("substr", {S("hello world!"), I(6), I(5)}), "world");
  EXPECT_STR(ctx.Call("substr", {S("abcdef"), I(2)}), "cdef");
  EXPECT_STR(ctx.Call("substr", {S("abcdef"), I(2), I(3)}), "cde");
  EXPECT_STR(ctx.Call("substr", {S("你好世界"), I(1), I(2)}), "好世");
  EXPECT_STR(ctx.Call("substr", {S("abc"), I(10)}), "");
  EXPECT_STR(ctx.Call("substr", {S("abc"), I(1), I(INT64_MAX)}), "bc");
  EXPECT_STR(ctx.Call("substr", {S("Number 100"), I(7)}), "100");
  EXPECT_FN_ERROR(ctx.Call("substr", {S("abc"), I(-1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("substr", {S("abc"), I(0), I(-1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("substr", {I(123), I(0)}), kBadArgument);
}

TEST(StringFns, Trim) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("trim", {S("")}), "");
  EXPECT_STR(ctx.Call("ltrim", {S("")}), "");
  EXPECT_STR(ctx.Call("rtrim", {S("")}), "");
  EXPECT_STR(ctx.Call("trim", {S(" abc ")}), "abc");
  EXPECT_STR(ctx.Call("ltrim", {S(" abc ")}), "abc ");
  EXPECT_STR(ctx.Call("rtrim", {S(" abc")}), " abc");
  EXPECT_STR(ctx.Call("trim", {S("\t  hello  \n")}), "hello");
  EXPECT_STR(ctx.Call("trim", {S("\t  hello \r\n")}), "hello");
  EXPECT_STR(ctx.Call("ltrim", {S("\t  hello  \n")}), "hello  \n");
  EXPECT_STR(ctx.Call("rtrim", {S("\t  hello  \n")}), "\t  hello");
  EXPECT_STR(ctx.Call("trim", {S("   ")}), "");
  EXPECT_STR(ctx.Call("trim", {S("xxhixx"), S("x")}), "hi");
  EXPECT_STR(ctx.Call("ltrim", {S("-=hi=-"), S("=-")}), "hi=-");
  EXPECT_STR(ctx.Call("rtrim", {S("-=hi=-"), S("=-")}), "-=hi");
}

TEST(StringFns, SplitAll) {
  TestContext ctx;
  ExpectStrings(ctx.Call("split", {S(""), S("/")}), {});
  ExpectStrings(ctx.Call("split", {S("/"), S("/")}), {});
  ExpectStrings(ctx.Call("split", {S("/a/b/c"), S("/")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("split", {S("/a/b//c/"), S("/")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("split", {S("a,b,c"), S(",")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("split", {S("a, b ,c"), S(",")}), {"a", " b ", "c"});
  ExpectStrings(ctx.Call("split", {S("a,b,c\n"), S(",")}), {"a", "b", "c\n"});
  ExpectStrings(ctx.Call("split", {S("a,b,c\r\n"), S(",")}), {"a", "b", "c\r\n"});
  ExpectStrings(ctx.Call("split", {S("a/b/ c"), S("/")}), {"a", "b", " c"});
  ExpectStrings(ctx.Call("split", {S("Sienna Blake; Howell Wise"), S("; ")}),
                {"Sienna Blake", "Howell Wise"});
}

TEST(StringFns, SplitModes) {
  TestContext ctx;
  ExpectStrings(ctx.Call("split", {S(""), S("/"), S("notrim")}), {""});
  ExpectStrings(ctx.Call("split", {S("/"), S("/"), S("notrim")}), {"", ""});
  ExpectStrings(ctx.Call("split", {S("/a/b//c/"), S("/"), S("notrim")}),
                {"", "a", "b", "", "c", ""});
  ExpectStrings(ctx.Call("split", {S("哈哈, 你好, 是的\r\n"), S(","), S("notrim")}),
                {"哈哈", " 你好", " 是的\r\n"});
  ExpectStrings(ctx.Call("split", {S(""), S("/"), S("leading")}), {});
  ExpectStrings(ctx.Call("split", {S("/"), S("/"), S("leading")}), {});
  ExpectStrings(ctx.Call("split", {S("/a/b/c"), S("/"), S("leading")}), {"a/b/c"});
  ExpectStrings(ctx.Call("split", {S("a/b//c/"), S("/"), S("leading")}), {"a", "b//c/"});
  ExpectStrings(ctx.Call("split", {S("哈哈, 你好, 是的\r\n"), S(","), S("leading")}),
                {"哈哈", " 你好, 是的\r\n"});
  ExpectStrings(ctx.Call("split", {S(""), S("/"), S("leading_notrim")}), {""});
  ExpectStrings(ctx.Call("split", {S("/"), S("/"), S("leading_notrim")}), {"", ""});
  ExpectStrings(ctx.Call("split", {S("/a/b/c"), S("/"), S("leading_notrim")}), {"", "a/b/c"});
  ExpectStrings(ctx.Call("split", {S("/a/b/c"), S("/"), S("trailing")}), {"/a/b", "c"});
  ExpectStrings(ctx.Call("split", {S("a/b//c/"), S("/"), S("trailing")}), {"a/b//c"});
  ExpectStrings(ctx.Call("split", {S("/"), S("/"), S("trailing")}), {});
  ExpectStrings(ctx.Call("split", {S(""), S("/"), S("trailing_notrim")}), {""});
  ExpectStrings(ctx.Call("split", {S("a/b//c/"), S("/"), S("trailing_notrim")}), {"a/b//c", ""});
  ExpectStrings(ctx.Call("split", {S("a;b;c;"), S(";"), S("trailing_notrim")}), {"a;b;c", ""});
  ExpectStrings(ctx.Call("split", {S("a,b"), S("")}), {"a,b"});
  EXPECT_FN_ERROR(ctx.Call("split", {S("a"), S(","), S("sideways")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("split", {U(), S(",")}), kBadArgument);
}

TEST(StringFns, Tokens) {
  TestContext ctx;
  ExpectStrings(ctx.Call("tokens", {S(""), S("/")}), {});
  ExpectStrings(ctx.Call("tokens", {S("/"), S("/")}), {});
  ExpectStrings(ctx.Call("tokens", {S("/a/b/c"), S("/")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S("/a/b//c/"), S("/")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S(" /a/ b /c"), S(" /")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S("a ,\nb,c\n"), S(", ")}), {"a", "\nb", "c\n"});
  ExpectStrings(ctx.Call("tokens", {S("a ,b,c\r\n"), S(", ")}), {"a", "b", "c\r\n"});
  ExpectStrings(ctx.Call("tokens", {S("a,b, c\n"), S(", "), S("nocrlf")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S("a,b,c\r\n"), S(","), S("nocrlf")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S("a,b\r\n,c\n"), S(","), S("nocrlf")}), {"a", "b", "c"});
  ExpectStrings(ctx.Call("tokens", {S("\r\n"), S(","), S("nocrlf")}), {});
  ExpectStrings(ctx.Call("tokens", {S("哈哈, 你好, 是的\r\n"), S(", "), S("nocrlf")}),
                {"哈哈", "你好", "是的"});
  ExpectStrings(ctx.Call("tokens", {S("a,b;c,d"), S(",;")}), {"a", "b", "c", "d"});
  ExpectStrings(ctx.Call("tokens", {S("a\rb\nc\r\nd"), S(";"), S("nocrlf")}), {"a", "b", "c", "d"});
  EXPECT_FN_ERROR(ctx.Call("tokens", {S("a"), S(","), S("crlf")}), kBadArgument);
}

TEST(StringFns, Concat) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("concat", {S("a"), S("b")}), "ab");
  EXPECT_STR(ctx.Call("concat", {S("哈哈"), S("你好")}), "哈哈你好");
  EXPECT_STR(ctx.Call("concat", {S(""), S("a")}), "a");
  EXPECT_STR(ctx.Call("concat", {S(""), S("")}), "");
  EXPECT_STR(ctx.Call("concat", {S("Name:"), S("John")}), "Name:John");
  EXPECT_STR(ctx.Call("concat", {S("n="), I(1)}), "n=1");
  EXPECT_STR(ctx.Call("concat", {ctx.A({S("a"), I(1), F(1.5), B(true)})}), "a11.5true");
  EXPECT_FN_ERROR(ctx.Call("concat", {S("a")}), kBadArgument);
}

TEST(StringFns, Sprintf) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("sprintf", {S("Hello ~ts!"), S("Shawn")}), "Hello Shawn!");
  EXPECT_STR(ctx.Call("sprintf", {S("Name: ~ts, Count: ~p"), S("ABC"), I(2)}),
             "Name: ABC, Count: 2");
  EXPECT_STR(ctx.Call("sprintf", {S("hello, ~s!"), S("steve")}), "hello, steve!");
  EXPECT_STR(ctx.Call("sprintf", {S("count: ~p~n"), I(100)}), "count: 100\n");
  EXPECT_STR(ctx.Call("sprintf", {S("~p"), S("bin")}), "<<\"bin\">>");
  EXPECT_STR(ctx.Call("sprintf", {S("~w|~p"), F(1.5), F(2.0)}), "1.5|2.0");
  EXPECT_STR(ctx.Call("sprintf", {S("~p ~p ~p"), F(100000.0), F(123456.0), F(1.0e-5)}),
             "1.0e5 123456.0 1.0e-5");
  EXPECT_STR(ctx.Call("sprintf", {S("~p"), ctx.J(R"({"a":[1,true]})")}),
             "#{<<\"a\">> => [1,true]}");
  EXPECT_STR(ctx.Call("sprintf", {S("~w"), ctx.J(R"({"a":null})")}), "#{<<\"a\">>=>null}");
  EXPECT_STR(ctx.Call("sprintf", {S("~5B|~-5B|~.16B|~.2b"), I(42), I(42), I(255), I(5)}),
             "   42|42   |FF|101");
  EXPECT_STR(ctx.Call("sprintf", {S("~.2f ~f ~e"), F(3.14159), F(1.5), F(3.14)}),
             "3.14 1.500000 3.14000e+0");
  EXPECT_STR(ctx.Call("sprintf", {S("~5.2.0f|~c|~~"), F(3.14159), I(65)}), "03.14|A|~");
  EXPECT_STR(ctx.Call("sprintf", {S("~*B"), I(4), I(7)}), "   7");
  EXPECT_STR(ctx.Call("sprintf", {S("~.3s"), S("abcdef")}), "abc");
  EXPECT_STR(ctx.Call("sprintf", {S("~i~s"), I(1), S("x")}), "x");
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~s ~s"), S("a")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~s"), S("a"), S("b")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~s"), I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~q"), I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~"), I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sprintf", {S("~999999999B"), I(1)}), kBadArgument);
}

TEST(StringFns, Pad) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5)}), "abc  ");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(0)}), "abc");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("trailing")}), "abc  ");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("both")}), " abc ");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("leading")}), "  abc");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(0), S("leading")}), "abc");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("trailing"), S("e")}), "abcee");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("trailing"), S("ex")}), "abcexex");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("both"), S("e")}), "eabce");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("both"), S("ex")}), "exabcex");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(5), S("leading"), S("ex")}), "exexabc");
  EXPECT_STR(ctx.Call("pad", {S("hello"), I(8), S("both")}), " hello  ");
  EXPECT_STR(ctx.Call("pad", {S("hello"), I(8), S("trailing"), S("\r\n")}), "hello\r\n\r\n\r\n");
  EXPECT_STR(ctx.Call("pad", {S("你好"), I(4), S("leading")}), "  你好");
  EXPECT_STR(ctx.Call("pad", {S("abc"), I(-10)}), "abc");
  EXPECT_FN_ERROR(ctx.Call("pad", {S("abc"), I(INT64_MAX)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("pad", {S("abc"), I(5), S("middle")}), kBadArgument);
}

TEST(StringFns, Replace) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("replace", {S("ab c  "), S(" "), S("-")}), "ab-c--");
  EXPECT_STR(ctx.Call("replace", {S("ab c  "), S(" "), S("::")}), "ab::c::::");
  EXPECT_STR(ctx.Call("replace", {S("ab c  "), S(" "), S("-"), S("all")}), "ab-c--");
  EXPECT_STR(ctx.Call("replace", {S("ab c  "), S(" "), S("-"), S("leading")}), "ab-c  ");
  EXPECT_STR(ctx.Call("replace", {S("ab c  "), S(" "), S("-"), S("trailing")}), "ab c -");
  EXPECT_STR(ctx.Call("replace", {S("ab..cd..ef"), S(".."), S("**")}), "ab**cd**ef");
  EXPECT_STR(ctx.Call("replace", {S("ab..cd..ef"), S(".."), S("")}), "abcdef");
  EXPECT_STR(ctx.Call("replace", {S("abc"), S(""), S("x")}), "abc");
  EXPECT_FN_ERROR(ctx.Call("replace", {S("abc"), S("b"), S("x"), S("first")}), kBadArgument);
}

TEST(StringFns, AsciiFind) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("ascii", {S("a")}), I(97));
  EXPECT_VAL(ctx.Call("ascii", {S("ab")}), I(97));
  EXPECT_FN_ERROR(ctx.Call("ascii", {S("")}), kBadArgument);
  EXPECT_STR(ctx.Call("find", {S("acbcd"), S("c")}), "cbcd");
  EXPECT_STR(ctx.Call("find", {S("acbcd"), S("c"), S("leading")}), "cbcd");
  EXPECT_STR(ctx.Call("find", {S("acbcd"), S("e")}), "");
  EXPECT_STR(ctx.Call("find", {S(""), S("c")}), "");
  EXPECT_STR(ctx.Call("find", {S(""), S("")}), "");
  EXPECT_STR(ctx.Call("find", {S("acbcd"), S("c"), S("trailing")}), "cd");
  EXPECT_STR(ctx.Call("find", {S("acbcd"), S("e"), S("trailing")}), "");
  EXPECT_STR(ctx.Call("find", {S("..., Value: 1.2"), S("Value:")}), "Value: 1.2");
  EXPECT_STR(ctx.Call("find", {S("Front, Middle, End"), S(", "), S("trailing")}), ", End");
}

TEST(StringFns, JoinToString) {
  TestContext ctx;
  Value abc = ctx.A({S("a"), S("b"), S("c")});
  EXPECT_STR(ctx.Call("join_to_string", {S(","), abc}), "a,b,c");
  EXPECT_STR(ctx.Call("join_to_string", {S(" "), abc}), "a b c");
  EXPECT_STR(ctx.Call("join_to_string", {abc}), "a, b, c");
  EXPECT_STR(ctx.Call("join_to_string", {S(","), ctx.A({S("a")})}), "a");
  EXPECT_STR(ctx.Call("join_to_string", {S(","), ctx.J("[]")}), "");
  Value mixed = ctx.A({I(1), S("c"), ctx.J(R"({"a":1})"), ctx.J("[1,2,3]")});
  EXPECT_STR(ctx.Call("join_to_string", {S(", "), mixed}), R"(1, c, {"a":1}, [1,2,3])");
  auto keys = ctx.Call("map_keys", {S(R"({"a":"a","b":1,"c":"c"})")});
  ASSERT_TRUE(keys.ok());
  EXPECT_STR(ctx.Call("join_to_string", {keys.value()}), "a, b, c");
  auto values = ctx.Call("map_values", {S(R"({"a":"a","b":1,"c":"c"})")});
  ASSERT_TRUE(values.ok());
  EXPECT_STR(ctx.Call("join_to_string", {values.value()}), "a, 1, c");
  EXPECT_FN_ERROR(ctx.Call("join_to_string", {S("a")}), kBadArgument);
}

TEST(StringFns, JoinToSqlValuesString) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {ctx.A({S("a"), S("b"), S("c")})}),
             "'a', 'b', 'c'");
  Value mixed = ctx.A({I(1), S("c"), ctx.J(R"({"a":1})"), ctx.J("[1,2,3]"), ctx.J("[97,98]")});
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {mixed}),
             R"(1, 'c', '{"a":1}', '[1,2,3]', '[97,98]')");
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {ctx.A({S("a")})}), "'a'");
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {ctx.J("[]")}), "");
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {ctx.A({S("it's")})}), R"('it\'s')");
  auto values = ctx.Call("map_values", {S(R"({"a":"a","b":1,"c":"c"})")});
  ASSERT_TRUE(values.ok());
  EXPECT_STR(ctx.Call("join_to_sql_values_string", {values.value()}), "'a', 1, 'c'");
}

TEST(StringFns, MapToRedisHsetArgs) {
  TestContext ctx;
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J("{}")}), {});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": 1})")}), {"a", "1"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": 1.1})")}), {"a", "1.1"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": true})")}), {"a", "true"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": false})")}), {"a", "false"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": ""})")}), {"a", ""});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": "i j"})")}), {"a", "i j"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": 1, "b": 2})")}),
                {"a", "1", "b", "2"});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.J(R"({"a": [1], "b": null})")}), {});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {S("not json")}), {});
  ExpectStrings(ctx.Call("map_to_redis_hset_args", {ctx.A({S("not map")})}), {});
}

TEST(StringFns, Regex) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("regex_match", {S("acbcd"), S("c")}), B(true));
  EXPECT_VAL(ctx.Call("regex_match", {S("acbcd"), S("(ac)+")}), B(true));
  EXPECT_VAL(ctx.Call("regex_match", {S("bcd"), S("(ac)+")}), B(false));
  EXPECT_VAL(ctx.Call("regex_match", {S(""), S(".*")}), B(true));
  EXPECT_VAL(ctx.Call("regex_match", {S(""), S("[a-z]+")}), B(false));
  EXPECT_VAL(ctx.Call("regex_match", {S("exebd"), S("^[a-z]+$")}), B(true));
  EXPECT_VAL(ctx.Call("regex_match", {S("e2xebd"), S("^[a-z]+$")}), B(false));
  EXPECT_VAL(ctx.Call("regex_match", {S("123"), S("^\\d+$")}), B(true));
  EXPECT_VAL(ctx.Call("regex_match", {S("a23"), S("^\\d+$")}), B(false));
  EXPECT_STR(ctx.Call("regex_replace", {S(""), S("c.*"), S("e")}), "");
  EXPECT_STR(ctx.Call("regex_replace", {S("accbcd"), S("c+"), S("e")}), "aebed");
  EXPECT_STR(ctx.Call("regex_replace", {S("accbcd"), S("c+"), S("[&]")}), "a[cc]b[c]d");
  EXPECT_STR(ctx.Call("regex_replace", {S("hello 123"), S("\\d+"), S("world")}), "hello world");
  EXPECT_STR(ctx.Call("regex_replace", {S("a;b; c"), S(";\\s*"), S(",")}), "a,b,c");
  EXPECT_STR(ctx.Call("regex_replace",
                      {S("2024-05-20"), S("(\\d+)-(\\d+)-(\\d+)"), S("\\3/\\2/\\g{1} \\&")}),
             "20/05/2024 &");
  EXPECT_STR(ctx.Call("regex_replace", {S("abc"), S("x*"), S("-")}), "-a-b-c-");
  ExpectStrings(ctx.Call("regex_extract", {S("Number: 12345"), S("(\\d+)")}), {"12345"});
  ExpectStrings(ctx.Call("regex_extract", {S("Hello, world!"), S("(\\w+).*\\s(\\w+)")}),
                {"Hello", "world"});
  ExpectStrings(ctx.Call("regex_extract", {S("No numbers here!"), S("(\\d+)")}), {});
  ExpectStrings(ctx.Call("regex_extract", {S("Date: 2021-05-20"), S("(\\d{4})-(\\d{2})-(\\d{2})")}),
                {"2021", "05", "20"});
  ExpectStrings(ctx.Call("regex_extract", {S("abc"), S("b")}), {});
  ExpectStrings(ctx.Call("regex_extract", {S("ac"), S("a(x)?c")}), {""});
  EXPECT_FN_ERROR(ctx.Call("regex_match", {S("a"), S("(")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("regex_match", {S("aa"), S("(a)\\1")}), kBadArgument);  // no backrefs
  EXPECT_FN_ERROR(ctx.Call("regex_match", {I(1), S("1")}), kBadArgument);
  // Linear time: the classic catastrophic-backtracking pattern finishes immediately.
  std::string hostile(5000, 'a');
  hostile += "!";
  EXPECT_VAL(ctx.Call("regex_match", {ctx.S(hostile), S("^(a+)+$")}), B(false));
}

TEST(StringFns, Unescape) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("unescape", {S("\\n")}), "\n");
  EXPECT_STR(ctx.Call("unescape", {S("\\t")}), "\t");
  EXPECT_STR(ctx.Call("unescape", {S("\\r")}), "\r");
  EXPECT_STR(ctx.Call("unescape", {S("\\b")}), "\b");
  EXPECT_STR(ctx.Call("unescape", {S("\\f")}), "\f");
  EXPECT_STR(ctx.Call("unescape", {S("\\v")}), "\v");
  EXPECT_STR(ctx.Call("unescape", {S("\\'")}), "'");
  EXPECT_STR(ctx.Call("unescape", {S("\\\"")}), "\"");
  EXPECT_STR(ctx.Call("unescape", {S("\\?")}), "?");
  EXPECT_STR(ctx.Call("unescape", {S("\\a")}), "\a");
  EXPECT_STR(ctx.Call("unescape", {S("\\\\")}), "\\");
  EXPECT_STR(ctx.Call("unescape", {S("Hello, World!")}), "Hello, World!");
  EXPECT_STR(ctx.Call("unescape", {S("Hello,\\t World\\n!")}), "Hello,\t World\n!");
  EXPECT_FN_ERROR(ctx.Call("unescape", {S("\\L")}), kBadArgument);
  EXPECT_STR(ctx.Call("unescape", {S("\\x0A")}), "\n");
  EXPECT_STR(ctx.Call("unescape", {S("hej\\x0Ahej")}), "hej\nhej");
  EXPECT_STR(ctx.Call("unescape", {S("\\x41\\x42\\x43")}), "ABC");
  EXPECT_STR(ctx.Call("unescape", {S("\\xFF")}), "\xC3\xBF");  // U+00FF in UTF-8
  EXPECT_STR(ctx.Call("unescape", {S("Hello, \\x57orld!")}), "Hello, World!");
  EXPECT_STR(ctx.Call("unescape", {S("\\x48\\x65\\x6c\\x6c\\x6f")}), "Hello");
  EXPECT_STR(ctx.Call("unescape", {S("\\x0041")}), "A");
  EXPECT_STR(ctx.Call("unescape", {S("\\x20AC")}), "€");
  EXPECT_STR(ctx.Call("unescape", {S("\\x2764")}), "❤");
  EXPECT_FN_ERROR(ctx.Call("unescape", {S("\\xG1")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("unescape", {S("\\x11000000")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("unescape", {S("\\xFFFFFFFFFFFFFFFFFFFFFFFF")}), kBadArgument);
  EXPECT_STR(ctx.Call("unescape", {S("Hello, \\x00004E16\\x0000754C")}), "Hello, 世界");
  EXPECT_STR(ctx.Call("unescape", {S("end\\")}), "end\\");
}

TEST(JqFn, ListsEveryOutputAndEncodesNonStringInput) {
  TestContext ctx;
  auto r = ctx.Call("jq", {S(".[] | . * 2"), S("[1, 2, 3]")});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r.value().is_array());
  ASSERT_EQ(r.value().AsArray().size(), 3u);
  EXPECT_EQ(r.value().AsArray()[2].AsInt(), 6);
  // A number as input is JSON-encoded first.
  r = ctx.Call("jq", {S(". + 1"), I(41)});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().AsArray()[0].AsInt(), 42);
}

TEST(JqFn, ErrorsAreExceptionsWithJqsMessage) {
  TestContext ctx;
  auto r = ctx.Call("jq", {S("error(\"boom\")"), S("{}")});
  EXPECT_FN_ERROR(r, kException);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("boom"), std::string::npos) << r.error().message;
  EXPECT_FN_ERROR(ctx.Call("jq", {I(1), S("{}")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("jq", {S("."), S("{}"), I(0)}), kBadArgument);
  // Modules cannot be loaded: nothing is read from disk.
  r = ctx.Call("jq", {S("import \"x\" as x; ."), S("{}")});
  EXPECT_FN_ERROR(r, kException);
}

// A program that never produces an output is stopped at its timeout, and the thread's next
// call of the same program works (a fresh state).
TEST(JqFn, TimeoutStopsALoopThatProducesNothing) {
  TestContext ctx;
  const auto start = std::chrono::steady_clock::now();
  auto r = ctx.Call("jq", {S("last(range(1e15))"), S("null"), I(200)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("timeout after 200 ms"), std::string::npos) << r.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));
  r = ctx.Call("jq", {S("last(range(3))"), S("null"), I(1000)});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().AsArray()[0].AsInt(), 2);
}

TEST(JqFn, TooManyResultsIsAnErrorNotAnOutOfMemory) {
  TestContext ctx;
  auto r = ctx.Call("jq", {S("range(1e9)"), S("null")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than"), std::string::npos) << r.error().message;
  // halt ends the outputs; halt_error's message is the error.
  r = ctx.Call("jq", {S("1, halt, 2"), S("null")});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value().AsArray().size(), 1u);
  r = ctx.Call("jq", {S("\"stopped\" | halt_error"), S("null")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("stopped"), std::string::npos) << r.error().message;
}

// Several threads use jq at once, each with its own compiled states.
TEST(JqFn, ThreadsEvaluateIndependently) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TestContext ctx;
      for (int i = 0; i < 200; ++i) {
        auto r = ctx.Call("jq", {ctx.S(".x + " + std::to_string(t)), S("{\"x\": 1}")});
        if (r.ok() && r.value().AsArray()[0].AsInt() == 1 + t) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 800);
}

}  // namespace
}  // namespace mqb::rules::testing
