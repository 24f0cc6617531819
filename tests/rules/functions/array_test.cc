// Array functions (emqx_rule_funcs_SUITE t_nth, t_length, t_slice, t_first_last, t_contains
// and the EMQX SQL function reference).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(ArrayFns, NthLengthFirstLast) {
  TestContext ctx;
  Value l = ctx.J("[1, 2, 3, 4]");
  EXPECT_VAL(ctx.Call("nth", {I(2), l}), I(2));
  EXPECT_VAL(ctx.Call("nth", {I(4), l}), I(4));
  EXPECT_FN_ERROR(ctx.Call("nth", {I(0), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("nth", {I(5), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("nth", {I(-1), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("nth", {S("1"), l}), kBadArgument);
  EXPECT_VAL(ctx.Call("length", {l}), I(4));
  EXPECT_VAL(ctx.Call("length", {ctx.J("[]")}), I(0));
  EXPECT_FN_ERROR(ctx.Call("length", {S("abc")}), kBadArgument);
  EXPECT_VAL(ctx.Call("first", {l}), I(1));
  EXPECT_VAL(ctx.Call("last", {l}), I(4));
  EXPECT_STR(ctx.Call("first", {ctx.J(R"(["John", "David"])")}), "John");
  EXPECT_STR(ctx.Call("last", {ctx.J(R"(["John", "David"])")}), "David");
  EXPECT_FN_ERROR(ctx.Call("first", {ctx.J("[]")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("last", {ctx.J("[]")}), kBadArgument);
}

TEST(ArrayFns, Sublist) {
  TestContext ctx;
  Value l = ctx.J("[1, 2, 3, 4]");
  EXPECT_VAL(ctx.Call("sublist", {I(4), l}), ctx.J("[1, 2, 3, 4]"));
  EXPECT_VAL(ctx.Call("sublist", {I(2), l}), ctx.J("[1, 2]"));
  EXPECT_VAL(ctx.Call("sublist", {I(3), l}), ctx.J("[1, 2, 3]"));
  EXPECT_VAL(ctx.Call("sublist", {I(10), l}), ctx.J("[1, 2, 3, 4]"));
  EXPECT_VAL(ctx.Call("sublist", {I(0), l}), ctx.J("[]"));
  EXPECT_VAL(ctx.Call("sublist", {I(4), I(1), l}), ctx.J("[4]"));
  EXPECT_VAL(ctx.Call("sublist", {I(4), I(2), l}), ctx.J("[4]"));
  EXPECT_VAL(ctx.Call("sublist", {I(5), I(2), l}), ctx.J("[]"));
  EXPECT_VAL(ctx.Call("sublist", {I(2), I(2), l}), ctx.J("[2, 3]"));
  EXPECT_VAL(ctx.Call("sublist", {I(1), I(1), l}), ctx.J("[1]"));
  EXPECT_VAL(ctx.Call("sublist", {I(2), I(10), l}), ctx.J("[2, 3, 4]"));
  EXPECT_FN_ERROR(ctx.Call("sublist", {I(6), I(1), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sublist", {I(0), I(1), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sublist", {I(-1), l}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sublist", {I(1), S("x")}), kBadArgument);
  EXPECT_VAL(ctx.Call("sublist", {I(1), I(INT64_MAX), l}), l);
}

TEST(ArrayFns, Contains) {
  TestContext ctx;
  Value l = ctx.J("[1, 2, 3, 4]");
  EXPECT_VAL(ctx.Call("contains", {I(1), l}), B(true));
  EXPECT_VAL(ctx.Call("contains", {I(3), l}), B(true));
  EXPECT_VAL(ctx.Call("contains", {I(5), l}), B(false));
  EXPECT_VAL(ctx.Call("contains", {F(1.0), l}), B(false));  // exact term equality
  EXPECT_VAL(ctx.Call("contains", {S("a"), ctx.J(R"(["", "ab", 3, "a"])")}), B(true));
  EXPECT_VAL(ctx.Call("contains", {S("c"), ctx.J(R"(["", "ab", 3, "a"])")}), B(false));
  EXPECT_VAL(ctx.Call("contains", {ctx.J(R"({"a": "b"})"), ctx.J(R"([{"a": 1}, {"a": "b"}])")}),
             B(true));
  EXPECT_VAL(ctx.Call("contains", {ctx.J(R"({"a": "b"})"), ctx.J(R"([{"a": 1}])")}), B(false));
  EXPECT_VAL(ctx.Call("contains", {ctx.J("[1, 2]"), ctx.J(R"(["a", "b", [1, 2]])")}), B(true));
  EXPECT_VAL(ctx.Call("contains", {F(2.3), ctx.J("[1.8, 2.5, 2.0]")}), B(false));
  EXPECT_FN_ERROR(ctx.Call("contains", {I(1), S("1")}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
