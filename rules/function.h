// SQL functions: the calling convention, the evaluation context and the registry.
//
// A function is a plain function pointer
//     Result<Value, EvalError> Fn(std::span<const Value> args, EvalContext& ctx);
// receiving its already-evaluated arguments (left to right; `undefined` is passed through as a
// value, never skipped). It returns a Value whose strings/arrays/maps live in ctx.arena(), in the
// arguments, or in static memory; or an EvalError:
//   - EvalError::BadArgument(...) for a wrong argument type or value (EMQX
//     bad_sql_function_argument), including `undefined` given to a function that needs a string;
//   - EvalError::Exception(...) / other kinds for anything else.
// Functions must not throw, must not keep pointers to args or arena memory after returning, and
// must be safe to call from several threads at once (they get distinct contexts); a function
// with internal state (random) keeps it thread_local.
//
// Arity is checked when a rule is compiled: a call with fewer than min_args or more than max_args
// arguments is a compile error, so a function may index args within [min_args, max_args) safely.
//
// Names are lower-case ASCII; SQL lower-cases the name it looks up, so `UPPER(x)` finds "upper".
// Module-qualified names are registered with the dot: "mymod.func".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "rules/arena.h"
#include "rules/eval_error.h"
#include "rules/value.h"

namespace mqb::rules {

// What a function may see besides its arguments: the current message and the evaluator's
// per-thread resources. Implemented by the evaluator (and by tests); one context per evaluation,
// used by one thread.
class EvalContext {
 public:
  virtual ~EvalContext() = default;

  // Where result strings, arrays and maps go. Valid until the next message.
  virtual Arena& arena() = 0;

  // An event column of the current message, as the rule sees it ("topic", "clientid",
  // "username", "peerhost", "qos", "flags", "pub_props", "payload" (raw bytes as a string),
  // "id", "timestamp", "node", ...). Undefined if the event has no such column.
  virtual Value Column(std::string_view name) = 0;

  // The payload JSON-decoded (decoded at most once per message, cached), for payload(path).
  // EvalError kDecodeJson if the payload is not JSON.
  virtual Result<Value, EvalError> DecodedPayload() = 0;

  // A per-thread JSON decoder for json_decode() and friends.
  virtual JsonDecoder& json() = 0;

  // Wall-clock time in nanoseconds since the Unix epoch (now_timestamp, now_rfc3339, ...). Tests
  // may pin it.
  virtual int64_t NowNanos() = 0;

  // The node name (EMQX `node()`, e.g. "mqbridge@127.0.0.1").
  virtual std::string_view NodeName() = 0;

  // An environment variable, for getenv(); EMQX only exposes names starting with "EMQXVAR_"
  // (getenv('FOO') reads EMQXVAR_FOO), and this getter receives the full name. nullopt if unset.
  virtual std::optional<std::string_view> GetEnv(std::string_view name) = 0;
};

using FunctionFn = Result<Value, EvalError> (*)(std::span<const Value> args, EvalContext& ctx);

struct FunctionDef {
  std::string_view name;  // lower-case, static storage
  int min_args = 0;
  int max_args = 0;  // kVariadic for no upper bound
  FunctionFn fn = nullptr;
  // True if the function's result depends only on its arguments (no clock, random, context);
  // the compiler may then fold calls whose arguments are all literals.
  bool pure = false;
};
inline constexpr int kVariadic = -1;

// Maps names to FunctionDefs.
//
// Thread-safety: Register only during setup (single thread); after that Find is safe from any
// number of threads. Default() is built once, thread-safely, on first use.
class FunctionRegistry {
 public:
  // Registers or replaces `def`. `def.name` must have static storage duration.
  void Register(const FunctionDef& def);
  // Convenience: Register({name, min_args, max_args, fn, pure}).
  void Register(std::string_view name, int min_args, int max_args, FunctionFn fn,
                bool pure = true) {
    Register(FunctionDef{name, min_args, max_args, fn, pure});
  }
  // nullptr if unknown. `name` must already be lower-case.
  const FunctionDef* Find(std::string_view name) const;
  size_t size() const { return map_.size(); }

  // The registry with every family in rules/functions/families.h that is compiled in, plus the
  // operator functions the language itself provides (div, mod, eq; see rules/operators.h).
  static const FunctionRegistry& Default();

 private:
  std::unordered_map<std::string_view, FunctionDef> map_;
};

}  // namespace mqb::rules
