#include "rules/eval_error.h"

namespace mqb::rules {

std::string_view EvalError::KindName() const {
  switch (kind) {
    case Kind::kBadArgument:
      return "bad_sql_function_argument";
    case Kind::kNotSupported:
      return "sql_function_not_supported";
    case Kind::kBadType:
      return "bad_type";
    case Kind::kDecodeJson:
      return "decode_json_failed";
    case Kind::kRange:
      return "range_get";
    case Kind::kException:
      return "exception";
  }
  return "exception";
}

std::string EvalError::ToString() const {
  std::string s(KindName());
  if (!message.empty()) {
    s += ": ";
    s += message;
  }
  return s;
}

}  // namespace mqb::rules
