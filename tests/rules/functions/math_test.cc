// Math functions. Expected values: EMQX SQL function reference examples (computed by Erlang's
// math module) and emqx_rule_funcs_SUITE.
#include <cmath>

#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(MathFns, ReferenceExamples) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("abs", {I(-12)}), I(12));
  EXPECT_CLOSE(ctx.Call("acos", {F(0.5)}), 1.0471975511965976);
  EXPECT_CLOSE(ctx.Call("acosh", {F(1.5)}), 0.9624236501192069);
  EXPECT_CLOSE(ctx.Call("asin", {F(0.5)}), 0.5235987755982988);
  EXPECT_CLOSE(ctx.Call("asinh", {F(0.5)}), 0.48121182505960347);
  EXPECT_CLOSE(ctx.Call("atan", {F(0.5)}), 0.46364760900080615);
  EXPECT_CLOSE(ctx.Call("atanh", {F(0.5)}), 0.5493061443340549);
  EXPECT_VAL(ctx.Call("ceil", {F(0.8)}), I(1));
  EXPECT_CLOSE(ctx.Call("cos", {F(0.5)}), 0.8775825618903728);
  EXPECT_CLOSE(ctx.Call("cosh", {F(0.5)}), 1.1276259652063807);
  EXPECT_CLOSE(ctx.Call("exp", {I(1)}), 2.718281828459045);
  EXPECT_VAL(ctx.Call("floor", {F(3.6)}), I(3));
  EXPECT_VAL(ctx.Call("fmod", {F(6.5), F(2.5)}), F(1.5));
  EXPECT_VAL(ctx.Call("fmod", {I(-32), I(5)}), F(-2.0));
  EXPECT_CLOSE(ctx.Call("log", {F(7.38905609893065)}), 2.0);
  EXPECT_VAL(ctx.Call("log10", {I(100)}), F(2.0));
  EXPECT_VAL(ctx.Call("log10", {I(1000)}), F(3.0));
  EXPECT_CLOSE(ctx.Call("log2", {I(8)}), 3.0);
  EXPECT_CLOSE(ctx.Call("log2", {F(8.5)}), 3.0874628412503395);
  EXPECT_VAL(ctx.Call("round", {F(4.5)}), I(5));
  EXPECT_VAL(ctx.Call("round", {F(1.34)}), I(1));
  EXPECT_VAL(ctx.Call("round", {F(1.54)}), I(2));
  EXPECT_VAL(ctx.Call("round", {F(-4.5)}), I(-5));
  EXPECT_VAL(ctx.Call("power", {I(2), I(3)}), F(8.0));
  EXPECT_VAL(ctx.Call("power", {I(2), I(10)}), F(1024.0));
  EXPECT_CLOSE(ctx.Call("sin", {F(0.5)}), 0.479425538604203);
  EXPECT_CLOSE(ctx.Call("sinh", {F(0.5)}), 0.5210953054937474);
  EXPECT_VAL(ctx.Call("sqrt", {I(9)}), F(3.0));
  EXPECT_VAL(ctx.Call("sqrt", {I(2)}), F(1.4142135623730951));
  EXPECT_CLOSE(ctx.Call("tan", {F(0.5)}), 0.5463024898437905);
  EXPECT_CLOSE(ctx.Call("tanh", {F(0.5)}), 0.46211715726000974);
  EXPECT_CLOSE(ctx.Call("exp", {I(10)}), 22026.465794806718);
}

TEST(MathFns, IntegersPassThroughRounding) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("ceil", {I(7)}), I(7));
  EXPECT_VAL(ctx.Call("floor", {I(-7)}), I(-7));
  EXPECT_VAL(ctx.Call("round", {I(INT64_MAX)}), I(INT64_MAX));
  EXPECT_VAL(ctx.Call("ceil", {F(-0.5)}), I(0));
  EXPECT_VAL(ctx.Call("floor", {F(-0.5)}), I(-1));
}

TEST(MathFns, DomainErrorsAreExceptions) {
  TestContext ctx;
  EXPECT_FN_ERROR(ctx.Call("acos", {I(2)}), kException);
  EXPECT_FN_ERROR(ctx.Call("log", {I(0)}), kException);
  EXPECT_FN_ERROR(ctx.Call("log", {I(-1)}), kException);
  EXPECT_FN_ERROR(ctx.Call("sqrt", {I(-1)}), kException);
  EXPECT_FN_ERROR(ctx.Call("exp", {I(1000)}), kException);
  EXPECT_FN_ERROR(ctx.Call("atanh", {I(1)}), kException);
  EXPECT_FN_ERROR(ctx.Call("fmod", {I(1), I(0)}), kException);
  EXPECT_FN_ERROR(ctx.Call("power", {I(10), I(400)}), kException);
  EXPECT_FN_ERROR(ctx.Call("ceil", {F(1e300)}), kException);
  EXPECT_FN_ERROR(ctx.Call("round", {F(-1e19)}), kException);
  EXPECT_FN_ERROR(ctx.Call("abs", {I(INT64_MIN)}), kException);
  EXPECT_FN_ERROR(ctx.Call("floor", {F(NAN)}), kException);
}

TEST(MathFns, WrongTypesAreBadArguments) {
  TestContext ctx;
  EXPECT_FN_ERROR(ctx.Call("abs", {F(-1.5)}), kBadArgument);  // abs is integer-only in EMQX
  EXPECT_FN_ERROR(ctx.Call("sin", {S("1")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sqrt", {U()}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("round", {B(true)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("power", {I(2), S("3")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("fmod", {N(), I(3)}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
