// Small helpers shared by the function families (rules/functions/*.cc): argument checks, error
// construction, strict Erlang number parsing, UTF-8 iteration and a per-thread scratch buffer.
//
// Thread-safety: everything here is reentrant; Scratch() is per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "rules/eval_error.h"
#include "rules/function.h"
#include "rules/value.h"

namespace mqb::rules::functions {

using FnResult = Result<Value, EvalError>;

// Upper bound on the size of any string a function builds (pad, sprintf widths, decompression):
// hostile arguments get an error instead of exhausting memory.
inline constexpr size_t kMaxResultBytes = 16 * 1024 * 1024;

// bad_sql_function_argument "<fn>: <why>".
EvalError BadArg(std::string_view fn, std::string_view why);
// bad_sql_function_argument "<fn>: expected <expected>, got <type of v>".
EvalError BadType(std::string_view fn, const Value& v, std::string_view expected);
// exception "<fn>: <why>".
EvalError Failed(std::string_view fn, std::string_view why);

// A cleared per-thread std::string, reused across calls (keeps its capacity, so steady-state use
// does not allocate). Only one user at a time: do not call a helper that also uses it while
// holding the reference.
std::string& Scratch();

// Copies `s` into the arena as a string Value.
inline Value ArenaString(EvalContext& ctx, std::string_view s) {
  return Value::String(ctx.arena(), s);
}

// Erlang binary_to_integer: [+-]?[0-9]+, whole string, must fit in int64.
std::optional<int64_t> StrictInt(std::string_view s);
// Erlang binary_to_float: [+-]?[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?, whole string, finite.
std::optional<double> StrictFloat(std::string_view s);
// floor(d) as int64; nullopt for NaN/inf/out of range.
std::optional<int64_t> FloorToInt(double d);

// Decodes one UTF-8 code point at s[*i], advancing *i. Invalid or truncated sequences yield
// the single byte (as a code point 0x80..0xFF) and set *valid = false.
uint32_t NextCodePoint(std::string_view s, size_t* i, bool* valid);
// Appends the UTF-8 encoding of `cp` (REQUIRES: cp <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);
// True if `s` is well-formed UTF-8 (no surrogates, no overlongs).
bool IsValidUtf8(std::string_view s);

// Appends the hex digits of `bytes` (upper or lower case).
void AppendHex(std::string_view bytes, bool upper, std::string* out);

// The string argument `v` or a bad-argument error naming `fn`.
inline Result<std::string_view, EvalError> StringArg(std::string_view fn, const Value& v) {
  if (!v.is_string()) {
    return Err(BadType(fn, v, "a string"));
  }
  return v.AsString();
}
inline Result<int64_t, EvalError> IntArg(std::string_view fn, const Value& v) {
  if (!v.is_int()) {
    return Err(BadType(fn, v, "an integer"));
  }
  return v.AsInt();
}

// EMQX map/1 conversion: a map as is; a string JSON-decoded (must be an object); an array of
// [key, value] pairs. Anything else (or invalid JSON) is a bad argument.
FnResult ToMap(std::string_view fn, const Value& v, EvalContext& ctx);

// Looks `path` (keys separated by '.') up in `v`, JSON-decoding string values met on the way
// (emqx_rule_maps:nested_get). nullopt if any step is missing or not a map.
std::optional<Value> NestedGet(const Value& v, std::string_view path, EvalContext& ctx);

// MQTT topic matching (emqx_topic:match/2): `name` against `filter` with '+' and '#'; names
// starting with '$' never match a filter starting with a wildcard.
bool TopicMatch(std::string_view name, std::string_view filter);

}  // namespace mqb::rules::functions
