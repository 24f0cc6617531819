// SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK golden bytes, annotated per field.
#include "codec/subscribe.h"

#include <array>
#include <vector>

#include "codec/suback.h"
#include "codec/unsuback.h"
#include "codec/unsubscribe.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

std::vector<Subscription> Collect(const SubscriptionList& l) {
  std::vector<Subscription> out;
  for (Subscription s : l) out.push_back(s);
  return out;
}

TEST(SubscribeGolden, V311) {
  const Bytes golden = {
      0x82, 0x0C,                 // SUBSCRIBE (flags 0010), remaining length 12
      0x00, 0x0A,                 // packet id 10
      0x00, 0x03, 'a', '/', 'b',  // filter "a/b"
      0x01,                       //   requested QoS 1
      0x00, 0x01, '#',            // filter "#"
      0x02,                       //   requested QoS 2
  };
  const std::array<Subscription, 2> subs = {
      Subscription{"a/b", {QoS::kAtLeastOnce}},
      Subscription{"#", {QoS::kExactlyOnce}},
  };
  Subscribe s;
  s.packet_id = 10;
  s.subscriptions = subs;
  EXPECT_EQ(EncodeToVector(s, ProtocolVersion::kV311), golden);
  Subscribe d = DecodeAs<Subscribe>(golden, ProtocolVersion::kV311);
  EXPECT_EQ(d.packet_id, 10);
  ASSERT_EQ(d.subscriptions.size(), 2u);
  auto got = Collect(d.subscriptions);
  EXPECT_EQ(got[0].filter, "a/b");
  EXPECT_EQ(got[0].options.qos, QoS::kAtLeastOnce);
  EXPECT_EQ(got[1].filter, "#");
  EXPECT_EQ(got[1].options.qos, QoS::kExactlyOnce);
  ExpectReencodes(golden, ProtocolVersion::kV311);
}

TEST(SubscribeGolden, V5OptionsAndSubscriptionIdentifier) {
  const Bytes golden = {
      0x82, 0x18,  // SUBSCRIBE, remaining length 24
      0x00, 0x0B,  // packet id 11
      0x02,        // property length 2
      0x0B, 0x05,  //   Subscription Identifier 5
      0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 't',  // "$share/g/t"
      0x29,                       //   QoS 1, Retain As Published 0x08, Retain Handling 2 (0x20)
      0x00, 0x03, 'x', '/', '+',  // "x/+"
      0x06,                       //   QoS 2, No Local 0x04
  };
  std::array<uint8_t, 8> ps;
  PropertyWriter pw(ps);
  pw.AddInteger(PropertyId::kSubscriptionIdentifier, 5);
  SubscriptionOptions shared{QoS::kAtLeastOnce, false, true, 2};
  SubscriptionOptions local{QoS::kExactlyOnce, true, false, 0};
  const std::array<Subscription, 2> subs = {Subscription{"$share/g/t", shared},
                                            Subscription{"x/+", local}};
  Subscribe s;
  s.packet_id = 11;
  s.properties = *pw.Finish(PropertyContext::kSubscribe);
  s.subscriptions = subs;
  EXPECT_EQ(EncodeToVector(s, ProtocolVersion::kV5), golden);
  Subscribe d = DecodeAs<Subscribe>(golden, ProtocolVersion::kV5);
  EXPECT_EQ(d.properties.GetInteger(PropertyId::kSubscriptionIdentifier), 5u);
  auto got = Collect(d.subscriptions);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].filter, "$share/g/t");
  EXPECT_EQ(got[0].options, shared);
  EXPECT_EQ(got[1].filter, "x/+");
  EXPECT_EQ(got[1].options, local);
  ExpectReencodes(golden, ProtocolVersion::kV5);
}

TEST(SubackGolden, AllVersions) {
  const std::array<uint8_t, 2> codes311 = {0x01, 0x80};
  const Bytes v311 = {
      0x90, 0x04,  // SUBACK, remaining length 4
      0x00, 0x0A,  // packet id 10
      0x01,        // granted QoS 1
      0x80,        // failure
  };
  EXPECT_EQ(EncodeToVector(Suback{10, {}, codes311}, ProtocolVersion::kV311), v311);
  Suback d = DecodeAs<Suback>(v311, ProtocolVersion::kV311);
  ASSERT_EQ(d.reason_codes.size(), 2u);
  EXPECT_EQ(d.reason_codes[1], 0x80);
  // 3.1 has no failure code.
  EXPECT_EQ(DecodeError(v311, ProtocolVersion::kV31), Errc::kInvalidReasonCode);
  const Bytes v31 = {0x90, 0x03, 0x00, 0x0A, 0x02};  // SUBACK id 10, granted QoS 2
  EXPECT_EQ(DecodeAs<Suback>(v31, ProtocolVersion::kV31).reason_codes[0], 2);

  const std::array<uint8_t, 2> codes5 = {0x01, 0xA2};
  const Bytes v5 = {
      0x90, 0x05,  // SUBACK, remaining length 5
      0x00, 0x0B,  // packet id 11
      0x00,        // property length 0
      0x01,        // Granted QoS 1
      0xA2,        // Wildcard Subscriptions not supported
  };
  EXPECT_EQ(EncodeToVector(Suback{11, {}, codes5}, ProtocolVersion::kV5), v5);
  ExpectReencodes(v5, ProtocolVersion::kV5);
}

TEST(UnsubscribeGolden, V311AndV5) {
  const std::array<std::string_view, 1> one = {"a/b"};
  const Bytes v311 = {
      0xA2, 0x07,                 // UNSUBSCRIBE (flags 0010), remaining length 7
      0x00, 0x0C,                 // packet id 12
      0x00, 0x03, 'a', '/', 'b',  // filter "a/b"
  };
  EXPECT_EQ(EncodeToVector(Unsubscribe{12, {}, one}, ProtocolVersion::kV311), v311);
  Unsubscribe d = DecodeAs<Unsubscribe>(v311, ProtocolVersion::kV311);
  ASSERT_EQ(d.filters.size(), 1u);
  EXPECT_EQ(*d.filters.begin(), "a/b");

  const std::array<std::string_view, 2> two = {"a/b", "#"};
  const Bytes v5 = {
      0xA2, 0x0B,                 // UNSUBSCRIBE, remaining length 11
      0x00, 0x0C,                 // packet id 12
      0x00,                       // property length 0
      0x00, 0x03, 'a', '/', 'b',  // filter "a/b"
      0x00, 0x01, '#',            // filter "#"
  };
  EXPECT_EQ(EncodeToVector(Unsubscribe{12, {}, two}, ProtocolVersion::kV5), v5);
  Unsubscribe d5 = DecodeAs<Unsubscribe>(v5, ProtocolVersion::kV5);
  std::vector<std::string_view> got(d5.filters.begin(), d5.filters.end());
  EXPECT_EQ(got, (std::vector<std::string_view>{"a/b", "#"}));
  ExpectReencodes(v5, ProtocolVersion::kV5);
}

TEST(UnsubackGolden, V311AndV5) {
  const Bytes v311 = {0xB0, 0x02, 0x00, 0x0C};  // UNSUBACK, remaining length 2, packet id 12
  EXPECT_EQ(EncodeToVector(Unsuback{12, {}, {}}, ProtocolVersion::kV311), v311);
  EXPECT_EQ(DecodeAs<Unsuback>(v311, ProtocolVersion::kV31).packet_id, 12);
  const std::array<uint8_t, 2> codes = {0x00, 0x11};
  const Bytes v5 = {
      0xB0, 0x05,  // UNSUBACK, remaining length 5
      0x00, 0x0C,  // packet id 12
      0x00,        // property length 0
      0x00,        // Success
      0x11,        // No subscription existed
  };
  EXPECT_EQ(EncodeToVector(Unsuback{12, {}, codes}, ProtocolVersion::kV5), v5);
  Unsuback d = DecodeAs<Unsuback>(v5, ProtocolVersion::kV5);
  ASSERT_EQ(d.reason_codes.size(), 2u);
  EXPECT_EQ(d.reason_codes[1], 0x11);
}

}  // namespace
}  // namespace mqb::codec::test
