// DISCONNECT: the last packet of a connection. 3.x: empty. 5.0: optional reason code and
// properties (both omitted by the encoder when Normal disconnection with no properties).
//
// Wire format: docs/codec.md, "DISCONNECT".
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include "codec/properties.h"
#include "codec/reason_code.h"

namespace mqb::codec {

struct Disconnect {
  ReasonCode reason_code = ReasonCode::kNormalDisconnection;  // 5.0 only
  Properties properties;  // 5.0 only; PropertyContext::kDisconnect
};

bool IsValidDisconnectReasonCode(ReasonCode rc);

}  // namespace mqb::codec
