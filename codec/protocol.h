// MQTT protocol vocabulary shared by every packet: versions, packet types, QoS, size limits.
//
// Wire format notes: docs/codec.md ("Fixed header").
//
// Thread-safety: constants and pure functions only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mqb::codec {

// The "Protocol Level" byte of CONNECT. Values are the wire values.
enum class ProtocolVersion : uint8_t {
  kV31 = 3,   // MQTT 3.1 (protocol name "MQIsdp")
  kV311 = 4,  // MQTT 3.1.1
  kV5 = 5,    // MQTT 5.0
};

// Control packet type: the high nibble of the first fixed-header byte. Values are wire values.
enum class PacketType : uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,  // MQTT 5.0 only
};

enum class QoS : uint8_t {
  kAtMostOnce = 0,
  kAtLeastOnce = 1,
  kExactlyOnce = 2,
};

// Largest Remaining Length a four-byte Variable Byte Integer can carry (256 MiB - 1).
inline constexpr uint32_t kMaxRemainingLength = 268'435'455;
// Largest value of any Variable Byte Integer (same bound).
inline constexpr uint32_t kMaxVarInt = kMaxRemainingLength;
// Fixed header: one type/flags byte plus 1..4 bytes of Remaining Length.
inline constexpr size_t kMaxFixedHeaderSize = 5;
// Largest possible packet: fixed header + maximum Remaining Length.
inline constexpr size_t kMaxPacketSize = kMaxFixedHeaderSize + kMaxRemainingLength;
// Strings and binary data carry a two-byte length prefix.
inline constexpr size_t kMaxStringSize = 65'535;

// Number of bytes the Variable Byte Integer encoding of `v` takes (1..4). REQUIRES: v <=
// kMaxVarInt.
constexpr size_t VarIntSize(uint32_t v) {
  return v < 128 ? 1 : v < 16'384 ? 2 : v < 2'097'152 ? 3 : 4;
}

constexpr bool IsValidQoS(uint8_t q) { return q <= 2; }

// Printable names ("PUBLISH", "3.1.1", ...) for logs; never nullptr.
const char* PacketTypeName(PacketType type);
const char* ProtocolVersionName(ProtocolVersion version);

}  // namespace mqb::codec
