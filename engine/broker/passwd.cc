#include "engine/broker/passwd.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/pwdbased.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace mqb::engine::broker {
namespace {

constexpr std::string_view kScheme = "$pbkdf2-sha256$";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;

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
  if (hex.size() % 2 != 0) return false;
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

bool Derive(std::span<const uint8_t> password, std::span<const uint8_t> salt, uint32_t iterations,
            std::span<uint8_t> out) {
  if (iterations == 0 || iterations > 10'000'000) return false;
  return wc_PBKDF2(out.data(), password.data(), static_cast<int>(password.size()), salt.data(),
                   static_cast<int>(salt.size()), static_cast<int>(iterations),
                   static_cast<int>(out.size()), WC_SHA256) == 0;
}

Result<std::vector<std::string>, std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  if (!in) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return lines;  // a new file
    return Err(std::string("cannot read ") + path);
  }
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

Result<void, std::string> WriteLines(const std::string& path,
                                     const std::vector<std::string>& lines) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Err("cannot write " + tmp);
  chmod(tmp.c_str(), 0600);
  for (const std::string& l : lines) std::fprintf(f, "%s\n", l.c_str());
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Err("cannot write " + path);
  }
  return {};
}

}  // namespace

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
  if (encoded.substr(0, kScheme.size()) != kScheme) return false;
  encoded.remove_prefix(kScheme.size());
  size_t d1 = encoded.find('$');
  if (d1 == std::string_view::npos) return false;
  size_t d2 = encoded.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  uint32_t iterations = 0;
  for (char c : encoded.substr(0, d1)) {
    if (c < '0' || c > '9' || iterations > 100'000'000) return false;
    iterations = iterations * 10 + static_cast<uint32_t>(c - '0');
  }
  std::vector<uint8_t> salt, expected;
  if (!Unhex(encoded.substr(d1 + 1, d2 - d1 - 1), salt) ||
      !Unhex(encoded.substr(d2 + 1), expected) || expected.empty() || expected.size() > 64) {
    return false;
  }
  std::array<uint8_t, 64> actual{};
  std::span<uint8_t> out(actual.data(), expected.size());
  if (!Derive(password, salt, iterations, out)) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < expected.size(); ++i) diff |= static_cast<uint8_t>(out[i] ^ expected[i]);
  return diff == 0;
}

Result<void, std::string> AddPasswordFileUser(const std::string& path, std::string_view user,
                                              std::string_view password, uint32_t iterations) {
  if (user.empty() || user.find(':') != std::string_view::npos ||
      user.find('\n') != std::string_view::npos) {
    return Err(std::string("invalid user name (empty, or contains ':' or a newline)"));
  }
  auto hash = HashPassword(password, iterations);
  if (!hash.ok()) return Err(hash.error());
  auto lines = ReadLines(path);
  if (!lines.ok()) return Err(lines.error());
  std::string entry = std::string(user) + ":" + hash.value();
  bool replaced = false;
  for (std::string& l : lines.value()) {
    if (l.size() > user.size() && l.compare(0, user.size(), user) == 0 && l[user.size()] == ':') {
      l = entry;
      replaced = true;
    }
  }
  if (!replaced) lines.value().push_back(entry);
  return WriteLines(path, lines.value());
}

Result<void, std::string> RemovePasswordFileUser(const std::string& path, std::string_view user) {
  auto lines = ReadLines(path);
  if (!lines.ok()) return Err(lines.error());
  std::vector<std::string> kept;
  bool found = false;
  for (std::string& l : lines.value()) {
    if (l.size() > user.size() && l.compare(0, user.size(), user) == 0 && l[user.size()] == ':') {
      found = true;
    } else {
      kept.push_back(std::move(l));
    }
  }
  if (!found) return Err("no user '" + std::string(user) + "' in " + path);
  return WriteLines(path, kept);
}

}  // namespace mqb::engine::broker
