// Helpers shared by the codec tests: byte vectors, encode-to-vector, decode-from-vector.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/packet.h"

namespace mqb::codec::test {

using Bytes = std::vector<uint8_t>;

inline std::span<const uint8_t> Span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view Str(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline std::string Hex(std::span<const uint8_t> b) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += k[c >> 4];
    s += k[c & 15];
    s += ' ';
  }
  return s;
}

// Encodes `p` with Encode() and checks that EncodedSize() and EncodeParts() agree with it.
template <typename P>
Bytes EncodeToVector(const P& p, ProtocolVersion v) {
  const Packet packet(p);
  auto size = EncodedSize(packet, v);
  EXPECT_TRUE(size.ok()) << (size.ok() ? "" : ErrcName(size.error()));
  if (!size.ok()) return {};
  Bytes out(*size);
  auto n = Encode(packet, v, out);
  EXPECT_TRUE(n.ok());
  if (!n.ok()) return {};
  EXPECT_EQ(*n, *size);
  // The gather form produces the same bytes.
  auto head_size = HeadSize(packet, v);
  EXPECT_TRUE(head_size.ok());
  Bytes head(*head_size);
  auto parts = EncodeParts(packet, v, head);
  EXPECT_TRUE(parts.ok());
  if (parts.ok()) {
    Bytes joined(parts->head.begin(), parts->head.end());
    joined.insert(joined.end(), parts->payload.begin(), parts->payload.end());
    EXPECT_EQ(joined, out);
  }
  // One byte less than needed is refused.
  if (!out.empty()) {
    Bytes small(out.size() - 1);
    auto r = Encode(packet, v, small);
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_EQ(r.error(), Errc::kBufferTooSmall);
    }
  }
  return out;
}

// Decodes one whole packet of type P; fails the test if it does not decode to P.
template <typename P>
P DecodeAs(const Bytes& bytes, ProtocolVersion v) {
  auto r = DecodePacket(bytes, v);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : ErrcName(r.error()));
  if (!r.ok()) return P{};
  EXPECT_TRUE(std::holds_alternative<P>(*r));
  if (!std::holds_alternative<P>(*r)) return P{};
  return std::get<P>(*r);
}

// Round trip: decoding `golden` and encoding the result gives `golden` back.
inline void ExpectReencodes(const Bytes& golden, ProtocolVersion v) {
  auto r = DecodePacket(golden, v);
  ASSERT_TRUE(r.ok()) << ErrcName(r.error());
  auto size = EncodedSize(*r, v);
  ASSERT_TRUE(size.ok()) << ErrcName(size.error());
  Bytes out(*size);
  auto n = Encode(*r, v, out);
  ASSERT_TRUE(n.ok()) << ErrcName(n.error());
  EXPECT_EQ(Hex(out), Hex(golden));
}

// Error of decoding `bytes` as one packet (kUnspecifiedError if it decoded).
inline Errc DecodeError(const Bytes& bytes, ProtocolVersion v) {
  auto r = DecodePacket(bytes, v);
  return r.ok() ? Errc::kUnspecifiedError : r.error();
}

}  // namespace mqb::codec::test
