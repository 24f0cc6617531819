// CONNECT (MQTT 3.1 / 3.1.1 / 5.0): the first packet a client sends.
//
// Wire format: docs/codec.md, "CONNECT". A decoded Connect is a set of views into the frame it
// was decoded from; the frame's bytes must outlive it. For encoding, the views point at the
// caller's data. Fields that a protocol version lacks (properties before 5.0) are ignored when
// encoding that version and empty when decoding it. Encode(connect, v) requires
// v == connect.version (else kUnsupportedProtocolVersion); Decode reads the version from the
// packet.
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "codec/properties.h"
#include "codec/protocol.h"

namespace mqb::codec {

struct Will {
  QoS qos = QoS::kAtMostOnce;
  bool retain = false;
  Properties properties;   // 5.0 Will Properties (PropertyContext::kWill)
  std::string_view topic;  // a valid topic name (no wildcards)
  std::span<const uint8_t> payload;
};

struct Connect {
  // Protocol level; the protocol name follows from it ("MQIsdp" for 3.1, else "MQTT").
  ProtocolVersion version = ProtocolVersion::kV311;
  // Bridge extension (mosquitto's try_private): protocol level byte has 0x80 set. 3.x only.
  bool bridge = false;
  // "Clean Session" in 3.x, "Clean Start" in 5.0.
  bool clean_start = true;
  uint16_t keep_alive = 60;    // seconds; 0 disables keep-alive
  Properties properties;       // PropertyContext::kConnect
  std::string_view client_id;  // may be empty (the server decides whether to accept that)
  std::optional<Will> will;
  std::optional<std::string_view> user_name;
  // 3.x requires a user name when a password is present (kPasswordWithoutUserName).
  std::optional<std::span<const uint8_t>> password;
};

// The protocol name a version uses in CONNECT.
constexpr std::string_view ProtocolName(ProtocolVersion v) {
  return v == ProtocolVersion::kV31 ? std::string_view("MQIsdp") : std::string_view("MQTT");
}

}  // namespace mqb::codec
