// Encoding of every packet type (docs/codec.md). Sizes are computed exactly first; the writers
// then fill caller memory without bounds checks.
#include "codec/encoder.h"

#include <type_traits>

#include "codec/decode_util.h"
#include "codec/wire.h"

namespace mqb::codec {
namespace {

using wire::kOk;
using wire::WireWriter;

bool IsV5(ProtocolVersion v) { return v == ProtocolVersion::kV5; }

// Size of a Property Length + block.
size_t PropsSize(const Properties& p) {
  return VarIntSize(static_cast<uint32_t>(p.size_bytes())) + p.size_bytes();
}

void WriteProps(WireWriter& w, const Properties& p) {
  w.VarInt(static_cast<uint32_t>(p.size_bytes()));
  w.Bytes(p.bytes().data(), p.size_bytes());
}

Errc CheckLen(size_t n) { return n <= kMaxStringSize ? kOk : Errc::kFieldTooLong; }
Errc CheckProps(const Properties& p) {
  return p.size_bytes() <= kMaxVarInt ? kOk : Errc::kPacketTooLarge;
}

#define MQB_CHECK(expr)                        \
  do {                                         \
    if (Errc mqb_e_ = (expr); mqb_e_ != kOk) { \
      return mqb_e_;                           \
    }                                          \
  } while (0)

// --- per-type: BodySize (remaining length, or the part of it before the payload) and Write ------
// Each Size() returns Errc and sets `size`; `tail` is the PUBLISH payload size (else 0).

Errc Size(const Connect& c, ProtocolVersion v, size_t& size) {
  if (c.version != v) return Errc::kUnsupportedProtocolVersion;
  const bool v5 = IsV5(v);
  size_t n = 2 + ProtocolName(v).size() + 1 + 1 + 2;
  if (v5) {
    MQB_CHECK(CheckProps(c.properties));
    n += PropsSize(c.properties);
  }
  MQB_CHECK(CheckLen(c.client_id.size()));
  n += 2 + c.client_id.size();
  if (c.will) {
    if (!IsValidQoS(static_cast<uint8_t>(c.will->qos))) return Errc::kInvalidQoS;
    if (v5) {
      MQB_CHECK(CheckProps(c.will->properties));
      n += PropsSize(c.will->properties);
    }
    MQB_CHECK(CheckLen(c.will->topic.size()));
    MQB_CHECK(CheckLen(c.will->payload.size()));
    n += 4 + c.will->topic.size() + c.will->payload.size();
  }
  if (c.user_name) {
    MQB_CHECK(CheckLen(c.user_name->size()));
    n += 2 + c.user_name->size();
  } else if (c.password && !v5) {
    return Errc::kPasswordWithoutUserName;
  }
  if (c.password) {
    MQB_CHECK(CheckLen(c.password->size()));
    n += 2 + c.password->size();
  }
  size = n;
  return kOk;
}

void Write(const Connect& c, ProtocolVersion v, WireWriter& w) {
  const bool v5 = IsV5(v);
  w.String(ProtocolName(v));
  w.U8(static_cast<uint8_t>(static_cast<uint8_t>(v) | (c.bridge && !v5 ? 0x80 : 0)));
  uint8_t flags = c.clean_start ? 0x02 : 0;
  if (c.will) {
    flags |= 0x04 | static_cast<uint8_t>(static_cast<uint8_t>(c.will->qos) << 3) |
             (c.will->retain ? 0x20 : 0);
  }
  if (c.password) flags |= 0x40;
  if (c.user_name) flags |= 0x80;
  w.U8(flags);
  w.U16(c.keep_alive);
  if (v5) WriteProps(w, c.properties);
  w.String(c.client_id);
  if (c.will) {
    if (v5) WriteProps(w, c.will->properties);
    w.String(c.will->topic);
    w.Binary(c.will->payload);
  }
  if (c.user_name) w.String(*c.user_name);
  if (c.password) w.Binary(*c.password);
}

Errc Size(const Connack& c, ProtocolVersion v, size_t& size) {
  if (!IsValidConnackCode(v, c.reason_code)) return Errc::kInvalidReasonCode;
  size = 2;
  if (IsV5(v)) {
    MQB_CHECK(CheckProps(c.properties));
    size += PropsSize(c.properties);
  }
  return kOk;
}

void Write(const Connack& c, ProtocolVersion v, WireWriter& w) {
  w.U8(c.session_present && v != ProtocolVersion::kV31 ? 1 : 0);
  w.U8(c.reason_code);
  if (IsV5(v)) WriteProps(w, c.properties);
}

// PUBLISH: `size` excludes the payload.
Errc Size(const Publish& p, ProtocolVersion v, size_t& size) {
  const auto qos = static_cast<uint8_t>(p.qos);
  if (MQB_UNLIKELY(qos > 2)) return Errc::kInvalidQoS;
  if (MQB_UNLIKELY(p.dup && qos == 0)) return Errc::kQoS0WithDup;
  if (MQB_UNLIKELY(qos != 0 && p.packet_id == 0)) return Errc::kZeroPacketId;
  MQB_CHECK(CheckLen(p.topic.size()));
  size_t n = 2 + p.topic.size() + (qos != 0 ? 2 : 0);
  if (IsV5(v)) {
    MQB_CHECK(CheckProps(p.properties));
    n += PropsSize(p.properties);
  }
  size = n;
  return kOk;
}

void Write(const Publish& p, ProtocolVersion v, WireWriter& w) {
  w.String(p.topic);
  if (p.qos != QoS::kAtMostOnce) w.U16(p.packet_id);
  if (IsV5(v)) WriteProps(w, p.properties);
}

template <PacketType kType>
Errc Size(const AckPacket<kType>& a, ProtocolVersion v, size_t& size) {
  if (a.packet_id == 0) return Errc::kZeroPacketId;
  size = 2;
  if (IsV5(v)) {
    if (!IsValidAckReasonCode(kType, a.reason_code)) return Errc::kInvalidReasonCode;
    MQB_CHECK(CheckProps(a.properties));
    if (!a.properties.empty()) {
      size += 1 + PropsSize(a.properties);
    } else if (a.reason_code != ReasonCode::kSuccess) {
      size += 1;
    }
  }
  return kOk;
}

template <PacketType kType>
void Write(const AckPacket<kType>& a, ProtocolVersion v, WireWriter& w) {
  w.U16(a.packet_id);
  if (!IsV5(v)) return;
  if (!a.properties.empty()) {
    w.U8(static_cast<uint8_t>(a.reason_code));
    WriteProps(w, a.properties);
  } else if (a.reason_code != ReasonCode::kSuccess) {
    w.U8(static_cast<uint8_t>(a.reason_code));
  }
}

Errc Size(const Subscribe& s, ProtocolVersion v, size_t& size) {
  if (s.packet_id == 0) return Errc::kZeroPacketId;
  if (s.subscriptions.empty()) return Errc::kNoTopicFilters;
  size_t n = 2;
  if (IsV5(v)) {
    MQB_CHECK(CheckProps(s.properties));
    n += PropsSize(s.properties);
  }
  for (const Subscription sub : s.subscriptions) {
    MQB_CHECK(CheckLen(sub.filter.size()));
    if (!IsValidQoS(static_cast<uint8_t>(sub.options.qos))) return Errc::kInvalidQoS;
    if (sub.options.retain_handling > 2) return Errc::kInvalidRetainHandling;
    n += 2 + sub.filter.size() + 1;
  }
  size = n;
  return kOk;
}

void Write(const Subscribe& s, ProtocolVersion v, WireWriter& w) {
  const bool v5 = IsV5(v);
  w.U16(s.packet_id);
  if (v5) WriteProps(w, s.properties);
  for (const Subscription sub : s.subscriptions) {
    w.String(sub.filter);
    uint8_t o = static_cast<uint8_t>(sub.options.qos);
    if (v5) {
      o |= (sub.options.no_local ? 0x04 : 0) | (sub.options.retain_as_published ? 0x08 : 0) |
           static_cast<uint8_t>(sub.options.retain_handling << 4);
    }
    w.U8(o);
  }
}

Errc Size(const Suback& s, ProtocolVersion v, size_t& size) {
  if (s.packet_id == 0) return Errc::kZeroPacketId;
  if (s.reason_codes.empty()) return Errc::kProtocolError;
  for (uint8_t c : s.reason_codes) {
    if (!IsValidSubackCode(v, c)) return Errc::kInvalidReasonCode;
  }
  size = 2 + s.reason_codes.size();
  if (IsV5(v)) {
    MQB_CHECK(CheckProps(s.properties));
    size += PropsSize(s.properties);
  }
  return kOk;
}

void Write(const Suback& s, ProtocolVersion v, WireWriter& w) {
  w.U16(s.packet_id);
  if (IsV5(v)) WriteProps(w, s.properties);
  w.Bytes(s.reason_codes.data(), s.reason_codes.size());
}

Errc Size(const Unsubscribe& u, ProtocolVersion v, size_t& size) {
  if (u.packet_id == 0) return Errc::kZeroPacketId;
  if (u.filters.empty()) return Errc::kNoTopicFilters;
  size_t n = 2;
  if (IsV5(v)) {
    MQB_CHECK(CheckProps(u.properties));
    n += PropsSize(u.properties);
  }
  for (std::string_view f : u.filters) {
    MQB_CHECK(CheckLen(f.size()));
    n += 2 + f.size();
  }
  size = n;
  return kOk;
}

void Write(const Unsubscribe& u, ProtocolVersion v, WireWriter& w) {
  w.U16(u.packet_id);
  if (IsV5(v)) WriteProps(w, u.properties);
  for (std::string_view f : u.filters) w.String(f);
}

Errc Size(const Unsuback& u, ProtocolVersion v, size_t& size) {
  if (u.packet_id == 0) return Errc::kZeroPacketId;
  size = 2;
  if (IsV5(v)) {
    if (u.reason_codes.empty()) return Errc::kProtocolError;
    for (uint8_t c : u.reason_codes) {
      if (!IsValidUnsubackCode(c)) return Errc::kInvalidReasonCode;
    }
    MQB_CHECK(CheckProps(u.properties));
    size += PropsSize(u.properties) + u.reason_codes.size();
  }
  return kOk;
}

void Write(const Unsuback& u, ProtocolVersion v, WireWriter& w) {
  w.U16(u.packet_id);
  if (!IsV5(v)) return;
  WriteProps(w, u.properties);
  w.Bytes(u.reason_codes.data(), u.reason_codes.size());
}

Errc Size(const Pingreq&, ProtocolVersion, size_t& size) {
  size = 0;
  return kOk;
}
void Write(const Pingreq&, ProtocolVersion, WireWriter&) {}
Errc Size(const Pingresp&, ProtocolVersion, size_t& size) {
  size = 0;
  return kOk;
}
void Write(const Pingresp&, ProtocolVersion, WireWriter&) {}

// DISCONNECT and AUTH share the optional reason code + properties layout.
Errc ReasonPropsSize(ReasonCode rc, const Properties& props, size_t& size) {
  MQB_CHECK(CheckProps(props));
  if (!props.empty()) {
    size = 1 + PropsSize(props);
  } else {
    size = rc != ReasonCode::kSuccess ? 1 : 0;
  }
  return kOk;
}
void WriteReasonProps(ReasonCode rc, const Properties& props, WireWriter& w) {
  if (!props.empty()) {
    w.U8(static_cast<uint8_t>(rc));
    WriteProps(w, props);
  } else if (rc != ReasonCode::kSuccess) {
    w.U8(static_cast<uint8_t>(rc));
  }
}

Errc Size(const Disconnect& d, ProtocolVersion v, size_t& size) {
  size = 0;
  if (!IsV5(v)) return kOk;
  if (!IsValidDisconnectReasonCode(d.reason_code)) return Errc::kInvalidReasonCode;
  return ReasonPropsSize(d.reason_code, d.properties, size);
}
void Write(const Disconnect& d, ProtocolVersion v, WireWriter& w) {
  if (IsV5(v)) WriteReasonProps(d.reason_code, d.properties, w);
}

Errc Size(const Auth& a, ProtocolVersion v, size_t& size) {
  if (!IsV5(v)) return Errc::kInvalidPacketType;
  if (!IsValidAuthReasonCode(a.reason_code)) return Errc::kInvalidReasonCode;
  return ReasonPropsSize(a.reason_code, a.properties, size);
}
void Write(const Auth& a, ProtocolVersion, WireWriter& w) {
  WriteReasonProps(a.reason_code, a.properties, w);
}

template <typename T>
uint8_t FirstByte(const T& p) {
  if constexpr (std::is_same_v<T, Publish>) {
    return PublishFirstByte(p.dup, p.qos, p.retain);
  } else {
    PacketType t;
    if constexpr (std::is_same_v<T, Connect>)
      t = PacketType::kConnect;
    else if constexpr (std::is_same_v<T, Connack>)
      t = PacketType::kConnack;
    else if constexpr (std::is_same_v<T, Subscribe>)
      t = PacketType::kSubscribe;
    else if constexpr (std::is_same_v<T, Suback>)
      t = PacketType::kSuback;
    else if constexpr (std::is_same_v<T, Unsubscribe>)
      t = PacketType::kUnsubscribe;
    else if constexpr (std::is_same_v<T, Unsuback>)
      t = PacketType::kUnsuback;
    else if constexpr (std::is_same_v<T, Pingreq>)
      t = PacketType::kPingreq;
    else if constexpr (std::is_same_v<T, Pingresp>)
      t = PacketType::kPingresp;
    else if constexpr (std::is_same_v<T, Disconnect>)
      t = PacketType::kDisconnect;
    else if constexpr (std::is_same_v<T, Auth>)
      t = PacketType::kAuth;
    else
      t = T::kPacketType;
    return static_cast<uint8_t>((static_cast<uint8_t>(t) << 4) | internal::RequiredFlags(t));
  }
}

template <typename T>
size_t TailSize(const T& p) {
  if constexpr (std::is_same_v<T, Publish>) {
    return p.payload.size();
  } else {
    return 0;
  }
}

struct Layout {
  size_t head_body = 0;  // body bytes written by Write()
  size_t tail = 0;       // PUBLISH payload
  uint32_t remaining = 0;
  size_t head() const { return 1 + VarIntSize(remaining) + head_body; }
  size_t total() const { return head() + tail; }
};

template <typename T>
Errc Plan(const T& p, ProtocolVersion v, Layout& l) {
  MQB_CHECK(Size(p, v, l.head_body));
  l.tail = TailSize(p);
  const size_t remaining = l.head_body + l.tail;
  if (remaining > kMaxRemainingLength) return Errc::kPacketTooLarge;
  l.remaining = static_cast<uint32_t>(remaining);
  return kOk;
}

template <typename T>
uint8_t* WriteHead(const T& p, ProtocolVersion v, const Layout& l, uint8_t* out) {
  WireWriter w(out);
  w.U8(FirstByte(p));
  w.VarInt(l.remaining);
  Write(p, v, w);
  return w.pos();
}

template <typename T>
Result<size_t, Errc> EncodeOne(const T& p, ProtocolVersion v, std::span<uint8_t> out) {
  Layout l;
  if (Errc e = Plan(p, v, l); MQB_UNLIKELY(e != kOk)) return Err(e);
  if (MQB_UNLIKELY(out.size() < l.total())) return Err(Errc::kBufferTooSmall);
  uint8_t* end = WriteHead(p, v, l, out.data());
  if constexpr (std::is_same_v<T, Publish>) {
    if (!p.payload.empty()) std::memcpy(end, p.payload.data(), p.payload.size());
  }
  (void)end;
  return l.total();
}

template <typename T>
Result<EncodedParts, Errc> EncodePartsOne(const T& p, ProtocolVersion v, std::span<uint8_t> head) {
  Layout l;
  if (Errc e = Plan(p, v, l); e != kOk) return Err(e);
  if (head.size() < l.head()) return Err(Errc::kBufferTooSmall);
  WriteHead(p, v, l, head.data());
  EncodedParts parts;
  parts.head = head.first(l.head());
  if constexpr (std::is_same_v<T, Publish>) parts.payload = p.payload;
  return parts;
}

}  // namespace

Result<size_t, Errc> EncodedSize(const Publish& publish, ProtocolVersion version) {
  Layout l;
  if (Errc e = Plan(publish, version, l); e != kOk) return Err(e);
  return l.total();
}

Result<size_t, Errc> EncodedSize(const Packet& packet, ProtocolVersion version) {
  return std::visit(
      [&](const auto& p) -> Result<size_t, Errc> {
        Layout l;
        if (Errc e = Plan(p, version, l); e != kOk) return Err(e);
        return l.total();
      },
      packet);
}

Result<size_t, Errc> Encode(const Publish& publish, ProtocolVersion version,
                            std::span<uint8_t> out) {
  return EncodeOne(publish, version, out);
}

Result<size_t, Errc> Encode(const Packet& packet, ProtocolVersion version, std::span<uint8_t> out) {
  return std::visit([&](const auto& p) { return EncodeOne(p, version, out); }, packet);
}

Result<size_t, Errc> HeadSize(const Publish& publish, ProtocolVersion version) {
  Layout l;
  if (Errc e = Plan(publish, version, l); e != kOk) return Err(e);
  return l.head();
}

Result<size_t, Errc> HeadSize(const Packet& packet, ProtocolVersion version) {
  return std::visit(
      [&](const auto& p) -> Result<size_t, Errc> {
        Layout l;
        if (Errc e = Plan(p, version, l); e != kOk) return Err(e);
        return l.head();
      },
      packet);
}

Result<EncodedParts, Errc> EncodeParts(const Publish& publish, ProtocolVersion version,
                                       std::span<uint8_t> head) {
  return EncodePartsOne(publish, version, head);
}

Result<EncodedParts, Errc> EncodeParts(const Packet& packet, ProtocolVersion version,
                                       std::span<uint8_t> head) {
  return std::visit([&](const auto& p) { return EncodePartsOne(p, version, head); }, packet);
}

EncodedFixedHeader EncodeFixedHeader(uint8_t first_byte, uint32_t remaining_length) {
  EncodedFixedHeader h;
  WireWriter w(h.bytes.data());
  w.U8(first_byte);
  w.VarInt(remaining_length);
  h.size = static_cast<uint8_t>(w.pos() - h.bytes.data());
  return h;
}

}  // namespace mqb::codec
