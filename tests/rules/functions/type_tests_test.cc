// Type tests (emqx_rule_funcs_SUITE t_is_null ... t_is_empty, and the SQL reference examples).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(TypeTestFns, NullTests) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("is_null", {N()}), B(false));  // JSON null is not "undefined"
  EXPECT_VAL(ctx.Call("is_null", {U()}), B(true));
  EXPECT_VAL(ctx.Call("is_null", {S("undefined")}), B(false));
  EXPECT_VAL(ctx.Call("is_null", {S("")}), B(false));
  EXPECT_VAL(ctx.Call("is_null_var", {N()}), B(true));
  EXPECT_VAL(ctx.Call("is_null_var", {S("null")}), B(false));
  EXPECT_VAL(ctx.Call("is_null_var", {U()}), B(true));
  EXPECT_VAL(ctx.Call("is_null_var", {S("a")}), B(false));
  for (Value v : {U(), N(), S("undefined"), S("null"), S("a"), S("")}) {
    auto a = ctx.Call("is_null", {v});
    auto b = ctx.Call("is_not_null", {v});
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a.value().AsBool(), b.value().AsBool());
    auto c = ctx.Call("is_null_var", {v});
    auto d = ctx.Call("is_not_null_var", {v});
    ASSERT_TRUE(c.ok() && d.ok());
    EXPECT_NE(c.value().AsBool(), d.value().AsBool());
  }
  // is_null(map_get('b', json_decode('{"b": null}'))) = false; is_null_var(...) = true
  Value m = ctx.J(R"({"b": null})");
  auto got = ctx.Call("map_get", {S("b"), m});
  ASSERT_TRUE(got.ok());
  EXPECT_VAL(ctx.Call("is_null", {got.value()}), B(false));
  EXPECT_VAL(ctx.Call("is_null_var", {got.value()}), B(true));
}

TEST(TypeTestFns, Types) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("is_str", {S("a")}), B(true));
  EXPECT_VAL(ctx.Call("is_str", {S("")}), B(true));
  EXPECT_VAL(ctx.Call("is_str", {I(1)}), B(false));
  EXPECT_VAL(ctx.Call("is_bool", {B(true)}), B(true));
  EXPECT_VAL(ctx.Call("is_bool", {B(false)}), B(true));
  EXPECT_VAL(ctx.Call("is_bool", {S("true")}), B(false));
  EXPECT_VAL(ctx.Call("is_bool", {I(2)}), B(false));
  EXPECT_VAL(ctx.Call("is_int", {I(-1)}), B(true));
  EXPECT_VAL(ctx.Call("is_int", {F(1.1)}), B(false));
  EXPECT_VAL(ctx.Call("is_float", {F(2.0)}), B(true));
  EXPECT_VAL(ctx.Call("is_float", {I(1)}), B(false));
  EXPECT_VAL(ctx.Call("is_num", {F(-1.2)}), B(true));
  EXPECT_VAL(ctx.Call("is_num", {I(1)}), B(true));
  EXPECT_VAL(ctx.Call("is_num", {S("123")}), B(false));
  EXPECT_VAL(ctx.Call("is_map", {ctx.J("{}")}), B(true));
  EXPECT_VAL(ctx.Call("is_map", {ctx.J(R"([{"value": 1}])")}), B(false));
  EXPECT_VAL(ctx.Call("is_map", {S("{}")}), B(false));
  EXPECT_VAL(ctx.Call("is_array", {ctx.J("[]")}), B(true));
  EXPECT_VAL(ctx.Call("is_array", {ctx.J("[1, 2]")}), B(true));
  EXPECT_VAL(ctx.Call("is_array", {S("[1, 2]")}), B(false));
  EXPECT_VAL(ctx.Call("is_array", {F(0.5)}), B(false));
}

TEST(TypeTestFns, IsEmpty) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("is_empty", {ctx.J("[]")}), B(true));
  EXPECT_VAL(ctx.Call("is_empty", {ctx.J("{}")}), B(true));
  EXPECT_VAL(ctx.Call("is_empty", {S("{}")}), B(true));
  EXPECT_VAL(ctx.Call("is_empty", {ctx.J("[1]")}), B(false));
  EXPECT_VAL(ctx.Call("is_empty", {ctx.J(R"({"a": "b"})")}), B(false));
  EXPECT_VAL(ctx.Call("is_empty", {S(R"({"a" : "b"})")}), B(false));
  EXPECT_FN_ERROR(ctx.Call("is_empty", {I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("is_empty", {S("not json")}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
