// PINGREQ / PINGRESP / DISCONNECT / AUTH golden bytes, annotated per field.
#include <array>

#include "codec/auth.h"
#include "codec/disconnect.h"
#include "codec/ping.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

constexpr ProtocolVersion kAll[] = {ProtocolVersion::kV31, ProtocolVersion::kV311,
                                    ProtocolVersion::kV5};

TEST(PingGolden, AllVersions) {
  for (auto v : kAll) {
    EXPECT_EQ(EncodeToVector(Pingreq{}, v), (Bytes{0xC0, 0x00}));   // PINGREQ, length 0
    EXPECT_EQ(EncodeToVector(Pingresp{}, v), (Bytes{0xD0, 0x00}));  // PINGRESP, length 0
    DecodeAs<Pingreq>({0xC0, 0x00}, v);
    DecodeAs<Pingresp>({0xD0, 0x00}, v);
  }
}

TEST(DisconnectGolden, AllVersions) {
  for (auto v : kAll) {
    EXPECT_EQ(EncodeToVector(Disconnect{}, v), (Bytes{0xE0, 0x00}));  // DISCONNECT, length 0
  }
  // 3.x has no reason code: it is not written.
  EXPECT_EQ(EncodeToVector(Disconnect{ReasonCode::kServerShuttingDown, {}}, ProtocolVersion::kV311),
            (Bytes{0xE0, 0x00}));
  const Bytes with_will = {
      0xE0, 0x01,  // DISCONNECT, remaining length 1
      0x04,        // Disconnect with Will Message
  };
  EXPECT_EQ(
      EncodeToVector(Disconnect{ReasonCode::kDisconnectWithWillMessage, {}}, ProtocolVersion::kV5),
      with_will);
  EXPECT_EQ(DecodeAs<Disconnect>(with_will, ProtocolVersion::kV5).reason_code,
            ReasonCode::kDisconnectWithWillMessage);
  const Bytes with_props = {
      0xE0, 0x07,                    // DISCONNECT, remaining length 7
      0x8B,                          // Server shutting down
      0x05,                          // property length 5
      0x11, 0x00, 0x00, 0x00, 0x00,  //   Session Expiry Interval 0
  };
  std::array<uint8_t, 8> ps;
  PropertyWriter pw(ps);
  pw.AddInteger(PropertyId::kSessionExpiryInterval, 0);
  Disconnect d{ReasonCode::kServerShuttingDown, *pw.Finish(PropertyContext::kDisconnect)};
  EXPECT_EQ(EncodeToVector(d, ProtocolVersion::kV5), with_props);
  Disconnect got = DecodeAs<Disconnect>(with_props, ProtocolVersion::kV5);
  EXPECT_EQ(got.reason_code, ReasonCode::kServerShuttingDown);
  EXPECT_EQ(got.properties.GetInteger(PropertyId::kSessionExpiryInterval), 0u);
  ExpectReencodes(with_props, ProtocolVersion::kV5);
}

TEST(AuthGolden, V5Only) {
  EXPECT_EQ(EncodeToVector(Auth{}, ProtocolVersion::kV5), (Bytes{0xF0, 0x00}));  // AUTH, Success
  const Bytes golden = {
      0xF0, 0x0C,                       // AUTH, remaining length 12
      0x18,                             // Continue authentication
      0x0A,                             // property length 10
      0x15, 0x00, 0x03, 'a', 'b', 'c',  //   Authentication Method "abc"
      0x16, 0x00, 0x01, 'x',            //   Authentication Data "x"
  };
  std::array<uint8_t, 16> ps;
  PropertyWriter pw(ps);
  pw.AddString(PropertyId::kAuthenticationMethod, "abc")
      .AddBinary(PropertyId::kAuthenticationData, Span("x"));
  Auth a{ReasonCode::kContinueAuthentication, *pw.Finish(PropertyContext::kAuth)};
  EXPECT_EQ(EncodeToVector(a, ProtocolVersion::kV5), golden);
  Auth d = DecodeAs<Auth>(golden, ProtocolVersion::kV5);
  EXPECT_EQ(d.reason_code, ReasonCode::kContinueAuthentication);
  EXPECT_EQ(d.properties.GetString(PropertyId::kAuthenticationMethod), "abc");
  ASSERT_TRUE(d.properties.GetBinary(PropertyId::kAuthenticationData));
  EXPECT_EQ(Str(*d.properties.GetBinary(PropertyId::kAuthenticationData)), "x");
  ExpectReencodes(golden, ProtocolVersion::kV5);
  // Not a packet type before 5.0, in either direction.
  EXPECT_EQ(DecodeError({0xF0, 0x00}, ProtocolVersion::kV311), Errc::kInvalidPacketType);
  Bytes out(8);
  auto r = Encode(Packet(Auth{}), ProtocolVersion::kV311, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errc::kInvalidPacketType);
}

}  // namespace
}  // namespace mqb::codec::test
