// Internal to the codec: bounds-checked readers and unchecked writers of MQTT data types
// (docs/codec.md, "Data types"). Not part of the public API.
//
// WireReader never reads outside its span; each Read* returns Errc{} (kOk) or the error, and
// leaves the reader position unspecified on error. WireWriter writes into memory the caller has
// sized beforehand (the encoder computes exact sizes first).
//
// Thread-safety: distinct objects safe, shared objects unsafe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "base/macros.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"
#include "codec/utf8.h"

namespace mqb::codec::wire {

inline constexpr Errc kOk = Errc{};

// Decodes a Variable Byte Integer from [p, end). On success stores the value and the byte count.
// Errors: kNeedMoreBytes if the input ends inside it, kMalformedVarInt if it is longer than four
// bytes or not in its minimal form [MQTT-1.5.5-1].
inline Errc DecodeVarInt(const uint8_t* p, const uint8_t* end, uint32_t& value, size_t& size) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (p + i >= end) return Errc::kNeedMoreBytes;
    const uint8_t b = p[i];
    v |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) return Errc::kMalformedVarInt;  // non-minimal: trailing 0x00 byte
      value = v;
      size = i + 1;
      return kOk;
    }
  }
  return Errc::kMalformedVarInt;
}

class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  const uint8_t* pos() const { return p_; }

  [[nodiscard]] Errc U8(uint8_t& v) {
    if (MQB_UNLIKELY(p_ == end_)) return Errc::kTruncated;
    v = *p_++;
    return kOk;
  }
  [[nodiscard]] Errc U16(uint16_t& v) {
    if (MQB_UNLIKELY(remaining() < 2)) return Errc::kTruncated;
    v = static_cast<uint16_t>((p_[0] << 8) | p_[1]);
    p_ += 2;
    return kOk;
  }
  [[nodiscard]] Errc U32(uint32_t& v) {
    if (MQB_UNLIKELY(remaining() < 4)) return Errc::kTruncated;
    v = (uint32_t{p_[0]} << 24) | (uint32_t{p_[1]} << 16) | (uint32_t{p_[2]} << 8) | p_[3];
    p_ += 4;
    return kOk;
  }
  [[nodiscard]] Errc VarInt(uint32_t& v) {
    size_t n = 0;
    Errc e = DecodeVarInt(p_, end_, v, n);
    if (MQB_UNLIKELY(e != kOk)) return e == Errc::kNeedMoreBytes ? Errc::kTruncated : e;
    p_ += n;
    return kOk;
  }
  [[nodiscard]] Errc Bytes(size_t n, std::span<const uint8_t>& out) {
    if (MQB_UNLIKELY(remaining() < n)) return Errc::kTruncated;
    out = {p_, n};
    p_ += n;
    return kOk;
  }
  // Two-byte length + bytes.
  [[nodiscard]] Errc Binary(std::span<const uint8_t>& out) {
    uint16_t n;
    if (Errc e = U16(n); MQB_UNLIKELY(e != kOk)) return e;
    return Bytes(n, out);
  }
  // Two-byte length + UTF-8, validated.
  [[nodiscard]] Errc String(std::string_view& out) {
    std::span<const uint8_t> b;
    if (Errc e = Binary(b); MQB_UNLIKELY(e != kOk)) return e;
    out = {reinterpret_cast<const char*>(b.data()), b.size()};
    auto r = ValidateMqttUtf8(out);
    return r.ok() ? kOk : r.error();
  }
  // The rest of the input.
  std::span<const uint8_t> Rest() {
    std::span<const uint8_t> r{p_, remaining()};
    p_ = end_;
    return r;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// Writes into caller-sized memory. REQUIRES: enough room for every Put* (not checked).
class WireWriter {
 public:
  explicit WireWriter(uint8_t* p) : p_(p) {}
  uint8_t* pos() const { return p_; }
  void U8(uint8_t v) { *p_++ = v; }
  void U16(uint16_t v) {
    p_[0] = static_cast<uint8_t>(v >> 8);
    p_[1] = static_cast<uint8_t>(v);
    p_ += 2;
  }
  void U32(uint32_t v) {
    p_[0] = static_cast<uint8_t>(v >> 24);
    p_[1] = static_cast<uint8_t>(v >> 16);
    p_[2] = static_cast<uint8_t>(v >> 8);
    p_[3] = static_cast<uint8_t>(v);
    p_ += 4;
  }
  void VarInt(uint32_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      if (v != 0) b |= 0x80;
      *p_++ = b;
    } while (v != 0);
  }
  void Bytes(const void* data, size_t n) {
    if (n != 0) std::memcpy(p_, data, n);
    p_ += n;
  }
  void Binary(std::span<const uint8_t> b) {
    U16(static_cast<uint16_t>(b.size()));
    Bytes(b.data(), b.size());
  }
  void String(std::string_view s) {
    U16(static_cast<uint16_t>(s.size()));
    Bytes(s.data(), s.size());
  }

 private:
  uint8_t* p_;
};

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace mqb::codec::wire
