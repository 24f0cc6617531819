// Properties: per-packet allowance table, typed lookup, iteration, the heap-free writer.
#include "codec/properties.h"

#include <array>
#include <vector>

#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

TEST(Properties, AllowanceTableMatchesSpec) {
  using C = PropertyContext;
  using P = PropertyId;
  EXPECT_TRUE(IsPropertyAllowed(P::kTopicAlias, C::kPublish));
  EXPECT_FALSE(IsPropertyAllowed(P::kTopicAlias, C::kWill));
  EXPECT_TRUE(IsPropertyAllowed(P::kWillDelayInterval, C::kWill));
  EXPECT_FALSE(IsPropertyAllowed(P::kWillDelayInterval, C::kConnect));
  EXPECT_TRUE(IsPropertyAllowed(P::kSubscriptionIdentifier, C::kSubscribe));
  EXPECT_FALSE(IsPropertyAllowed(P::kSubscriptionIdentifier, C::kUnsubscribe));
  EXPECT_TRUE(IsPropertyAllowed(P::kServerReference, C::kDisconnect));
  EXPECT_TRUE(IsPropertyAllowed(P::kSessionExpiryInterval, C::kDisconnect));
  EXPECT_FALSE(IsPropertyAllowed(P::kReasonString, C::kPublish));
  EXPECT_FALSE(IsPropertyAllowed(P::kReasonString, C::kConnect));
  EXPECT_TRUE(IsPropertyAllowed(P::kReasonString, C::kAuth));
  for (int c = 0; c <= static_cast<int>(C::kAuth); ++c) {
    EXPECT_TRUE(IsPropertyAllowed(P::kUserProperty, static_cast<C>(c)));
  }
  // 27 identifiers are defined.
  int known = 0;
  for (int id = 0; id < 256; ++id) known += PropertyTypeOf(static_cast<uint8_t>(id)).has_value();
  EXPECT_EQ(known, 27);
  EXPECT_TRUE(IsPropertyRepeatable(P::kSubscriptionIdentifier, C::kPublish));
  EXPECT_FALSE(IsPropertyRepeatable(P::kSubscriptionIdentifier, C::kSubscribe));
}

TEST(Properties, WriterIterationAndLookup) {
  std::array<uint8_t, 128> buf;
  PropertyWriter w(buf);
  const Bytes corr = {0xDE, 0xAD};
  w.AddString(PropertyId::kResponseTopic, "reply/to")
      .AddBinary(PropertyId::kCorrelationData, corr)
      .AddUserProperty("a", "1")
      .AddInteger(PropertyId::kSubscriptionIdentifier, 268435455)
      .AddUserProperty("a", "2")
      .AddInteger(PropertyId::kSubscriptionIdentifier, 7);
  auto props = w.Finish(PropertyContext::kPublish);
  ASSERT_TRUE(props.ok()) << ErrcName(props.error());
  EXPECT_EQ(props->GetString(PropertyId::kResponseTopic), "reply/to");
  ASSERT_TRUE(props->GetBinary(PropertyId::kCorrelationData));
  EXPECT_EQ(props->GetBinary(PropertyId::kCorrelationData)->size(), 2u);
  // Type-mismatched lookups give nullopt.
  EXPECT_FALSE(props->GetInteger(PropertyId::kResponseTopic));
  EXPECT_FALSE(props->GetString(PropertyId::kCorrelationData));
  // First occurrence for Find; all of them by iteration.
  EXPECT_EQ(props->GetInteger(PropertyId::kSubscriptionIdentifier), 268435455u);
  std::vector<uint32_t> ids;
  std::vector<PropertyId> order;
  for (const Property& p : *props) {
    order.push_back(p.id);
    if (p.id == PropertyId::kSubscriptionIdentifier) ids.push_back(p.integer);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{268435455, 7}));
  EXPECT_EQ(order.size(), 6u);
  std::vector<std::string_view> values;
  for (UserProperty up : props->user_properties()) {
    EXPECT_EQ(up.key, "a");
    values.push_back(up.value);
  }
  EXPECT_EQ(values, (std::vector<std::string_view>{"1", "2"}));
  // Two Subscription Identifiers are fine in PUBLISH, not in SUBSCRIBE.
  auto sub = Properties::Parse(props->bytes(), PropertyContext::kSubscribe);
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error(), Errc::kPropertyNotAllowed);  // Response Topic comes first
}

TEST(Properties, WriterErrors) {
  std::array<uint8_t, 4> small;
  PropertyWriter w(small);
  w.AddString(PropertyId::kContentType, "too long for four bytes");
  auto r = w.Finish();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errc::kBufferTooSmall);

  std::array<uint8_t, 64> buf;
  PropertyWriter bad_type(buf);
  bad_type.AddInteger(PropertyId::kContentType, 1);
  ASSERT_FALSE(bad_type.Finish().ok());
  EXPECT_EQ(bad_type.Finish().error(), Errc::kInvalidPropertyValue);

  PropertyWriter too_big(buf);
  too_big.AddInteger(PropertyId::kTopicAlias, 70000);
  EXPECT_EQ(too_big.Finish().error(), Errc::kInvalidPropertyValue);

  PropertyWriter not_allowed(buf);
  not_allowed.AddInteger(PropertyId::kTopicAlias, 1);
  EXPECT_TRUE(not_allowed.Finish().ok());
  EXPECT_EQ(not_allowed.Finish(PropertyContext::kConnect).error(), Errc::kPropertyNotAllowed);

  PropertyWriter dup(buf);
  dup.AddInteger(PropertyId::kMessageExpiryInterval, 1)
      .AddInteger(PropertyId::kMessageExpiryInterval, 2);
  EXPECT_EQ(dup.Finish(PropertyContext::kPublish).error(), Errc::kDuplicateProperty);
}

TEST(Properties, EveryIdentifierRoundTrips) {
  // One property of every identifier, in a context that allows it, written then parsed.
  std::array<uint8_t, 64> buf;
  for (int id = 1; id <= 0x2A; ++id) {
    auto type = PropertyTypeOf(static_cast<uint8_t>(id));
    if (!type) continue;
    const auto pid = static_cast<PropertyId>(id);
    PropertyContext ctx = PropertyContext::kConnack;
    for (int c = 0; c <= static_cast<int>(PropertyContext::kAuth); ++c) {
      if (IsPropertyAllowed(pid, static_cast<PropertyContext>(c))) {
        ctx = static_cast<PropertyContext>(c);
        break;
      }
    }
    PropertyWriter w(buf);
    switch (*type) {
      case PropertyType::kUtf8String:
        w.AddString(pid, "s");
        break;
      case PropertyType::kBinary:
        w.AddBinary(pid, Span("b"));
        break;
      case PropertyType::kUtf8StringPair:
        w.AddUserProperty("k", "v");
        break;
      default:
        w.AddInteger(pid, 1);
        break;
    }
    auto p = w.Finish(ctx);
    ASSERT_TRUE(p.ok()) << PropertyName(pid) << ": " << ErrcName(p.error());
    ASSERT_TRUE(p->Find(pid)) << PropertyName(pid);
  }
}

}  // namespace
}  // namespace mqb::codec::test
