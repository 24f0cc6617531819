// String functions (emqx_variform_bif / emqx_rule_funcs semantics): lower upper trim ltrim
// rtrim reverse strlen substr split tokens concat sprintf pad replace ascii find join_to_string
// join_to_sql_values_string map_to_redis_hset_args unescape, plus the regex functions
// (regex_cache.cc) and jq (jq.cc).
//
// Strings are UTF-8 and handled per code point where EMQX works per character (strlen, substr,
// pad, reverse, trim; "\r\n" counts as one character like Erlang's grapheme clusters); invalid
// UTF-8 bytes count as one character each. Searches (split, replace, find) work on bytes.
#include <locale.h>

#include <clocale>
#include <cstring>
#include <cwctype>

#include "rules/functions/families.h"
#include "rules/functions/string_text.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;
using functions::NextCodePoint;

#define MQB_STRING_ARG(var, fn, v)          \
  if (!(v).is_string()) {                   \
    return Err(BadType(fn, v, "a string")); \
  }                                         \
  const std::string_view var = (v).AsString()

// Unicode case mapping through glibc's C.UTF-8 locale (ASCII-only if it is missing).
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

FnResult CaseMap(std::string_view fn, std::span<const Value> args, EvalContext& ctx, bool upper) {
  MQB_STRING_ARG(s, fn, args[0]);
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {  // fast path: same length, byte by byte
    char* p = static_cast<char*>(ctx.arena().Allocate(s.empty() ? 1 : s.size(), 1));
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      p[i] = c;
    }
    return Value::StringRef(std::string_view(p, s.size()));
  }
  StringBuilder out(ctx.arena(), s.size());
  std::string& buf = functions::Scratch();
  locale_t loc = Utf8Locale();
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    bool valid = true;
    uint32_t cp = NextCodePoint(s, &i, &valid);
    if (!valid) {
      out.Append(s.substr(start, i - start));
      continue;
    }
    uint32_t mapped = cp;
    if (cp < 0x80) {
      if (upper && cp >= 'a' && cp <= 'z') mapped = cp - 32;
      if (!upper && cp >= 'A' && cp <= 'Z') mapped = cp + 32;
    } else if (loc != static_cast<locale_t>(nullptr)) {
      mapped = static_cast<uint32_t>(upper ? towupper_l(static_cast<wint_t>(cp), loc)
                                           : towlower_l(static_cast<wint_t>(cp), loc));
    }
    buf.clear();
    functions::AppendUtf8(mapped, &buf);
    out.Append(buf);
  }
  return out.Finish();
}
FnResult Lower(std::span<const Value> args, EvalContext& ctx) {
  return CaseMap("lower", args, ctx, false);
}
FnResult Upper(std::span<const Value> args, EvalContext& ctx) {
  return CaseMap("upper", args, ctx, true);
}

// Erlang's default trim set: ASCII whitespace, NEL, LRM, RLM, LS, PS (and "\r\n").
bool IsTrimSpace(uint32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0x200E || cp == 0x200F ||
         cp == 0x2028 || cp == 0x2029;
}

bool InCharSet(uint32_t cp, std::string_view set) {
  size_t i = 0;
  while (i < set.size()) {
    bool valid = true;
    if (NextCodePoint(set, &i, &valid) == cp) return true;
  }
  return false;
}

// trim/ltrim/rtrim(S[, Chars]).
FnResult TrimImpl(std::string_view fn, std::span<const Value> args, bool left, bool right) {
  MQB_STRING_ARG(s, fn, args[0]);
  std::string_view set;
  const bool custom = args.size() > 1;
  if (custom) {
    MQB_STRING_ARG(chars, fn, args[1]);
    set = chars;
  }
  auto is_trim = [&](uint32_t cp) { return custom ? InCharSet(cp, set) : IsTrimSpace(cp); };
  size_t begin = 0, end = s.size();
  size_t i = 0;
  size_t last_keep_end = 0;
  bool seen_keep = false;
  while (i < s.size()) {
    size_t start = i;
    bool valid = true;
    uint32_t cp = NextCodePoint(s, &i, &valid);
    if (!is_trim(cp)) {
      if (!seen_keep) begin = start;
      seen_keep = true;
      last_keep_end = i;
    }
  }
  if (!seen_keep) {
    return Value::StringRef(std::string_view());  // only trimmable characters
  }
  if (!left) begin = 0;
  if (right) end = last_keep_end;
  return Value::StringRef(s.substr(begin, end - begin));
}
FnResult Trim(std::span<const Value> args, EvalContext&) {
  return TrimImpl("trim", args, true, true);
}
FnResult Ltrim(std::span<const Value> args, EvalContext&) {
  return TrimImpl("ltrim", args, true, false);
}
FnResult Rtrim(std::span<const Value> args, EvalContext&) {
  return TrimImpl("rtrim", args, false, true);
}

// Byte length of the character starting at s[i] ("\r\n" is one character).
size_t CharLen(std::string_view s, size_t i) {
  if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
    return 2;
  }
  size_t j = i;
  bool valid = true;
  NextCodePoint(s, &j, &valid);
  return j - i;
}

size_t CharCount(std::string_view s) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    ++n;
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      i += 2;
      continue;
    }
    bool valid = true;
    NextCodePoint(s, &i, &valid);
  }
  return n;
}

FnResult Reverse(std::span<const Value> args, EvalContext& ctx) {
  MQB_STRING_ARG(s, "reverse", args[0]);
  // Each character (in reading order) is copied to its mirrored place in the output.
  char* out = static_cast<char*>(ctx.arena().Allocate(s.empty() ? 1 : s.size(), 1));
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = CharLen(s, i);
    std::memcpy(out + (s.size() - i - len), s.data() + i, len);
    i += len;
  }
  return Value::StringRef(std::string_view(out, s.size()));
}

FnResult Strlen(std::span<const Value> args, EvalContext&) {
  MQB_STRING_ARG(s, "strlen", args[0]);
  return Value::Int(static_cast<int64_t>(CharCount(s)));
}

// substr(S, Start[, Len]): 0-based Start, Len characters (to the end if omitted).
FnResult Substr(std::span<const Value> args, EvalContext&) {
  constexpr std::string_view fn = "substr";
  MQB_STRING_ARG(s, fn, args[0]);
  if (!args[1].is_int() || args[1].AsInt() < 0) {
    return Err(BadArg(fn, "start must be a non-negative integer"));
  }
  int64_t len = INT64_MAX;
  if (args.size() > 2) {
    if (!args[2].is_int() || args[2].AsInt() < 0) {
      return Err(BadArg(fn, "length must be a non-negative integer"));
    }
    len = args[2].AsInt();
  }
  // Skip Start characters, then take up to Len.
  size_t begin = 0;
  for (int64_t k = args[1].AsInt(); k > 0 && begin < s.size(); --k) {
    begin += CharLen(s, begin);
  }
  size_t end = begin;
  for (int64_t k = len; k > 0 && end < s.size(); --k) {
    end += CharLen(s, end);
  }
  return Value::StringRef(s.substr(begin, end - begin));
}

// split(S, Sep[, 'notrim'|'leading'|'leading_notrim'|'trailing'|'trailing_notrim']).
FnResult Split(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "split";
  MQB_STRING_ARG(s, fn, args[0]);
  MQB_STRING_ARG(sep, fn, args[1]);
  std::string_view mode = "all";
  if (args.size() > 2) {
    MQB_STRING_ARG(m, fn, args[2]);
    mode = m;
  }
  bool trim = true;
  enum { kAll, kLeading, kTrailing } where;
  if (mode == "all")
    where = kAll;
  else if (mode == "notrim")
    where = kAll, trim = false;
  else if (mode == "leading")
    where = kLeading;
  else if (mode == "leading_notrim")
    where = kLeading, trim = false;
  else if (mode == "trailing")
    where = kTrailing;
  else if (mode == "trailing_notrim")
    where = kTrailing, trim = false;
  else
    return Err(
        BadArg(fn, "option must be notrim, leading, leading_notrim, trailing or trailing_notrim"));
  ArrayBuilder out(ctx.arena());
  auto push = [&](std::string_view part) {
    if (!trim || !part.empty()) out.Push(Value::StringRef(part));
  };
  if (sep.empty()) {
    push(s);
    return out.Finish();
  }
  if (where == kAll) {
    size_t start = 0;
    while (true) {
      size_t p = s.find(sep, start);
      if (p == std::string_view::npos) {
        push(s.substr(start));
        break;
      }
      push(s.substr(start, p - start));
      start = p + sep.size();
    }
  } else {
    size_t p = where == kLeading ? s.find(sep) : s.rfind(sep);
    if (p == std::string_view::npos) {
      push(s);
    } else {
      push(s.substr(0, p));
      push(s.substr(p + sep.size()));
    }
  }
  return out.Finish();
}

// tokens(S, SepChars[, 'nocrlf']): split on any of the characters, dropping empty tokens.
FnResult Tokens(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "tokens";
  MQB_STRING_ARG(s, fn, args[0]);
  MQB_STRING_ARG(seps, fn, args[1]);
  bool crlf = false;
  if (args.size() > 2) {
    MQB_STRING_ARG(opt, fn, args[2]);
    if (opt != "nocrlf") return Err(BadArg(fn, "option must be 'nocrlf'"));
    crlf = true;
  }
  ArrayBuilder out(ctx.arena());
  size_t token_start = 0, i = 0;
  auto flush = [&](size_t end) {
    if (end > token_start) out.Push(Value::StringRef(s.substr(token_start, end - token_start)));
  };
  while (i < s.size()) {
    size_t start = i;
    bool is_sep;
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      i += 2;
      is_sep = crlf;  // "\r\n" is one character: only the nocrlf set contains it
    } else {
      bool valid = true;
      uint32_t cp = NextCodePoint(s, &i, &valid);
      is_sep = InCharSet(cp, seps) || (crlf && (cp == '\r' || cp == '\n'));
    }
    if (is_sep) {
      flush(start);
      token_start = i;
    }
  }
  flush(s.size());
  return out.Finish();
}

// concat(A, B, ...) or concat(List): the str() of each joined.
FnResult Concat(std::span<const Value> args, EvalContext& ctx) {
  std::span<const Value> items = args;
  if (args.size() == 1) {
    if (!args[0].is_array()) return Err(BadType("concat", args[0], "an array"));
    items = args[0].AsArray();
  }
  std::string& s = functions::Scratch();
  for (const Value& v : items) {
    AppendText(v, &s);
  }
  return functions::ArenaString(ctx, s);
}

FnResult Sprintf(std::span<const Value> args, EvalContext& ctx) {
  MQB_STRING_ARG(fmt, "sprintf", args[0]);
  std::string& s = functions::Scratch();
  auto r = functions::ErlFormat(fmt, args.subspan(1), &s);
  if (!r.ok()) return Err(r.error());
  return functions::ArenaString(ctx, s);
}

// pad(S, Len[, 'trailing'|'leading'|'both'[, Char]]): pads to Len characters with spaces or
// with Char (any string, used as one unit); 'both' puts the odd unit at the end.
FnResult Pad(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "pad";
  MQB_STRING_ARG(s, fn, args[0]);
  if (!args[1].is_int()) return Err(BadType(fn, args[1], "an integer length"));
  std::string_view dir = "trailing", unit = " ";
  if (args.size() > 2) {
    MQB_STRING_ARG(d, fn, args[2]);
    dir = d;
    if (dir != "trailing" && dir != "leading" && dir != "both") {
      return Err(BadArg(fn, "direction must be trailing, leading or both"));
    }
  }
  if (args.size() > 3) {
    MQB_STRING_ARG(c, fn, args[3]);
    unit = c;
  }
  const int64_t have = static_cast<int64_t>(CharCount(s));
  if (args[1].AsInt() <= have) return args[0];
  const int64_t missing = args[1].AsInt() - have;
  if (static_cast<uint64_t>(missing) * (unit.size() + 1) + s.size() > functions::kMaxResultBytes) {
    return Err(BadArg(fn, "result too large"));
  }
  int64_t lead = 0, trail = 0;
  if (dir == "trailing")
    trail = missing;
  else if (dir == "leading")
    lead = missing;
  else
    lead = missing / 2, trail = missing - missing / 2;
  StringBuilder out(ctx.arena(), s.size() + static_cast<size_t>(missing) * unit.size());
  for (int64_t k = 0; k < lead; ++k) out.Append(unit);
  out.Append(s);
  for (int64_t k = 0; k < trail; ++k) out.Append(unit);
  return out.Finish();
}

// replace(S, Pattern, Replacement[, 'all'|'leading'|'trailing']).
FnResult Replace(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "replace";
  MQB_STRING_ARG(s, fn, args[0]);
  MQB_STRING_ARG(pat, fn, args[1]);
  MQB_STRING_ARG(rep, fn, args[2]);
  std::string_view where = "all";
  if (args.size() > 3) {
    MQB_STRING_ARG(w, fn, args[3]);
    where = w;
    if (where != "all" && where != "leading" && where != "trailing") {
      return Err(BadArg(fn, "option must be all, leading or trailing"));
    }
  }
  if (pat.empty()) return args[0];
  StringBuilder out(ctx.arena(), s.size());
  if (where == "all") {
    size_t start = 0;
    while (true) {
      size_t p = s.find(pat, start);
      if (p == std::string_view::npos) break;
      out.Append(s.substr(start, p - start));
      out.Append(rep);
      if (out.view().size() > functions::kMaxResultBytes)
        return Err(BadArg(fn, "result too large"));
      start = p + pat.size();
    }
    out.Append(s.substr(start));
    return out.Finish();
  }
  size_t p = where == "leading" ? s.find(pat) : s.rfind(pat);
  if (p == std::string_view::npos) return args[0];
  out.Append(s.substr(0, p));
  out.Append(rep);
  out.Append(s.substr(p + pat.size()));
  return out.Finish();
}

// ascii(S): the code of the first byte.
FnResult Ascii(std::span<const Value> args, EvalContext&) {
  MQB_STRING_ARG(s, "ascii", args[0]);
  if (s.empty()) return Err(BadArg("ascii", "empty string"));
  return Value::Int(static_cast<unsigned char>(s[0]));
}

// find(S, Pattern[, 'leading'|'trailing']): the rest of S from the first (last) occurrence of
// Pattern, or "" if there is none.
FnResult Find(std::span<const Value> args, EvalContext&) {
  constexpr std::string_view fn = "find";
  MQB_STRING_ARG(s, fn, args[0]);
  MQB_STRING_ARG(pat, fn, args[1]);
  bool trailing = false;
  if (args.size() > 2) {
    MQB_STRING_ARG(dir, fn, args[2]);
    if (dir != "leading" && dir != "trailing")
      return Err(BadArg(fn, "direction must be leading or trailing"));
    trailing = dir == "trailing";
  }
  size_t p = trailing ? s.rfind(pat) : s.find(pat);
  if (p == std::string_view::npos) return Value::StringRef(std::string_view());
  return Value::StringRef(s.substr(p));
}

// join_to_string([Sep,] List): str() of the items joined with Sep (default ", ").
FnResult JoinToString(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "join_to_string";
  std::string_view sep = ", ";
  const Value& list = args.back();
  if (args.size() == 2) {
    MQB_STRING_ARG(s, fn, args[0]);
    sep = s;
  }
  if (!list.is_array()) return Err(BadType(fn, list, "an array"));
  std::string& out = functions::Scratch();
  bool first = true;
  for (const Value& v : list.AsArray()) {
    if (!first) out.append(sep);
    first = false;
    AppendText(v, &out);
  }
  return functions::ArenaString(ctx, out);
}

// SQL literal of a value: numbers bare, true/false bare, undefined as `undefined`, strings/maps
// (JSON) quoted with ' and \ escaped by a backslash.
void AppendSqlLiteral(const Value& v, std::string* out) {
  if (v.is_number() || v.is_bool() || v.is_undefined()) {
    AppendText(v, out);
    return;
  }
  if (v.is_null()) {
    out->append("NULL");
    return;
  }
  std::string_view text;
  std::string json;
  if (v.is_string()) {
    text = v.AsString();
  } else {
    json = ToJson(v);
    text = json;
  }
  out->push_back('\'');
  for (char c : text) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

FnResult JoinToSqlValuesString(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_array()) return Err(BadType("join_to_sql_values_string", args[0], "an array"));
  std::string& out = functions::Scratch();
  bool first = true;
  for (const Value& v : args[0].AsArray()) {
    if (!first) out.append(", ");
    first = false;
    AppendSqlLiteral(v, &out);
  }
  return functions::ArenaString(ctx, out);
}

// map_to_redis_hset_args(Map): [k1, v1, k2, v2, ...] with values as strings (floats with at
// most 6 decimals); entries whose value is not a string, number or boolean are dropped; a
// non-map (or a string that is not a JSON object) gives [].
FnResult MapToRedisHsetArgs(std::span<const Value> args, EvalContext& ctx) {
  Value map = args[0];
  if (map.is_string()) {
    auto decoded = ctx.json().Decode(map.AsString(), ctx.arena());
    map = decoded.ok() ? decoded.value() : Value();
  }
  if (!map.is_map()) return Value::EmptyArray();
  ArrayBuilder out(ctx.arena(), map.size() * 2);
  std::string& text = functions::Scratch();
  for (const MapEntry& e : map.AsMap()) {
    const Value& v = e.value;
    Value field;
    if (v.is_string()) {
      field = v;
    } else if (v.is_int() || v.is_bool()) {
      field = ToText(ctx.arena(), v);
    } else if (v.is_float()) {
      text.clear();
      AppendFloatCompact(v.AsFloat(), 6, &text);
      field = functions::ArenaString(ctx, text);
    } else {
      continue;
    }
    out.Push(Value::StringRef(e.key));
    out.Push(field);
  }
  return out.Finish();
}

int HexVal(uint32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

// unescape(S): C escapes \n \t \r \b \f \v \' \" \\ \? \a and \xH... (any number of hex digits,
// one Unicode code point). Other escapes and invalid code points are errors.
FnResult Unescape(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "unescape";
  MQB_STRING_ARG(s, fn, args[0]);
  if (!functions::IsValidUtf8(s)) return Err(BadArg(fn, "not valid UTF-8"));
  std::string& out = functions::Scratch();
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case '\\':
        out.push_back('\\');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\'':
        out.push_back('\'');
        break;
      case '"':
        out.push_back('"');
        break;
      case '?':
        out.push_back('?');
        break;
      case 'a':
        out.push_back('\a');
        break;
      case 'x': {
        if (i >= s.size() || HexVal(static_cast<unsigned char>(s[i])) < 0) {
          return Err(BadArg(fn, "unrecognized_escape_sequence \\x"));
        }
        uint64_t cp = 0;
        while (i < s.size() && HexVal(static_cast<unsigned char>(s[i])) >= 0) {
          cp = cp * 16 + static_cast<uint64_t>(HexVal(static_cast<unsigned char>(s[i++])));
          if (cp > 0x10FFFF) cp = 0x110000;  // saturate; rejected below
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return Err(BadArg(fn, "invalid_unicode_character"));
        }
        functions::AppendUtf8(static_cast<uint32_t>(cp), &out);
        break;
      }
      default:
        return Err(BadArg(fn, std::string("unrecognized_escape_sequence \\") + e));
    }
  }
  return functions::ArenaString(ctx, out);
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& r) {
  r.Register("lower", 1, 1, Lower);
  r.Register("upper", 1, 1, Upper);
  r.Register("trim", 1, 2, Trim);
  r.Register("ltrim", 1, 2, Ltrim);
  r.Register("rtrim", 1, 2, Rtrim);
  r.Register("reverse", 1, 1, Reverse);
  r.Register("strlen", 1, 1, Strlen);
  r.Register("substr", 2, 3, Substr);
  r.Register("split", 2, 3, Split);
  r.Register("tokens", 2, 3, Tokens);
  r.Register("concat", 1, kVariadic, Concat);
  r.Register("sprintf", 1, kVariadic, Sprintf);
  r.Register("pad", 2, 4, Pad);
  r.Register("replace", 3, 4, Replace);
  r.Register("ascii", 1, 1, Ascii);
  r.Register("find", 2, 3, Find);
  r.Register("join_to_string", 1, 2, JoinToString);
  r.Register("join_to_sql_values_string", 1, 1, JoinToSqlValuesString);
  r.Register("map_to_redis_hset_args", 1, 1, MapToRedisHsetArgs, false);
  r.Register("unescape", 1, 1, Unescape);
  RegisterJqFunction(r);  // jq.cc
  functions::RegisterRegexFunctions(r);
}

}  // namespace mqb::rules
