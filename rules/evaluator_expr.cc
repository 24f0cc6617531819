// Evaluator: expressions, conditions, CASE and function calls (REFERENCE.md section 7).
#include "rules/evaluator.h"
#include "rules/topic_match.h"

namespace mqb::rules {

namespace {

EvalError NotBoolean(const Value& v) {
  return EvalError::BadType(std::string("condition is not a boolean: ") + ToJson(v));
}

}  // namespace

Result<Value, EvalError> Evaluator::Eval(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kConst:
      return e.value;
    case ExprKind::kPath:
      return EvalPath(e.path);
    case ExprKind::kList: {
      Value* items = arena_.AllocateArray<Value>(e.args.size());
      for (size_t i = 0; i < e.args.size(); ++i) {
        auto v = Eval(*e.args[i]);
        if (!v.ok()) {
          return v;
        }
        items[i] = v.value();
      }
      return Value::ArrayRef(items, e.args.size());
    }
    case ExprKind::kRange: {
      // lists:seq(B, E): empty when E = B - 1; an error when E < B - 1.
      if (e.range_end < e.range_begin - 1) {
        return Err(EvalError::Exception("invalid range [" + std::to_string(e.range_begin) + ".." +
                                        std::to_string(e.range_end) + "]"));
      }
      if (e.range_end - e.range_begin >= 100000) {
        return Err(EvalError::Exception("range too large"));
      }
      size_t n = static_cast<size_t>(e.range_end - e.range_begin + 1);
      Value* items = arena_.AllocateArray<Value>(n);
      for (size_t i = 0; i < n; ++i) {
        items[i] = Value::Int(e.range_begin + static_cast<int64_t>(i));
      }
      return Value::ArrayRef(items, n);
    }
    case ExprKind::kGetRange: {
      auto v = Eval(*e.args[0]);
      if (!v.ok()) {
        return v;
      }
      if (!v.value().is_array()) {
        return Err(EvalError{EvalError::Kind::kRange, "non_list_data"});
      }
      std::span<const Value> items = v.value().AsArray();
      int64_t len = static_cast<int64_t>(items.size());
      if (e.range_begin == 0 || e.range_end == 0) {
        return Err(EvalError{EvalError::Kind::kRange, "invalid_index 0"});
      }
      int64_t b = e.range_begin > 0 ? e.range_begin : len + e.range_begin + 1;
      int64_t en = e.range_end > 0 ? e.range_end : len + e.range_end + 1;
      // lists:sublist(List, B, En - B + 1)
      int64_t count = en - b + 1;
      if (b < 1 || count < 0 || b > len + 1) {
        return Err(EvalError{EvalError::Kind::kRange, "index out of range"});
      }
      int64_t avail = len - (b - 1);
      if (count > avail) {
        count = avail;
      }
      return Value::ArrayRef(items.data() + (b - 1), static_cast<size_t>(count));
    }
    case ExprKind::kCall:
      return EvalCall(e);
    case ExprKind::kArith: {
      auto l = Eval(*e.args[0]);
      if (!l.ok()) {
        return l;
      }
      auto r = Eval(*e.args[1]);
      if (!r.ok()) {
        return r;
      }
      return Arith(e.arith, l.value(), r.value(), arena_);
    }
    case ExprKind::kNeg: {
      auto v = Eval(*e.args[0]);
      if (!v.ok()) {
        return v;
      }
      return Negate(v.value());
    }
    case ExprKind::kCompare:
    case ExprKind::kTopicMatch:
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot:
    case ExprKind::kIn:
      return EvalBoolExpr(e);
    case ExprKind::kCase:
      return EvalCase(e);
  }
  return Value();
}

Result<Value, EvalError> Evaluator::EvalBoolExpr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kCompare: {
      auto l = Eval(*e.args[0]);
      if (!l.ok()) {
        return l;
      }
      auto r = Eval(*e.args[1]);
      if (!r.ok()) {
        return r;
      }
      auto c = SqlCompare(e.compare, l.value(), r.value());
      if (!c.ok()) {
        return Err(c.error());
      }
      return Value::Bool(c.value());
    }
    case ExprKind::kTopicMatch: {
      auto l = Eval(*e.args[0]);
      if (!l.ok()) {
        return l;
      }
      auto r = Eval(*e.args[1]);
      if (!r.ok()) {
        return r;
      }
      if (l.value().is_undefined() || r.value().is_undefined()) {
        return Value::Bool(l.value().is_undefined() && r.value().is_undefined());
      }
      if (!l.value().is_string() || !r.value().is_string()) {
        return Err(EvalError::BadType("=~ needs a topic and a topic filter (strings)"));
      }
      return Value::Bool(MatchTopic(l.value().AsString(), r.value().AsString()));
    }
    case ExprKind::kNot: {
      auto v = Eval(*e.args[0]);
      if (!v.ok()) {
        return v;
      }
      // NOT of a non-boolean is false (not an error).
      return Value::Bool(v.value().is_bool() ? !v.value().AsBool() : false);
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      auto l = Eval(*e.args[0]);
      if (!l.ok()) {
        return l;
      }
      if (!l.value().is_bool()) {
        return Err(NotBoolean(l.value()));
      }
      bool lv = l.value().AsBool();
      if (e.kind == ExprKind::kAnd ? !lv : lv) {
        return l;  // short circuit (andalso/orelse)
      }
      return Eval(*e.args[1]);
    }
    case ExprKind::kIn: {
      auto v = Eval(*e.args[0]);
      if (!v.ok()) {
        return v;
      }
      bool found = false;
      for (size_t i = 1; i < e.args.size(); ++i) {
        auto c = Eval(*e.args[i]);
        if (!c.ok()) {
          return c;
        }
        if (!found && c.value() == v.value()) {  // lists:member: exact term equality
          found = true;
        }
      }
      return Value::Bool(e.negated ? !found : found);
    }
    default:
      return Eval(e);
  }
}

Result<bool, EvalError> Evaluator::EvalCondition(const Expr& e) {
  auto v = Eval(e);
  if (!v.ok()) {
    return Err(v.error());
  }
  if (!v.value().is_bool()) {
    return Err(NotBoolean(v.value()));
  }
  return v.value().AsBool();
}

Result<Value, EvalError> Evaluator::EvalCase(const Expr& e) {
  size_t i = 0;
  Value on;
  if (e.has_case_on) {
    auto v = Eval(*e.args[0]);
    if (!v.ok()) {
      return v;
    }
    on = v.value();
    i = 1;
  }
  size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
  for (; i + 1 < pairs_end + 1 && i < pairs_end; i += 2) {
    auto c = Eval(*e.args[i]);
    if (!c.ok()) {
      return c;
    }
    bool hit = e.has_case_on ? c.value() == on  // simple CASE: exact term equality
                             : (c.value().is_bool() && c.value().AsBool());
    if (hit) {
      return Eval(*e.args[i + 1]);
    }
  }
  if (e.has_else) {
    return Eval(*e.args.back());
  }
  return Value();
}

Result<Value, EvalError> Evaluator::EvalCall(const Expr& e) {
  size_t n = e.args.size();
  Value* args = n > 0 ? arena_.AllocateArray<Value>(n) : nullptr;
  for (size_t i = 0; i < n; ++i) {
    auto v = Eval(*e.args[i]);
    if (!v.ok()) {
      return v;
    }
    args[i] = v.value();
  }
  auto r = e.fn->fn(std::span<const Value>(args, n), *this);
  if (!r.ok()) {
    EvalError err = r.error();
    // Name the function once: the families' helpers (BadArg, Failed) already start with it.
    const std::string prefix = std::string(e.fn_name) + ": ";
    if (!std::string_view(err.message).starts_with(prefix)) err.message = prefix + err.message;
    return Err(std::move(err));
  }
  return r;
}

}  // namespace mqb::rules
