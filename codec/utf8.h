// UTF-8 validation for MQTT strings (3.1.1 / 5.0 section 1.5.4): well-formed UTF-8 (RFC 3629: no
// overlong forms, no code points above U+10FFFF), no surrogates U+D800..U+DFFF, no U+0000.
// Other control characters and non-characters are accepted (the specs allow receivers to accept
// them). ASCII runs are checked eight bytes at a time.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/result.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// The full validator (any input). Errors: kUtf8NullCharacter, kInvalidUtf8.
Result<void, Errc> ValidateMqttUtf8Slow(std::string_view s);

// True if `s` is all ASCII without NUL (checked eight bytes at a time).
inline bool IsPlainAscii(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t bad = 0;
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      bad |= (w & kHigh) | ((w - kOnes) & ~w & kHigh);
    }
    if (i < n) {  // the last eight bytes, overlapping what was checked already
      uint64_t w;
      std::memcpy(&w, p + n - 8, 8);
      bad |= (w & kHigh) | ((w - kOnes) & ~w & kHigh);
    }
  } else if (n >= 4) {  // two overlapping four-byte words
    constexpr uint32_t kOnes32 = 0x01010101u, kHigh32 = 0x80808080u;
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    bad = (a & kHigh32) | ((a - kOnes32) & ~a & kHigh32) | (b & kHigh32) |
          ((b - kOnes32) & ~b & kHigh32);
  } else {
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<uint8_t>(p[i]);
      bad |= (c & 0x80) | (c == 0 ? 0x80 : 0);
    }
  }
  return bad == 0;
}

// Errors: kUtf8NullCharacter, kInvalidUtf8. Inline ASCII fast path, out-of-line otherwise.
inline Result<void, Errc> ValidateMqttUtf8(std::string_view s) {
  if (IsPlainAscii(s)) return Ok<Errc>();
  return ValidateMqttUtf8Slow(s);
}

}  // namespace mqb::codec
