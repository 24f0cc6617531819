// Miscellaneous functions: random uuid_v4 uuid_v4_no_hyphen getenv, and the EMQX functions
// mqbridge does not provide, registered so that a rule using them gets a clear
// "not supported" error: proc_dict_get/put/del, kv_store_get/put/del (node-local mutable state),
// schema_decode/schema_encode/schema_check, avro_decode/avro_encode,
// sparkplug_decode/sparkplug_encode/spb_decode/spb_encode (schema registry).
#include <random>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadType;
using functions::FnResult;

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }());
  return rng;
}

// random(): a float in [0, 1).
FnResult Random(std::span<const Value>, EvalContext&) {
  return Value::Float(static_cast<double>(Rng()() >> 11) * 0x1.0p-53);
}

FnResult Uuid(EvalContext& ctx, bool hyphens) {
  uint64_t hi = Rng()(), lo = Rng()();
  hi = (hi & ~0xF000ull) | 0x4000ull;                  // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);  // RFC 4122 variant
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  char* out = static_cast<char*>(ctx.arena().Allocate(36, 1));
  size_t o = 0;
  for (int i = 0; i < 16; ++i) {
    if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10)) out[o++] = '-';
    out[o++] = kDigits[bytes[i] >> 4];
    out[o++] = kDigits[bytes[i] & 15];
  }
  return Value::StringRef(std::string_view(out, o));
}
FnResult UuidV4(std::span<const Value>, EvalContext& ctx) { return Uuid(ctx, true); }
FnResult UuidV4NoHyphen(std::span<const Value>, EvalContext& ctx) { return Uuid(ctx, false); }

// getenv(Name): the value of the OS environment variable EMQXVAR_<Name>, "" if unset.
FnResult Getenv(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) return Err(BadType("getenv", args[0], "a variable name"));
  std::string& name = functions::Scratch();
  name.append("EMQXVAR_");
  name.append(args[0].AsString());
  auto v = ctx.GetEnv(name);
  return v ? functions::ArenaString(ctx, *v) : Value::StringRef(std::string_view());
}

FnResult NotSupported(std::span<const Value>, EvalContext&) {
  return Err(EvalError::NotSupported(
      "this EMQX function (process dictionary, kv store, schema registry) is not supported by "
      "mqbridge"));
}

}  // namespace

void RegisterMiscFunctions(FunctionRegistry& r) {
  r.Register("random", 0, 0, Random, false);
  r.Register("uuid_v4", 0, 0, UuidV4, false);
  r.Register("uuid_v4_no_hyphen", 0, 0, UuidV4NoHyphen, false);
  r.Register("getenv", 1, 1, Getenv, false);
  struct Unsupported {
    std::string_view name;
    int min, max;
  };
  static constexpr Unsupported kUnsupported[] = {
      {"proc_dict_get", 1, 1},    {"proc_dict_put", 2, 2}, {"proc_dict_del", 1, 1},
      {"kv_store_get", 1, 2},     {"kv_store_put", 2, 2},  {"kv_store_del", 1, 1},
      {"schema_decode", 2, 3},    {"schema_encode", 2, 3}, {"schema_check", 2, 2},
      {"avro_decode", 2, 2},      {"avro_encode", 2, 2},   {"sparkplug_decode", 1, 2},
      {"sparkplug_encode", 1, 2}, {"spb_decode", 1, 2},    {"spb_encode", 1, 2},
  };
  for (const Unsupported& u : kUnsupported) {
    r.Register(u.name, u.min, u.max, NotSupported, false);
  }
}

}  // namespace mqb::rules
