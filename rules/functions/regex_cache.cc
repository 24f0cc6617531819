// Regex functions on RE2: regex_match, regex_replace, regex_extract, and the per-thread cache of
// compiled patterns. RE2 runs in linear time, so no pattern/input pair can blow up; PCRE-only
// syntax (backreferences in the pattern, lookaround) is rejected as a bad argument.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "rules/functions/string_text.h"
#include "rules/functions/util.h"

namespace mqb::rules::functions {
namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Bounded: a rule set uses a handful of patterns; if dynamic patterns flood the cache it is
// simply cleared (each entry costs one RE2 program).
constexpr size_t kMaxCachedPatterns = 256;

}  // namespace

const re2::RE2* CachedRegex(std::string_view pattern, std::string* error) {
  thread_local std::unordered_map<std::string, std::unique_ptr<re2::RE2>, StringHash,
                                  std::equal_to<>>
      cache;
  auto it = cache.find(pattern);
  if (it != cache.end()) {
    return it->second.get();
  }
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);  // bytes, as Erlang re
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  if (cache.size() >= kMaxCachedPatterns) {
    cache.clear();
  }
  const re2::RE2* result = re.get();
  cache.emplace(std::string(pattern), std::move(re));
  return result;
}

namespace {

Result<const re2::RE2*, EvalError> RegexArgs(std::string_view fn, std::span<const Value> args) {
  if (!args[0].is_string()) return Err(BadType(fn, args[0], "a string"));
  if (!args[1].is_string()) return Err(BadType(fn, args[1], "a regular expression string"));
  std::string error;
  const re2::RE2* re = CachedRegex(args[1].AsString(), &error);
  if (re == nullptr) {
    return Err(BadArg(fn, "invalid regular expression: " + error));
  }
  return re;
}

re2::StringPiece Piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

// regex_match(Str, RE): true if RE matches anywhere in Str.
FnResult RegexMatch(std::span<const Value> args, EvalContext&) {
  auto re = RegexArgs("regex_match", args);
  if (!re.ok()) return Err(re.error());
  return Value::Bool(re2::RE2::PartialMatch(Piece(args[0].AsString()), *re.value()));
}

// Expands an Erlang re:replace replacement: '&' is the whole match, '\N' / '\g{N}' group N,
// '\&' a literal '&', '\\' a backslash; other escaped characters stand for themselves.
void AppendReplacement(std::string_view rep, const re2::StringPiece* groups, int ngroups,
                       StringBuilder* out) {
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '&') {
      out->Append(std::string_view(groups[0].data(), groups[0].size()));
      continue;
    }
    if (c != '\\' || i + 1 == rep.size()) {
      out->Append(c);
      continue;
    }
    char d = rep[i + 1];
    size_t j = i + 1;
    int n = -1;
    if (d >= '0' && d <= '9') {
      n = 0;
      while (j < rep.size() && rep[j] >= '0' && rep[j] <= '9' && n < 100) {
        n = n * 10 + (rep[j++] - '0');
      }
      i = j - 1;
    } else if (d == 'g' && j + 1 < rep.size() && rep[j + 1] == '{') {
      size_t close = rep.find('}', j + 2);
      if (close != std::string_view::npos) {
        n = 0;
        for (size_t k = j + 2; k < close && n < 100; ++k) {
          if (rep[k] < '0' || rep[k] > '9') {
            n = -2;
            break;
          }
          n = n * 10 + (rep[k] - '0');
        }
        if (n >= 0) i = close;
      }
    }
    if (n >= 0) {
      if (n < ngroups && groups[n].data() != nullptr) {
        out->Append(std::string_view(groups[n].data(), groups[n].size()));
      }
      continue;
    }
    out->Append(d);
    ++i;
  }
}

// regex_replace(Str, RE, Replacement): every match replaced (re:replace with global).
FnResult RegexReplace(std::span<const Value> args, EvalContext& ctx) {
  auto re = RegexArgs("regex_replace", args);
  if (!re.ok()) return Err(re.error());
  if (!args[2].is_string()) {
    return Err(BadType("regex_replace", args[2], "a replacement string"));
  }
  const re2::RE2& regex = *re.value();
  std::string_view text = args[0].AsString();
  std::string_view rep = args[2].AsString();
  constexpr int kMaxGroups = 10;
  const int ngroups = std::min(regex.NumberOfCapturingGroups() + 1, kMaxGroups);
  re2::StringPiece groups[kMaxGroups];
  StringBuilder out(ctx.arena(), text.size() + 16);
  size_t pos = 0;
  while (pos <= text.size()) {
    if (!regex.Match(Piece(text), pos, text.size(), re2::RE2::UNANCHORED, groups, ngroups)) {
      break;
    }
    size_t mstart = static_cast<size_t>(groups[0].data() - text.data());
    size_t mend = mstart + groups[0].size();
    out.Append(text.substr(pos, mstart - pos));
    AppendReplacement(rep, groups, ngroups, &out);
    if (out.view().size() > kMaxResultBytes) {
      return Err(BadArg("regex_replace", "result too large"));
    }
    if (mend == mstart) {
      // Empty match: keep the next byte and move on.
      if (mend < text.size()) out.Append(text[mend]);
      pos = mend + 1;
    } else {
      pos = mend;
    }
  }
  if (pos < text.size()) {
    out.Append(text.substr(pos));
  }
  return out.Finish();
}

// regex_extract(Str, RE): the capture groups of the first match ([] if no match or no groups);
// a group that did not participate gives "".
FnResult RegexExtract(std::span<const Value> args, EvalContext& ctx) {
  auto re = RegexArgs("regex_extract", args);
  if (!re.ok()) return Err(re.error());
  const re2::RE2& regex = *re.value();
  const int n = regex.NumberOfCapturingGroups() + 1;
  std::string_view text = args[0].AsString();
  re2::StringPiece* groups = ctx.arena().AllocateArray<re2::StringPiece>(n);
  for (int i = 0; i < n; ++i) new (&groups[i]) re2::StringPiece();
  if (!regex.Match(Piece(text), 0, text.size(), re2::RE2::UNANCHORED, groups, n)) {
    return Value::EmptyArray();
  }
  ArrayBuilder out(ctx.arena(), n);
  for (int i = 1; i < n; ++i) {
    // Groups point into the argument string, which outlives the result.
    out.Push(Value::StringRef(
        std::string_view(groups[i].data() ? groups[i].data() : "", groups[i].size())));
  }
  return out.Finish();
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& r) {
  r.Register("regex_match", 2, 2, RegexMatch);
  r.Register("regex_replace", 3, 3, RegexReplace);
  r.Register("regex_extract", 2, 2, RegexExtract);
}

}  // namespace mqb::rules::functions
