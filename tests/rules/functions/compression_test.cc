// Compression functions. Expected bytes: the EMQX SQL function reference (zip/zip_compress/gzip
// of 'hello'); round trips as in emqx_rule_funcs_SUITE (prop_zip_fun, prop_gzip_fun,
// prop_zip_compress_fun).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

Value Hex(TestContext& ctx, std::string_view hex) {
  auto r = ctx.Call("hexstr2bin", {ctx.S(hex)});
  EXPECT_TRUE(r.ok());
  return r.ok() ? r.value() : Value();
}

std::string HexOf(TestContext& ctx, Result<Value, EvalError> r) {
  if (!r.ok()) return "error " + r.error().ToString();
  auto h = ctx.Call("bin2hexstr", {r.value()});
  return h.ok() ? std::string(h.value().AsString()) : "?";
}

TEST(CompressionFns, ReferenceExamples) {
  TestContext ctx;
  EXPECT_EQ(HexOf(ctx, ctx.Call("zip", {S("hello")})), "CB48CDC9C90700");
  EXPECT_EQ(HexOf(ctx, ctx.Call("zip_compress", {S("hello")})), "789CCB48CDC9C90700062C0215");
  EXPECT_STR(ctx.Call("unzip", {Hex(ctx, "CB48CDC9C90700")}), "hello");
  EXPECT_STR(ctx.Call("zip_uncompress", {Hex(ctx, "789CCB48CDC9C90700062C0215")}), "hello");
  EXPECT_STR(ctx.Call("gunzip", {Hex(ctx, "1F8B0800000000000013CB48CDC9C9070086A6103605000000")}),
             "hello");
  // gzip: the reference shows OS byte 0x13 (the docs were produced on macOS); zlib on Linux
  // writes 0x03. Everything else is identical.
  EXPECT_EQ(HexOf(ctx, ctx.Call("gzip", {S("hello")})),
            "1F8B0800000000000003CB48CDC9C9070086A6103605000000");
}

TEST(CompressionFns, RoundTrips) {
  TestContext ctx;
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>((i * 31) ^ (i >> 3)));
  for (std::string_view s : {std::string_view(), std::string_view("x"), std::string_view(data)}) {
    for (auto [c, d] : {std::pair{"zip", "unzip"}, std::pair{"gzip", "gunzip"},
                        std::pair{"zip_compress", "zip_uncompress"}}) {
      auto packed = ctx.Call(c, {ctx.S(s)});
      ASSERT_TRUE(packed.ok()) << c;
      EXPECT_STR(ctx.Call(d, {packed.value()}), s);
    }
  }
}

TEST(CompressionFns, CorruptInputIsAnError) {
  TestContext ctx;
  EXPECT_FN_ERROR(ctx.Call("unzip", {S("not deflate at all")}), kException);
  EXPECT_FN_ERROR(ctx.Call("gunzip", {S("hello")}), kException);
  EXPECT_FN_ERROR(ctx.Call("zip_uncompress", {Hex(ctx, "789CCB48")}), kException);  // truncated
  EXPECT_FN_ERROR(ctx.Call("gunzip", {S("")}), kException);
  EXPECT_FN_ERROR(ctx.Call("zip", {I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("gunzip", {U()}), kBadArgument);
}

TEST(CompressionFns, DecompressionBombIsRefused) {
  TestContext ctx;
  // 20 MiB of zeros compress to ~20 KiB; inflating must stop at the 16 MiB output limit.
  std::string zeros(20 << 20, '\0');
  auto packed = ctx.Call("zip", {ctx.S(zeros)});
  ASSERT_TRUE(packed.ok());
  EXPECT_LT(packed.value().size(), 100000u);
  EXPECT_FN_ERROR(ctx.Call("unzip", {packed.value()}), kException);
}

}  // namespace
}  // namespace mqb::rules::testing
