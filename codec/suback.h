// SUBACK: one return/reason code per topic filter of the SUBSCRIBE it answers.
//
// Wire format: docs/codec.md, "SUBACK". `reason_codes` is a view: into the frame (decode) or the
// caller's array (encode). Each byte is a ReasonCode (5.0: 0x00-0x02 granted QoS or a failure
// code; 3.1.1: 0x00-0x02 or 0x80; 3.1: 0x00-0x02).
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>
#include <span>

#include "codec/properties.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

struct Suback {
  uint16_t packet_id = 0;                 // non-zero
  Properties properties;                  // 5.0 only; PropertyContext::kSuback
  std::span<const uint8_t> reason_codes;  // at least one
};

// True if `code` is allowed in a SUBACK of `version`.
bool IsValidSubackCode(ProtocolVersion version, uint8_t code);

}  // namespace mqb::codec
