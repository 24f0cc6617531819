// BrokerCore's broker events (hooks.h): which are raised, when, with which fields, and that
// nothing is raised (or copied for it) while no rule wants an event.
#include <memory>
#include <string>
#include <vector>

#include "tests/engine/broker/core_fixture.h"

namespace mqb::engine::broker::testing {
namespace {

using rules::BrokerEventType;
using T = BrokerEventType;

// What a test looks at of one event (the BrokerEvent's views die with the call).
struct Seen {
  T type;
  std::string client_id, username, peer, reason, topic, from;
  codec::QoS qos;
  bool allowed, acl_rule, subscribe, clean_start;
  uint16_t keep_alive;
  std::string payload;
  size_t props_bytes;
};

class RecordingHook : public PublishHook {
 public:
  bool WantsTopic(std::string_view) override { return false; }
  void OnPublish(const InboundMessage&) override {}
  void OnEvent(const BrokerEvent& e) override {
    Seen s{e.type,
           std::string(e.client_id),
           std::string(e.username),
           std::string(e.peer),
           std::string(e.reason),
           std::string(e.topic),
           {},
           e.qos,
           e.allowed,
           e.acl_rule,
           e.subscribe,
           e.clean_start,
           e.keep_alive,
           {},
           e.properties.size_bytes()};
    if (e.message != nullptr) {
      s.from = (*e.message)->publisher_id;
      s.payload = std::string(AsString((*e.message)->payload));
    }
    seen.push_back(std::move(s));
  }
  std::vector<Seen> Of(T type) const {
    std::vector<Seen> out;
    for (const Seen& s : seen) {
      if (s.type == type) out.push_back(s);
    }
    return out;
  }
  std::vector<Seen> seen;
};

constexpr uint32_t kAll = (1u << rules::kBrokerEventCount) - 1;

class BrokerEventsTest : public BrokerCoreTest {
 protected:
  BrokerEventsTest() {
    core_.set_publish_hook(&hook_);
    hook_.set_wanted_events(kAll);
  }
  RecordingHook hook_;
};

TEST_F(BrokerEventsTest, NothingIsRaisedOrKeptWhenNoEventIsWanted) {
  hook_.set_wanted_events(0);
  auto sub = Subscriber(ProtocolVersion::kV5, "s", "a/#", QoS::kAtLeastOnce);
  auto pub = NewClient(ProtocolVersion::kV311);
  pub->Connect("p");
  pub->Send(Pub("a/b", "x", QoS::kAtLeastOnce, 1));
  pub->Send(Pub("nobody", "y"));
  auto got = sub->Next();
  ASSERT_TRUE(got && got->As<codec::Publish>());
  sub->Send(codec::Puback{got->As<codec::Publish>()->packet_id, {}, {}});
  pub->Send(codec::Disconnect{});
  sub->Drop();
  EXPECT_TRUE(hook_.seen.empty());
  // The message did not keep its publisher for events.
  auto sub2 = Subscriber(ProtocolVersion::kV311, "s2", "r", QoS::kAtMostOnce);
  auto pub2 = NewClient(ProtocolVersion::kV311);
  pub2->Connect("p2");
  pub2->Send(Pub("r", "z", QoS::kAtMostOnce, 0, true));
  EXPECT_TRUE(hook_.seen.empty());
}

TEST_F(BrokerEventsTest, OnlyTheWantedTypesAreRaised) {
  hook_.set_wanted_events(1u << static_cast<unsigned>(T::kClientConnected));
  auto c = NewClient(ProtocolVersion::kV311);
  c->Connect("only", true, 30);
  c->Send(Sub(1, "x"));
  c->Send(codec::Disconnect{});
  ASSERT_EQ(hook_.seen.size(), 1u);
  EXPECT_EQ(hook_.seen[0].type, T::kClientConnected);
  EXPECT_EQ(hook_.seen[0].client_id, "only");
  EXPECT_EQ(hook_.seen[0].keep_alive, 30);
}

TEST_F(BrokerEventsTest, ConnectionEventsAndDisconnectReasons) {
  auto a = NewClient(ProtocolVersion::kV5);
  a->Connect("a", true, 20);
  ASSERT_EQ(hook_.Of(T::kClientConnack).size(), 1u);
  EXPECT_EQ(hook_.Of(T::kClientConnack)[0].reason, "success");
  ASSERT_EQ(hook_.Of(T::kClientConnected).size(), 1u);
  EXPECT_EQ(hook_.Of(T::kClientConnected)[0].client_id, "a");
  EXPECT_EQ(hook_.Of(T::kClientConnected)[0].peer, "127.0.0.1:5000");

  // Takeover keeping the session: "takenover"; with clean start: "discarded".
  auto a2 = NewClient(ProtocolVersion::kV5);
  a2->Connect("a", false);
  auto a3 = NewClient(ProtocolVersion::kV5);
  a3->Connect("a", true);
  // A normal DISCONNECT, a dropped socket, a keep-alive timeout, a protocol error.
  a3->Send(codec::Disconnect{});
  auto b = NewClient(ProtocolVersion::kV311);
  b->Connect("b");
  b->Drop();
  auto k = NewClient(ProtocolVersion::kV311);
  k->Connect("k", true, 1);
  Advance(std::chrono::milliseconds(1600));
  auto e = NewClient(ProtocolVersion::kV5);
  e->Connect("e");
  codec::Connect again;
  again.version = ProtocolVersion::kV5;
  again.client_id = "e";
  e->Send(again);  // a second CONNECT: protocol error
  std::vector<std::string> reasons;
  for (const Seen& s : hook_.Of(T::kClientDisconnected))
    reasons.push_back(s.client_id + ":" + s.reason);
  EXPECT_EQ(reasons,
            (std::vector<std::string>{"a:takenover", "a:discarded", "a:normal", "b:tcp_closed",
                                      "k:keepalive_timeout", "e:protocol_error"}));
  // One connected per accepted CONNECT, one disconnected per connected.
  EXPECT_EQ(hook_.Of(T::kClientConnected).size(), 6u);
}

TEST_F(BrokerEventsTest, RefusedConnectRaisesConnackOnly) {
  auto auth = Authenticator::FromText(false, "", "");
  ASSERT_TRUE(auth.ok());
  BrokerCore core(BrokerOptions{}, auth.value().get());
  core.set_publish_hook(&hook_);
  TestClient c(core, &now_, ProtocolVersion::kV5);
  auto ack = c.Connect("nobody");
  ASSERT_TRUE(ack && ack->As<codec::Connack>());
  EXPECT_FALSE(ack->As<codec::Connack>()->accepted());
  ASSERT_EQ(hook_.seen.size(), 1u);
  EXPECT_EQ(hook_.seen[0].type, T::kClientConnack);
  EXPECT_EQ(hook_.seen[0].reason, "not_authorized");
  EXPECT_EQ(hook_.seen[0].client_id, "nobody");  // from the CONNECT
}

TEST_F(BrokerEventsTest, SubscriptionEvents) {
  auto c = NewClient(ProtocolVersion::kV5);
  c->Connect("c");
  c->Send(Sub(1, "$share/g/t/+", QoS::kExactlyOnce));
  auto subs = hook_.Of(T::kSessionSubscribed);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].topic, "$share/g/t/+");
  EXPECT_EQ(subs[0].qos, QoS::kExactlyOnce);
  static const std::string_view filters[] = {"$share/g/t/+", "never/subscribed"};
  codec::Unsubscribe u;
  u.packet_id = 3;
  u.filters = std::span<const std::string_view>(filters);
  c->Send(u);
  auto unsubs = hook_.Of(T::kSessionUnsubscribed);
  ASSERT_EQ(unsubs.size(), 1u);  // only the one that existed
  EXPECT_EQ(unsubs[0].topic, "$share/g/t/+");
  EXPECT_EQ(unsubs[0].qos, QoS::kExactlyOnce);
}

TEST_F(BrokerEventsTest, MessageEvents) {
  auto sub = Subscriber(ProtocolVersion::kV5, "s", "a/#", QoS::kAtLeastOnce);
  auto pub = NewClient(ProtocolVersion::kV311);
  pub->Connect("p");
  hook_.seen.clear();
  pub->Send(Pub("a/b", "hello", QoS::kAtLeastOnce, 1));
  auto delivered = hook_.Of(T::kMessageDelivered);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].client_id, "s");
  EXPECT_EQ(delivered[0].from, "p");
  EXPECT_EQ(delivered[0].payload, "hello");
  EXPECT_EQ(delivered[0].qos, QoS::kAtLeastOnce);
  EXPECT_TRUE(hook_.Of(T::kMessageAcked).empty());
  auto got = sub->Next();
  ASSERT_TRUE(got && got->As<codec::Publish>());
  sub->Send(codec::Puback{got->As<codec::Publish>()->packet_id, {}, {}});
  ASSERT_EQ(hook_.Of(T::kMessageAcked).size(), 1u);
  EXPECT_EQ(hook_.Of(T::kMessageAcked)[0].client_id, "s");

  pub->Send(Pub("nobody/listens", "lost"));
  auto dropped = hook_.Of(T::kMessageDropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].reason, "no_subscribers");
  EXPECT_EQ(dropped[0].client_id, "p");
  EXPECT_EQ(dropped[0].payload, "lost");

  // no_local: the publisher's own subscription does not get it.
  auto self = NewClient(ProtocolVersion::kV5);
  self->Connect("self");
  self->Send(
      Sub(1, "me", QoS::kAtMostOnce, codec::SubscriptionOptions{QoS::kAtMostOnce, true, false, 0}));
  self->Send(Pub("me", "echo"));
  auto dd = hook_.Of(T::kDeliveryDropped);
  ASSERT_EQ(dd.size(), 1u);
  EXPECT_EQ(dd[0].reason, "no_local");
  EXPECT_EQ(dd[0].client_id, "self");
}

TEST_F(BrokerEventsTest, OfflineQos0AndQueueFullDeliveriesAreDropped) {
  BrokerOptions o;
  o.max_queued_messages = 1;
  BrokerCore core(o);
  core.set_publish_hook(&hook_);
  {
    TestClient s(core, &now_, ProtocolVersion::kV311);
    s.Connect("off", false);
    s.Send(Sub(1, "q/#", QoS::kAtLeastOnce));
    s.Send(codec::Disconnect{});
  }
  TestClient p(core, &now_, ProtocolVersion::kV311);
  p.Connect("p");
  hook_.seen.clear();
  p.Send(Pub("q/0", "a"));                        // QoS 0 to an offline session
  p.Send(Pub("q/1", "b", QoS::kAtLeastOnce, 1));  // queued
  p.Send(Pub("q/1", "c", QoS::kAtLeastOnce, 2));  // queue full
  std::vector<std::string> reasons;
  for (const Seen& s : hook_.Of(T::kDeliveryDropped)) reasons.push_back(s.reason + ":" + s.payload);
  EXPECT_EQ(reasons, (std::vector<std::string>{"qos0_msg:a", "queue_full:c"}));
}

TEST_F(BrokerEventsTest, QuietInjectedMessagesRaiseNoMessageEvents) {
  auto sub = Subscriber(ProtocolVersion::kV311, "s", "r/#", QoS::kAtMostOnce);
  hook_.seen.clear();
  InjectRequest quiet;
  quiet.topic = "r/quiet";
  quiet.quiet = true;
  ASSERT_TRUE(core_.Inject(quiet, now_));
  InjectRequest quiet_lost = quiet;
  quiet_lost.topic = "nobody";
  ASSERT_TRUE(core_.Inject(quiet_lost, now_));
  EXPECT_TRUE(hook_.seen.empty());
  InjectRequest loud;
  loud.topic = "r/loud";
  ASSERT_TRUE(core_.Inject(loud, now_));
  ASSERT_EQ(hook_.Of(T::kMessageDelivered).size(), 1u);
  EXPECT_EQ(hook_.Of(T::kMessageDelivered)[0].from, "");
}

TEST_F(BrokerEventsTest, AuthorizationEvents) {
  auto auth = Authenticator::FromText(true, "", "deny all publish secret/#\nallow all all #\n");
  ASSERT_TRUE(auth.ok()) << auth.error();
  BrokerCore core(BrokerOptions{}, auth.value().get());
  core.set_publish_hook(&hook_);
  hook_.set_wanted_events(1u << static_cast<unsigned>(T::kClientCheckAuthzComplete));
  TestClient c(core, &now_, ProtocolVersion::kV5);
  c.Connect("c");
  c.Send(Pub("secret/x", "no"));
  c.Send(Sub(1, "open/+"));
  ASSERT_EQ(hook_.seen.size(), 2u);
  EXPECT_EQ(hook_.seen[0].topic, "secret/x");
  EXPECT_FALSE(hook_.seen[0].allowed);
  EXPECT_FALSE(hook_.seen[0].subscribe);
  EXPECT_TRUE(hook_.seen[0].acl_rule);
  EXPECT_EQ(hook_.seen[1].topic, "open/+");
  EXPECT_TRUE(hook_.seen[1].allowed);
  EXPECT_TRUE(hook_.seen[1].subscribe);
  // Without an authenticator every check allows, by default.
  hook_.seen.clear();
  core_.set_publish_hook(&hook_);
  auto d = NewClient(ProtocolVersion::kV311);
  d->Connect("d");
  d->Send(Pub("any", "x"));
  ASSERT_EQ(hook_.seen.size(), 1u);
  EXPECT_TRUE(hook_.seen[0].allowed);
  EXPECT_FALSE(hook_.seen[0].acl_rule);
}

}  // namespace
}  // namespace mqb::engine::broker::testing
