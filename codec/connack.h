// CONNACK: the server's answer to CONNECT.
//
// Wire format: docs/codec.md, "CONNACK". Views borrow the frame (decode) or caller data (encode).
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>

#include "codec/properties.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

struct Connack {
  // Session Present flag (3.1.1 and 5.0; always false in 3.1, where the byte is reserved).
  bool session_present = false;
  // The raw result byte: a ReasonCode for 5.0, a ConnectReturnCode (0..5) for 3.x.
  // Decoding rejects values not allowed for the version (kInvalidReasonCode).
  uint8_t reason_code = 0;
  Properties properties;  // 5.0 only; PropertyContext::kConnack

  bool accepted() const { return reason_code == 0; }
};

// True if `code` is allowed in a CONNACK of `version` (5.0: spec 3.2.2.2; 3.x: 0..5).
bool IsValidConnackCode(ProtocolVersion version, uint8_t code);

// The 3.x CONNACK return code closest to a 5.0 reason code (for a server answering a 3.x client
// with a decision expressed as a ReasonCode).
ConnectReturnCode ToConnectReturnCode(ReasonCode rc);

}  // namespace mqb::codec
