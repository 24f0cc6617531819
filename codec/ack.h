// PUBACK, PUBREC, PUBREL, PUBCOMP: the QoS 1/2 acknowledgements. One template, four types.
//
// Wire format: docs/codec.md, "Acknowledgements". In 5.0 the reason code and properties are
// optional on the wire: the encoder omits them when reason_code is Success and there are no
// properties (spec 3.4.2.1); a decoded ack without them reads as Success / empty.
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>

#include "codec/properties.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

template <PacketType kType>
struct AckPacket {
  static_assert(kType == PacketType::kPuback || kType == PacketType::kPubrec ||
                kType == PacketType::kPubrel || kType == PacketType::kPubcomp);
  static constexpr PacketType kPacketType = kType;

  uint16_t packet_id = 0;                         // non-zero
  ReasonCode reason_code = ReasonCode::kSuccess;  // 5.0 only
  Properties properties;                          // 5.0 only

  bool operator==(const AckPacket&) const = default;
};

using Puback = AckPacket<PacketType::kPuback>;
using Pubrec = AckPacket<PacketType::kPubrec>;
using Pubrel = AckPacket<PacketType::kPubrel>;
using Pubcomp = AckPacket<PacketType::kPubcomp>;

// True if `rc` is a reason code 5.0 allows in an ack of `type` (spec 3.4.2.1, 3.5.2.1, 3.6.2.1,
// 3.7.2.1).
bool IsValidAckReasonCode(PacketType type, ReasonCode rc);

}  // namespace mqb::codec
