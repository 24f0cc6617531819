// Encoding packets into caller-provided memory.
//
// No heap allocation, no exceptions. Two ways to produce a packet:
//  - Encode(packet, version, out): the whole packet into `out` (returns bytes written), so many
//    packets can be coalesced into one send buffer. EncodedSize() tells how much room it needs.
//  - EncodeParts(packet, version, head): everything except a PUBLISH payload into `head`, and the
//    payload returned as a view, ready for a two-element iovec {head, payload} (writev / io_uring
//    sendmsg) without copying the payload. For other packet types `payload` is empty.
//
// Version differences: fields the version lacks are omitted (properties and 5.0 reason codes in
// 3.x); 5.0 acks/DISCONNECT/AUTH use the short forms when the reason code is Success and there
// are no properties. AUTH cannot be encoded before 5.0 (kInvalidPacketType).
//
// Validation: cheap structural checks only (QoS range, packet id non-zero where required,
// string/binary <= 65535 bytes, remaining length <= 256 MiB, non-empty SUBSCRIBE lists, reason
// codes valid for the packet). Topic and UTF-8 content are NOT validated here; use topic.h when
// the data does not come from a decoded packet.
//
// Wire format: docs/codec.md.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "codec/packet.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// Total size of the encoded packet (fixed header included).
Result<size_t, Errc> EncodedSize(const Packet& packet, ProtocolVersion version);
Result<size_t, Errc> EncodedSize(const Publish& publish, ProtocolVersion version);

// Writes the packet into `out`; returns the number of bytes written. kBufferTooSmall if `out` is
// shorter than EncodedSize() (nothing useful is left in `out` then).
Result<size_t, Errc> Encode(const Packet& packet, ProtocolVersion version, std::span<uint8_t> out);
Result<size_t, Errc> Encode(const Publish& publish, ProtocolVersion version,
                            std::span<uint8_t> out);

// Encoding split for gather writes.
struct EncodedParts {
  std::span<const uint8_t> head;     // within the caller's `head` buffer
  std::span<const uint8_t> payload;  // the PUBLISH payload (a view of the caller's data) or empty
  size_t size() const { return head.size() + payload.size(); }
};
// Size `head` needs for EncodeParts().
Result<size_t, Errc> HeadSize(const Packet& packet, ProtocolVersion version);
Result<size_t, Errc> HeadSize(const Publish& publish, ProtocolVersion version);
Result<EncodedParts, Errc> EncodeParts(const Packet& packet, ProtocolVersion version,
                                       std::span<uint8_t> head);
Result<EncodedParts, Errc> EncodeParts(const Publish& publish, ProtocolVersion version,
                                       std::span<uint8_t> head);

// The fixed header alone: type/flags byte and Remaining Length. Returns its size (2..5).
// REQUIRES: remaining_length <= kMaxRemainingLength.
struct EncodedFixedHeader {
  std::array<uint8_t, kMaxFixedHeaderSize> bytes{};
  uint8_t size = 0;
  std::span<const uint8_t> view() const { return {bytes.data(), size}; }
};
EncodedFixedHeader EncodeFixedHeader(uint8_t first_byte, uint32_t remaining_length);

// The first fixed-header byte of a PUBLISH with these flags.
constexpr uint8_t PublishFirstByte(bool dup, QoS qos, bool retain) {
  return static_cast<uint8_t>(0x30 | (dup ? 0x08 : 0) | (static_cast<uint8_t>(qos) << 1) |
                              (retain ? 0x01 : 0));
}

}  // namespace mqb::codec
