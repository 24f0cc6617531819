#include "codec/utf8.h"

#include <cstdint>
#include <cstring>

#include "base/macros.h"

namespace mqb::codec {

Result<void, Errc> ValidateMqttUtf8Slow(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* const end = p + s.size();
  while (p < end) {
    // Fast path: eight ASCII bytes with no NUL.
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      constexpr uint64_t kHigh = 0x8080808080808080ULL;
      constexpr uint64_t kOnes = 0x0101010101010101ULL;
      const bool has_zero = ((w - kOnes) & ~w & kHigh) != 0;
      if (MQB_LIKELY((w & kHigh) == 0 && !has_zero)) {
        p += 8;
        continue;
      }
    }
    const uint8_t c = *p;
    if (c < 0x80) {
      if (MQB_UNLIKELY(c == 0)) return Err(Errc::kUtf8NullCharacter);
      ++p;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return Err(Errc::kInvalidUtf8);  // continuation byte, overlong lead C0/C1, or > F4
    }
    if (static_cast<size_t>(end - p) < n) return Err(Errc::kInvalidUtf8);
    for (size_t i = 1; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return Err(Errc::kInvalidUtf8);
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Err(Errc::kInvalidUtf8);
    }
    p += n;
  }
  return Ok<Errc>();
}

}  // namespace mqb::codec
