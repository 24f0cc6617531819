// Decoding of every packet but CONNECT/CONNACK (decode_connect.cc). docs/codec.md describes the
// wire formats cited below.
#include "codec/decoder.h"

#include "codec/decode_util.h"
#include "codec/topic.h"

namespace mqb::codec {

using internal::kOk;

#define MQB_CHECK(expr)                        \
  do {                                         \
    if (Errc mqb_e_ = (expr); mqb_e_ != kOk) { \
      return Err(mqb_e_);                      \
    }                                          \
  } while (0)

Result<Publish, Errc> DecodePublish(const Frame& frame, ProtocolVersion version) {
  if (MQB_UNLIKELY(frame.type() != PacketType::kPublish)) return Err(Errc::kInvalidPacketType);
  const uint8_t flags = frame.flags();
  Publish p;
  const uint8_t qos = (flags >> 1) & 0x03;
  if (MQB_UNLIKELY(qos == 3)) return Err(Errc::kInvalidQoS);
  p.qos = static_cast<QoS>(qos);
  p.dup = (flags & 0x08) != 0;
  p.retain = (flags & 0x01) != 0;
  if (MQB_UNLIKELY(p.dup && qos == 0)) return Err(Errc::kQoS0WithDup);
  wire::WireReader r(frame.body);
  std::span<const uint8_t> topic;
  MQB_CHECK(r.Binary(topic));
  p.topic = wire::AsString(topic);
  MQB_CHECK(internal::CheckTopicNameChars(p.topic));
  if (qos != 0) MQB_CHECK(internal::ReadPacketId(r, p.packet_id));
  if (version == ProtocolVersion::kV5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kPublish, p.properties));
    if (p.topic.empty() && !p.properties.Has(PropertyId::kTopicAlias)) {
      return Err(Errc::kEmptyTopicName);
    }
  } else if (MQB_UNLIKELY(p.topic.empty())) {
    return Err(Errc::kEmptyTopicName);
  }
  p.payload = r.Rest();
  return p;
}

namespace {

template <PacketType kType>
Result<AckPacket<kType>, Errc> DecodeAck(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, kType, version));
  wire::WireReader r(frame.body);
  AckPacket<kType> a;
  MQB_CHECK(internal::ReadPacketId(r, a.packet_id));
  if (version == ProtocolVersion::kV5 && !r.empty()) {
    uint8_t rc = 0;
    MQB_CHECK(r.U8(rc));
    a.reason_code = static_cast<ReasonCode>(rc);
    if (!IsValidAckReasonCode(kType, a.reason_code)) return Err(Errc::kInvalidReasonCode);
    if (!r.empty()) {
      constexpr PropertyContext kContext = kType == PacketType::kPuback   ? PropertyContext::kPuback
                                           : kType == PacketType::kPubrec ? PropertyContext::kPubrec
                                           : kType == PacketType::kPubrel
                                               ? PropertyContext::kPubrel
                                               : PropertyContext::kPubcomp;
      MQB_CHECK(internal::ReadProperties(r, kContext, a.properties));
    }
  }
  if (!r.empty()) return Err(Errc::kTrailingBytes);
  return a;
}

// Reason code + properties of DISCONNECT / AUTH (both optional on the wire).
Errc ReadReasonAndProperties(wire::WireReader& r, PropertyContext context, ReasonCode& rc,
                             Properties& props) {
  if (r.empty()) return kOk;
  uint8_t b = 0;
  if (Errc e = r.U8(b); e != kOk) return e;
  rc = static_cast<ReasonCode>(b);
  if (!r.empty()) {
    if (Errc e = internal::ReadProperties(r, context, props); e != kOk) return e;
  }
  return r.empty() ? kOk : Errc::kTrailingBytes;
}

}  // namespace

Result<Puback, Errc> DecodePuback(const Frame& f, ProtocolVersion v) {
  return DecodeAck<PacketType::kPuback>(f, v);
}
Result<Pubrec, Errc> DecodePubrec(const Frame& f, ProtocolVersion v) {
  return DecodeAck<PacketType::kPubrec>(f, v);
}
Result<Pubrel, Errc> DecodePubrel(const Frame& f, ProtocolVersion v) {
  return DecodeAck<PacketType::kPubrel>(f, v);
}
Result<Pubcomp, Errc> DecodePubcomp(const Frame& f, ProtocolVersion v) {
  return DecodeAck<PacketType::kPubcomp>(f, v);
}

Result<Subscribe, Errc> DecodeSubscribe(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kSubscribe, version));
  wire::WireReader r(frame.body);
  Subscribe s;
  const bool v5 = version == ProtocolVersion::kV5;
  MQB_CHECK(internal::ReadPacketId(r, s.packet_id));
  if (v5) MQB_CHECK(internal::ReadProperties(r, PropertyContext::kSubscribe, s.properties));
  const std::span<const uint8_t> payload{r.pos(), r.remaining()};
  size_t count = 0;
  while (!r.empty()) {
    std::string_view filter;
    MQB_CHECK(r.String(filter));
    auto valid = ValidateTopicFilter(filter);
    if (!valid.ok()) return Err(valid.error());
    uint8_t o = 0;
    MQB_CHECK(r.U8(o));
    if ((o & 0x03) == 3) return Err(Errc::kInvalidQoS);
    if (v5) {
      if ((o & 0xC0) != 0) return Err(Errc::kInvalidSubscriptionOptions);
      if (((o >> 4) & 0x03) == 3) return Err(Errc::kInvalidRetainHandling);
      if ((o & 0x04) != 0 && filter.starts_with(kSharePrefix)) {
        return Err(Errc::kSharedSubscriptionNoLocal);
      }
    } else if ((o & 0xFC) != 0) {
      return Err(Errc::kInvalidSubscriptionOptions);
    }
    ++count;
  }
  if (count == 0) return Err(Errc::kNoTopicFilters);
  s.subscriptions = SubscriptionList::FromValidatedPayload(payload, count, version);
  return s;
}

Result<Suback, Errc> DecodeSuback(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kSuback, version));
  wire::WireReader r(frame.body);
  Suback s;
  MQB_CHECK(internal::ReadPacketId(r, s.packet_id));
  if (version == ProtocolVersion::kV5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kSuback, s.properties));
  }
  s.reason_codes = r.Rest();
  if (s.reason_codes.empty()) return Err(Errc::kProtocolError);
  for (uint8_t c : s.reason_codes) {
    if (!IsValidSubackCode(version, c)) return Err(Errc::kInvalidReasonCode);
  }
  return s;
}

Result<Unsubscribe, Errc> DecodeUnsubscribe(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kUnsubscribe, version));
  wire::WireReader r(frame.body);
  Unsubscribe u;
  MQB_CHECK(internal::ReadPacketId(r, u.packet_id));
  if (version == ProtocolVersion::kV5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kUnsubscribe, u.properties));
  }
  const std::span<const uint8_t> payload{r.pos(), r.remaining()};
  size_t count = 0;
  while (!r.empty()) {
    std::string_view filter;
    MQB_CHECK(r.String(filter));
    auto valid = ValidateTopicFilter(filter);
    if (!valid.ok()) return Err(valid.error());
    ++count;
  }
  if (count == 0) return Err(Errc::kNoTopicFilters);
  u.filters = TopicFilterList::FromValidatedPayload(payload, count);
  return u;
}

Result<Unsuback, Errc> DecodeUnsuback(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kUnsuback, version));
  wire::WireReader r(frame.body);
  Unsuback u;
  MQB_CHECK(internal::ReadPacketId(r, u.packet_id));
  if (version == ProtocolVersion::kV5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kUnsuback, u.properties));
    u.reason_codes = r.Rest();
    if (u.reason_codes.empty()) return Err(Errc::kProtocolError);
    for (uint8_t c : u.reason_codes) {
      if (!IsValidUnsubackCode(c)) return Err(Errc::kInvalidReasonCode);
    }
  }
  if (!r.empty()) return Err(Errc::kTrailingBytes);
  return u;
}

Result<Pingreq, Errc> DecodePingreq(const Frame& frame) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kPingreq, ProtocolVersion::kV311));
  if (!frame.body.empty()) return Err(Errc::kTrailingBytes);
  return Pingreq{};
}

Result<Pingresp, Errc> DecodePingresp(const Frame& frame) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kPingresp, ProtocolVersion::kV311));
  if (!frame.body.empty()) return Err(Errc::kTrailingBytes);
  return Pingresp{};
}

Result<Disconnect, Errc> DecodeDisconnect(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kDisconnect, version));
  Disconnect d;
  if (version != ProtocolVersion::kV5) {
    if (!frame.body.empty()) return Err(Errc::kTrailingBytes);
    return d;
  }
  wire::WireReader r(frame.body);
  MQB_CHECK(ReadReasonAndProperties(r, PropertyContext::kDisconnect, d.reason_code, d.properties));
  if (!IsValidDisconnectReasonCode(d.reason_code)) return Err(Errc::kInvalidReasonCode);
  return d;
}

Result<Auth, Errc> DecodeAuth(const Frame& frame, ProtocolVersion version) {
  if (version != ProtocolVersion::kV5) return Err(Errc::kInvalidPacketType);
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kAuth, version));
  Auth a;
  wire::WireReader r(frame.body);
  MQB_CHECK(ReadReasonAndProperties(r, PropertyContext::kAuth, a.reason_code, a.properties));
  if (!IsValidAuthReasonCode(a.reason_code)) return Err(Errc::kInvalidReasonCode);
  return a;
}

namespace {
template <typename T>
Result<Packet, Errc> Wrap(Result<T, Errc>&& r) {
  if (!r.ok()) return Err(r.error());
  return Packet(std::move(r).value());
}
}  // namespace

Result<Packet, Errc> Decode(const Frame& frame, ProtocolVersion version) {
  switch (frame.type()) {
    case PacketType::kConnect:
      return Wrap(DecodeConnect(frame));
    case PacketType::kConnack:
      return Wrap(DecodeConnack(frame, version));
    case PacketType::kPublish:
      return Wrap(DecodePublish(frame, version));
    case PacketType::kPuback:
      return Wrap(DecodePuback(frame, version));
    case PacketType::kPubrec:
      return Wrap(DecodePubrec(frame, version));
    case PacketType::kPubrel:
      return Wrap(DecodePubrel(frame, version));
    case PacketType::kPubcomp:
      return Wrap(DecodePubcomp(frame, version));
    case PacketType::kSubscribe:
      return Wrap(DecodeSubscribe(frame, version));
    case PacketType::kSuback:
      return Wrap(DecodeSuback(frame, version));
    case PacketType::kUnsubscribe:
      return Wrap(DecodeUnsubscribe(frame, version));
    case PacketType::kUnsuback:
      return Wrap(DecodeUnsuback(frame, version));
    case PacketType::kPingreq:
      return Wrap(DecodePingreq(frame));
    case PacketType::kPingresp:
      return Wrap(DecodePingresp(frame));
    case PacketType::kDisconnect:
      return Wrap(DecodeDisconnect(frame, version));
    case PacketType::kAuth:
      return Wrap(DecodeAuth(frame, version));
  }
  return Err(Errc::kInvalidPacketType);
}

Result<Packet, Errc> DecodePacket(std::span<const uint8_t> bytes, ProtocolVersion version) {
  auto h = ParseFixedHeader(bytes);
  if (!h.ok()) return Err(h.error());
  if (h->total_size() > bytes.size()) return Err(Errc::kTruncated);
  if (h->total_size() < bytes.size()) return Err(Errc::kTrailingBytes);
  Frame f;
  f.first_byte = h->first_byte;
  f.bytes = bytes;
  f.body = bytes.subspan(h->header_size);
  return Decode(f, version);
}

}  // namespace mqb::codec
