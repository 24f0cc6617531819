// CONNECT and CONNACK golden bytes for 3.1, 3.1.1 and 5.0, annotated per field.
#include "codec/connect.h"

#include <array>

#include "codec/connack.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

TEST(ConnectGolden, V311Minimal) {
  const Bytes golden = {
      0x10, 0x0E,                      // CONNECT, remaining length 14
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                            // protocol level 4 (3.1.1)
      0x02,                            // flags: clean session
      0x00, 0x3C,                      // keep alive 60
      0x00, 0x02, 'c', '1',            // client id "c1"
  };
  Connect c;
  c.client_id = "c1";
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV311), golden);
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV5);  // version comes from the packet
  EXPECT_EQ(d.version, ProtocolVersion::kV311);
  EXPECT_TRUE(d.clean_start);
  EXPECT_EQ(d.keep_alive, 60);
  EXPECT_EQ(d.client_id, "c1");
  EXPECT_FALSE(d.will);
  EXPECT_FALSE(d.user_name);
  EXPECT_FALSE(d.password);
  EXPECT_FALSE(d.bridge);
  ExpectReencodes(golden, ProtocolVersion::kV311);
}

TEST(ConnectGolden, V31ProtocolNameMQIsdp) {
  const Bytes golden = {
      0x10, 0x10,                                // CONNECT, remaining length 16
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3 (3.1)
      0x00,                                      // flags: none (persistent session)
      0x00, 0x0A,                                // keep alive 10
      0x00, 0x02, 'c', '1',                      // client id "c1"
  };
  Connect c;
  c.version = ProtocolVersion::kV31;
  c.clean_start = false;
  c.keep_alive = 10;
  c.client_id = "c1";
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV31), golden);
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV31);
  EXPECT_EQ(d.version, ProtocolVersion::kV31);
  EXPECT_FALSE(d.clean_start);
  ExpectReencodes(golden, ProtocolVersion::kV31);
}

TEST(ConnectGolden, V311WillUserPassword) {
  const Bytes golden = {
      0x10, 0x1F,                      // CONNECT, remaining length 31
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x04,                            // level 4
      0xEE,                            // flags: user 0x80, password 0x40, will retain 0x20,
                                       //        will QoS 1 0x08, will 0x04, clean 0x02
      0x00, 0x0A,                      // keep alive 10
      0x00, 0x02, 'i', 'd',            // client id "id"
      0x00, 0x03, 'w', '/', 't',       // will topic "w/t"
      0x00, 0x03, 'b', 'y', 'e',       // will payload "bye"
      0x00, 0x01, 'u',                 // user name "u"
      0x00, 0x02, 'p', 'w',            // password "pw"
  };
  Connect c;
  c.keep_alive = 10;
  c.client_id = "id";
  Will w;
  w.qos = QoS::kAtLeastOnce;
  w.retain = true;
  w.topic = "w/t";
  w.payload = Span("bye");
  c.will = w;
  c.user_name = "u";
  c.password = Span("pw");
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV311), golden);
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV311);
  ASSERT_TRUE(d.will);
  EXPECT_EQ(d.will->qos, QoS::kAtLeastOnce);
  EXPECT_TRUE(d.will->retain);
  EXPECT_EQ(d.will->topic, "w/t");
  EXPECT_EQ(Str(d.will->payload), "bye");
  EXPECT_EQ(d.user_name, "u");
  ASSERT_TRUE(d.password);
  EXPECT_EQ(Str(*d.password), "pw");
  ExpectReencodes(golden, ProtocolVersion::kV311);
}

TEST(ConnectGolden, V311BridgeBit) {
  const Bytes golden = {
      0x10, 0x0C,                      // CONNECT, remaining length 12
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x84,                            // level 4 | 0x80 bridge
      0x02,                            // clean session
      0x00, 0x00,                      // keep alive 0
      0x00, 0x00,                      // client id ""
  };
  Connect c;
  c.bridge = true;
  c.keep_alive = 0;
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV311), golden);
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV311);
  EXPECT_TRUE(d.bridge);
  EXPECT_EQ(d.client_id, "");
}

TEST(ConnectGolden, V5PropertiesAndWillProperties) {
  const Bytes golden = {
      0x10, 0x20,                         // CONNECT, remaining length 32
      0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name
      0x05,                               // level 5
      0x06,                               // flags: will 0x04, clean start 0x02
      0x00, 0x1E,                         // keep alive 30
      0x08,                               // property length 8
      0x11, 0x00, 0x00, 0x00, 0x78,       //   Session Expiry Interval 120
      0x21, 0x00, 0x0A,                   //   Receive Maximum 10
      0x00, 0x00,                         // client id ""
      0x05,                               // will property length 5
      0x18, 0x00, 0x00, 0x00, 0x05,       //   Will Delay Interval 5
      0x00, 0x01, 't',                    // will topic "t"
      0x00, 0x00,                         // will payload (empty)
  };
  std::array<uint8_t, 32> ps, ws;
  PropertyWriter pw(ps);
  pw.AddInteger(PropertyId::kSessionExpiryInterval, 120)
      .AddInteger(PropertyId::kReceiveMaximum, 10);
  PropertyWriter ww(ws);
  ww.AddInteger(PropertyId::kWillDelayInterval, 5);
  Connect c;
  c.version = ProtocolVersion::kV5;
  c.keep_alive = 30;
  c.properties = *pw.Finish(PropertyContext::kConnect);
  Will w;
  w.topic = "t";
  w.properties = *ww.Finish(PropertyContext::kWill);
  c.will = w;
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV5), golden);
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV311);
  EXPECT_EQ(d.version, ProtocolVersion::kV5);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kSessionExpiryInterval), 120u);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kReceiveMaximum), 10u);
  ASSERT_TRUE(d.will);
  EXPECT_EQ(d.will->properties.GetInteger(PropertyId::kWillDelayInterval), 5u);
  EXPECT_EQ(d.will->topic, "t");
  ExpectReencodes(golden, ProtocolVersion::kV5);
}

TEST(ConnectGolden, V5PasswordWithoutUserNameIsAllowed) {
  const Bytes golden = {
      0x10, 0x11,                      // remaining length 17
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x05, 0x42,                      // level 5; flags: password 0x40, clean 0x02
      0x00, 0x00,                      // keep alive 0
      0x00,                            // property length 0
      0x00, 0x01, 'c',                 // client id "c"
      0x00, 0x01, 'p',                 // password "p"
  };
  Connect d = DecodeAs<Connect>(golden, ProtocolVersion::kV5);
  EXPECT_FALSE(d.user_name);
  ASSERT_TRUE(d.password);
  EXPECT_EQ(Str(*d.password), "p");
  ExpectReencodes(golden, ProtocolVersion::kV5);
}

TEST(ConnackGolden, AllVersions) {
  const Bytes v311 = {
      0x20, 0x02,  // CONNACK, remaining length 2
      0x01,        // acknowledge flags: session present
      0x00,        // return code 0 accepted
  };
  Connack c;
  c.session_present = true;
  EXPECT_EQ(EncodeToVector(c, ProtocolVersion::kV311), v311);
  EXPECT_TRUE(DecodeAs<Connack>(v311, ProtocolVersion::kV311).session_present);

  const Bytes v31 = {
      0x20, 0x02,  // CONNACK
      0x00,        // reserved
      0x05,        // return code 5 not authorized
  };
  Connack refused;
  refused.reason_code = static_cast<uint8_t>(ConnectReturnCode::kNotAuthorized);
  EXPECT_EQ(EncodeToVector(refused, ProtocolVersion::kV31), v31);
  EXPECT_EQ(DecodeAs<Connack>(v31, ProtocolVersion::kV31).reason_code, 5);

  const Bytes v5 = {
      0x20, 0x09,             // CONNACK, remaining length 9
      0x00,                   // acknowledge flags
      0x00,                   // reason code Success
      0x06,                   // property length 6
      0x24, 0x01,             //   Maximum QoS 1
      0x12, 0x00, 0x01, 'x',  //   Assigned Client Identifier "x"
  };
  std::array<uint8_t, 16> ps;
  PropertyWriter pw(ps);
  pw.AddInteger(PropertyId::kMaximumQoS, 1).AddString(PropertyId::kAssignedClientIdentifier, "x");
  Connack c5;
  c5.properties = *pw.Finish(PropertyContext::kConnack);
  EXPECT_EQ(EncodeToVector(c5, ProtocolVersion::kV5), v5);
  Connack d5 = DecodeAs<Connack>(v5, ProtocolVersion::kV5);
  EXPECT_EQ(d5.properties.GetInteger(PropertyId::kMaximumQoS), 1u);
  EXPECT_EQ(d5.properties.GetString(PropertyId::kAssignedClientIdentifier), "x");
  ExpectReencodes(v5, ProtocolVersion::kV5);

  const Bytes v5_refused = {
      0x20, 0x03,  // CONNACK, remaining length 3
      0x00,        // acknowledge flags
      0x87,        // reason code Not authorized
      0x00,        // property length 0
  };
  Connack r5;
  r5.reason_code = static_cast<uint8_t>(ReasonCode::kNotAuthorized);
  EXPECT_EQ(EncodeToVector(r5, ProtocolVersion::kV5), v5_refused);
  EXPECT_FALSE(DecodeAs<Connack>(v5_refused, ProtocolVersion::kV5).accepted());
}

}  // namespace
}  // namespace mqb::codec::test
