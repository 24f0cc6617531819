// Encoding functions: base64_encode base64_decode json_encode json_decode, and term_encode /
// term_decode (Erlang external term format: not supported by mqbridge).
//
// base64_encode(Data[, Option...]) accepts the options 'no_padding' and 'urlsafe' (RFC 4648
// section 5 alphabet). base64_decode accepts both alphabets, skips whitespace and tolerates
// missing padding; anything else is a bad argument.
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

FnResult Base64Encode(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "base64_encode";
  if (!args[0].is_string()) return Err(BadType(fn, args[0], "a binary"));
  bool pad = true, urlsafe = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (!args[i].is_string()) return Err(BadType(fn, args[i], "an option string"));
    std::string_view opt = args[i].AsString();
    if (opt == "no_padding") {
      pad = false;
    } else if (opt == "urlsafe") {
      urlsafe = true;
    } else {
      return Err(BadArg(fn, "options are 'no_padding' and 'urlsafe'"));
    }
  }
  const char* alphabet = urlsafe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string_view in = args[0].AsString();
  const size_t max = (in.size() + 2) / 3 * 4;
  char* out = static_cast<char*>(ctx.arena().Allocate(max == 0 ? 1 : max, 1));
  size_t o = 0, i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    if (rest == 2) {
      out[o++] = alphabet[(v >> 6) & 63];
    } else if (pad) {
      out[o++] = '=';
    }
    if (pad) out[o++] = '=';
  }
  return Value::StringRef(std::string_view(out, o));
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

FnResult Base64Decode(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "base64_decode";
  if (!args[0].is_string()) return Err(BadType(fn, args[0], "a base64 string"));
  std::string_view in = args[0].AsString();
  char* out = static_cast<char*>(ctx.arena().Allocate(in.size() / 4 * 3 + 3, 1));
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0, digits = 0, padding = 0;
  for (char c : in) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int d = Base64Digit(c);
    if (d < 0 || padding > 0) return Err(BadArg(fn, "not valid base64"));
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // A lone trailing digit cannot encode a byte; padding must complete a quantum.
  if (digits % 4 == 1 || padding > 2 || (padding > 0 && (digits + padding) % 4 != 0)) {
    return Err(BadArg(fn, "not valid base64"));
  }
  return Value::StringRef(std::string_view(out, o));
}

FnResult JsonEncodeFn(std::span<const Value> args, EvalContext& ctx) {
  return JsonEncode(ctx.arena(), args[0]);
}

FnResult JsonDecodeFn(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) return Err(BadType("json_decode", args[0], "a JSON string"));
  return ctx.json().Decode(args[0].AsString(), ctx.arena());
}

FnResult TermCodec(std::span<const Value>, EvalContext&) {
  return Err(EvalError::NotSupported(
      "term_encode/term_decode (Erlang external term format) are not supported"));
}

}  // namespace

void RegisterCodecFunctions(FunctionRegistry& r) {
  r.Register("base64_encode", 1, 3, Base64Encode);
  r.Register("base64_decode", 1, 1, Base64Decode);
  r.Register("json_encode", 1, 1, JsonEncodeFn);
  r.Register("json_decode", 1, 1, JsonDecodeFn, false);
  r.Register("term_encode", 1, 1, TermCodec, false);
  r.Register("term_decode", 1, 1, TermCodec, false);
}

}  // namespace mqb::rules
