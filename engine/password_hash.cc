#include "engine/password_hash.h"

#include <sys/random.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/pwdbased.h>

#include <array>

namespace mqb::engine {
namespace {

constexpr std::string_view kScheme = "$pbkdf2-sha256$";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;
constexpr uint32_t kMaxIterations = 10'000'000;

bool Derive(std::span<const uint8_t> password, std::span<const uint8_t> salt, uint32_t iterations,
            std::span<uint8_t> out) {
  if (iterations == 0 || iterations > kMaxIterations) return false;
  return wc_PBKDF2(out.data(), password.data(), static_cast<int>(password.size()), salt.data(),
                   static_cast<int>(salt.size()), static_cast<int>(iterations),
                   static_cast<int>(out.size()), WC_SHA256) == 0;
}

struct Parsed {
  uint32_t iterations = 0;
  std::vector<uint8_t> salt, hash;
};

bool Parse(std::string_view encoded, Parsed& h) {
  if (encoded.substr(0, kScheme.size()) != kScheme) return false;
  encoded.remove_prefix(kScheme.size());
  size_t d1 = encoded.find('$');
  if (d1 == std::string_view::npos || d1 == 0) return false;
  size_t d2 = encoded.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  h.iterations = 0;
  for (char c : encoded.substr(0, d1)) {
    if (c < '0' || c > '9' || h.iterations > kMaxIterations) return false;
    h.iterations = h.iterations * 10 + static_cast<uint32_t>(c - '0');
  }
  return h.iterations > 0 && h.iterations <= kMaxIterations &&
         Unhex(encoded.substr(d1 + 1, d2 - d1 - 1), h.salt) &&
         Unhex(encoded.substr(d2 + 1), h.hash) && h.hash.size() <= 64;
}

}  // namespace

std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

bool Unhex(std::string_view hex, std::vector<uint8_t>& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  out.clear();
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return true;
}

Result<std::string, std::string> HashPassword(std::string_view password, uint32_t iterations) {
  std::array<uint8_t, kSaltSize> salt;
  if (getrandom(salt.data(), salt.size(), 0) != static_cast<ssize_t>(salt.size())) {
    return Err(std::string("getrandom failed"));
  }
  std::array<uint8_t, kHashSize> hash;
  if (!Derive({reinterpret_cast<const uint8_t*>(password.data()), password.size()}, salt,
              iterations, hash)) {
    return Err(std::string("PBKDF2 failed"));
  }
  return std::string(kScheme) + std::to_string(iterations) + "$" + Hex(salt) + "$" + Hex(hash);
}

bool VerifyPassword(std::string_view encoded, std::span<const uint8_t> password) {
  Parsed h;
  if (!Parse(encoded, h)) return false;
  const std::vector<uint8_t>& expected = h.hash;
  std::array<uint8_t, 64> actual{};
  std::span<uint8_t> out(actual.data(), expected.size());
  if (!Derive(password, h.salt, h.iterations, out)) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < expected.size(); ++i) diff |= static_cast<uint8_t>(out[i] ^ expected[i]);
  return diff == 0;
}

bool IsPasswordHash(std::string_view encoded) {
  Parsed h;
  return Parse(encoded, h);
}

std::string UnmatchablePasswordHash(uint32_t iterations) {
  // An all-zero output: PBKDF2 yields it for no password in practice.
  return std::string(kScheme) + std::to_string(iterations) + "$" + std::string(kSaltSize * 2, '0') +
         "$" + std::string(kHashSize * 2, '0');
}

}  // namespace mqb::engine
