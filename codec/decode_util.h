// Internal to the codec: helpers shared by the per-packet decoders. Not part of the public API.
#pragma once

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/framer.h"
#include "codec/properties.h"
#include "codec/protocol.h"
#include "codec/wire.h"

namespace mqb::codec::internal {

using wire::kOk;

// Expected low nibble of the first byte for every type but PUBLISH (spec 2.1.3 / 2.2.2).
constexpr uint8_t RequiredFlags(PacketType t) {
  return (t == PacketType::kPubrel || t == PacketType::kSubscribe || t == PacketType::kUnsubscribe)
             ? 0x02
             : 0x00;
}

inline Errc CheckHeader(const Frame& frame, PacketType type, ProtocolVersion version) {
  if (frame.type() != type) return Errc::kInvalidPacketType;
  const uint8_t flags = frame.flags();
  const uint8_t want = RequiredFlags(type);
  if (flags == want) return kOk;
  // MQTT 3.1 senders may set DUP on retried PUBREL / SUBSCRIBE / UNSUBSCRIBE.
  if (version == ProtocolVersion::kV31 && want == 0x02 && flags == 0x0A) return kOk;
  return Errc::kInvalidFixedHeaderFlags;
}

// Property Length + block, validated for `context`.
inline Errc ReadProperties(wire::WireReader& r, PropertyContext context, Properties& out) {
  uint32_t len = 0;
  if (Errc e = r.VarInt(len); e != kOk) return e;
  std::span<const uint8_t> bytes;
  if (Errc e = r.Bytes(len, bytes); e != kOk) return e;
  if (bytes.empty()) {
    out = Properties();
    return kOk;
  }
  auto p = Properties::Parse(bytes, context);
  if (!p.ok()) return p.error();
  out = *p;
  return kOk;
}

inline Errc ReadPacketId(wire::WireReader& r, uint16_t& id) {
  if (Errc e = r.U16(id); e != kOk) return e;
  return id != 0 ? kOk : Errc::kZeroPacketId;
}

inline bool HasWildcardChar(std::string_view s) {
  return std::memchr(s.data(), '+', s.size()) != nullptr ||
         std::memchr(s.data(), '#', s.size()) != nullptr;
}

// Validates a received topic name's characters: UTF-8 (kInvalidUtf8, kUtf8NullCharacter) first,
// then no wildcards (kWildcardInTopicName). One SWAR pass for the common all-ASCII case.
inline Errc CheckTopicNameChars(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  auto check = [&](uint64_t w) {
    return (w & kHigh) | has_zero(w) | has_zero(w ^ (kOnes * '+')) | has_zero(w ^ (kOnes * '#'));
  };
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t bad = 0;
#if defined(__SSE2__)
  if (n >= 16) {
    // 16 bytes at a time: a byte is bad if it is '+', '#', NUL or has its high bit set.
    const __m128i plus = _mm_set1_epi8('+');
    const __m128i hash = _mm_set1_epi8('#');
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    auto add = [&](const char* q) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      acc = _mm_or_si128(
          acc, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, plus), _mm_cmpeq_epi8(v, hash)),
                            _mm_or_si128(_mm_cmpeq_epi8(v, zero), v)));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) add(p + i);
    if (i < n) add(p + n - 16);  // overlapping tail
    bad = static_cast<uint32_t>(_mm_movemask_epi8(acc));
  } else
#endif
      if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      bad |= check(w);
    }
    if (i < n) {  // the last eight bytes, overlapping what was checked already
      uint64_t w;
      std::memcpy(&w, p + n - 8, 8);
      bad |= check(w);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<uint8_t>(p[i]);
      bad |= (c & 0x80) | (c == 0 || c == '+' || c == '#');
    }
  }
  if (MQB_LIKELY(bad == 0)) return kOk;
  auto utf8 = ValidateMqttUtf8(s);
  if (!utf8.ok()) return utf8.error();
  return HasWildcardChar(s) ? Errc::kWildcardInTopicName : kOk;
}

}  // namespace mqb::codec::internal
