// PUBLISH golden bytes (3.1, 3.1.1, 5.0), annotated per field.
#include "codec/publish.h"

#include <array>

#include "codec/properties.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

TEST(PublishGolden, V311QoS0) {
  const Bytes golden = {
      0x30,                       // PUBLISH, DUP 0, QoS 0, RETAIN 0
      0x0A,                       // remaining length 10
      0x00, 0x03, 'a', '/', 'b',  // topic "a/b"
      'h',  'e',  'l', 'l', 'o',  // payload "hello"
  };
  Publish p;
  p.topic = "a/b";
  p.payload = Span("hello");
  EXPECT_EQ(EncodeToVector(p, ProtocolVersion::kV311), golden);
  EXPECT_EQ(EncodeToVector(p, ProtocolVersion::kV31), golden);
  for (auto v : {ProtocolVersion::kV31, ProtocolVersion::kV311}) {
    Publish d = DecodeAs<Publish>(golden, v);
    EXPECT_EQ(d.topic, "a/b");
    EXPECT_EQ(d.qos, QoS::kAtMostOnce);
    EXPECT_FALSE(d.dup);
    EXPECT_FALSE(d.retain);
    EXPECT_EQ(d.packet_id, 0);
    EXPECT_EQ(Str(d.payload), "hello");
    // Zero copy: the views point into the input.
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(d.topic.data()), golden.data() + 4);
    EXPECT_EQ(d.payload.data(), golden.data() + 7);
  }
}

TEST(PublishGolden, V311QoS1DupRetain) {
  const Bytes golden = {
      0x3B,             // PUBLISH, DUP 1, QoS 1, RETAIN 1
      0x07,             // remaining length 7
      0x00, 0x01, 't',  // topic "t"
      0x12, 0x34,       // packet identifier 0x1234
      0x01, 0x02,       // payload
  };
  Publish p;
  p.dup = true;
  p.qos = QoS::kAtLeastOnce;
  p.retain = true;
  p.topic = "t";
  p.packet_id = 0x1234;
  const std::array<uint8_t, 2> payload = {1, 2};
  p.payload = payload;
  EXPECT_EQ(EncodeToVector(p, ProtocolVersion::kV311), golden);
  Publish d = DecodeAs<Publish>(golden, ProtocolVersion::kV311);
  EXPECT_TRUE(d.dup);
  EXPECT_TRUE(d.retain);
  EXPECT_EQ(d.qos, QoS::kAtLeastOnce);
  EXPECT_EQ(d.packet_id, 0x1234);
  EXPECT_EQ(d.payload.size(), 2u);
}

TEST(PublishGolden, V5QoS2WithProperties) {
  const Bytes golden = {
      0x34,                          // PUBLISH, QoS 2
      0x21,                          // remaining length 33
      0x00, 0x03, 'a',  '/',  'b',   // topic "a/b"
      0x00, 0x07,                    // packet identifier 7
      0x17,                          // property length 23
      0x01, 0x01,                    //   Payload Format Indicator = 1 (UTF-8)
      0x02, 0x00, 0x00, 0x00, 0x3C,  //   Message Expiry Interval = 60
      0x23, 0x00, 0x05,              //   Topic Alias = 5
      0x26, 0x00, 0x01, 'k',         //   User Property key "k"
      0x00, 0x01, 'v',               //                 value "v"
      0x0B, 0x80, 0x01,              //   Subscription Identifier = 128 (two-byte VBI)
      0x03, 0x00, 0x00,              //   Content Type = ""
      'h',  'i',                     // payload "hi"
  };
  std::array<uint8_t, 64> storage;
  PropertyWriter w(storage);
  w.AddInteger(PropertyId::kPayloadFormatIndicator, 1)
      .AddInteger(PropertyId::kMessageExpiryInterval, 60)
      .AddInteger(PropertyId::kTopicAlias, 5)
      .AddUserProperty("k", "v")
      .AddInteger(PropertyId::kSubscriptionIdentifier, 128)
      .AddString(PropertyId::kContentType, "");
  auto props = w.Finish(PropertyContext::kPublish);
  ASSERT_TRUE(props.ok()) << ErrcName(props.error());
  Publish p;
  p.qos = QoS::kExactlyOnce;
  p.topic = "a/b";
  p.packet_id = 7;
  p.properties = *props;
  p.payload = Span("hi");
  EXPECT_EQ(EncodeToVector(p, ProtocolVersion::kV5), golden);

  Publish d = DecodeAs<Publish>(golden, ProtocolVersion::kV5);
  EXPECT_EQ(d.topic, "a/b");
  EXPECT_EQ(d.packet_id, 7);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kPayloadFormatIndicator), 1u);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kMessageExpiryInterval), 60u);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kTopicAlias), 5u);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kSubscriptionIdentifier), 128u);
  EXPECT_EQ(d.properties.GetString(PropertyId::kContentType), "");
  EXPECT_FALSE(d.properties.Has(PropertyId::kResponseTopic));
  int n = 0;
  for (UserProperty up : d.properties.user_properties()) {
    EXPECT_EQ(up.key, "k");
    EXPECT_EQ(up.value, "v");
    ++n;
  }
  EXPECT_EQ(n, 1);
  EXPECT_EQ(Str(d.payload), "hi");
  // The same packet as 3.1.1 drops the properties.
  const Bytes v311 = {0x34, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x07, 'h', 'i'};
  EXPECT_EQ(EncodeToVector(p, ProtocolVersion::kV311), v311);
}

TEST(PublishGolden, V5EmptyTopicWithAlias) {
  const Bytes golden = {
      0x30, 0x06,        // PUBLISH QoS 0, remaining length 6
      0x00, 0x00,        // topic "" (alias in use)
      0x03,              // property length 3
      0x23, 0x00, 0x01,  // Topic Alias = 1
  };
  Publish d = DecodeAs<Publish>(golden, ProtocolVersion::kV5);
  EXPECT_EQ(d.topic, "");
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kTopicAlias), 1u);
  EXPECT_TRUE(d.payload.empty());
}

}  // namespace
}  // namespace mqb::codec::test
