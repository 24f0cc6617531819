#include "codec/reason_code.h"

#include "codec/ack.h"
#include "codec/auth.h"
#include "codec/connack.h"
#include "codec/disconnect.h"
#include "codec/suback.h"
#include "codec/unsuback.h"

namespace mqb::codec {

ReasonCode ToReasonCode(Errc e) {
  const auto v = static_cast<uint16_t>(e);
  if (v >= 0x80 && v <= 0xA2) return static_cast<ReasonCode>(v);
  switch (e) {
    case Errc::kNeedMoreBytes:
    case Errc::kTruncated:
    case Errc::kMalformedVarInt:
    case Errc::kMalformedRemainingLength:
    case Errc::kTrailingBytes:
    case Errc::kInvalidPacketType:
    case Errc::kInvalidFixedHeaderFlags:
    case Errc::kInvalidQoS:
    case Errc::kQoS0WithDup:
    case Errc::kInvalidUtf8:
    case Errc::kUtf8NullCharacter:
    case Errc::kInvalidProtocolName:
    case Errc::kConnectReservedFlag:
    case Errc::kInvalidWillFlags:
    case Errc::kPasswordWithoutUserName:
    case Errc::kUnknownProperty:
    case Errc::kPropertyNotAllowed:
    case Errc::kInvalidSubscriptionOptions:
    case Errc::kInvalidReasonCode:
    case Errc::kEmptyTopicFilter:
      return ReasonCode::kMalformedPacket;
    case Errc::kZeroPacketId:
    case Errc::kDuplicateProperty:
    case Errc::kInvalidPropertyValue:
    case Errc::kNoTopicFilters:
    case Errc::kInvalidRetainHandling:
    case Errc::kSharedSubscriptionNoLocal:
    case Errc::kZeroSubscriptionId:
    case Errc::kEmptyTopicName:
      return ReasonCode::kProtocolError;
    case Errc::kWildcardInTopicName:
      return ReasonCode::kTopicNameInvalid;
    case Errc::kInvalidWildcard:
    case Errc::kInvalidSharedSubscription:
      return ReasonCode::kTopicFilterInvalid;
    case Errc::kBufferTooSmall:
    case Errc::kFieldTooLong:
      return ReasonCode::kImplementationSpecificError;
    default:
      return ReasonCode::kUnspecifiedError;
  }
}

const char* ReasonCodeName(ReasonCode rc) {
  switch (static_cast<uint8_t>(rc)) {
    case 0x00:
      return "Success";
    case 0x01:
      return "Granted QoS 1";
    case 0x02:
      return "Granted QoS 2";
    case 0x04:
      return "Disconnect with Will Message";
    case 0x10:
      return "No matching subscribers";
    case 0x11:
      return "No subscription existed";
    case 0x18:
      return "Continue authentication";
    case 0x19:
      return "Re-authenticate";
    case 0x80:
      return "Unspecified error";
    case 0x81:
      return "Malformed Packet";
    case 0x82:
      return "Protocol Error";
    case 0x83:
      return "Implementation specific error";
    case 0x84:
      return "Unsupported Protocol Version";
    case 0x85:
      return "Client Identifier not valid";
    case 0x86:
      return "Bad User Name or Password";
    case 0x87:
      return "Not authorized";
    case 0x88:
      return "Server unavailable";
    case 0x89:
      return "Server busy";
    case 0x8A:
      return "Banned";
    case 0x8B:
      return "Server shutting down";
    case 0x8C:
      return "Bad authentication method";
    case 0x8D:
      return "Keep Alive timeout";
    case 0x8E:
      return "Session taken over";
    case 0x8F:
      return "Topic Filter invalid";
    case 0x90:
      return "Topic Name invalid";
    case 0x91:
      return "Packet Identifier in use";
    case 0x92:
      return "Packet Identifier not found";
    case 0x93:
      return "Receive Maximum exceeded";
    case 0x94:
      return "Topic Alias invalid";
    case 0x95:
      return "Packet too large";
    case 0x96:
      return "Message rate too high";
    case 0x97:
      return "Quota exceeded";
    case 0x98:
      return "Administrative action";
    case 0x99:
      return "Payload format invalid";
    case 0x9A:
      return "Retain not supported";
    case 0x9B:
      return "QoS not supported";
    case 0x9C:
      return "Use another server";
    case 0x9D:
      return "Server moved";
    case 0x9E:
      return "Shared Subscriptions not supported";
    case 0x9F:
      return "Connection rate exceeded";
    case 0xA0:
      return "Maximum connect time";
    case 0xA1:
      return "Subscription Identifiers not supported";
    case 0xA2:
      return "Wildcard Subscriptions not supported";
  }
  return "Unknown reason code";
}

const char* ErrcName(Errc e) {
  const auto v = static_cast<uint16_t>(e);
  if (v >= 0x80 && v <= 0xA2) return ReasonCodeName(static_cast<ReasonCode>(v));
  switch (e) {
    case Errc::kNeedMoreBytes:
      return "need more bytes";
    case Errc::kBufferTooSmall:
      return "buffer too small";
    case Errc::kFieldTooLong:
      return "field or packet too long to encode";
    case Errc::kMalformedVarInt:
      return "malformed variable byte integer";
    case Errc::kMalformedRemainingLength:
      return "malformed remaining length";
    case Errc::kTruncated:
      return "field runs past the end of the packet";
    case Errc::kTrailingBytes:
      return "unexpected bytes after the last field";
    case Errc::kInvalidPacketType:
      return "invalid packet type";
    case Errc::kInvalidFixedHeaderFlags:
      return "invalid fixed header flags";
    case Errc::kInvalidQoS:
      return "invalid QoS (3)";
    case Errc::kQoS0WithDup:
      return "DUP flag set on a QoS 0 PUBLISH";
    case Errc::kInvalidUtf8:
      return "invalid UTF-8 string";
    case Errc::kUtf8NullCharacter:
      return "U+0000 in a UTF-8 string";
    case Errc::kInvalidProtocolName:
      return "invalid protocol name";
    case Errc::kConnectReservedFlag:
      return "CONNECT reserved flag set";
    case Errc::kInvalidWillFlags:
      return "Will QoS/Retain without Will flag";
    case Errc::kPasswordWithoutUserName:
      return "password without user name";
    case Errc::kUnknownProperty:
      return "unknown property identifier";
    case Errc::kPropertyNotAllowed:
      return "property not allowed in this packet";
    case Errc::kInvalidSubscriptionOptions:
      return "reserved subscription option bits set";
    case Errc::kInvalidReasonCode:
      return "reason code not allowed in this packet";
    case Errc::kEmptyTopicFilter:
      return "empty topic filter";
    case Errc::kZeroPacketId:
      return "packet identifier 0";
    case Errc::kDuplicateProperty:
      return "duplicate property";
    case Errc::kInvalidPropertyValue:
      return "invalid property value";
    case Errc::kNoTopicFilters:
      return "no topic filters";
    case Errc::kInvalidRetainHandling:
      return "retain handling 3";
    case Errc::kSharedSubscriptionNoLocal:
      return "No Local on a shared subscription";
    case Errc::kZeroSubscriptionId:
      return "subscription identifier 0";
    case Errc::kEmptyTopicName:
      return "empty topic name";
    case Errc::kWildcardInTopicName:
      return "wildcard in topic name";
    case Errc::kInvalidWildcard:
      return "misplaced wildcard in topic filter";
    case Errc::kInvalidSharedSubscription:
      return "malformed shared subscription";
    default:
      return "unknown error";
  }
}

namespace {
class MqttCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "mqtt"; }
  std::string message(int ev) const override { return ErrcName(static_cast<Errc>(ev)); }
};
}  // namespace

const std::error_category& MqttCategory() {
  static const MqttCategoryImpl category;
  return category;
}

std::error_code make_error_code(Errc e) { return {static_cast<int>(e), MqttCategory()}; }

ConnectReturnCode ToConnectReturnCode(ReasonCode rc) {
  switch (rc) {
    case ReasonCode::kSuccess:
      return ConnectReturnCode::kAccepted;
    case ReasonCode::kUnsupportedProtocolVersion:
      return ConnectReturnCode::kUnacceptableProtocolVersion;
    case ReasonCode::kClientIdentifierNotValid:
      return ConnectReturnCode::kIdentifierRejected;
    case ReasonCode::kBadUserNameOrPassword:
      return ConnectReturnCode::kBadUserNameOrPassword;
    case ReasonCode::kNotAuthorized:
    case ReasonCode::kBanned:
    case ReasonCode::kBadAuthenticationMethod:
      return ConnectReturnCode::kNotAuthorized;
    default:
      return ConnectReturnCode::kServerUnavailable;
  }
}

bool IsValidAckReasonCode(PacketType type, ReasonCode rc) {
  switch (static_cast<uint8_t>(rc)) {
    case 0x00:
      return true;
    case 0x92:
      return type == PacketType::kPubrel || type == PacketType::kPubcomp;
    case 0x10:
    case 0x80:
    case 0x83:
    case 0x87:
    case 0x90:
    case 0x91:
    case 0x97:
    case 0x99:
      return type == PacketType::kPuback || type == PacketType::kPubrec;
    default:
      return false;
  }
}

bool IsValidSubackCode(ProtocolVersion version, uint8_t code) {
  if (code <= 2) return true;
  switch (version) {
    case ProtocolVersion::kV31:
      return false;
    case ProtocolVersion::kV311:
      return code == kSubackFailureV311;
    case ProtocolVersion::kV5:
      switch (code) {
        case 0x80:
        case 0x83:
        case 0x87:
        case 0x8F:
        case 0x91:
        case 0x97:
        case 0x9E:
        case 0xA1:
        case 0xA2:
          return true;
        default:
          return false;
      }
  }
  return false;
}

bool IsValidUnsubackCode(uint8_t code) {
  switch (code) {
    case 0x00:
    case 0x11:
    case 0x80:
    case 0x83:
    case 0x87:
    case 0x8F:
    case 0x91:
      return true;
    default:
      return false;
  }
}

bool IsValidDisconnectReasonCode(ReasonCode rc) {
  switch (static_cast<uint8_t>(rc)) {
    case 0x00:
    case 0x04:
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83:
    case 0x87:
    case 0x89:
    case 0x8B:
    case 0x8D:
    case 0x8E:
    case 0x8F:
    case 0x90:
    case 0x93:
    case 0x94:
    case 0x95:
    case 0x96:
    case 0x97:
    case 0x98:
    case 0x99:
    case 0x9A:
    case 0x9B:
    case 0x9C:
    case 0x9D:
    case 0x9E:
    case 0x9F:
    case 0xA0:
    case 0xA1:
    case 0xA2:
      return true;
    default:
      return false;
  }
}

bool IsValidAuthReasonCode(ReasonCode rc) {
  const auto v = static_cast<uint8_t>(rc);
  return v == 0x00 || v == 0x18 || v == 0x19;
}

}  // namespace mqb::codec

namespace mqb::codec {

bool IsValidConnackCode(ProtocolVersion version, uint8_t code) {
  if (version != ProtocolVersion::kV5) return code <= 5;
  switch (code) {
    case 0x00:
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83:
    case 0x84:
    case 0x85:
    case 0x86:
    case 0x87:
    case 0x88:
    case 0x89:
    case 0x8A:
    case 0x8C:
    case 0x90:
    case 0x95:
    case 0x97:
    case 0x99:
    case 0x9A:
    case 0x9B:
    case 0x9C:
    case 0x9D:
    case 0x9F:
      return true;
    default:
      return false;
  }
}

}  // namespace mqb::codec
