// Type tests: is_null is_null_var is_not_null is_not_null_var is_str is_bool is_int is_float
// is_num is_map is_array is_empty. They never fail (except is_empty on a non-collection).
//
// is_null is true only for undefined (a missing value), not for JSON null; the *_var variants
// treat JSON null as null too.
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::FnResult;

#define MQB_TYPE_TEST(Name, expr)                            \
  FnResult Name(std::span<const Value> args, EvalContext&) { \
    const Value& v = args[0];                                \
    return Value::Bool(expr);                                \
  }
MQB_TYPE_TEST(IsNull, v.is_undefined())
MQB_TYPE_TEST(IsNotNull, !v.is_undefined())
MQB_TYPE_TEST(IsNullVar, v.is_undefined() || v.is_null())
MQB_TYPE_TEST(IsNotNullVar, !(v.is_undefined() || v.is_null()))
MQB_TYPE_TEST(IsStr, v.is_string())
MQB_TYPE_TEST(IsBool, v.is_bool())
MQB_TYPE_TEST(IsInt, v.is_int())
MQB_TYPE_TEST(IsFloat, v.is_float())
MQB_TYPE_TEST(IsNum, v.is_number())
MQB_TYPE_TEST(IsMap, v.is_map())
MQB_TYPE_TEST(IsArray, v.is_array())
#undef MQB_TYPE_TEST

// is_empty(X): true for [] and {} (a string is JSON-decoded first: '{}' is empty).
FnResult IsEmpty(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.is_array() || v.is_map()) {
    return Value::Bool(v.size() == 0);
  }
  auto m = functions::ToMap("is_empty", v, ctx);
  if (!m.ok()) {
    return Err(m.error());
  }
  return Value::Bool(m.value().size() == 0);
}

}  // namespace

void RegisterTypeTestsFunctions(FunctionRegistry& r) {
  r.Register("is_null", 1, 1, IsNull);
  r.Register("is_null_var", 1, 1, IsNullVar);
  r.Register("is_not_null", 1, 1, IsNotNull);
  r.Register("is_not_null_var", 1, 1, IsNotNullVar);
  r.Register("is_str", 1, 1, IsStr);
  r.Register("is_bool", 1, 1, IsBool);
  r.Register("is_int", 1, 1, IsInt);
  r.Register("is_float", 1, 1, IsFloat);
  r.Register("is_num", 1, 1, IsNum);
  r.Register("is_map", 1, 1, IsMap);
  r.Register("is_array", 1, 1, IsArray);
  r.Register("is_empty", 1, 1, IsEmpty, false);
}

}  // namespace mqb::rules
