// Text helpers of the string family that live outside string.cc: Erlang io_lib:format for
// sprintf (erl_format.cc), RE2-backed regex functions (string_regex.cc).
//
// Thread-safety: reentrant; the regex cache is per thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "rules/eval_error.h"
#include "rules/function.h"
#include "rules/value.h"

namespace re2 {
class RE2;
}

namespace mqb::rules::functions {

// io_lib:format(Format, Args) for the control sequences ~s ~ts ~p ~tp ~w ~tw ~c ~B ~b ~f ~e ~g
// ~i ~n ~~ with field width, precision and pad character (~F.P.PadC, '*' taking the value from
// the arguments, a negative width left-justifies). Too few or too many arguments, a wrong
// argument type or an unknown control are bad arguments (Erlang badarg). Appends to *out.
Result<void, EvalError> ErlFormat(std::string_view format, std::span<const Value> args,
                                  std::string* out);

// Appends `v` as Erlang's ~p would print it: <<"bin">>, 1.5, 2.0, 1.0e20, [1,2], #{<<"k">> => v},
// undefined, true, null.
void AppendErlTerm(const Value& v, bool spaced, std::string* out);

// Appends the shortest float text Erlang prints for `d` with ~p/~w ("2.0", "0.1", "1.0e20").
void AppendErlFloat(double d, std::string* out);

// The compiled regex for `pattern` from this thread's cache (compiled once per distinct pattern
// per thread; bytes semantics like Erlang's re without the unicode option). nullptr and *error
// set when the pattern does not compile.
const re2::RE2* CachedRegex(std::string_view pattern, std::string* error);

// Registers regex_match, regex_replace, regex_extract.
void RegisterRegexFunctions(FunctionRegistry& registry);

}  // namespace mqb::rules::functions
