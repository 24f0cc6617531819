// The SQL operators' value semantics (REFERENCE.md section 7), shared by the evaluator and the
// functions `div`, `mod`, `eq` that expose them by name.
//
//   a + b   numbers: sum; if either side is a string: str(a) ++ str(b); else kBadType.
//   a - b, a * b   numbers only.
//   a / b   numbers only, always a float; b == 0 => exception.
//   a div b, a mod b   integers only; div truncates toward zero, mod has the dividend's sign;
//           b == 0 => exception.
//   -a      numbers only.
// Integer overflow (beyond int64) yields the float result instead of wrapping.
//
// Thread-safety: pure functions.
#pragma once

#include "base/result.h"
#include "rules/arena.h"
#include "rules/eval_error.h"
#include "rules/value.h"

namespace mqb::rules {

enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kIntDiv, kMod };

Result<Value, EvalError> Arith(ArithOp op, const Value& a, const Value& b, Arena& arena);
Result<Value, EvalError> Negate(const Value& a);
// SQL/EMQX name of the operator ("+", "-", "*", "/", "div", "mod").
const char* ArithOpName(ArithOp op);

}  // namespace mqb::rules
