// EvalError: why evaluating a rule (an operator, a path, a function) failed.
//
// Every EvalError counts as `failed.exception` in the rule metrics (REFERENCE.md section 6); a
// rule that merely does not match (WHERE false, empty FOREACH) is not an error and never produces
// one. The kind tells users what went wrong in EMQX's vocabulary; `message` is free text for
// humans (the tester prints "<kind>: <message>").
//
// Errors are rare, so the message may allocate; the OK path of Result<Value, EvalError> does not.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace mqb::rules {

struct EvalError {
  enum class Kind {
    kBadArgument,   // bad_sql_function_argument: wrong type/value given to a function
    kNotSupported,  // sql_function_not_supported: unknown function or unsupported feature
    kBadType,       // operator applied to unsuitable types (arithmetic on undefined, ...)
    kDecodeJson,    // decode_json_failed: payload is not valid JSON while a rule reads payload.x
    kRange,         // range_get non_list_data and other path errors
    kException,     // any other failure (division by zero, ...)
  };
  Kind kind = Kind::kException;
  std::string message;

  static EvalError BadArgument(std::string msg) { return {Kind::kBadArgument, std::move(msg)}; }
  static EvalError NotSupported(std::string msg) { return {Kind::kNotSupported, std::move(msg)}; }
  static EvalError BadType(std::string msg) { return {Kind::kBadType, std::move(msg)}; }
  static EvalError Exception(std::string msg) { return {Kind::kException, std::move(msg)}; }

  // EMQX's name for the kind: "bad_sql_function_argument", "sql_function_not_supported",
  // "bad_type", "decode_json_failed", "range_get", "exception".
  std::string_view KindName() const;
  // "<kind name>: <message>"
  std::string ToString() const;
};

}  // namespace mqb::rules
