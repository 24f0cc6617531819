// CONNECT and CONNACK decoding (docs/codec.md, "CONNECT", "CONNACK").
#include "codec/decode_util.h"
#include "codec/decoder.h"

namespace mqb::codec {

using internal::kOk;

#define MQB_CHECK(expr)                        \
  do {                                         \
    if (Errc mqb_e_ = (expr); mqb_e_ != kOk) { \
      return Err(mqb_e_);                      \
    }                                          \
  } while (0)

Result<Connect, Errc> DecodeConnect(const Frame& frame) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kConnect, ProtocolVersion::kV311));
  wire::WireReader r(frame.body);
  Connect c;
  std::span<const uint8_t> name;
  MQB_CHECK(r.Binary(name));
  const std::string_view name_sv = wire::AsString(name);
  if (name_sv != "MQTT" && name_sv != "MQIsdp") return Err(Errc::kInvalidProtocolName);
  uint8_t level = 0;
  MQB_CHECK(r.U8(level));
  c.bridge = (level & 0x80) != 0;
  level &= 0x7F;
  if (level < 3 || level > 5) return Err(Errc::kUnsupportedProtocolVersion);
  c.version = static_cast<ProtocolVersion>(level);
  if (name_sv != ProtocolName(c.version)) return Err(Errc::kInvalidProtocolName);
  const bool v5 = c.version == ProtocolVersion::kV5;
  if (v5 && c.bridge) return Err(Errc::kUnsupportedProtocolVersion);

  uint8_t flags = 0;
  MQB_CHECK(r.U8(flags));
  if ((flags & 0x01) != 0) return Err(Errc::kConnectReservedFlag);
  c.clean_start = (flags & 0x02) != 0;
  const bool will = (flags & 0x04) != 0;
  const uint8_t will_qos = (flags >> 3) & 0x03;
  const bool will_retain = (flags & 0x20) != 0;
  const bool has_password = (flags & 0x40) != 0;
  const bool has_user = (flags & 0x80) != 0;
  if (will_qos == 3) return Err(Errc::kInvalidQoS);
  if (!will && (will_qos != 0 || will_retain)) return Err(Errc::kInvalidWillFlags);
  if (!v5 && has_password && !has_user) return Err(Errc::kPasswordWithoutUserName);
  MQB_CHECK(r.U16(c.keep_alive));
  if (v5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kConnect, c.properties));
    if (c.properties.Has(PropertyId::kAuthenticationData) &&
        !c.properties.Has(PropertyId::kAuthenticationMethod)) {
      return Err(Errc::kInvalidPropertyValue);
    }
  }
  MQB_CHECK(r.String(c.client_id));
  if (will) {
    Will w;
    w.qos = static_cast<QoS>(will_qos);
    w.retain = will_retain;
    if (v5) MQB_CHECK(internal::ReadProperties(r, PropertyContext::kWill, w.properties));
    MQB_CHECK(r.String(w.topic));
    if (w.topic.empty()) return Err(Errc::kEmptyTopicName);
    if (internal::HasWildcardChar(w.topic)) return Err(Errc::kWildcardInTopicName);
    MQB_CHECK(r.Binary(w.payload));
    c.will = w;
  }
  if (has_user) {
    std::string_view user;
    MQB_CHECK(r.String(user));
    c.user_name = user;
  }
  if (has_password) {
    std::span<const uint8_t> password;
    MQB_CHECK(r.Binary(password));
    c.password = password;
  }
  if (!r.empty()) return Err(Errc::kTrailingBytes);
  return c;
}

Result<Connack, Errc> DecodeConnack(const Frame& frame, ProtocolVersion version) {
  MQB_CHECK(internal::CheckHeader(frame, PacketType::kConnack, version));
  wire::WireReader r(frame.body);
  Connack c;
  uint8_t ack_flags = 0;
  MQB_CHECK(r.U8(ack_flags));
  if (version != ProtocolVersion::kV31) {
    if ((ack_flags & 0xFE) != 0) return Err(Errc::kMalformedPacket);  // [MQTT-3.2.2-1]
    c.session_present = (ack_flags & 0x01) != 0;
  }
  MQB_CHECK(r.U8(c.reason_code));
  if (!IsValidConnackCode(version, c.reason_code)) return Err(Errc::kInvalidReasonCode);
  if (c.session_present && c.reason_code != 0) return Err(Errc::kProtocolError);
  if (version == ProtocolVersion::kV5) {
    MQB_CHECK(internal::ReadProperties(r, PropertyContext::kConnack, c.properties));
    if (c.properties.Has(PropertyId::kAuthenticationData) &&
        !c.properties.Has(PropertyId::kAuthenticationMethod)) {
      return Err(Errc::kInvalidPropertyValue);
    }
  }
  if (!r.empty()) return Err(Errc::kTrailingBytes);
  return c;
}

}  // namespace mqb::codec
