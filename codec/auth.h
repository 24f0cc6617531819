// AUTH (5.0 only): extended authentication exchange.
//
// Wire format: docs/codec.md, "AUTH". Reason code is Success (0x00), Continue authentication
// (0x18) or Re-authenticate (0x19); reason code and properties are omitted when Success with no
// properties.
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include "codec/properties.h"
#include "codec/reason_code.h"

namespace mqb::codec {

struct Auth {
  ReasonCode reason_code = ReasonCode::kSuccess;
  Properties properties;  // PropertyContext::kAuth
};

bool IsValidAuthReasonCode(ReasonCode rc);

}  // namespace mqb::codec
