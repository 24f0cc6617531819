// Math functions (Erlang `math` module semantics): abs acos acosh asin asinh atan atanh ceil cos
// cosh exp floor fmod log log10 log2 power round sin sinh sqrt tan tanh.
//
// Arguments must be numbers (strings are not converted). Results are floats except abs, ceil,
// floor and round, which give integers. Erlang never produces NaN or infinity: a domain error or
// an overflow (acos(2), log(0), exp(1000)) is an exception ("badarith"), and so is a rounding
// result outside int64.
#include <cmath>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadType;
using functions::Failed;
using functions::FnResult;

FnResult FloatResult(std::string_view fn, double d) {
  if (!std::isfinite(d)) {
    return Err(Failed(fn, "badarith"));
  }
  return Value::Float(d);
}

template <double (*F)(double)>
FnResult Unary(std::string_view fn, std::span<const Value> args) {
  if (!args[0].is_number()) {
    return Err(BadType(fn, args[0], "a number"));
  }
  return FloatResult(fn, F(args[0].AsDouble()));
}

#define MQB_UNARY_MATH(name, cfn)                                 \
  double Std_##name(double x) { return cfn(x); }                  \
  FnResult Fn_##name(std::span<const Value> args, EvalContext&) { \
    return Unary<Std_##name>(#name, args);                        \
  }

MQB_UNARY_MATH(acos, std::acos)
MQB_UNARY_MATH(acosh, std::acosh)
MQB_UNARY_MATH(asin, std::asin)
MQB_UNARY_MATH(asinh, std::asinh)
MQB_UNARY_MATH(atan, std::atan)
MQB_UNARY_MATH(atanh, std::atanh)
MQB_UNARY_MATH(cos, std::cos)
MQB_UNARY_MATH(cosh, std::cosh)
MQB_UNARY_MATH(exp, std::exp)
MQB_UNARY_MATH(log, std::log)
MQB_UNARY_MATH(log10, std::log10)
MQB_UNARY_MATH(log2, std::log2)
MQB_UNARY_MATH(sin, std::sin)
MQB_UNARY_MATH(sinh, std::sinh)
MQB_UNARY_MATH(sqrt, std::sqrt)
MQB_UNARY_MATH(tan, std::tan)
MQB_UNARY_MATH(tanh, std::tanh)
#undef MQB_UNARY_MATH

// abs/1 accepts integers only (erlang:abs guarded by is_integer in EMQX).
FnResult Abs(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_int()) {
    return Err(BadType("abs", args[0], "an integer"));
  }
  int64_t v = args[0].AsInt();
  if (v == INT64_MIN) {
    return Err(Failed("abs", "integer overflow"));
  }
  return Value::Int(v < 0 ? -v : v);
}

// ceil/floor/round: integers unchanged, floats rounded to an integer.
template <double (*R)(double)>
FnResult Rounding(std::string_view fn, std::span<const Value> args) {
  const Value& v = args[0];
  if (v.is_int()) {
    return v;
  }
  if (!v.is_float()) {
    return Err(BadType(fn, v, "a number"));
  }
  double r = R(v.AsFloat());
  if (!std::isfinite(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0) {
    return Err(Failed(fn, "result does not fit in a 64-bit integer"));
  }
  return Value::Int(static_cast<int64_t>(r));
}
double StdCeil(double x) { return std::ceil(x); }
double StdFloor(double x) { return std::floor(x); }
double StdRound(double x) { return std::round(x); }  // half away from zero, as erlang:round
FnResult Ceil(std::span<const Value> args, EvalContext&) { return Rounding<StdCeil>("ceil", args); }
FnResult Floor(std::span<const Value> args, EvalContext&) {
  return Rounding<StdFloor>("floor", args);
}
FnResult Round(std::span<const Value> args, EvalContext&) {
  return Rounding<StdRound>("round", args);
}

FnResult Fmod(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_number() || !args[1].is_number()) {
    return Err(BadType("fmod", args[0].is_number() ? args[1] : args[0], "a number"));
  }
  return FloatResult("fmod", std::fmod(args[0].AsDouble(), args[1].AsDouble()));
}

FnResult Power(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_number() || !args[1].is_number()) {
    return Err(BadType("power", args[0].is_number() ? args[1] : args[0], "a number"));
  }
  return FloatResult("power", std::pow(args[0].AsDouble(), args[1].AsDouble()));
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  r.Register("abs", 1, 1, Abs);
  r.Register("acos", 1, 1, Fn_acos);
  r.Register("acosh", 1, 1, Fn_acosh);
  r.Register("asin", 1, 1, Fn_asin);
  r.Register("asinh", 1, 1, Fn_asinh);
  r.Register("atan", 1, 1, Fn_atan);
  r.Register("atanh", 1, 1, Fn_atanh);
  r.Register("ceil", 1, 1, Ceil);
  r.Register("cos", 1, 1, Fn_cos);
  r.Register("cosh", 1, 1, Fn_cosh);
  r.Register("exp", 1, 1, Fn_exp);
  r.Register("floor", 1, 1, Floor);
  r.Register("fmod", 2, 2, Fmod);
  r.Register("log", 1, 1, Fn_log);
  r.Register("log10", 1, 1, Fn_log10);
  r.Register("log2", 1, 1, Fn_log2);
  r.Register("power", 2, 2, Power);
  r.Register("round", 1, 1, Round);
  r.Register("sin", 1, 1, Fn_sin);
  r.Register("sinh", 1, 1, Fn_sinh);
  r.Register("sqrt", 1, 1, Fn_sqrt);
  r.Register("tan", 1, 1, Fn_tan);
  r.Register("tanh", 1, 1, Fn_tanh);
}

}  // namespace mqb::rules
