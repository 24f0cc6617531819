// Decoding frames into packet views.
//
// Decoding is zero-copy: strings, binary fields, property blocks and payloads of the returned
// packet are views into the frame's bytes, which must outlive the packet. Decoding never
// allocates, never throws and never reads outside the frame; every violation the MQTT
// specifications name is reported as a specific Errc (see reason_code.h; ToReasonCode() gives the
// reason code for a 5.0 DISCONNECT).
//
// What is validated: fixed-header flags, remaining length against the fields, variable byte
// integers, UTF-8 strings (well-formed, no surrogates, no U+0000), QoS values, packet id != 0
// where required, property identifiers/duplicates/allowed-on-this-packet/values, reason codes
// allowed for the packet, topic names (no wildcards) and topic filters (wildcard placement,
// $share syntax), subscription option bits. What is left to the session: state-dependent rules
// (topic alias ranges, receive maximum, direction of a packet, CONNECT first, ...).
//
// Wire format: docs/codec.md.
//
// Thread-safety: pure functions.
#pragma once

#include <span>

#include "base/result.h"
#include "codec/framer.h"
#include "codec/packet.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// Decodes any packet. For CONNECT the version is read from the packet (the `version` argument
// is ignored); every other packet is decoded as `version` specifies.
Result<Packet, Errc> Decode(const Frame& frame, ProtocolVersion version);

// Decodes exactly one complete packet from `bytes` (fixed header included). Errors as Decode,
// plus kNeedMoreBytes / kTruncated if incomplete and kTrailingBytes if `bytes` holds more.
Result<Packet, Errc> DecodePacket(std::span<const uint8_t> bytes, ProtocolVersion version);

// Per-type decoders. REQUIRES: frame.type() is the matching type (else kInvalidPacketType).
Result<Connect, Errc> DecodeConnect(const Frame& frame);
Result<Connack, Errc> DecodeConnack(const Frame& frame, ProtocolVersion version);
Result<Publish, Errc> DecodePublish(const Frame& frame, ProtocolVersion version);
Result<Puback, Errc> DecodePuback(const Frame& frame, ProtocolVersion version);
Result<Pubrec, Errc> DecodePubrec(const Frame& frame, ProtocolVersion version);
Result<Pubrel, Errc> DecodePubrel(const Frame& frame, ProtocolVersion version);
Result<Pubcomp, Errc> DecodePubcomp(const Frame& frame, ProtocolVersion version);
Result<Subscribe, Errc> DecodeSubscribe(const Frame& frame, ProtocolVersion version);
Result<Suback, Errc> DecodeSuback(const Frame& frame, ProtocolVersion version);
Result<Unsubscribe, Errc> DecodeUnsubscribe(const Frame& frame, ProtocolVersion version);
Result<Unsuback, Errc> DecodeUnsuback(const Frame& frame, ProtocolVersion version);
Result<Pingreq, Errc> DecodePingreq(const Frame& frame);
Result<Pingresp, Errc> DecodePingresp(const Frame& frame);
Result<Disconnect, Errc> DecodeDisconnect(const Frame& frame, ProtocolVersion version);
Result<Auth, Errc> DecodeAuth(const Frame& frame, ProtocolVersion version);

}  // namespace mqb::codec
