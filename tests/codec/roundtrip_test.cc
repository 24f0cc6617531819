// Randomised encode -> decode -> compare -> re-encode round trips for every packet type and
// version. Seeds are fixed, so failures reproduce.
#include <array>
#include <random>
#include <string>
#include <vector>

#include "codec/topic.h"
#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

constexpr ProtocolVersion kVersions[] = {ProtocolVersion::kV31, ProtocolVersion::kV311,
                                         ProtocolVersion::kV5};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool Coin() { return Below(2) == 1; }
  // A topic level string from a small alphabet, with some multi-byte UTF-8.
  std::string Level() {
    static const char* kParts[] = {"a", "sensor", "ü", "€", "x1", "", "$y", "𝄞", "long-level"};
    std::string s;
    for (uint32_t i = 0, n = 1 + Below(3); i < n; ++i) s += kParts[Below(9)];
    return s;
  }
  std::string TopicName() {
    std::string t = Level();
    for (uint32_t i = 0, n = Below(4); i < n; ++i) t += "/" + Level();
    if (t.empty()) t = "t";
    if (t[0] == '$') t = "x" + t;
    return t;
  }
  std::string Filter() {
    std::string f;
    const uint32_t n = 1 + Below(4);
    for (uint32_t i = 0; i < n; ++i) {
      if (i) f += "/";
      const uint32_t k = Below(5);
      f += k == 0 ? "+" : (k == 1 && i == n - 1) ? "#" : Level();
    }
    if (f.empty()) f = "f";
    if (Below(6) == 0) f = "$share/g" + std::to_string(Below(9)) + "/" + f;
    return f;
  }
  Bytes Blob(size_t max) {
    Bytes b(Below(static_cast<uint32_t>(max)));
    for (auto& c : b) c = static_cast<uint8_t>(rng_());
    return b;
  }

 private:
  std::mt19937 rng_;
};

TEST(RoundTrip, RandomPublish) {
  Gen g(1);
  for (int i = 0; i < 3000; ++i) {
    const ProtocolVersion v = kVersions[g.Below(3)];
    const std::string topic = g.TopicName();
    const Bytes payload = g.Blob(300);
    std::array<uint8_t, 256> ps;
    PropertyWriter w(ps);
    if (g.Coin()) w.AddInteger(PropertyId::kMessageExpiryInterval, g.Below(100000));
    if (g.Coin()) w.AddInteger(PropertyId::kPayloadFormatIndicator, g.Below(2));
    if (g.Coin()) w.AddInteger(PropertyId::kTopicAlias, 1 + g.Below(10));
    for (uint32_t k = 0, n = g.Below(3); k < n; ++k) w.AddUserProperty(g.Level(), g.Level());
    if (g.Coin()) w.AddInteger(PropertyId::kSubscriptionIdentifier, 1 + g.Below(kMaxVarInt));
    Publish p;
    p.qos = static_cast<QoS>(g.Below(3));
    p.dup = p.qos != QoS::kAtMostOnce && g.Coin();
    p.retain = g.Coin();
    p.topic = topic;
    p.packet_id = p.qos == QoS::kAtMostOnce ? 0 : static_cast<uint16_t>(1 + g.Below(65535));
    p.payload = payload;
    p.properties = *w.Finish(PropertyContext::kPublish);
    const Bytes bytes = EncodeToVector(p, v);
    Publish d = DecodeAs<Publish>(bytes, v);
    EXPECT_EQ(d.topic, p.topic);
    EXPECT_EQ(d.qos, p.qos);
    EXPECT_EQ(d.dup, p.dup);
    EXPECT_EQ(d.retain, p.retain);
    EXPECT_EQ(d.packet_id, p.packet_id);
    EXPECT_EQ(Bytes(d.payload.begin(), d.payload.end()), payload);
    if (v == ProtocolVersion::kV5) {
      EXPECT_EQ(d.properties, p.properties);
    } else {
      EXPECT_TRUE(d.properties.empty());
    }
    ExpectReencodes(bytes, v);
  }
}

TEST(RoundTrip, RandomSubscribeAndUnsubscribe) {
  Gen g(2);
  for (int i = 0; i < 1000; ++i) {
    const ProtocolVersion v = kVersions[g.Below(3)];
    const bool v5 = v == ProtocolVersion::kV5;
    std::vector<std::string> filters;
    for (uint32_t k = 0, n = 1 + g.Below(5); k < n; ++k) filters.push_back(g.Filter());
    std::vector<Subscription> subs;
    for (const std::string& f : filters) {
      SubscriptionOptions o;
      o.qos = static_cast<QoS>(g.Below(3));
      if (v5) {
        o.no_local = !f.starts_with(kSharePrefix) && g.Coin();
        o.retain_as_published = g.Coin();
        o.retain_handling = static_cast<uint8_t>(g.Below(3));
      }
      subs.push_back({f, o});
    }
    Subscribe s{static_cast<uint16_t>(1 + g.Below(65535)), {}, subs};
    const Bytes bytes = EncodeToVector(s, v);
    Subscribe d = DecodeAs<Subscribe>(bytes, v);
    ASSERT_EQ(d.subscriptions.size(), subs.size()) << Hex(bytes);
    size_t k = 0;
    for (Subscription got : d.subscriptions) {
      EXPECT_EQ(got.filter, subs[k].filter);
      EXPECT_EQ(got.options, subs[k].options);
      ++k;
    }
    ExpectReencodes(bytes, v);

    std::vector<std::string_view> views(filters.begin(), filters.end());
    Unsubscribe u{s.packet_id, {}, views};
    const Bytes ub = EncodeToVector(u, v);
    Unsubscribe du = DecodeAs<Unsubscribe>(ub, v);
    EXPECT_EQ(std::vector<std::string_view>(du.filters.begin(), du.filters.end()), views);
  }
}

TEST(RoundTrip, RandomConnect) {
  Gen g(3);
  for (int i = 0; i < 1000; ++i) {
    const ProtocolVersion v = kVersions[g.Below(3)];
    const std::string client_id = g.Level();
    const std::string will_topic = g.TopicName();
    const Bytes will_payload = g.Blob(50), password = g.Blob(20);
    const std::string user = g.Level();
    Connect c;
    c.version = v;
    c.bridge = v != ProtocolVersion::kV5 && g.Coin();
    c.clean_start = g.Coin();
    c.keep_alive = static_cast<uint16_t>(g.Below(65536));
    c.client_id = client_id;
    if (g.Coin()) {
      Will w;
      w.qos = static_cast<QoS>(g.Below(3));
      w.retain = g.Coin();
      w.topic = will_topic;
      w.payload = will_payload;
      c.will = w;
    }
    const bool has_user = g.Coin();
    if (has_user) c.user_name = user;
    if ((has_user || v == ProtocolVersion::kV5) && g.Coin()) c.password = password;
    const Bytes bytes = EncodeToVector(c, v);
    Connect d = DecodeAs<Connect>(bytes, v);
    EXPECT_EQ(d.version, v);
    EXPECT_EQ(d.bridge, c.bridge);
    EXPECT_EQ(d.clean_start, c.clean_start);
    EXPECT_EQ(d.keep_alive, c.keep_alive);
    EXPECT_EQ(d.client_id, c.client_id);
    EXPECT_EQ(d.will.has_value(), c.will.has_value());
    if (d.will && c.will) {
      EXPECT_EQ(d.will->topic, c.will->topic);
      EXPECT_EQ(d.will->qos, c.will->qos);
      EXPECT_EQ(d.will->retain, c.will->retain);
    }
    EXPECT_EQ(d.user_name, c.user_name);
    EXPECT_EQ(d.password.has_value(), c.password.has_value());
    ExpectReencodes(bytes, v);
  }
}

TEST(RoundTrip, AcksAndControlPackets) {
  Gen g(4);
  const ReasonCode ack_codes[] = {ReasonCode::kSuccess, ReasonCode::kNoMatchingSubscribers,
                                  ReasonCode::kQuotaExceeded, ReasonCode::kNotAuthorized};
  for (int i = 0; i < 500; ++i) {
    const ProtocolVersion v = kVersions[g.Below(3)];
    const bool v5 = v == ProtocolVersion::kV5;
    const uint16_t id = static_cast<uint16_t>(1 + g.Below(65535));
    Puback a{id, v5 ? ack_codes[g.Below(4)] : ReasonCode::kSuccess, {}};
    Puback da = DecodeAs<Puback>(EncodeToVector(a, v), v);
    EXPECT_EQ(da.packet_id, a.packet_id);
    EXPECT_EQ(da.reason_code, a.reason_code);
    Pubrel r{id, v5 && g.Coin() ? ReasonCode::kPacketIdentifierNotFound : ReasonCode::kSuccess, {}};
    EXPECT_EQ(DecodeAs<Pubrel>(EncodeToVector(r, v), v), r);
    const std::array<uint8_t, 3> codes = {0x00, 0x01, 0x02};
    Suback s{id, {}, codes};
    EXPECT_EQ(DecodeAs<Suback>(EncodeToVector(s, v), v).reason_codes.size(), 3u);
    const std::array<uint8_t, 1> ucodes = {0x11};
    Unsuback u{id, {}, v5 ? std::span<const uint8_t>(ucodes) : std::span<const uint8_t>()};
    EXPECT_EQ(DecodeAs<Unsuback>(EncodeToVector(u, v), v).packet_id, id);
    Connack ca;
    ca.session_present = v != ProtocolVersion::kV31 && g.Coin();
    Connack dca = DecodeAs<Connack>(EncodeToVector(ca, v), v);
    EXPECT_EQ(dca.session_present, ca.session_present);
  }
}

}  // namespace
}  // namespace mqb::codec::test
