// PUBACK / PUBREC / PUBREL / PUBCOMP golden bytes, annotated per field.
#include "codec/ack.h"

#include <array>

#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

TEST(AckGolden, V311AllFour) {
  for (auto v : {ProtocolVersion::kV31, ProtocolVersion::kV311}) {
    EXPECT_EQ(EncodeToVector(Puback{5}, v), (Bytes{0x40, 0x02, 0x00, 0x05}));   // PUBACK id 5
    EXPECT_EQ(EncodeToVector(Pubrec{6}, v), (Bytes{0x50, 0x02, 0x00, 0x06}));   // PUBREC id 6
    EXPECT_EQ(EncodeToVector(Pubrel{7}, v), (Bytes{0x62, 0x02, 0x00, 0x07}));   // PUBREL flags 2
    EXPECT_EQ(EncodeToVector(Pubcomp{8}, v), (Bytes{0x70, 0x02, 0x00, 0x08}));  // PUBCOMP id 8
    EXPECT_EQ(DecodeAs<Puback>({0x40, 0x02, 0xAB, 0xCD}, v).packet_id, 0xABCD);
    EXPECT_EQ(DecodeAs<Pubrel>({0x62, 0x02, 0x00, 0x07}, v).packet_id, 7);
  }
  // 3.1 senders may set DUP on a retried PUBREL.
  EXPECT_EQ(DecodeAs<Pubrel>({0x6A, 0x02, 0x00, 0x07}, ProtocolVersion::kV31).packet_id, 7);
  EXPECT_EQ(DecodeError({0x6A, 0x02, 0x00, 0x07}, ProtocolVersion::kV311),
            Errc::kInvalidFixedHeaderFlags);
}

TEST(AckGolden, V5ShortAndLongForms) {
  // Success without properties: the reason code is omitted.
  EXPECT_EQ(EncodeToVector(Puback{5}, ProtocolVersion::kV5), (Bytes{0x40, 0x02, 0x00, 0x05}));
  // Reason code, no properties: property length omitted.
  Puback no_subs{5, ReasonCode::kNoMatchingSubscribers, {}};
  const Bytes short_form = {
      0x40, 0x03,  // PUBACK, remaining length 3
      0x00, 0x05,  // packet id 5
      0x10,        // reason code No matching subscribers
  };
  EXPECT_EQ(EncodeToVector(no_subs, ProtocolVersion::kV5), short_form);
  EXPECT_EQ(DecodeAs<Puback>(short_form, ProtocolVersion::kV5).reason_code,
            ReasonCode::kNoMatchingSubscribers);
  ExpectReencodes(short_form, ProtocolVersion::kV5);

  // Reason code and a Reason String.
  const Bytes long_form = {
      0x50, 0x09,                  // PUBREC, remaining length 9
      0x00, 0x05,                  // packet id 5
      0x97,                        // reason code Quota exceeded
      0x05,                        // property length 5
      0x1F, 0x00, 0x02, 'n', 'o',  //   Reason String "no"
  };
  std::array<uint8_t, 16> ps;
  PropertyWriter pw(ps);
  pw.AddString(PropertyId::kReasonString, "no");
  Pubrec rec{5, ReasonCode::kQuotaExceeded, *pw.Finish(PropertyContext::kPubrec)};
  EXPECT_EQ(EncodeToVector(rec, ProtocolVersion::kV5), long_form);
  Pubrec d = DecodeAs<Pubrec>(long_form, ProtocolVersion::kV5);
  EXPECT_EQ(d.reason_code, ReasonCode::kQuotaExceeded);
  EXPECT_EQ(d.properties.GetString(PropertyId::kReasonString), "no");
  ExpectReencodes(long_form, ProtocolVersion::kV5);

  // PUBREL / PUBCOMP: Packet Identifier not found.
  const Bytes rel = {0x62, 0x03, 0x00, 0x01, 0x92};  // PUBREL id 1, reason 0x92
  EXPECT_EQ(
      EncodeToVector(Pubrel{1, ReasonCode::kPacketIdentifierNotFound, {}}, ProtocolVersion::kV5),
      rel);
  const Bytes comp = {0x70, 0x03, 0x00, 0x01, 0x92};  // PUBCOMP id 1, reason 0x92
  EXPECT_EQ(DecodeAs<Pubcomp>(comp, ProtocolVersion::kV5).reason_code,
            ReasonCode::kPacketIdentifierNotFound);

  // A sender may also write reason 0 with an empty property block.
  const Bytes explicit_zero = {0x40, 0x04, 0x00, 0x05, 0x00, 0x00};
  Puback z = DecodeAs<Puback>(explicit_zero, ProtocolVersion::kV5);
  EXPECT_EQ(z.reason_code, ReasonCode::kSuccess);
  EXPECT_TRUE(z.properties.empty());
}

}  // namespace
}  // namespace mqb::codec::test
