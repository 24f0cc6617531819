// Password hashing for the broker's password file, and the `mqbridge passwd` operation.
//
// File format: one user per line, "username:$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>";
// blank lines and lines starting with '#' are ignored. Hashes are PBKDF2-HMAC-SHA256 (wolfCrypt
// wc_PBKDF2) over a 16-byte random salt, 32-byte output. User names may not contain ':'.
//
// Thread-safety: pure functions (AddPasswordFileUser rewrites the file; do not run two at once
// on the same file).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mqb::engine::broker {

inline constexpr uint32_t kDefaultPbkdf2Iterations = 100'000;

// "$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" for `password` with a fresh random salt.
Result<std::string, std::string> HashPassword(std::string_view password,
                                              uint32_t iterations = kDefaultPbkdf2Iterations);
// True if `password` matches `encoded` (constant-time comparison of the hashes). False for an
// encoded string that is not well formed.
bool VerifyPassword(std::string_view encoded, std::span<const uint8_t> password);

// Adds `user` to the password file at `path`, or replaces its hash; creates the file (mode 0600)
// if missing. Errors are human readable.
Result<void, std::string> AddPasswordFileUser(const std::string& path, std::string_view user,
                                              std::string_view password,
                                              uint32_t iterations = kDefaultPbkdf2Iterations);
// Removes `user`; an error if absent.
Result<void, std::string> RemovePasswordFileUser(const std::string& path, std::string_view user);

}  // namespace mqb::engine::broker
