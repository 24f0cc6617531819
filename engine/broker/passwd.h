// Password hashing for the broker's password file, and the `mqbridge passwd` operation.
//
// File format: one user per line, "username:$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>";
// blank lines and lines starting with '#' are ignored. Hashes are engine/password_hash.h's.
// User names may not contain ':'.
//
// Thread-safety: pure functions (AddPasswordFileUser rewrites the file; do not run two at once
// on the same file).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/password_hash.h"

namespace mqb::engine::broker {

// Adds `user` to the password file at `path`, or replaces its hash; creates the file (mode 0600)
// if missing. Errors are human readable.
Result<void, std::string> AddPasswordFileUser(const std::string& path, std::string_view user,
                                              std::string_view password,
                                              uint32_t iterations = kDefaultPbkdf2Iterations);
// Removes `user`; an error if absent.
Result<void, std::string> RemovePasswordFileUser(const std::string& path, std::string_view user);

}  // namespace mqb::engine::broker
