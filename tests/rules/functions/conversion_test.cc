// Conversion functions. Expected values: emqx_rule_funcs_SUITE (t_str, t_str_utf8,
// t_str_utf16_le, t_int, t_float, t_map, t_bool, t_float2str, t_hexstr2bin*, t_bin2hexstr*,
// t_sqlserver_bin2hexstr) and the EMQX SQL function reference.
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(ConversionFns, Str) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("str", {S("abc")}), "abc");
  EXPECT_STR(ctx.Call("str", {S("你好🐸")}), "你好🐸");
  EXPECT_STR(ctx.Call("str", {ctx.J(R"({"a":1})")}), R"({"a":1})");
  EXPECT_STR(ctx.Call("str", {ctx.J(R"([{"a":1},{"b":1}])")}), R"([{"a":1},{"b":1}])");
  EXPECT_STR(ctx.Call("str", {I(1)}), "1");
  EXPECT_STR(ctx.Call("str", {I(100)}), "100");
  EXPECT_STR(ctx.Call("str", {F(2.0)}), "2.0");
  EXPECT_STR(ctx.Call("str", {B(true)}), "true");
  EXPECT_STR(ctx.Call("str", {U()}), "undefined");
  EXPECT_STR(ctx.Call("str", {F(0.30000000040)}), "0.3000000004");
  EXPECT_STR(ctx.Call("str", {F(0.30000000004)}), "0.3");
  EXPECT_STR(ctx.Call("str", {F(3.14159265359)}), "3.1415926536");
  EXPECT_STR(ctx.Call("str", {F(0.000000314159265359)}), "0.0000003142");
  EXPECT_STR(ctx.Call("str_utf8", {I(100)}), "100");
  EXPECT_STR(ctx.Call("str_utf8", {S("abc 你好")}), "abc 你好");
  EXPECT_STR(ctx.Call("str_utf8", {ctx.J(R"({"a":"abc 你好"})")}), R"({"a":"abc 你好"})");
  EXPECT_FN_ERROR(ctx.Call("str_utf8", {ctx.S("\xFF\xFE")}), kBadArgument);
}

TEST(ConversionFns, StrUtf16Le) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("str_utf16_le", {S("h")}), std::string_view("h\0", 2));
  EXPECT_STR(ctx.Call("str_utf16_le", {S("abc")}), std::string_view("a\0b\0c\0", 6));
  EXPECT_STR(ctx.Call("str_utf16_le", {I(1)}), std::string_view("1\0", 2));
  EXPECT_STR(ctx.Call("str_utf16_le", {B(true)}), std::string_view("t\0r\0u\0e\0", 8));
  auto hello = ctx.Call("str_utf16_le", {S("hello")});
  ASSERT_TRUE(hello.ok());
  EXPECT_STR(ctx.Call("bin2hexstr", {hello.value()}), "680065006C006C006F00");
  auto nihao = ctx.Call("str_utf16_le", {S("你好")});
  ASSERT_TRUE(nihao.ok());
  EXPECT_STR(ctx.Call("sqlserver_bin2hexstr", {nihao.value()}), "0x604F7D59");
  // A code point beyond the BMP becomes a surrogate pair (U+1F438 FROG: D83D DC38).
  auto frog = ctx.Call("str_utf16_le", {S("🐸")});
  ASSERT_TRUE(frog.ok());
  EXPECT_STR(ctx.Call("bin2hexstr", {frog.value()}), "3DD838DC");
  EXPECT_FN_ERROR(ctx.Call("str_utf16_le", {ctx.S("\xC3")}), kBadArgument);
}

TEST(ConversionFns, Int) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("int", {S("1")}), I(1));
  EXPECT_VAL(ctx.Call("int", {S("1.0")}), I(1));
  EXPECT_VAL(ctx.Call("int", {I(1)}), I(1));
  EXPECT_VAL(ctx.Call("int", {F(1.9)}), I(1));
  EXPECT_VAL(ctx.Call("int", {F(1.0001)}), I(1));
  EXPECT_VAL(ctx.Call("int", {B(true)}), I(1));
  EXPECT_VAL(ctx.Call("int", {B(false)}), I(0));
  EXPECT_VAL(ctx.Call("int", {F(3.14)}), I(3));
  EXPECT_VAL(ctx.Call("int", {F(-3.14)}), I(-4));  // floor, like erlang:floor
  EXPECT_VAL(ctx.Call("int", {S("-100")}), I(-100));
  EXPECT_VAL(ctx.Call("int", {S("+200")}), I(200));
  EXPECT_VAL(ctx.Call("int", {S("0010")}), I(10));
  EXPECT_VAL(ctx.Call("int", {S("3.1415e2")}), I(314));
  EXPECT_VAL(ctx.Call("int", {S("1234")}), I(1234));
  EXPECT_FN_ERROR(ctx.Call("int", {S("a")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {S("-100+200")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {S("Number 100")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {S(" 1")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {S("99999999999999999999")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {F(1e300)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {U()}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("int", {ctx.J("[1]")}), kBadArgument);
}

TEST(ConversionFns, Float) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("float", {S("1.0")}), F(1.0));
  EXPECT_VAL(ctx.Call("float", {I(1)}), F(1.0));
  EXPECT_VAL(ctx.Call("float", {F(1.9)}), F(1.9));
  EXPECT_VAL(ctx.Call("float", {F(1.0000000001)}), F(1.0000000001));
  EXPECT_VAL(ctx.Call("float", {I(20)}), F(20.0));
  EXPECT_VAL(ctx.Call("float", {S("3.14")}), F(3.14));
  EXPECT_VAL(ctx.Call("float", {S("3.14e4")}), F(31400.0));
  EXPECT_VAL(ctx.Call("float", {S("3.14e+4")}), F(31400.0));
  EXPECT_VAL(ctx.Call("float", {S("3.14e-4")}), F(0.000314));
  EXPECT_VAL(ctx.Call("float", {S("3.14E-4")}), F(0.000314));
  EXPECT_VAL(ctx.Call("float", {S("10")}), F(10.0));
  EXPECT_VAL(ctx.Call("float", {S("0.12345678901234567")}), F(0.12345678901234566));
  EXPECT_FN_ERROR(ctx.Call("float", {S("a")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("float", {S("1e309")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("float", {B(true)}), kBadArgument);
  EXPECT_VAL(ctx.Call("float", {S("3.1415926"), I(3)}), F(3.142));
  EXPECT_VAL(ctx.Call("float", {S("0.000012345"), I(5)}), F(0.00001));
  EXPECT_FN_ERROR(ctx.Call("float", {F(1.5), I(0)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("float", {F(1.5), I(254)}), kBadArgument);
  EXPECT_VAL(ctx.Call("float", {F(1e300), I(253)}), F(1e300));
}

TEST(ConversionFns, Float2Str) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("float2str", {F(20.2), I(1)}), "20.2");
  EXPECT_STR(ctx.Call("float2str", {F(20.2), I(10)}), "20.2");
  EXPECT_STR(ctx.Call("float2str", {F(20.2), I(15)}), "20.199999999999999");
  EXPECT_STR(ctx.Call("float2str", {F(20.2), I(16)}), "20.1999999999999993");
  EXPECT_STR(ctx.Call("float2str", {F(0.1), I(5)}), "0.1");
  EXPECT_STR(ctx.Call("float2str", {F(0.1), I(20)}), "0.10000000000000000555");
  EXPECT_STR(ctx.Call("float2str", {F(0.1), I(25)}), "0.1000000000000000055511151");
  EXPECT_STR(ctx.Call("float2str", {F(0.00000000001), I(20)}), "0.00000000001");
  EXPECT_STR(ctx.Call("float2str", {F(0.100001), I(5)}), "0.1");
  EXPECT_STR(ctx.Call("float2str", {F(123456789.01234565), I(8)}), "123456789.01234566");
  EXPECT_STR(ctx.Call("float2str", {F(1.5), I(0)}), "2");
  EXPECT_FN_ERROR(ctx.Call("float2str", {F(1.5), I(-1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("float2str", {S("1.5"), I(2)}), kBadArgument);
}

TEST(ConversionFns, Bool) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("bool", {I(1)}), B(true));
  EXPECT_VAL(ctx.Call("bool", {F(1.0)}), B(true));
  EXPECT_VAL(ctx.Call("bool", {I(0)}), B(false));
  EXPECT_VAL(ctx.Call("bool", {F(0.0)}), B(false));
  EXPECT_VAL(ctx.Call("bool", {B(true)}), B(true));
  EXPECT_VAL(ctx.Call("bool", {S("true")}), B(true));
  EXPECT_VAL(ctx.Call("bool", {B(false)}), B(false));
  EXPECT_VAL(ctx.Call("bool", {S("false")}), B(false));
  EXPECT_FN_ERROR(ctx.Call("bool", {I(3)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("bool", {I(20)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("bool", {S("True")}), kBadArgument);
}

TEST(ConversionFns, Map) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("map", {S(R"({"a":1})")}), ctx.J(R"({"a":1})"));
  EXPECT_VAL(ctx.Call("map", {ctx.J(R"({"a":1})")}), ctx.J(R"({"a":1})"));
  EXPECT_VAL(ctx.Call("map", {ctx.J(R"([["ver","1.0"],["name","emqx"]])")}),
             ctx.J(R"({"ver":"1.0","name":"emqx"})"));
  EXPECT_FN_ERROR(ctx.Call("map", {S("a")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("map", {S("[1]")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("map", {F(1.0)}), kBadArgument);
}

TEST(ConversionFns, Hex) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("hexstr2bin", {S("6364f")}), "\x06\x36\x4f");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("a")}), "\x0a");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("f")}), "\x0f");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("5")}), "\x05");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("0102")}), "\x01\x02");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("1121")}), "\x11\x21");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("")}), "");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("0x6364f"), S("0x")}), "\x06\x36\x4f");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("0Xa"), S("0X")}), "\x0a");
  EXPECT_STR(ctx.Call("hexstr2bin", {S("0B5"), S("0B")}), "\x05");
  EXPECT_FN_ERROR(ctx.Call("hexstr2bin", {S("0x6364f"), S("ab")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("hexstr2bin", {S("0bf"), S("你好👋")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("hexstr2bin", {S("zz")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("hexstr2bin", {I(12)}), kBadArgument);

  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\x01\x02")}), "0102");
  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\x11\x21")}), "1121");
  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\xab\xcd")}), "ABCD");  // upper case
  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\x01\x02"), S("0x")}), "0x0102");
  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\x11\x21"), S("0B")}), "0B1121");
  EXPECT_STR(ctx.Call("bin2hexstr", {ctx.S("\x01\x02"), S("🧠")}), "🧠0102");
  EXPECT_FN_ERROR(ctx.Call("bin2hexstr", {I(1)}), kBadArgument);

  EXPECT_STR(ctx.Call("sqlserver_bin2hexstr", {ctx.S("\x01\x02")}), "0x0102");
  EXPECT_STR(ctx.Call("sqlserver_bin2hexstr", {ctx.S("\x11\x21")}), "0x1121");
  EXPECT_STR(ctx.Call("sqlserver_bin2hexstr", {S("hello")}), "0x68656C6C6F");

  // Round trip over every byte value (t_hex_convert).
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto hex = ctx.Call("bin2hexstr", {ctx.S(all)});
  ASSERT_TRUE(hex.ok());
  EXPECT_STR(ctx.Call("hexstr2bin", {hex.value()}), all);
}

}  // namespace
}  // namespace mqb::rules::testing
