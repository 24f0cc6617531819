// A table of malformed packets, each with the exact error the decoder must report. Every row is
// also checked for the reason code a 5.0 session would send (ToReasonCode).
#include <string>
#include <vector>

#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

constexpr auto k31 = ProtocolVersion::kV31;
constexpr auto k311 = ProtocolVersion::kV311;
constexpr auto k5 = ProtocolVersion::kV5;

struct Case {
  const char* name;
  ProtocolVersion version;
  Bytes bytes;
  Errc error;
};

// "MQTT" protocol name + level, the common CONNECT prefix.
Bytes Connect(uint8_t level, uint8_t flags, Bytes rest) {
  Bytes body = {0x00, 0x04, 'M', 'Q', 'T', 'T', level, flags, 0x00, 0x3C};
  body.insert(body.end(), rest.begin(), rest.end());
  Bytes out = {0x10, static_cast<uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A packet with a one-byte remaining length computed from the body.
Bytes Pkt(uint8_t first, Bytes body) {
  Bytes out = {first, static_cast<uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// v5 PUBLISH QoS 0 on topic "t" with the given property block.
Bytes Pub5(Bytes props) {
  Bytes body = {0x00, 0x01, 't', static_cast<uint8_t>(props.size())};
  body.insert(body.end(), props.begin(), props.end());
  return Pkt(0x30, body);
}

// SUBSCRIBE id 1 with one filter and options byte.
Bytes Sub(ProtocolVersion v, std::string filter, uint8_t options) {
  Bytes body = {0x00, 0x01};
  if (v == k5) body.push_back(0x00);
  body.push_back(0x00);
  body.push_back(static_cast<uint8_t>(filter.size()));
  body.insert(body.end(), filter.begin(), filter.end());
  body.push_back(options);
  return Pkt(0x82, body);
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // --- fixed header -------------------------------------------------------------------------
      {"remaining length of 5 bytes",
       k311,
       {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F},
       Errc::kMalformedRemainingLength},
      {"non-minimal remaining length", k311, {0xC0, 0x80, 0x00}, Errc::kMalformedRemainingLength},
      {"packet type 0", k311, {0x00, 0x00}, Errc::kInvalidPacketType},
      {"AUTH before 5.0", k311, {0xF0, 0x00}, Errc::kInvalidPacketType},
      {"PUBACK flags 0001", k311, {0x41, 0x02, 0x00, 0x01}, Errc::kInvalidFixedHeaderFlags},
      {"SUBSCRIBE flags 0000",
       k311,
       {0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00},
       Errc::kInvalidFixedHeaderFlags},
      {"UNSUBSCRIBE flags 0000",
       k5,
       {0xA0, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 'a'},
       Errc::kInvalidFixedHeaderFlags},
      {"PUBREL flags 0000", k5, {0x60, 0x02, 0x00, 0x01}, Errc::kInvalidFixedHeaderFlags},
      {"PINGREQ flags 0001", k311, {0xC1, 0x00}, Errc::kInvalidFixedHeaderFlags},
      {"DISCONNECT flags 1000", k5, {0xE8, 0x00}, Errc::kInvalidFixedHeaderFlags},
      {"PINGREQ with a body", k311, {0xC0, 0x01, 0x00}, Errc::kTrailingBytes},
      {"PINGRESP with a body", k5, {0xD0, 0x01, 0x00}, Errc::kTrailingBytes},
      {"body shorter than remaining length", k311, {0x30, 0x05, 0x00, 0x01}, Errc::kTruncated},
      {"bytes after the packet", k311, {0xC0, 0x00, 0xC0}, Errc::kTrailingBytes},
      // --- PUBLISH ------------------------------------------------------------------------------
      {"PUBLISH QoS 3", k311, {0x36, 0x03, 0x00, 0x01, 't'}, Errc::kInvalidQoS},
      {"PUBLISH DUP with QoS 0", k5, {0x38, 0x04, 0x00, 0x01, 't', 0x00}, Errc::kQoS0WithDup},
      {"PUBLISH topic length past end", k311, {0x30, 0x02, 0x00, 0x05}, Errc::kTruncated},
      {"PUBLISH topic with +", k311, Pkt(0x30, {0x00, 0x03, 'a', '/', '+'}),
       Errc::kWildcardInTopicName},
      {"PUBLISH topic with #", k5, Pkt(0x30, {0x00, 0x01, '#', 0x00}), Errc::kWildcardInTopicName},
      {"PUBLISH empty topic 3.1.1", k311, {0x30, 0x02, 0x00, 0x00}, Errc::kEmptyTopicName},
      {"PUBLISH empty topic 3.1", k31, {0x30, 0x02, 0x00, 0x00}, Errc::kEmptyTopicName},
      {"PUBLISH empty topic without alias",
       k5,
       {0x30, 0x03, 0x00, 0x00, 0x00},
       Errc::kEmptyTopicName},
      {"PUBLISH QoS 1 packet id 0", k311, Pkt(0x32, {0x00, 0x01, 't', 0x00, 0x00}),
       Errc::kZeroPacketId},
      {"PUBLISH QoS 1 packet id missing", k311, Pkt(0x32, {0x00, 0x01, 't', 0x00}),
       Errc::kTruncated},
      {"topic: invalid continuation", k311, Pkt(0x30, {0x00, 0x02, 0xC3, 0x28}),
       Errc::kInvalidUtf8},
      {"topic: overlong encoding of /", k311, Pkt(0x30, {0x00, 0x02, 0xC0, 0xAF}),
       Errc::kInvalidUtf8},
      {"topic: overlong 3-byte", k311, Pkt(0x30, {0x00, 0x03, 0xE0, 0x80, 0xAF}),
       Errc::kInvalidUtf8},
      {"topic: surrogate U+D800", k311, Pkt(0x30, {0x00, 0x03, 0xED, 0xA0, 0x80}),
       Errc::kInvalidUtf8},
      {"topic: above U+10FFFF", k311, Pkt(0x30, {0x00, 0x04, 0xF4, 0x90, 0x80, 0x80}),
       Errc::kInvalidUtf8},
      {"topic: truncated sequence", k311, Pkt(0x30, {0x00, 0x02, 'a', 0xE2}), Errc::kInvalidUtf8},
      {"topic: U+0000", k311, Pkt(0x30, {0x00, 0x03, 'a', 0x00, 'b'}), Errc::kUtf8NullCharacter},
      {"topic: U+0000 after 8 ASCII bytes", k311,
       Pkt(0x30, {0x00, 0x0A, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 0x00}),
       Errc::kUtf8NullCharacter},
      // --- properties ---------------------------------------------------------------------------
      {"duplicate Payload Format Indicator", k5, Pub5({0x01, 0x00, 0x01, 0x01}),
       Errc::kDuplicateProperty},
      {"Session Expiry Interval on PUBLISH", k5, Pub5({0x11, 0x00, 0x00, 0x00, 0x01}),
       Errc::kPropertyNotAllowed},
      {"Will Delay Interval on PUBLISH", k5, Pub5({0x18, 0x00, 0x00, 0x00, 0x01}),
       Errc::kPropertyNotAllowed},
      {"unknown property 0x05", k5, Pub5({0x05, 0x00}), Errc::kUnknownProperty},
      {"unknown property 0x7F", k5, Pub5({0x7F, 0x00}), Errc::kUnknownProperty},
      {"Topic Alias 0", k5, Pub5({0x23, 0x00, 0x00}), Errc::kTopicAliasInvalid},
      {"Subscription Identifier 0", k5, Pub5({0x0B, 0x00}), Errc::kZeroSubscriptionId},
      {"Payload Format Indicator 2", k5, Pub5({0x01, 0x02}), Errc::kInvalidPropertyValue},
      {"property value past block end", k5, Pub5({0x02, 0x00, 0x00}), Errc::kTruncated},
      {"property length past packet end", k5, Pkt(0x30, {0x00, 0x01, 't', 0x09, 0x01}),
       Errc::kTruncated},
      {"property length of 5 bytes", k5, Pkt(0x30, {0x00, 0x01, 't', 0x80, 0x80, 0x80, 0x80, 0x01}),
       Errc::kMalformedVarInt},
      {"Subscription Identifier non-minimal VBI", k5, Pub5({0x0B, 0x81, 0x00}),
       Errc::kMalformedVarInt},
      {"Content Type invalid UTF-8", k5, Pub5({0x03, 0x00, 0x01, 0xFF}), Errc::kInvalidUtf8},
      {"User Property value with U+0000", k5, Pub5({0x26, 0x00, 0x01, 'k', 0x00, 0x01, 0x00}),
       Errc::kUtf8NullCharacter},
      {"Correlation Data truncated", k5, Pub5({0x09, 0x00, 0x04, 'a'}), Errc::kTruncated},
      // --- CONNECT ------------------------------------------------------------------------------
      {"CONNECT reserved flag", k311, Connect(4, 0x03, {0x00, 0x01, 'c'}),
       Errc::kConnectReservedFlag},
      {"CONNECT protocol name MQTX", k311,
       Pkt(0x10, {0x00, 0x04, 'M', 'Q', 'T', 'X', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'}),
       Errc::kInvalidProtocolName},
      {"CONNECT MQIsdp with level 4", k311,
       Pkt(0x10,
           {0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'}),
       Errc::kInvalidProtocolName},
      {"CONNECT MQTT with level 3", k311, Connect(3, 0x02, {0x00, 0x01, 'c'}),
       Errc::kInvalidProtocolName},
      {"CONNECT level 6", k311, Connect(6, 0x02, {0x00, 0x01, 'c'}),
       Errc::kUnsupportedProtocolVersion},
      {"CONNECT 5.0 with bridge bit", k5, Connect(0x85, 0x02, {0x00, 0x00, 0x01, 'c'}),
       Errc::kUnsupportedProtocolVersion},
      {"CONNECT will QoS 3", k311, Connect(4, 0x1E, {0x00, 0x01, 'c', 0x00, 0x01, 't', 0x00, 0x00}),
       Errc::kInvalidQoS},
      {"CONNECT will retain without will", k311, Connect(4, 0x22, {0x00, 0x01, 'c'}),
       Errc::kInvalidWillFlags},
      {"CONNECT will QoS without will", k311, Connect(4, 0x0A, {0x00, 0x01, 'c'}),
       Errc::kInvalidWillFlags},
      {"CONNECT 3.1.1 password without user name", k311,
       Connect(4, 0x42, {0x00, 0x01, 'c', 0x00, 0x01, 'p'}), Errc::kPasswordWithoutUserName},
      {"CONNECT will topic with wildcard", k311,
       Connect(4, 0x06, {0x00, 0x01, 'c', 0x00, 0x01, '#', 0x00, 0x00}),
       Errc::kWildcardInTopicName},
      {"CONNECT will topic empty", k311,
       Connect(4, 0x06, {0x00, 0x01, 'c', 0x00, 0x00, 0x00, 0x00}), Errc::kEmptyTopicName},
      {"CONNECT user name flag without user name", k311, Connect(4, 0x82, {0x00, 0x01, 'c'}),
       Errc::kTruncated},
      {"CONNECT trailing bytes", k311, Connect(4, 0x02, {0x00, 0x01, 'c', 0xFF}),
       Errc::kTrailingBytes},
      {"CONNECT client id invalid UTF-8", k311, Connect(4, 0x02, {0x00, 0x01, 0x80}),
       Errc::kInvalidUtf8},
      {"CONNECT Receive Maximum 0", k5, Connect(5, 0x02, {0x03, 0x21, 0x00, 0x00, 0x00, 0x00}),
       Errc::kInvalidPropertyValue},
      {"CONNECT Maximum Packet Size 0", k5,
       Connect(5, 0x02, {0x05, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
       Errc::kInvalidPropertyValue},
      {"CONNECT Request Problem Information 2", k5,
       Connect(5, 0x02, {0x02, 0x17, 0x02, 0x00, 0x00}), Errc::kInvalidPropertyValue},
      {"CONNECT duplicate Receive Maximum", k5,
       Connect(5, 0x02, {0x06, 0x21, 0x00, 0x01, 0x21, 0x00, 0x02, 0x00, 0x00}),
       Errc::kDuplicateProperty},
      {"CONNECT Topic Alias property", k5, Connect(5, 0x02, {0x03, 0x23, 0x00, 0x01, 0x00, 0x00}),
       Errc::kPropertyNotAllowed},
      {"CONNECT Authentication Data without Method", k5,
       Connect(5, 0x02, {0x04, 0x16, 0x00, 0x01, 'x', 0x00, 0x00}), Errc::kInvalidPropertyValue},
      {"CONNECT will property not allowed", k5,
       Connect(5, 0x06, {0x00, 0x00, 0x00, 0x02, 0x24, 0x01, 0x00, 0x01, 't', 0x00, 0x00}),
       Errc::kPropertyNotAllowed},
      // --- CONNACK ------------------------------------------------------------------------------
      {"CONNACK reserved ack flag bits", k311, {0x20, 0x02, 0x02, 0x00}, Errc::kMalformedPacket},
      {"CONNACK 3.1.1 return code 6", k311, {0x20, 0x02, 0x00, 0x06}, Errc::kInvalidReasonCode},
      {"CONNACK 5.0 reason code 0x01",
       k5,
       {0x20, 0x03, 0x00, 0x01, 0x00},
       Errc::kInvalidReasonCode},
      {"CONNACK session present with failure",
       k5,
       {0x20, 0x03, 0x01, 0x87, 0x00},
       Errc::kProtocolError},
      {"CONNACK 5.0 without property length", k5, {0x20, 0x02, 0x00, 0x00}, Errc::kTruncated},
      {"CONNACK 3.1.1 trailing byte", k311, {0x20, 0x03, 0x00, 0x00, 0x00}, Errc::kTrailingBytes},
      {"CONNACK Topic Alias property",
       k5,
       {0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01},
       Errc::kPropertyNotAllowed},
      {"CONNACK Maximum QoS 2",
       k5,
       {0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02},
       Errc::kInvalidPropertyValue},
      // --- acks ---------------------------------------------------------------------------------
      {"PUBACK packet id 0", k311, {0x40, 0x02, 0x00, 0x00}, Errc::kZeroPacketId},
      {"PUBACK one byte", k311, {0x40, 0x01, 0x00}, Errc::kTruncated},
      {"PUBACK 3.1.1 with reason code", k311, {0x40, 0x03, 0x00, 0x01, 0x00}, Errc::kTrailingBytes},
      {"PUBACK reason 0x92", k5, {0x40, 0x03, 0x00, 0x01, 0x92}, Errc::kInvalidReasonCode},
      {"PUBREL reason 0x10", k5, {0x62, 0x03, 0x00, 0x01, 0x10}, Errc::kInvalidReasonCode},
      {"PUBCOMP reason 0x80", k5, {0x70, 0x03, 0x00, 0x01, 0x80}, Errc::kInvalidReasonCode},
      {"PUBREC User Property truncated",
       k5,
       {0x50, 0x06, 0x00, 0x01, 0x00, 0x02, 0x26, 0x00},
       Errc::kTruncated},
      {"PUBACK Topic Alias property",
       k5,
       {0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01},
       Errc::kPropertyNotAllowed},
      // --- SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK -----------------------------------------
      {"SUBSCRIBE without filters", k311, {0x82, 0x02, 0x00, 0x01}, Errc::kNoTopicFilters},
      {"SUBSCRIBE 5.0 without filters", k5, {0x82, 0x03, 0x00, 0x01, 0x00}, Errc::kNoTopicFilters},
      {"SUBSCRIBE packet id 0",
       k311,
       {0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 'a', 0x00},
       Errc::kZeroPacketId},
      {"SUBSCRIBE missing options byte",
       k311,
       {0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'},
       Errc::kTruncated},
      {"SUBSCRIBE 3.1.1 reserved option bits", k311, Sub(k311, "a", 0x04),
       Errc::kInvalidSubscriptionOptions},
      {"SUBSCRIBE 5.0 reserved option bits", k5, Sub(k5, "a", 0x40),
       Errc::kInvalidSubscriptionOptions},
      {"SUBSCRIBE QoS 3", k5, Sub(k5, "a", 0x03), Errc::kInvalidQoS},
      {"SUBSCRIBE retain handling 3", k5, Sub(k5, "a", 0x30), Errc::kInvalidRetainHandling},
      {"SUBSCRIBE No Local on shared", k5, Sub(k5, "$share/g/a", 0x04),
       Errc::kSharedSubscriptionNoLocal},
      {"SUBSCRIBE # not last", k311, Sub(k311, "a/#/b", 0x00), Errc::kInvalidWildcard},
      {"SUBSCRIBE # not a whole level", k311, Sub(k311, "a#", 0x00), Errc::kInvalidWildcard},
      {"SUBSCRIBE + not a whole level", k311, Sub(k311, "a/b+", 0x00), Errc::kInvalidWildcard},
      {"SUBSCRIBE + followed by text", k311, Sub(k311, "+a", 0x00), Errc::kInvalidWildcard},
      {"SUBSCRIBE empty filter", k311, Sub(k311, "", 0x00), Errc::kEmptyTopicFilter},
      {"SUBSCRIBE $share without filter", k5, Sub(k5, "$share/g", 0x00),
       Errc::kInvalidSharedSubscription},
      {"SUBSCRIBE $share empty group", k5, Sub(k5, "$share//a", 0x00),
       Errc::kInvalidSharedSubscription},
      {"SUBSCRIBE $share group with +", k5, Sub(k5, "$share/g+/a", 0x00),
       Errc::kInvalidSharedSubscription},
      {"SUBSCRIBE $share bad inner filter", k5, Sub(k5, "$share/g/a#", 0x00),
       Errc::kInvalidSharedSubscription},
      {"SUBSCRIBE duplicate Subscription Identifier",
       k5,
       {0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, 'a', 0x00},
       Errc::kDuplicateProperty},
      {"SUBACK 5.0 reason 0x03",
       k5,
       {0x90, 0x04, 0x00, 0x01, 0x00, 0x03},
       Errc::kInvalidReasonCode},
      {"SUBACK without codes", k311, {0x90, 0x02, 0x00, 0x01}, Errc::kProtocolError},
      {"UNSUBSCRIBE without filters", k311, {0xA2, 0x02, 0x00, 0x01}, Errc::kNoTopicFilters},
      {"UNSUBSCRIBE invalid filter",
       k311,
       {0xA2, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00},
       Errc::kUtf8NullCharacter},
      {"UNSUBACK 3.1.1 trailing byte", k311, {0xB0, 0x03, 0x00, 0x01, 0x00}, Errc::kTrailingBytes},
      {"UNSUBACK 5.0 reason 0x01",
       k5,
       {0xB0, 0x04, 0x00, 0x01, 0x00, 0x01},
       Errc::kInvalidReasonCode},
      {"UNSUBACK 5.0 without codes", k5, {0xB0, 0x03, 0x00, 0x01, 0x00}, Errc::kProtocolError},
      // --- DISCONNECT / AUTH --------------------------------------------------------------------
      {"DISCONNECT 3.1.1 with body", k311, {0xE0, 0x01, 0x00}, Errc::kTrailingBytes},
      {"DISCONNECT reason 0x01", k5, {0xE0, 0x01, 0x01}, Errc::kInvalidReasonCode},
      {"DISCONNECT Topic Alias property",
       k5,
       {0xE0, 0x05, 0x00, 0x03, 0x23, 0x00, 0x01},
       Errc::kPropertyNotAllowed},
      {"DISCONNECT property block overrun", k5, {0xE0, 0x03, 0x00, 0x05, 0x11}, Errc::kTruncated},
      {"AUTH reason 0x80", k5, {0xF0, 0x01, 0x80}, Errc::kInvalidReasonCode},
      {"AUTH flags 0001", k5, {0xF1, 0x00}, Errc::kInvalidFixedHeaderFlags},
  };
  return cases;
}

TEST(Malformed, EveryCaseGivesItsError) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ErrcName(DecodeError(c.bytes, c.version)), std::string(ErrcName(c.error)))
        << Hex(c.bytes);
  }
}

TEST(Malformed, EveryPrefixIsRejectedWithoutCrashing) {
  // Cutting any valid or invalid packet short must give an error (never UB; ASan checks reads).
  for (const Case& c : Cases()) {
    if (std::string(c.name) == "bytes after the packet") continue;  // its prefix is a packet
    for (size_t n = 0; n < c.bytes.size(); ++n) {
      Bytes prefix(c.bytes.begin(), c.bytes.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(DecodePacket(prefix, c.version).ok()) << c.name << " prefix " << n;
    }
  }
}

TEST(Malformed, ReasonCodesForSessions) {
  EXPECT_EQ(ToReasonCode(Errc::kInvalidUtf8), ReasonCode::kMalformedPacket);
  EXPECT_EQ(ToReasonCode(Errc::kPropertyNotAllowed), ReasonCode::kMalformedPacket);
  EXPECT_EQ(ToReasonCode(Errc::kDuplicateProperty), ReasonCode::kProtocolError);
  EXPECT_EQ(ToReasonCode(Errc::kZeroPacketId), ReasonCode::kProtocolError);
  EXPECT_EQ(ToReasonCode(Errc::kWildcardInTopicName), ReasonCode::kTopicNameInvalid);
  EXPECT_EQ(ToReasonCode(Errc::kInvalidWildcard), ReasonCode::kTopicFilterInvalid);
  EXPECT_EQ(ToReasonCode(Errc::kTopicAliasInvalid), ReasonCode::kTopicAliasInvalid);
  EXPECT_EQ(ToReasonCode(Errc::kPacketTooLarge), ReasonCode::kPacketTooLarge);
  // Every error has a failure reason code and a name.
  for (const Case& c : Cases()) {
    EXPECT_GE(static_cast<uint8_t>(ToReasonCode(c.error)), 0x80) << c.name;
    EXPECT_STRNE(ErrcName(c.error), "unknown error") << c.name;
  }
  // std::error_code interop.
  std::error_code ec = Errc::kDuplicateProperty;
  EXPECT_EQ(ec.category().name(), std::string("mqtt"));
  EXPECT_EQ(ec.message(), "duplicate property");
}

}  // namespace
}  // namespace mqb::codec::test
