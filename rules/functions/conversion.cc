// Type conversion functions: str str_utf8 str_utf16_le bool int float float2str map bin2hexstr
// hexstr2bin sqlserver_bin2hexstr (emqx_rule_funcs + emqx_utils_conv semantics).
#include <cmath>
#include <cstdio>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

// str(X): string as is; int decimal; float with at most 10 decimals, compact; bool/undefined/null
// as their names; map/array as JSON.
FnResult Str(std::span<const Value> args, EvalContext& ctx) {
  if (args[0].is_string()) {
    return args[0];
  }
  return ToText(ctx.arena(), args[0]);
}

// str_utf8(X): str(X), which must be valid UTF-8.
FnResult StrUtf8(std::span<const Value> args, EvalContext& ctx) {
  Value s = args[0].is_string() ? args[0] : ToText(ctx.arena(), args[0]);
  if (!functions::IsValidUtf8(s.AsString())) {
    return Err(BadArg("str_utf8", "not valid UTF-8"));
  }
  return s;
}

// str_utf16_le(X): str(X) re-encoded as UTF-16 little endian bytes.
FnResult StrUtf16Le(std::span<const Value> args, EvalContext& ctx) {
  Value s = args[0].is_string() ? args[0] : ToText(ctx.arena(), args[0]);
  std::string_view in = s.AsString();
  StringBuilder out(ctx.arena(), in.size() * 2);
  size_t i = 0;
  bool valid = true;
  auto unit = [&](uint32_t u) {
    char b[2] = {static_cast<char>(u & 0xFF), static_cast<char>(u >> 8)};
    out.Append(std::string_view(b, 2));
  };
  while (i < in.size()) {
    uint32_t cp = functions::NextCodePoint(in, &i, &valid);
    if (!valid) {
      return Err(BadArg("str_utf16_le", "not valid UTF-8"));
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 | (cp >> 10));
      unit(0xDC00 | (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out.Finish();
}

// bool(X): true/false, "true"/"false", 1/0 (also 1.0/0.0).
FnResult Bool(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.is_bool()) return v;
  if (v.is_string()) {
    if (v.AsString() == "true") return Value::Bool(true);
    if (v.AsString() == "false") return Value::Bool(false);
  }
  if (v.is_number()) {
    if (v.AsDouble() == 1.0) return Value::Bool(true);
    if (v.AsDouble() == 0.0) return Value::Bool(false);
  }
  return Err(BadArg("bool", "expected true, false, 'true', 'false', 1 or 0"));
}

// int(X): ints as is; floats and float strings floored; "12" parsed; true/false -> 1/0.
FnResult Int(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.is_int()) return v;
  if (v.is_bool()) return Value::Int(v.AsBool() ? 1 : 0);
  std::optional<int64_t> r;
  if (v.is_float()) {
    r = functions::FloorToInt(v.AsFloat());
  } else if (v.is_string()) {
    r = functions::StrictInt(v.AsString());
    if (!r) {
      if (auto d = functions::StrictFloat(v.AsString())) {
        r = functions::FloorToInt(*d);
      }
    }
  } else {
    return Err(BadType("int", v, "a number, numeric string or boolean"));
  }
  if (!r) {
    return Err(BadArg("int", "not convertible to a 64-bit integer"));
  }
  return Value::Int(*r);
}

std::optional<double> ToFloat(const Value& v) {
  if (v.is_number()) return v.AsDouble();
  if (v.is_string()) {
    if (auto d = functions::StrictFloat(v.AsString())) return d;
    if (auto i = functions::StrictInt(v.AsString())) return static_cast<double>(*i);
  }
  return std::nullopt;
}

// float(X[, Decimals]): numbers and numeric strings as a float; with Decimals (1..253) rounded to
// that many decimals.
FnResult Float(std::span<const Value> args, EvalContext&) {
  auto d = ToFloat(args[0]);
  if (!d) {
    return Err(BadArg("float", "expected a number or a numeric string"));
  }
  if (args.size() == 1) {
    return Value::Float(*d);
  }
  if (!args[1].is_int() || args[1].AsInt() <= 0 || args[1].AsInt() > 253) {
    return Err(BadArg("float", "decimals must be an integer in 1..253"));
  }
  char buf[400];
  int n = std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(args[1].AsInt()), *d);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) {
    return Value::Float(*d);  // too many digits to matter: already exact at this precision
  }
  return Value::Float(std::strtod(buf, nullptr));
}

// float2str(F, Decimals): F with at most Decimals (0..253) decimals, trailing zeros removed
// (one kept after the point); Decimals = 0 prints no fraction.
FnResult Float2Str(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_number()) {
    return Err(BadType("float2str", args[0], "a number"));
  }
  if (!args[1].is_int() || args[1].AsInt() < 0 || args[1].AsInt() > 253) {
    return Err(BadArg("float2str", "decimals must be an integer in 0..253"));
  }
  std::string& s = functions::Scratch();
  double d = args[0].AsDouble();
  if (args[1].AsInt() == 0) {
    char buf[400];
    int n = std::snprintf(buf, sizeof(buf), "%.0f", d);
    if (n > 0 && static_cast<size_t>(n) < sizeof(buf)) {
      return functions::ArenaString(ctx, std::string_view(buf, n));
    }
  }
  AppendFloatCompact(d, static_cast<int>(args[1].AsInt()), &s);
  return functions::ArenaString(ctx, s);
}

// map(X): a map as is, a JSON object string decoded, an array of [key, value] pairs.
FnResult Map(std::span<const Value> args, EvalContext& ctx) {
  return functions::ToMap("map", args[0], ctx);
}

FnResult HexOf(std::string_view fn, std::span<const Value> args, EvalContext& ctx,
               std::string_view prefix) {
  if (!args[0].is_string()) {
    return Err(BadType(fn, args[0], "a binary"));
  }
  if (args.size() > 1) {
    if (!args[1].is_string()) return Err(BadType(fn, args[1], "a prefix string"));
    prefix = args[1].AsString();
  }
  std::string_view bin = args[0].AsString();
  StringBuilder out(ctx.arena(), prefix.size() + bin.size() * 2);
  out.Append(prefix);
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : bin) {
    char pair[2] = {kDigits[c >> 4], kDigits[c & 15]};
    out.Append(std::string_view(pair, 2));
  }
  return out.Finish();
}

// bin2hexstr(Bin[, Prefix]): upper-case hex, optionally prefixed.
FnResult Bin2HexStr(std::span<const Value> args, EvalContext& ctx) {
  return HexOf("bin2hexstr", args, ctx, "");
}

// sqlserver_bin2hexstr(Bin): "0x" followed by upper-case hex.
FnResult SqlServerBin2HexStr(std::span<const Value> args, EvalContext& ctx) {
  return HexOf("sqlserver_bin2hexstr", args, ctx, "0x");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// hexstr2bin(Str[, Prefix]): the bytes of a hex string (either case; an odd length is read as
// if a leading 0 were present). With Prefix, Str must start with it (else
// "binary_prefix_unmatch").
FnResult HexStr2Bin(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "hexstr2bin";
  if (!args[0].is_string()) {
    return Err(BadType(fn, args[0], "a hex string"));
  }
  std::string_view s = args[0].AsString();
  if (args.size() > 1) {
    if (!args[1].is_string()) return Err(BadType(fn, args[1], "a prefix string"));
    std::string_view prefix = args[1].AsString();
    if (s.substr(0, prefix.size()) != prefix) {
      return Err(BadArg(fn, "binary_prefix_unmatch"));
    }
    s.remove_prefix(prefix.size());
  }
  const size_t out_len = (s.size() + 1) / 2;
  char* out = static_cast<char*>(ctx.arena().Allocate(out_len == 0 ? 1 : out_len, 1));
  size_t i = 0, o = 0;
  if (s.size() % 2 == 1) {
    int d = HexDigit(s[0]);
    if (d < 0) return Err(BadArg(fn, "not a hex string"));
    out[o++] = static_cast<char>(d);
    i = 1;
  }
  for (; i < s.size(); i += 2) {
    int hi = HexDigit(s[i]), lo = HexDigit(s[i + 1]);
    if (hi < 0 || lo < 0) return Err(BadArg(fn, "not a hex string"));
    out[o++] = static_cast<char>((hi << 4) | lo);
  }
  return Value::StringRef(std::string_view(out, o));
}

}  // namespace

void RegisterConversionFunctions(FunctionRegistry& r) {
  r.Register("str", 1, 1, Str);
  r.Register("str_utf8", 1, 1, StrUtf8);
  r.Register("str_utf16_le", 1, 1, StrUtf16Le);
  r.Register("bool", 1, 1, Bool);
  r.Register("int", 1, 1, Int);
  r.Register("float", 1, 2, Float);
  r.Register("float2str", 2, 2, Float2Str);
  r.Register("map", 1, 1, Map, false);  // decodes JSON through the context's decoder
  r.Register("bin2hexstr", 1, 2, Bin2HexStr);
  r.Register("hexstr2bin", 1, 2, HexStr2Bin);
  r.Register("sqlserver_bin2hexstr", 1, 1, SqlServerBin2HexStr);
}

}  // namespace mqb::rules
