// Encoding functions (EMQX SQL function reference: base64_*, json_*; emqx_rule_funcs_SUITE
// prop_base64_encode).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(CodecFns, Base64) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("base64_encode", {S("hello")}), "aGVsbG8=");
  EXPECT_STR(ctx.Call("base64_decode", {S("aGVsbG8=")}), "hello");
  EXPECT_STR(ctx.Call("base64_encode", {ctx.S("\xCB\x48\xCD")}), "y0jN");
  EXPECT_STR(ctx.Call("base64_decode", {S("y0jN")}), "\xCB\x48\xCD");
  EXPECT_STR(ctx.Call("base64_encode", {S("hello"), S("no_padding"), S("urlsafe")}), "aGVsbG8");
  EXPECT_STR(ctx.Call("base64_encode", {ctx.S("\xFB\xFF"), S("urlsafe")}), "-_8=");
  EXPECT_STR(ctx.Call("base64_encode", {ctx.S("\xFB\xFF")}), "+/8=");
  EXPECT_STR(ctx.Call("base64_encode", {S("")}), "");
  EXPECT_STR(ctx.Call("base64_decode", {S("")}), "");
  EXPECT_STR(ctx.Call("base64_decode", {S("aGVs\nbG8=")}), "hello");
  EXPECT_STR(ctx.Call("base64_decode", {S("aGVsbG8")}), "hello");
  EXPECT_STR(ctx.Call("base64_decode", {S("-_8=")}), "\xFB\xFF");
  EXPECT_FN_ERROR(ctx.Call("base64_decode", {S("a")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("base64_decode", {S("aGVs*bG8=")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("base64_decode", {S("aG=Vs")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("base64_decode", {S("aGVsbG8===")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("base64_encode", {S("x"), S("mime")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("base64_encode", {I(1)}), kBadArgument);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n < 7; ++n) {
    std::string_view part(all.data() + n * 30, 30 + n);
    auto enc = ctx.Call("base64_encode", {ctx.S(part)});
    ASSERT_TRUE(enc.ok());
    EXPECT_STR(ctx.Call("base64_decode", {enc.value()}), part);
  }
}

TEST(CodecFns, Json) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("json_encode", {ctx.J("[1,2,3]")}), "[1,2,3]");
  EXPECT_STR(ctx.Call("json_encode", {ctx.J(R"({"a":"b"})")}), R"({"a":"b"})");
  EXPECT_STR(ctx.Call("json_encode", {S("x")}), R"("x")");
  auto m = ctx.Call("json_decode", {S(R"({"a": 1})")});
  ASSERT_TRUE(m.ok());
  EXPECT_VAL(ctx.Call("map_get", {S("a"), m.value()}), I(1));
  EXPECT_VAL(ctx.Call("json_decode", {S("[1, 2.5, null]")}), ctx.A({I(1), F(2.5), N()}));
  EXPECT_FN_ERROR(ctx.Call("json_decode", {S("{bad")}), kDecodeJson);
  EXPECT_FN_ERROR(ctx.Call("json_decode", {I(1)}), kBadArgument);
}

TEST(CodecFns, TermCodecIsNotSupported) {
  TestContext ctx;
  EXPECT_FN_ERROR(ctx.Call("term_encode", {S("x")}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("term_decode", {S("x")}), kNotSupported);
}

}  // namespace
}  // namespace mqb::rules::testing
