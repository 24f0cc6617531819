// UNSUBACK: acknowledges an UNSUBSCRIBE. 3.x carries only the packet id; 5.0 adds properties and
// one reason code per topic filter.
//
// Wire format: docs/codec.md, "UNSUBACK".
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>
#include <span>

#include "codec/properties.h"
#include "codec/reason_code.h"

namespace mqb::codec {

struct Unsuback {
  uint16_t packet_id = 0;                 // non-zero
  Properties properties;                  // 5.0 only; PropertyContext::kUnsuback
  std::span<const uint8_t> reason_codes;  // 5.0 only (at least one); each a ReasonCode
};

bool IsValidUnsubackCode(uint8_t code);

}  // namespace mqb::codec
