// random, uuid_v4, getenv and the unsupported EMQX functions.
#include <set>

#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(MiscFns, Random) {
  TestContext ctx;
  std::set<double> seen;
  for (int i = 0; i < 200; ++i) {
    auto r = ctx.Call("random", {});
    ASSERT_TRUE(r.ok() && r.value().is_float());
    double d = r.value().AsFloat();
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 1.0);
    seen.insert(d);
  }
  EXPECT_GT(seen.size(), 190u);
}

TEST(MiscFns, UuidV4) {
  TestContext ctx;
  // Shape check: 'x' = lower-case hex digit, '4' = version, 'v' = variant (8, 9, a or b).
  auto matches = [](std::string_view s, std::string_view shape) {
    if (s.size() != shape.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if ((shape[i] == 'x' && !hex) ||
          (shape[i] == 'v' && std::string_view("89ab").find(c) == std::string_view::npos) ||
          (shape[i] != 'x' && shape[i] != 'v' && c != shape[i])) {
        return false;
      }
    }
    return true;
  };
  const std::string_view with = "xxxxxxxx-xxxx-4xxx-vxxx-xxxxxxxxxxxx";
  const std::string_view without = "xxxxxxxxxxxx4xxxvxxxxxxxxxxxxxxx";
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto a = ctx.Call("uuid_v4", {});
    auto b = ctx.Call("uuid_v4_no_hyphen", {});
    ASSERT_TRUE(a.ok() && b.ok());
    std::string sa(a.value().AsString()), sb(b.value().AsString());
    EXPECT_TRUE(matches(sa, with)) << sa;
    EXPECT_TRUE(matches(sb, without)) << sb;
    seen.insert(sa);
    seen.insert(sb);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(MiscFns, Getenv) {
  TestContext ctx;
  ctx.SetEnv("EMQXVAR_FOO_BAR", "value");
  ctx.SetEnv("FOO_BAR", "not visible");
  EXPECT_STR(ctx.Call("getenv", {S("FOO_BAR")}), "value");
  EXPECT_STR(ctx.Call("getenv", {S("MISSING")}), "");
  EXPECT_FN_ERROR(ctx.Call("getenv", {I(1)}), kBadArgument);
}

TEST(MiscFns, UnsupportedFunctionsSaySo) {
  TestContext ctx;
  EXPECT_FN_ERROR(ctx.Call("proc_dict_get", {S("k")}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("proc_dict_put", {S("k"), I(1)}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("kv_store_get", {S("k")}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("kv_store_put", {S("k"), I(1)}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("schema_decode", {S("id"), S("bin")}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("avro_encode", {S("id"), S("bin")}), kNotSupported);
  EXPECT_FN_ERROR(ctx.Call("spb_decode", {S("bin")}), kNotSupported);
}

}  // namespace
}  // namespace mqb::rules::testing
