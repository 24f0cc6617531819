// Bit functions. Expected values: EMQX SQL function reference (bitand ... subbits examples) and
// emqx_rule_funcs_SUITE (t_subbits*, t_bitsize, t_bytesize).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(BitsFns, ReferenceExamples) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("bitand", {I(10), I(8)}), I(8));
  EXPECT_VAL(ctx.Call("bitand", {I(-10), I(-8)}), I(-16));
  EXPECT_VAL(ctx.Call("bitnot", {I(10)}), I(-11));
  EXPECT_VAL(ctx.Call("bitnot", {I(-12)}), I(11));
  EXPECT_VAL(ctx.Call("bitsl", {I(8), I(2)}), I(32));
  EXPECT_VAL(ctx.Call("bitsl", {I(-8), I(2)}), I(-32));
  EXPECT_VAL(ctx.Call("bitsr", {I(8), I(2)}), I(2));
  EXPECT_VAL(ctx.Call("bitsr", {I(8), I(4)}), I(0));
  EXPECT_VAL(ctx.Call("bitsr", {I(-8), I(2)}), I(-2));
  EXPECT_VAL(ctx.Call("bitsr", {I(-8), I(6)}), I(-1));
  EXPECT_VAL(ctx.Call("bitor", {I(10), I(8)}), I(10));
  EXPECT_VAL(ctx.Call("bitor", {I(-10), I(-8)}), I(-2));
  EXPECT_VAL(ctx.Call("bitxor", {I(10), I(8)}), I(2));
  EXPECT_VAL(ctx.Call("bitxor", {I(-10), I(-8)}), I(14));
}

TEST(BitsFns, ShiftEdges) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("bitsl", {I(1), I(-1)}), I(0));  // negative left shift shifts right
  EXPECT_VAL(ctx.Call("bitsr", {I(1), I(-3)}), I(8));  // negative right shift shifts left
  EXPECT_VAL(ctx.Call("bitsr", {I(-1), I(INT64_MAX)}), I(-1));
  EXPECT_FN_ERROR(ctx.Call("bitsr", {I(5), I(INT64_MIN)}), kException);  // huge left shift
  EXPECT_VAL(ctx.Call("bitsl", {I(0), I(1000)}), I(0));
  EXPECT_VAL(ctx.Call("bitsl", {I(1), I(62)}), I(int64_t{1} << 62));
  EXPECT_FN_ERROR(ctx.Call("bitsl", {I(1), I(63)}), kException);  // Erlang: a bignum
  EXPECT_FN_ERROR(ctx.Call("bitsl", {I(3), I(62)}), kException);
  EXPECT_FN_ERROR(ctx.Call("bitsl", {I(1), I(INT64_MAX)}), kException);
  EXPECT_FN_ERROR(ctx.Call("bitand", {F(1.0), I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("bitnot", {S("1")}), kBadArgument);
}

TEST(BitsFns, Sizes) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("bitsize", {S("a")}), I(8));
  EXPECT_VAL(ctx.Call("bitsize", {S("abc")}), I(24));
  EXPECT_VAL(ctx.Call("bitsize", {S("你好")}), I(48));
  EXPECT_VAL(ctx.Call("bytesize", {S("a")}), I(1));
  EXPECT_VAL(ctx.Call("bytesize", {S("")}), I(0));
  EXPECT_VAL(ctx.Call("bytesize", {S("你好")}), I(6));
  EXPECT_FN_ERROR(ctx.Call("bytesize", {I(1)}), kBadArgument);
}

TEST(BitsFns, SubbitsSuite) {
  TestContext ctx;
  Value ff = ctx.S("\xFF");
  for (int64_t n = 1; n <= 8; ++n) {
    EXPECT_VAL(ctx.Call("subbits", {ff, I(n)}), I((int64_t{1} << n) - 1));
    EXPECT_VAL(ctx.Call("subbits", {ff, I(1), I(n)}), I((int64_t{1} << n) - 1));
  }
  // Start 2: only 7 bits remain, so a length of 8 yields those 7.
  EXPECT_VAL(ctx.Call("subbits", {ff, I(2), I(7)}), I(127));
  EXPECT_VAL(ctx.Call("subbits", {ff, I(2), I(8)}), I(127));
  Value v456 = ctx.S(std::string_view("\x00\x00\x01\xC8", 4));
  EXPECT_VAL(ctx.Call("subbits", {v456, I(1), I(32), S("integer"), S("signed"), S("big")}), I(456));
  EXPECT_VAL(ctx.Call("subbits", {v456, I(1), I(32), S("integer"), S("unsigned")}), I(456));
  Value m456 = ctx.S(std::string_view("\xFF\xFF\xFE\x38", 4));
  EXPECT_VAL(ctx.Call("subbits", {m456, I(1), I(32), S("integer"), S("signed"), S("big")}),
             I(-456));
  // <<5.3:64/float>>
  Value f53 = ctx.S(std::string_view("\x40\x15\x33\x33\x33\x33\x33\x33", 8));
  EXPECT_VAL(ctx.Call("subbits", {f53, I(1), I(64), S("float"), S("unsigned"), S("big")}), F(5.3));
  EXPECT_VAL(ctx.Call("subbits", {f53, I(1), I(64), S("float")}), F(5.3));
  Value fm53 = ctx.S(std::string_view("\xC0\x15\x33\x33\x33\x33\x33\x33", 8));
  EXPECT_VAL(ctx.Call("subbits", {fm53, I(1), I(64), S("float"), S("signed"), S("big")}), F(-5.3));
}

TEST(BitsFns, SubbitsReferenceExamples) {
  TestContext ctx;
  auto bin = ctx.Call("hexstr2bin", {S("9F4E58")});
  ASSERT_TRUE(bin.ok());
  Value b = bin.value();
  EXPECT_VAL(ctx.Call("subbits", {b, I(8)}), I(159));
  EXPECT_VAL(ctx.Call("subbits", {b, I(16)}), I(40782));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(8)}), I(159));
  EXPECT_VAL(ctx.Call("subbits", {b, I(9), I(8)}), I(78));
  EXPECT_VAL(ctx.Call("subbits", {b, I(9), I(4)}), I(4));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(16), S("integer"), S("unsigned"), S("big")}),
             I(40782));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(16), S("integer"), S("signed"), S("big")}), I(-24754));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(16), S("integer"), S("unsigned"), S("little")}),
             I(20127));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(16), S("float"), S("unsigned"), S("big")}),
             F(-0.00713348388671875));
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(16), S("float"), S("signed"), S("big")}),
             F(-0.00713348388671875));
  // t_subbits_not_even_bytes: 6 bits as 'bits', then bin2hexstr.
  auto bits = ctx.Call("subbits", {b, I(1), I(6), S("bits"), S("unsigned"), S("big")});
  ASSERT_TRUE(bits.ok());
  EXPECT_STR(ctx.Call("bin2hexstr", {bits.value()}), "27");
}

TEST(BitsFns, SubbitsEdges) {
  TestContext ctx;
  Value b = ctx.S("\x9F\x4E");
  EXPECT_VAL(ctx.Call("subbits", {b, I(17), I(1)}), U());  // starts past the end
  EXPECT_VAL(ctx.Call("subbits", {b, I(0), I(1)}), U());
  EXPECT_VAL(ctx.Call("subbits", {b, I(-5), I(1)}), U());
  EXPECT_VAL(ctx.Call("subbits", {ctx.S(""), I(8)}), U());
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(-1)}), I(0x9F4E));  // negative length: all
  EXPECT_VAL(ctx.Call("subbits", {b, I(1), I(0)}), I(0));
  EXPECT_FN_ERROR(ctx.Call("subbits", {b, I(1), I(16), S("text")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("subbits", {b, I(1), I(16), S("integer"), S("x")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("subbits", {b, I(1), I(16), S("integer"), S("signed"), S("mid")}),
                  kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("subbits", {b, I(1), I(12), S("float")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("subbits", {I(1), I(8)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("subbits", {b, S("8")}), kBadArgument);
  Value nine = ctx.S(std::string_view("\x80\0\0\0\0\0\0\0\0", 9));
  EXPECT_FN_ERROR(ctx.Call("subbits", {nine, I(1), I(72)}), kException);  // > 64 bits
  EXPECT_FN_ERROR(ctx.Call("subbits", {nine, I(1), I(64)}), kException);  // 2^63 unsigned
  EXPECT_VAL(ctx.Call("subbits", {nine, I(1), I(64), S("integer"), S("signed")}), I(INT64_MIN));
  // Float NaN/inf bit patterns are not numbers in Erlang.
  Value inf = ctx.S(std::string_view("\x7F\x80\x00\x00", 4));
  EXPECT_FN_ERROR(ctx.Call("subbits", {inf, I(1), I(32), S("float")}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
