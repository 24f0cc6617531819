#include "rules/operators.h"

#include <string>

#include "rules/function.h"

namespace mqb::rules {

const char* ArithOpName(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
    case ArithOp::kIntDiv:
      return "div";
    case ArithOp::kMod:
      return "mod";
  }
  return "?";
}

namespace {

EvalError TypeError(ArithOp op, const Value& a, const Value& b) {
  std::string msg = "unsupported operand types for '";
  msg += ArithOpName(op);
  msg += "': ";
  msg += TypeName(a.type());
  msg += " and ";
  msg += TypeName(b.type());
  return EvalError::BadType(std::move(msg));
}

}  // namespace

Result<Value, EvalError> Arith(ArithOp op, const Value& a, const Value& b, Arena& arena) {
  if (op == ArithOp::kAdd && (a.is_string() || b.is_string())) {
    if (a.is_string() && b.is_string()) {
      StringBuilder sb(arena, a.size() + b.size());
      sb.Append(a.AsString());
      sb.Append(b.AsString());
      return sb.Finish();
    }
    thread_local std::string text;
    text.clear();
    AppendText(a, &text);
    AppendText(b, &text);
    return Value::String(arena, text);
  }
  if (!a.is_number() || !b.is_number()) {
    return Err(TypeError(op, a, b));
  }
  bool ints = a.is_int() && b.is_int();
  switch (op) {
    case ArithOp::kAdd:
    case ArithOp::kSub:
    case ArithOp::kMul: {
      if (ints) {
        int64_t r;
        bool overflow = op == ArithOp::kAdd   ? __builtin_add_overflow(a.AsInt(), b.AsInt(), &r)
                        : op == ArithOp::kSub ? __builtin_sub_overflow(a.AsInt(), b.AsInt(), &r)
                                              : __builtin_mul_overflow(a.AsInt(), b.AsInt(), &r);
        if (!overflow) {
          return Value::Int(r);
        }
      }
      double x = a.AsDouble();
      double y = b.AsDouble();
      return Value::Float(op == ArithOp::kAdd ? x + y : op == ArithOp::kSub ? x - y : x * y);
    }
    case ArithOp::kDiv:
      if (b.AsDouble() == 0) {
        return Err(EvalError::Exception("badarith: division by zero"));
      }
      return Value::Float(a.AsDouble() / b.AsDouble());
    case ArithOp::kIntDiv:
    case ArithOp::kMod:
      if (!ints) {
        return Err(TypeError(op, a, b));
      }
      if (b.AsInt() == 0) {
        return Err(EvalError::Exception("badarith: division by zero"));
      }
      if (b.AsInt() == -1) {  // avoids INT64_MIN / -1 overflow
        return op == ArithOp::kMod ? Value::Int(0)
                                   : (a.AsInt() == INT64_MIN ? Value::Float(-a.AsDouble())
                                                             : Value::Int(-a.AsInt()));
      }
      return Value::Int(op == ArithOp::kMod ? a.AsInt() % b.AsInt() : a.AsInt() / b.AsInt());
  }
  return Err(TypeError(op, a, b));
}

Result<Value, EvalError> Negate(const Value& a) {
  if (a.is_int()) {
    if (a.AsInt() == INT64_MIN) {
      return Value::Float(-a.AsDouble());
    }
    return Value::Int(-a.AsInt());
  }
  if (a.is_float()) {
    return Value::Float(-a.AsFloat());
  }
  return Err(EvalError::BadType(std::string("unsupported operand type for unary '-': ") +
                                std::string(TypeName(a.type()))));
}

namespace {

Result<Value, EvalError> FnDiv(std::span<const Value> args, EvalContext& ctx) {
  return Arith(ArithOp::kIntDiv, args[0], args[1], ctx.arena());
}
Result<Value, EvalError> FnMod(std::span<const Value> args, EvalContext& ctx) {
  return Arith(ArithOp::kMod, args[0], args[1], ctx.arena());
}
Result<Value, EvalError> FnEq(std::span<const Value> args, EvalContext&) {
  // Erlang ==: numbers numerically, everything else exact.
  if (args[0].is_number() && args[1].is_number()) {
    return Value::Bool(args[0].AsDouble() == args[1].AsDouble());
  }
  return Value::Bool(args[0] == args[1]);
}

}  // namespace

void RegisterOperatorFunctions(FunctionRegistry& registry) {
  registry.Register("div", 2, 2, FnDiv);
  registry.Register("mod", 2, 2, FnMod);
  registry.Register("eq", 2, 2, FnEq);
}

}  // namespace mqb::rules
