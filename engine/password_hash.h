// Password hashing shared by the broker's password file and the management API's users and API
// keys: "$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>", PBKDF2-HMAC-SHA256 (wolfCrypt
// wc_PBKDF2) over a 16-byte random salt with a 32-byte output; the iteration count is part of
// the text, so it can be raised for new hashes without invalidating old ones.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mqb::engine {

inline constexpr uint32_t kDefaultPbkdf2Iterations = 100'000;

// A hash of `password` with a fresh random salt.
Result<std::string, std::string> HashPassword(std::string_view password,
                                              uint32_t iterations = kDefaultPbkdf2Iterations);
// True if `password` matches `encoded` (constant-time comparison of the hashes). False for an
// encoded string that is not well formed.
bool VerifyPassword(std::string_view encoded, std::span<const uint8_t> password);
// True if `encoded` has the form above (used when loading stored hashes).
bool IsPasswordHash(std::string_view encoded);
// A well-formed hash that no password matches: verifying against it costs what a real check
// costs, so an unknown user takes as long as a wrong password.
std::string UnmatchablePasswordHash(uint32_t iterations);

// Lower-case hex, and back (false for odd length or a non-hex digit).
std::string Hex(std::span<const uint8_t> bytes);
bool Unhex(std::string_view hex, std::vector<uint8_t>& out);

}  // namespace mqb::engine
