// Sans-I/O tests of BrokerCore: retained messages, wills, 5.0 features, hooks, authentication.
#include <array>

#include "codec/topic.h"
#include "engine/broker/broker_core.h"
#include "engine/broker/passwd.h"
#include "gtest/gtest.h"
#include "tests/engine/broker/core_fixture.h"

namespace mqb::engine::broker {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;
using testing::BrokerCoreTest;
using testing::Bytes;
using testing::TestClient;
constexpr auto kV311 = ProtocolVersion::kV311;
constexpr auto kV5 = ProtocolVersion::kV5;

// --- retained ----------------------------------------------------------------------------------

TEST_F(BrokerCoreTest, RetainedSetDeliverClear) {
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("r/1", "v1", QoS::kAtLeastOnce, 1, /*retain=*/true));
  pub->Send(Pub("r/2", "v2", QoS::kAtMostOnce, 0, true));
  EXPECT_EQ(core_.retained_count(), 2u);
  auto sub = Subscriber(kV311, "s", "r/#", QoS::kAtLeastOnce);
  auto a = sub->Next();
  auto b = sub->Next();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->As<codec::Publish>()->retain);
  EXPECT_TRUE(b->As<codec::Publish>()->retain);
  // Live messages to an existing subscription carry RETAIN 0 (3.1.1).
  pub->Send(Pub("r/1", "v3", QoS::kAtMostOnce, 0, true));
  auto live = sub->Next();
  ASSERT_TRUE(live);
  EXPECT_FALSE(live->As<codec::Publish>()->retain);
  pub->Send(Pub("r/1", "", QoS::kAtMostOnce, 0, true));  // clear
  EXPECT_EQ(core_.retained_count(), 1u);
}

TEST_F(BrokerCoreTest, RetainHandlingAndRetainAsPublished) {
  auto pub = NewClient(kV5);
  pub->Connect("p");
  pub->Send(Pub("r", "v", QoS::kAtMostOnce, 0, true));
  auto sub = NewClient(kV5);
  sub->Connect("s");
  codec::SubscriptionOptions never;
  never.retain_handling = 2;
  sub->Send(Sub(1, "r", QoS::kAtMostOnce, never));
  ASSERT_TRUE(sub->Next()->As<codec::Suback>());
  EXPECT_EQ(sub->Pending(), 0u);
  codec::SubscriptionOptions if_new;
  if_new.retain_handling = 1;
  if_new.retain_as_published = true;
  sub->Send(Sub(2, "r", QoS::kAtMostOnce, if_new));  // not new: replaces the subscription
  ASSERT_TRUE(sub->Next()->As<codec::Suback>());
  EXPECT_EQ(sub->Pending(), 0u);
  sub->Send(Sub(3, "r/#", QoS::kAtMostOnce, if_new));  // new ("#" matches the parent)
  ASSERT_TRUE(sub->Next()->As<codec::Suback>());
  ASSERT_EQ(sub->Pending(), 1u);
  EXPECT_TRUE(sub->Next()->As<codec::Publish>()->retain);
  pub->Send(Pub("r", "live", QoS::kAtMostOnce, 0, true));
  auto live = sub->Next();  // two overlapping subscriptions: one delivery
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->As<codec::Publish>()->retain);  // retain as published
  EXPECT_EQ(sub->Pending(), 0u);
}

// --- wills -------------------------------------------------------------------------------------

class WillTest : public BrokerCoreTest {
 protected:
  void ConnectWithWill(TestClient& c, std::string_view id, uint32_t delay,
                       uint32_t session_expiry = 0) {
    codec::Connect k;
    k.version = kV5;
    k.client_id = id;
    k.clean_start = false;
    std::array<uint8_t, 16> cb;
    k.properties = Props(cb, {{PropertyId::kSessionExpiryInterval, session_expiry}},
                         codec::PropertyContext::kConnect);
    codec::Will w;
    w.topic = "will/t";
    static const uint8_t kPayload[] = {'b', 'y', 'e'};
    w.payload = kPayload;
    w.qos = QoS::kAtLeastOnce;
    std::array<uint8_t, 16> wb;
    w.properties =
        Props(wb, {{PropertyId::kWillDelayInterval, delay}}, codec::PropertyContext::kWill);
    k.will = w;
    c.Send(k);
    auto ack = c.Next();
    ASSERT_TRUE(ack && ack->As<codec::Connack>()->accepted());
  }
};

TEST_F(WillTest, WillOnAbnormalCloseNotOnNormalDisconnect) {
  auto watcher = Subscriber(kV5, "w", "will/#", QoS::kAtLeastOnce);
  auto a = NewClient(kV5);
  ConnectWithWill(*a, "a", 0);
  a->Drop();
  auto m = watcher->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  EXPECT_EQ(testing::AsString(m->As<codec::Publish>()->payload), "bye");
  auto b = NewClient(kV5);
  ConnectWithWill(*b, "b", 0);
  b->Send(codec::Disconnect{});
  EXPECT_EQ(watcher->Pending(), 0u);
  EXPECT_EQ(core_.counters().wills_published, 1u);
}

TEST_F(WillTest, WillDelayCancelledByReconnectAndFiredAfterDelay) {
  auto watcher = Subscriber(kV5, "w", "will/#");
  auto a = NewClient(kV5);
  ConnectWithWill(*a, "a", /*delay=*/5, /*session_expiry=*/100);
  a->Drop();
  Advance(std::chrono::seconds(3));
  EXPECT_EQ(watcher->Pending(), 0u);
  auto again = NewClient(kV5);
  ConnectWithWill(*again, "a", 5, 100);  // resumed within the delay: the old will is dropped
  Advance(std::chrono::seconds(10));
  EXPECT_EQ(watcher->Pending(), 0u);
  again->Drop();
  Advance(std::chrono::seconds(4));
  EXPECT_EQ(watcher->Pending(), 0u);
  Advance(std::chrono::seconds(2));
  EXPECT_EQ(watcher->Pending(), 1u);
}

TEST_F(WillTest, TakeoverPublishesWillOfOldConnection) {
  auto watcher = Subscriber(kV5, "w", "will/#");
  auto a = NewClient(kV5);
  ConnectWithWill(*a, "a", 0);
  auto b = NewClient(kV5);
  b->Connect("a", true);
  EXPECT_EQ(watcher->Pending(), 1u);
}

// --- 5.0 features ------------------------------------------------------------------------------

TEST_F(BrokerCoreTest, InboundTopicAlias) {
  auto sub = Subscriber(kV5, "s", "alias/t");
  auto pub = NewClient(kV5);
  pub->Connect("p");
  std::array<uint8_t, 8> buf;
  auto p = Pub("alias/t", "1");
  p.properties = Props(buf, {{PropertyId::kTopicAlias, 1}}, codec::PropertyContext::kPublish);
  pub->Send(p);
  p.topic = "";
  p.payload = {reinterpret_cast<const uint8_t*>("2"), 1};
  pub->Send(p);
  auto m1 = sub->Next(), m2 = sub->Next();
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(m2->As<codec::Publish>()->topic, "alias/t");
  EXPECT_FALSE(m2->As<codec::Publish>()->properties.Has(PropertyId::kTopicAlias));
  p.properties = Props(buf, {{PropertyId::kTopicAlias, 1000}}, codec::PropertyContext::kPublish);
  p.topic = "x";
  pub->Send(p);
  auto d = pub->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kTopicAliasInvalid);
}

TEST_F(BrokerCoreTest, MaximumPacketSizeBothWays) {
  BrokerOptions o;
  o.max_packet_size = 256;
  BrokerCore core(o);
  TestClient small(core, &now_, kV5);
  std::array<uint8_t, 16> buf;
  small.Connect(
      "small", true, 60,
      Props(buf, {{PropertyId::kMaximumPacketSize, 64}}, codec::PropertyContext::kConnect));
  small.Send(Sub(1, "t"));
  small.Next();
  TestClient pub(core, &now_, kV5);
  pub.Connect("p");
  std::string big(100, 'x');
  pub.Send(Pub("t", big));
  EXPECT_EQ(small.Pending(), 0u);  // larger than the client's limit: dropped
  EXPECT_EQ(core.counters().dropped_too_large, 1u);
  pub.Send(Pub("t", "ok"));
  EXPECT_EQ(small.Pending(), 1u);
  std::string huge(400, 'x');
  pub.Send(Pub("t", huge));  // larger than the server's limit
  auto d = pub.Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kPacketTooLarge);
}

TEST_F(BrokerCoreTest, MessageExpiry) {
  auto sub = Subscriber(kV5, "s", "t", QoS::kAtLeastOnce, /*clean=*/false);
  // Session expiry 0 in 5.0 would end it; give it one.
  sub->Drop();
  auto s2 = NewClient(kV5);
  std::array<uint8_t, 16> cb;
  s2->Connect(
      "s2", false, 60,
      Props(cb, {{PropertyId::kSessionExpiryInterval, 100}}, codec::PropertyContext::kConnect));
  s2->Send(Sub(1, "t", QoS::kAtLeastOnce));
  s2->Next();
  s2->Drop();
  auto pub = NewClient(kV5);
  pub->Connect("p");
  std::array<uint8_t, 16> pb;
  auto p = Pub("t", "short", QoS::kAtLeastOnce, 1);
  p.properties =
      Props(pb, {{PropertyId::kMessageExpiryInterval, 5}}, codec::PropertyContext::kPublish);
  pub->Send(p);
  auto p2 = Pub("t", "long", QoS::kAtLeastOnce, 2);
  std::array<uint8_t, 16> pb2;
  p2.properties =
      Props(pb2, {{PropertyId::kMessageExpiryInterval, 60}}, codec::PropertyContext::kPublish);
  pub->Send(p2);
  Advance(std::chrono::seconds(6));
  auto back = NewClient(kV5);
  back->Connect(
      "s2", false, 60,
      Props(cb, {{PropertyId::kSessionExpiryInterval, 100}}, codec::PropertyContext::kConnect));
  auto m = back->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  EXPECT_EQ(testing::AsString(m->As<codec::Publish>()->payload), "long");
  EXPECT_EQ(m->As<codec::Publish>()->properties.GetInteger(PropertyId::kMessageExpiryInterval),
            54u);
  EXPECT_EQ(back->Pending(), 0u);
  EXPECT_EQ(core_.counters().dropped_expired, 1u);
}

TEST_F(BrokerCoreTest, SubscriptionIdentifiersAndUserProperties) {
  auto sub = NewClient(kV5);
  sub->Connect("s");
  auto s = Sub(1, "t/+");
  std::array<uint8_t, 8> sb;
  s.properties =
      Props(sb, {{PropertyId::kSubscriptionIdentifier, 7}}, codec::PropertyContext::kSubscribe);
  sub->Send(s);
  sub->Next();
  auto pub = NewClient(kV5);
  pub->Connect("p");
  std::array<uint8_t, 64> pb;
  codec::PropertyWriter w(pb);
  w.AddUserProperty("k", "v").AddString(PropertyId::kContentType, "text/plain");
  auto p = Pub("t/x", "hi");
  p.properties = w.Finish(codec::PropertyContext::kPublish).value();
  pub->Send(p);
  auto m = sub->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  const auto& props = m->As<codec::Publish>()->properties;
  EXPECT_EQ(props.GetInteger(PropertyId::kSubscriptionIdentifier), 7u);
  EXPECT_EQ(props.GetString(PropertyId::kContentType), "text/plain");
  int n = 0;
  for (codec::UserProperty up : props.user_properties()) {
    EXPECT_EQ(up.key, "k");
    EXPECT_EQ(up.value, "v");
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST_F(BrokerCoreTest, NoLocal) {
  auto c = NewClient(kV5);
  c->Connect("self");
  codec::SubscriptionOptions nl;
  nl.no_local = true;
  c->Send(Sub(1, "t", QoS::kAtMostOnce, nl));
  c->Next();
  c->Send(Pub("t", "me"));
  EXPECT_EQ(c->Pending(), 0u);
  auto other = NewClient(kV5);
  other->Connect("other");
  other->Send(Pub("t", "them"));
  EXPECT_EQ(c->Pending(), 1u);
}

TEST_F(BrokerCoreTest, SharedSubscriptionRoundRobin) {
  auto a = Subscriber(kV5, "a", "$share/g/jobs/#");
  auto b = Subscriber(kV5, "b", "$share/g/jobs/#");
  auto plain = Subscriber(kV5, "c", "jobs/#");
  auto pub = NewClient(kV5);
  pub->Connect("p");
  for (int i = 0; i < 6; ++i) pub->Send(Pub("jobs/1", "x"));
  EXPECT_EQ(a->Pending(), 3u);
  EXPECT_EQ(b->Pending(), 3u);
  EXPECT_EQ(plain->Pending(), 6u);
  // An offline member is skipped while another is online.
  b->Drop();
  pub->Send(Pub("jobs/1", "x"));
  pub->Send(Pub("jobs/1", "x"));
  EXPECT_EQ(a->Pending(), 5u);
}

TEST_F(BrokerCoreTest, DollarTopicsNotMatchedByLeadingWildcards) {
  auto all = Subscriber(kV311, "all", "#");
  auto plus = Subscriber(kV311, "plus", "+/x");
  auto sys = Subscriber(kV311, "sys", "$SYS/#");
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("$SYS/x", "s"));
  EXPECT_EQ(all->Pending(), 0u);
  EXPECT_EQ(plus->Pending(), 0u);
  EXPECT_EQ(sys->Pending(), 1u);
}

TEST_F(BrokerCoreTest, ClientPublishWithSubscriptionIdentifierIsProtocolError) {
  auto c = NewClient(kV5);
  c->Connect("c");
  std::array<uint8_t, 8> buf;
  auto p = Pub("t", "x");
  p.properties =
      Props(buf, {{PropertyId::kSubscriptionIdentifier, 3}}, codec::PropertyContext::kPublish);
  c->Send(p);
  auto d = c->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kProtocolError);
}

TEST_F(BrokerCoreTest, UnsubscribeReasonCodes) {
  auto c = Subscriber(kV5, "u", "a");
  std::array<std::string_view, 2> filters = {"a", "b"};
  codec::Unsubscribe u;
  u.packet_id = 4;
  u.filters = filters;
  c->Send(u);
  auto ack = c->Next();
  ASSERT_TRUE(ack && ack->As<codec::Unsuback>());
  auto codes = ack->As<codec::Unsuback>()->reason_codes;
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0], 0x00);
  EXPECT_EQ(codes[1], 0x11);
}

TEST_F(BrokerCoreTest, Qos0DroppedWhenSendBufferFull) {
  auto sub = Subscriber(kV311, "s", "t", QoS::kAtLeastOnce);
  sub->transport().blocked = true;
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("t", "zero"));
  pub->Send(Pub("t", "one", QoS::kAtLeastOnce, 1));
  EXPECT_EQ(core_.counters().dropped_send_buffer_full, 1u);
  EXPECT_EQ(core_.FindSession("s")->queue.size(), 1u);
  sub->transport().blocked = false;
  core_.OnWritable(sub->client(), now_);
  auto m = sub->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  EXPECT_EQ(testing::AsString(m->As<codec::Publish>()->payload), "one");
}

// --- hooks and republish -----------------------------------------------------------------------

class RecordingHook : public PublishHook {
 public:
  bool WantsTopic(std::string_view topic) override {
    ++asked;
    return codec::TopicMatches("rule/#", topic);
  }
  void OnPublish(const InboundMessage& m) override {
    seen.push_back(std::string(m.topic) + "|" + std::string(testing::AsString(m.payload)) + "|" +
                   std::string(m.client_id) + "|" + std::string(m.username));
    kept = m.message;
  }
  int asked = 0;
  std::vector<std::string> seen;
  MessageRef kept;
};

TEST_F(BrokerCoreTest, HookSeesMatchingPublishesOnlyAndInjectDoesNotLoop) {
  RecordingHook hook;
  core_.set_publish_hook(&hook);
  auto sub = Subscriber(kV311, "s", "#");
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("other", "x"));
  pub->Send(Pub("rule/a", "y"));
  EXPECT_EQ(hook.asked, 2);
  ASSERT_EQ(hook.seen.size(), 1u);
  EXPECT_EQ(hook.seen[0], "rule/a|y|p|");
  ASSERT_TRUE(hook.kept);
  EXPECT_EQ(hook.kept->topic, "rule/a");
  EXPECT_EQ(sub->Pending(), 2u);
  sub->Next();
  sub->Next();

  InjectRequest r;
  r.topic = "rule/b";
  static constexpr uint8_t kPayload[] = {'z'};
  r.payload = kPayload;
  r.qos = QoS::kAtLeastOnce;
  r.retain = true;
  EXPECT_TRUE(core_.Inject(r, now_));
  EXPECT_EQ(hook.asked, 2);  // injected messages are not offered to the hook
  auto m = sub->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  EXPECT_EQ(m->As<codec::Publish>()->topic, "rule/b");
  EXPECT_EQ(core_.retained_count(), 1u);
  r.topic = "bad/#";
  EXPECT_FALSE(core_.Inject(r, now_));
}

// --- authentication ----------------------------------------------------------------------------

TEST_F(BrokerCoreTest, AuthenticationAndAcl) {
  auto hash = HashPassword("secret", 1000);
  ASSERT_TRUE(hash.ok());
  auto auth = Authenticator::FromText(false, "alice:" + hash.value() + "\n",
                                      "deny user:alice publish secret/#\n"
                                      "deny all subscribe private/#\n");
  ASSERT_TRUE(auth.ok()) << auth.error();
  BrokerCore core(BrokerOptions{}, auth.value().get());

  auto connect = [&](ProtocolVersion v, std::optional<std::string_view> user,
                     std::string_view pass) {
    auto c = std::make_unique<TestClient>(core, &now_, v);
    codec::Connect k;
    k.version = v;
    k.client_id = "c";
    k.user_name = user;
    if (user)
      k.password =
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(pass.data()), pass.size());
    c->Send(k);
    return c;
  };
  auto anon = connect(kV5, std::nullopt, "");
  EXPECT_EQ(anon->Next()->As<codec::Connack>()->reason_code, 0x87);
  auto bad = connect(kV5, "alice", "wrong");
  EXPECT_EQ(bad->Next()->As<codec::Connack>()->reason_code, 0x86);
  auto bad3 = connect(kV311, "alice", "wrong");
  EXPECT_EQ(bad3->raw(), Bytes({0x20, 0x02, 0x00, 0x04}));
  auto good = connect(kV5, "alice", "secret");
  EXPECT_EQ(good->Next()->As<codec::Connack>()->reason_code, 0x00);
  EXPECT_EQ(core.counters().auth_failures, 3u);

  good->Send(Pub("secret/x", "no", QoS::kAtLeastOnce, 5));
  auto ack = good->Next();
  ASSERT_TRUE(ack && ack->As<codec::Puback>());
  EXPECT_EQ(ack->As<codec::Puback>()->reason_code, ReasonCode::kNotAuthorized);
  EXPECT_EQ(core.counters().dropped_not_authorized, 1u);
  good->Send(Sub(2, "private/+"));
  auto suback = good->Next();
  ASSERT_TRUE(suback && suback->As<codec::Suback>());
  EXPECT_EQ(suback->As<codec::Suback>()->reason_codes[0], 0x87);
  // 3.1 has no SUBACK failure code: the subscriber is disconnected instead.
  auto v31 = connect(ProtocolVersion::kV31, "alice", "secret");
  EXPECT_EQ(v31->Next()->As<codec::Connack>()->reason_code, 0x00);
  v31->Send(Sub(3, "private/x"));
  EXPECT_EQ(v31->Pending(), 0u);
  EXPECT_TRUE(v31->closed());
  // 3.1.1: SUBACK return code 0x80 (Failure) [MQTT-3.9.3], the other filters still granted.
  auto v311 = connect(kV311, "alice", "secret");
  EXPECT_EQ(v311->raw(), Bytes({0x20, 0x02, 0x00, 0x00}));
  v311->ClearRaw();
  v311->SendRaw(Bytes({0x82, 0x12, 0x00, 0x04, 0x00, 0x09, 'p',  'r',  'i', 'v',
                       'a',  't',  'e',  '/',  'x',  0x01, 0x00, 0x01, 'o', 0x01}));
  EXPECT_EQ(v311->raw(), Bytes({0x90, 0x04, 0x00, 0x04, 0x80, 0x01}));
  EXPECT_FALSE(v311->closed());
}

// Server Keep Alive [MQTT-3.2.2-21]: announced in CONNACK whenever max_keepalive lowers what the
// client asked for, including 0 (no keep-alive at all), and then enforced at 1.5 times it.
class ServerKeepAliveTest : public BrokerCoreTest {
 protected:
  static BrokerOptions Options() {
    BrokerOptions o;
    o.max_keepalive = 20;
    return o;
  }
  ServerKeepAliveTest() : BrokerCoreTest(Options()) {}
};

TEST_F(ServerKeepAliveTest, AnnouncedWhenLoweredAndEnforced) {
  auto within = NewClient(kV5);
  auto ack = within->Connect("within", true, 10);
  ASSERT_TRUE(ack && ack->As<codec::Connack>());
  EXPECT_FALSE(ack->As<codec::Connack>()->properties.GetInteger(PropertyId::kServerKeepAlive));

  auto over = NewClient(kV5);
  ack = over->Connect("over", true, 600);
  ASSERT_TRUE(ack && ack->As<codec::Connack>());
  EXPECT_EQ(ack->As<codec::Connack>()->properties.GetInteger(PropertyId::kServerKeepAlive), 20u);

  auto none = NewClient(kV5);
  ack = none->Connect("none", true, 0);
  ASSERT_TRUE(ack && ack->As<codec::Connack>());
  EXPECT_EQ(ack->As<codec::Connack>()->properties.GetInteger(PropertyId::kServerKeepAlive), 20u);

  // 3.1.1 has no way to be told: its keep-alive is left as asked.
  auto old = NewClient(kV311);
  old->Connect("old", true, 600);

  Advance(std::chrono::seconds(29));
  EXPECT_FALSE(over->closed());
  EXPECT_FALSE(none->closed());
  Advance(std::chrono::seconds(2));  // past 1.5 x 20 s without a packet
  EXPECT_TRUE(over->closed());
  EXPECT_TRUE(none->closed());
  EXPECT_FALSE(old->closed());
}

}  // namespace
}  // namespace mqb::engine::broker
