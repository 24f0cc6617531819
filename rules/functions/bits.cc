// Bitwise and bit-string functions: bitnot bitand bitor bitxor bitsl bitsr (signed 64-bit
// integers; a shift whose result does not fit is an exception instead of Erlang's bignum),
// bitsize bytesize subbits.
//
// subbits(Bin, [Start,] Len[, Type[, Signedness[, Endianness]]]) reads Len bits starting at bit
// Start (1-based) of a binary, as 'integer' (default, 'unsigned', 'big'), 'float' (Len 16, 32 or
// 64) or 'bits'. Like EMQX: Start beyond the data (or < 1) gives undefined; Len beyond the
// remaining bits (or negative) takes all remaining bits. mqbridge has no bit strings: 'bits'
// returns the bits right-aligned in ceil(Len/8) bytes (so bin2hexstr of 6 bits 100111 is "27").
#include <cmath>
#include <cstring>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::Failed;
using functions::FnResult;

Result<std::pair<int64_t, int64_t>, EvalError> TwoInts(std::string_view fn,
                                                       std::span<const Value> args) {
  for (int i = 0; i < 2; ++i) {
    if (!args[i].is_int()) {
      return Err(BadType(fn, args[i], "an integer"));
    }
  }
  return std::make_pair(args[0].AsInt(), args[1].AsInt());
}

FnResult Bitnot(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_int()) {
    return Err(BadType("bitnot", args[0], "an integer"));
  }
  return Value::Int(~args[0].AsInt());
}

#define MQB_BIT_OP(Name, sql_name, op)                       \
  FnResult Name(std::span<const Value> args, EvalContext&) { \
    auto p = TwoInts(sql_name, args);                        \
    if (!p.ok()) return Err(p.error());                      \
    return Value::Int(p->first op p->second);                \
  }
MQB_BIT_OP(BitAnd, "bitand", &)
MQB_BIT_OP(BitOr, "bitor", |)
MQB_BIT_OP(BitXor, "bitxor", ^)
#undef MQB_BIT_OP

// x * 2^n for any n (negative n shifts right, rounding toward negative infinity like bsr).
FnResult Shift(std::string_view fn, int64_t x, int64_t n) {
  if (n <= 0) {
    int64_t s = n == INT64_MIN ? 64 : -n;
    if (s >= 64) {
      return Value::Int(x < 0 ? -1 : 0);
    }
    return Value::Int(x >> s);  // arithmetic shift (C++20 defines it for negatives)
  }
  if (x == 0) {
    return Value::Int(0);
  }
  if (n >= 63) {
    return Err(Failed(fn, "result does not fit in a 64-bit integer"));
  }
  int64_t r = static_cast<int64_t>(static_cast<uint64_t>(x) << n);
  if ((r >> n) != x) {
    return Err(Failed(fn, "result does not fit in a 64-bit integer"));
  }
  return Value::Int(r);
}

FnResult Bitsl(std::span<const Value> args, EvalContext&) {
  auto p = TwoInts("bitsl", args);
  if (!p.ok()) return Err(p.error());
  return Shift("bitsl", p->first, p->second);
}

FnResult Bitsr(std::span<const Value> args, EvalContext&) {
  auto p = TwoInts("bitsr", args);
  if (!p.ok()) return Err(p.error());
  int64_t n = p->second;
  return Shift("bitsr", p->first, n == INT64_MIN ? INT64_MAX : -n);
}

FnResult Bitsize(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_string()) {
    return Err(BadType("bitsize", args[0], "a binary"));
  }
  return Value::Int(static_cast<int64_t>(args[0].size()) * 8);
}

FnResult Bytesize(std::span<const Value> args, EvalContext&) {
  if (!args[0].is_string()) {
    return Err(BadType("bytesize", args[0], "a binary"));
  }
  return Value::Int(args[0].size());
}

// Bit `i` (0 = most significant bit of byte 0) of `s`.
inline unsigned BitAt(std::string_view s, uint64_t i) {
  return (static_cast<unsigned char>(s[i >> 3]) >> (7 - (i & 7))) & 1u;
}

FnResult Subbits(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "subbits";
  if (!args[0].is_string()) {
    return Err(BadType(fn, args[0], "a binary"));
  }
  std::string_view bin = args[0].AsString();
  int64_t start = 1;
  int64_t len;
  if (args.size() == 2) {
    if (!args[1].is_int()) return Err(BadType(fn, args[1], "an integer length"));
    len = args[1].AsInt();
  } else {
    if (!args[1].is_int()) return Err(BadType(fn, args[1], "an integer start"));
    if (!args[2].is_int()) return Err(BadType(fn, args[2], "an integer length"));
    start = args[1].AsInt();
    len = args[2].AsInt();
  }
  std::string_view type = "integer", sign = "unsigned", endian = "big";
  std::string_view* opts[3] = {&type, &sign, &endian};
  for (size_t i = 3; i < args.size(); ++i) {
    if (!args[i].is_string()) {
      return Err(BadType(fn, args[i], "an option string"));
    }
    *opts[i - 3] = args[i].AsString();
  }
  if (type != "integer" && type != "float" && type != "bits") {
    return Err(BadArg(fn, "type must be 'integer', 'float' or 'bits'"));
  }
  if (sign != "signed" && sign != "unsigned") {
    return Err(BadArg(fn, "signedness must be 'signed' or 'unsigned'"));
  }
  if (endian != "big" && endian != "little") {
    return Err(BadArg(fn, "endianness must be 'big' or 'little'"));
  }
  const uint64_t total = static_cast<uint64_t>(bin.size()) * 8;
  if (start < 1 || static_cast<uint64_t>(start - 1) >= total) {
    return Value::Undefined();
  }
  const uint64_t begin = static_cast<uint64_t>(start - 1);
  const uint64_t remaining = total - begin;
  const uint64_t n =
      (len < 0 || static_cast<uint64_t>(len) > remaining) ? remaining : static_cast<uint64_t>(len);

  if (type == "bits") {
    size_t bytes = static_cast<size_t>((n + 7) / 8);
    char* out = static_cast<char*>(ctx.arena().Allocate(bytes == 0 ? 1 : bytes, 1));
    std::memset(out, 0, bytes);
    const uint64_t pad = bytes * 8 - n;  // right-align the bits
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t o = pad + i;
      if (BitAt(bin, begin + i)) {
        out[o >> 3] = static_cast<char>(out[o >> 3] | (0x80 >> (o & 7)));
      }
    }
    return Value::StringRef(std::string_view(out, bytes));
  }

  // Gather the bits into byte groups in reading order; for little endian Erlang treats the first
  // whole bytes as least significant and a trailing partial group as the most significant.
  auto value_of = [&](uint64_t count) -> unsigned __int128 {
    unsigned __int128 v = 0;
    if (endian == "big") {
      for (uint64_t i = 0; i < count; ++i) v = (v << 1) | BitAt(bin, begin + i);
      return v;
    }
    uint64_t full = count / 8, rest = count % 8;
    for (uint64_t b = 0; b < full; ++b) {
      unsigned byte = 0;
      for (int k = 0; k < 8; ++k) byte = (byte << 1) | BitAt(bin, begin + b * 8 + k);
      v |= static_cast<unsigned __int128>(byte) << (8 * b);
    }
    unsigned part = 0;
    for (uint64_t k = 0; k < rest; ++k) part = (part << 1) | BitAt(bin, begin + full * 8 + k);
    v |= static_cast<unsigned __int128>(part) << (8 * full);
    return v;
  };

  if (type == "float") {
    if (n != 16 && n != 32 && n != 64) {
      return Err(BadArg(fn, "a float is 16, 32 or 64 bits"));
    }
    uint64_t raw = static_cast<uint64_t>(value_of(n));
    double d;
    if (n == 64) {
      std::memcpy(&d, &raw, 8);
    } else if (n == 32) {
      uint32_t r32 = static_cast<uint32_t>(raw);
      float f;
      std::memcpy(&f, &r32, 4);
      d = f;
    } else {
      const unsigned s = (raw >> 15) & 1, e = (raw >> 10) & 0x1F, m = raw & 0x3FF;
      if (e == 0x1F) {
        d = NAN;
      } else if (e == 0) {
        d = std::ldexp(static_cast<double>(m), -24);
      } else {
        d = std::ldexp(static_cast<double>(m | 0x400), static_cast<int>(e) - 25);
      }
      if (s) d = -d;
    }
    if (!std::isfinite(d)) {
      return Err(BadArg(fn, "the bits are not a finite float"));
    }
    return Value::Float(d);
  }

  if (n > 64) {
    return Err(Failed(fn, "integers wider than 64 bits are not supported"));
  }
  unsigned __int128 v = value_of(n);
  if (sign == "signed" && n > 0 && ((v >> (n - 1)) & 1)) {
    // Sign-extend: value - 2^n.
    __int128 sv = static_cast<__int128>(v) - (static_cast<__int128>(1) << n);
    return Value::Int(static_cast<int64_t>(sv));
  }
  if (v > static_cast<unsigned __int128>(INT64_MAX)) {
    return Err(Failed(fn, "unsigned value does not fit in a 64-bit integer"));
  }
  return Value::Int(static_cast<int64_t>(v));
}

}  // namespace

void RegisterBitsFunctions(FunctionRegistry& r) {
  r.Register("bitnot", 1, 1, Bitnot);
  r.Register("bitand", 2, 2, BitAnd);
  r.Register("bitor", 2, 2, BitOr);
  r.Register("bitxor", 2, 2, BitXor);
  r.Register("bitsl", 2, 2, Bitsl);
  r.Register("bitsr", 2, 2, Bitsr);
  r.Register("bitsize", 1, 1, Bitsize);
  r.Register("bytesize", 1, 1, Bytesize);
  r.Register("subbits", 2, 6, Subbits);
}

}  // namespace mqb::rules
