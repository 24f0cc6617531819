// Array functions (Erlang `lists` semantics, 1-based): nth length sublist first last contains.
// Out-of-range positions are errors as in EMQX (lists:nth/sublist raise), except that sublist's
// length may exceed the remaining elements.
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

// nth(N, List): the N-th element, 1 <= N <= length.
FnResult Nth(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_int()) return Err(BadType("nth", args[0], "an integer"));
  if (!args[1].is_array()) return Err(BadType("nth", args[1], "an array"));
  int64_t n = args[0].AsInt();
  if (n < 1 || n > static_cast<int64_t>(args[1].size())) {
    return Err(BadArg("nth", "index out of range"));
  }
  return args[1].AsArray()[static_cast<size_t>(n - 1)];
}

FnResult Length(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_array()) return Err(BadType("length", args[0], "an array"));
  return Value::Int(args[0].size());
}

// sublist(Len, List) | sublist(Start, Len, List): at most Len elements from Start (1-based,
// Start may be length + 1 for an empty result).
FnResult Sublist(std::span<const Value> args, EvalContext&) {
  constexpr std::string_view fn = "sublist";
  const Value& list = args.back();
  if (!list.is_array()) return Err(BadType(fn, list, "an array"));
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (!args[i].is_int()) return Err(BadType(fn, args[i], "an integer"));
  }
  int64_t start = args.size() == 3 ? args[0].AsInt() : 1;
  int64_t len = args.size() == 3 ? args[1].AsInt() : args[0].AsInt();
  const int64_t size = static_cast<int64_t>(list.size());
  if (len < 0) return Err(BadArg(fn, "length must be >= 0"));
  if (start < 1 || start > size + 1) return Err(BadArg(fn, "start out of range"));
  int64_t count = std::min(len, size - (start - 1));
  return Value::ArrayRef(list.AsArray().data() + (start - 1), static_cast<size_t>(count));
}

FnResult First(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_array()) return Err(BadType("first", args[0], "an array"));
  if (args[0].size() == 0) return Err(BadArg("first", "empty array"));
  return args[0].AsArray().front();
}

FnResult Last(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_array()) return Err(BadType("last", args[0], "an array"));
  if (args[0].size() == 0) return Err(BadArg("last", "empty array"));
  return args[0].AsArray().back();
}

// contains(X, List): exact term membership (1 and 1.0 differ, maps compare by content).
FnResult Contains(std::span<const Value> args, EvalContext&) {
  if (!args[1].is_array()) return Err(BadType("contains", args[1], "an array"));
  for (const Value& v : args[1].AsArray()) {
    if (v == args[0]) return Value::Bool(true);
  }
  return Value::Bool(false);
}

}  // namespace

void RegisterArrayFunctions(FunctionRegistry& r) {
  r.Register("nth", 2, 2, Nth);
  r.Register("length", 1, 1, Length);
  r.Register("sublist", 2, 3, Sublist);
  r.Register("first", 1, 1, First);
  r.Register("last", 1, 1, Last);
  r.Register("contains", 2, 2, Contains);
}

}  // namespace mqb::rules
