// Parsing of the human units used in configuration: durations ("45s", "100ms", "1m", "1h",
// "infinity") and byte sizes ("256MB", "64KB", "1GB"; 1KB = 1024 bytes, as EMQX).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqb::engine {

// A duration of "infinity" is represented by Duration::max().
using Duration = std::chrono::milliseconds;

// Parses "<number><unit>" with unit one of ms, s, m, h, d, or the word "infinity". A number
// without a unit is rejected (is "60" seconds or milliseconds?). Returns nullopt for anything
// else, negative values or overflow.
std::optional<Duration> ParseDuration(std::string_view text);

// Parses "<number>[B|KB|MB|GB]" (case-insensitive; a bare number is bytes). nullopt when invalid.
std::optional<uint64_t> ParseByteSize(std::string_view text);

}  // namespace mqb::engine
