// Hash functions on wolfCrypt: md5 sha sha256 and hash(Algorithm, Data), all returning the
// lower-case hex digest. hash() knows md5, sha (= sha1), sha224, sha256, sha384, sha512,
// sha3_224, sha3_256, sha3_384, sha3_512, blake2b (64-byte digest) and blake2s (32-byte digest);
// any other name is a bad argument (EMQX: unknown_hash_algorithm).
#include "rules/functions/families.h"
#include "rules/functions/util.h"

#ifdef MQB_RULES_HAVE_WOLFSSL
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/blake2.h>
#include <wolfssl/wolfcrypt/hash.h>
#endif

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

#ifdef MQB_RULES_HAVE_WOLFSSL

// Digest of `data` with `alg` into `out` (64 bytes); its length, or 0 if `alg` is unknown / the
// hash failed.
size_t Digest(std::string_view alg, std::string_view data, unsigned char* out) {
  const auto* in = reinterpret_cast<const byte*>(data.data());
  const auto len = static_cast<word32>(data.size());
  struct OneShot {
    std::string_view name;
    int (*fn)(const byte*, word32, byte*);
    size_t size;
  };
  static const OneShot kOneShots[] = {
      {"md5", wc_Md5Hash, 16},           {"sha", wc_ShaHash, 20},
      {"sha1", wc_ShaHash, 20},          {"sha224", wc_Sha224Hash, 28},
      {"sha256", wc_Sha256Hash, 32},     {"sha384", wc_Sha384Hash, 48},
      {"sha512", wc_Sha512Hash, 64},     {"sha3_224", wc_Sha3_224Hash, 28},
      {"sha3_256", wc_Sha3_256Hash, 32}, {"sha3_384", wc_Sha3_384Hash, 48},
      {"sha3_512", wc_Sha3_512Hash, 64},
  };
  for (const OneShot& h : kOneShots) {
    if (h.name == alg) {
      return h.fn(in, len, out) == 0 ? h.size : 0;
    }
  }
  if (alg == "blake2b") {
    Blake2b b;
    if (wc_InitBlake2b(&b, 64) != 0 || wc_Blake2bUpdate(&b, in, len) != 0 ||
        wc_Blake2bFinal(&b, out, 64) != 0) {
      return 0;
    }
    return 64;
  }
  if (alg == "blake2s") {
    Blake2s s;
    if (wc_InitBlake2s(&s, 32) != 0 || wc_Blake2sUpdate(&s, in, len) != 0 ||
        wc_Blake2sFinal(&s, out, 32) != 0) {
      return 0;
    }
    return 32;
  }
  return 0;
}

FnResult HexDigest(std::string_view fn, std::string_view alg, const Value& data, EvalContext& ctx) {
  if (!data.is_string()) return Err(BadType(fn, data, "a binary"));
  unsigned char digest[64];
  size_t n = Digest(alg, data.AsString(), digest);
  if (n == 0) return Err(BadArg(fn, "unknown_hash_algorithm"));
  char* out = static_cast<char*>(ctx.arena().Allocate(n * 2, 1));
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 15];
  }
  return Value::StringRef(std::string_view(out, n * 2));
}

FnResult Md5(std::span<const Value> args, EvalContext& ctx) {
  return HexDigest("md5", "md5", args[0], ctx);
}
FnResult Sha(std::span<const Value> args, EvalContext& ctx) {
  return HexDigest("sha", "sha", args[0], ctx);
}
FnResult Sha256(std::span<const Value> args, EvalContext& ctx) {
  return HexDigest("sha256", "sha256", args[0], ctx);
}
FnResult Hash(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) return Err(BadType("hash", args[0], "an algorithm name"));
  return HexDigest("hash", args[0].AsString(), args[1], ctx);
}

#else  // !MQB_RULES_HAVE_WOLFSSL

FnResult NoCrypto(std::span<const Value>, EvalContext&) {
  return Err(EvalError::NotSupported("hash functions need wolfSSL, not linked in this build"));
}
constexpr auto Md5 = NoCrypto;
constexpr auto Sha = NoCrypto;
constexpr auto Sha256 = NoCrypto;
constexpr auto Hash = NoCrypto;

#endif

}  // namespace

void RegisterHashFunctions(FunctionRegistry& r) {
  r.Register("md5", 1, 1, Md5);
  r.Register("sha", 1, 1, Sha);
  r.Register("sha256", 1, 1, Sha256);
  r.Register("hash", 2, 2, Hash);
}

}  // namespace mqb::rules
