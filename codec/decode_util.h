// Internal to the codec: helpers shared by the per-packet decoders. Not part of the public API.
#pragma once

#include <cstring>

#include "codec/framer.h"
#include "codec/properties.h"
#include "codec/protocol.h"
#include "codec/wire.h"

namespace mqb::codec::internal {

using wire::kOk;

// Expected low nibble of the first byte for every type but PUBLISH (spec 2.1.3 / 2.2.2).
constexpr uint8_t RequiredFlags(PacketType t) {
  return (t == PacketType::kPubrel || t == PacketType::kSubscribe ||
          t == PacketType::kUnsubscribe)
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

}  // namespace mqb::codec::internal
