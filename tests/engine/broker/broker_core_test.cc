// Sans-I/O tests of BrokerCore: golden byte flows, CONNECT, sessions and QoS flows.
#include "engine/broker/broker_core.h"

#include <array>

#include "codec/topic.h"
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

// --- golden byte flows -------------------------------------------------------------------------

TEST_F(BrokerCoreTest, GoldenV311ConnectSubscribePublishQos1) {
  TestClient sub(core_, &now_, kV311);
  // CONNECT: "MQTT" level 4, clean session, keep-alive 60, client id "s".
  sub.SendRaw(
      Bytes({0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 's'}));
  EXPECT_EQ(sub.raw(), Bytes({0x20, 0x02, 0x00, 0x00}));  // CONNACK accepted, no session
  sub.ClearRaw();
  // SUBSCRIBE id 1, "a/+" QoS 1.
  sub.SendRaw(Bytes({0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'a', '/', '+', 0x01}));
  EXPECT_EQ(sub.raw(), Bytes({0x90, 0x03, 0x00, 0x01, 0x01}));  // SUBACK granted QoS 1
  sub.ClearRaw();

  TestClient pub(core_, &now_, kV311);
  pub.SendRaw(
      Bytes({0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'p'}));
  pub.ClearRaw();
  // PUBLISH QoS 1, "a/b", id 7, payload "hi".
  pub.SendRaw(Bytes({0x32, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x07, 'h', 'i'}));
  EXPECT_EQ(pub.raw(), Bytes({0x40, 0x02, 0x00, 0x07}));  // PUBACK 7
  // Delivered with the subscriber's own packet id 1, RETAIN 0.
  EXPECT_EQ(sub.raw(), Bytes({0x32, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x01, 'h', 'i'}));
  sub.ClearRaw();
  sub.SendRaw(Bytes({0x40, 0x02, 0x00, 0x01}));  // PUBACK
  EXPECT_TRUE(core_.FindSession("s")->inflight.empty());
  // PINGREQ -> PINGRESP; DISCONNECT closes.
  sub.SendRaw(Bytes({0xC0, 0x00}));
  EXPECT_EQ(sub.raw(), Bytes({0xD0, 0x00}));
  sub.SendRaw(Bytes({0xE0, 0x00}));
  EXPECT_TRUE(sub.closed());
}

TEST_F(BrokerCoreTest, GoldenV5ConnectAssignsClientId) {
  TestClient c(core_, &now_, kV5);
  // CONNECT 5.0, clean start, keep-alive 30, no properties, empty client id.
  c.SendRaw(Bytes(
      {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x1E, 0x00, 0x00, 0x00}));
  auto ack = c.Next();
  ASSERT_TRUE(ack && ack->As<codec::Connack>());
  EXPECT_EQ(ack->bytes[0], 0x20);
  EXPECT_EQ(ack->bytes[3], 0x00);  // Success
  auto id = ack->As<codec::Connack>()->properties.GetString(PropertyId::kAssignedClientIdentifier);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->substr(0, 4), "mqb-");
  EXPECT_NE(core_.FindSession(*id), nullptr);
  EXPECT_EQ(ack->As<codec::Connack>()->properties.GetInteger(PropertyId::kReceiveMaximum), 128u);
}

TEST_F(BrokerCoreTest, V311EmptyClientIdWithoutCleanSessionIsRejected) {
  TestClient c(core_, &now_, kV311);
  c.SendRaw(
      Bytes({0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x3C, 0x00, 0x00}));
  EXPECT_EQ(c.raw(), Bytes({0x20, 0x02, 0x00, 0x02}));  // identifier rejected
  EXPECT_TRUE(c.closed());
}

TEST_F(BrokerCoreTest, UnsupportedProtocolLevelGetsReturnCode1) {
  TestClient c(core_, &now_, kV311);
  c.SendRaw(
      Bytes({0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x07, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x'}));
  EXPECT_EQ(c.raw(), Bytes({0x20, 0x02, 0x00, 0x01}));
  EXPECT_TRUE(c.closed());
}

TEST_F(BrokerCoreTest, FirstPacketNotConnectClosesSilently) {
  TestClient c(core_, &now_, kV311);
  c.SendRaw(Bytes({0xC0, 0x00}));
  EXPECT_TRUE(c.raw().empty());
  EXPECT_TRUE(c.closed());
}

TEST_F(BrokerCoreTest, SecondConnectIsProtocolError) {
  auto c = NewClient(kV5);
  ASSERT_TRUE(c->Connect("c"));
  codec::Connect again;
  again.version = kV5;
  again.client_id = "c";
  c->Send(again);
  auto d = c->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kProtocolError);
  EXPECT_TRUE(c->closed());
}

TEST_F(BrokerCoreTest, MalformedPublishGetsDisconnect0x81) {
  auto c = NewClient(kV5);
  ASSERT_TRUE(c->Connect("c"));
  c->SendRaw(Bytes({0x36, 0x05, 0x00, 0x01, 'a', 0x00, 0x01}));  // QoS 3
  auto d = c->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kMalformedPacket);
  EXPECT_TRUE(c->closed());
}

TEST_F(BrokerCoreTest, TakeoverDisconnectsOldConnection) {
  auto a = NewClient(kV5);
  ASSERT_TRUE(a->Connect("same"));
  auto b = NewClient(kV5);
  auto ack = b->Connect("same", /*clean=*/false);
  ASSERT_TRUE(ack && ack->As<codec::Connack>()->accepted());
  auto d = a->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kSessionTakenOver);
  EXPECT_TRUE(a->closed());
  EXPECT_FALSE(b->closed());
  EXPECT_EQ(core_.counters().takeovers, 1u);
}

TEST_F(BrokerCoreTest, KeepAliveIsEnforcedAtOneAndAHalfTimes) {
  auto c = NewClient(kV5);
  ASSERT_TRUE(c->Connect("k", true, /*keep_alive=*/10));
  Advance(std::chrono::milliseconds(14'000));
  EXPECT_FALSE(c->closed());
  c->SendRaw(Bytes({0xC0, 0x00}));  // PINGREQ resets the timer
  ASSERT_TRUE(c->Next()->As<codec::Pingresp>());
  Advance(std::chrono::milliseconds(14'000));
  EXPECT_FALSE(c->closed());
  Advance(std::chrono::milliseconds(2'000));
  EXPECT_TRUE(c->closed());
  auto d = c->Next();
  ASSERT_TRUE(d && d->As<codec::Disconnect>());
  EXPECT_EQ(d->As<codec::Disconnect>()->reason_code, ReasonCode::kKeepAliveTimeout);
  EXPECT_EQ(core_.counters().keepalive_timeouts, 1u);
}

TEST_F(BrokerCoreTest, ConnectTimeout) {
  TestClient c(core_, &now_, kV311);
  Advance(std::chrono::seconds(11));
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(core_.counters().connect_timeouts, 1u);
}

// --- sessions ----------------------------------------------------------------------------------

TEST_F(BrokerCoreTest, PersistentSessionQueuesQos1AndResumes) {
  auto sub = Subscriber(kV311, "durable", "t/#", QoS::kAtLeastOnce, /*clean=*/false);
  sub->Drop();
  auto pub = NewClient(kV311);
  pub->Connect("pub");
  pub->Send(Pub("t/1", "one", QoS::kAtLeastOnce, 1));
  pub->Send(Pub("t/0", "zero", QoS::kAtMostOnce));
  EXPECT_EQ(core_.FindSession("durable")->queue.size(), 1u);
  EXPECT_EQ(core_.counters().dropped_qos0_offline, 1u);

  auto again = NewClient(kV311);
  auto ack = again->Connect("durable", /*clean=*/false);
  ASSERT_TRUE(ack->As<codec::Connack>()->session_present);
  auto msg = again->Next();
  ASSERT_TRUE(msg && msg->As<codec::Publish>());
  EXPECT_EQ(testing::AsString(msg->As<codec::Publish>()->payload), "one");
  // Not acknowledged: after another reconnect it is retransmitted with DUP.
  again->Drop();
  auto third = NewClient(kV311);
  third->Connect("durable", false);
  auto dup = third->Next();
  ASSERT_TRUE(dup && dup->As<codec::Publish>());
  EXPECT_TRUE(dup->As<codec::Publish>()->dup);
  EXPECT_EQ(dup->As<codec::Publish>()->packet_id, msg->As<codec::Publish>()->packet_id);
}

TEST_F(BrokerCoreTest, CleanStartDiscardsSession) {
  auto sub = Subscriber(kV311, "d", "t", QoS::kAtLeastOnce, false);
  sub->Drop();
  auto again = NewClient(kV311);
  auto ack = again->Connect("d", /*clean=*/true);
  EXPECT_FALSE(ack->As<codec::Connack>()->session_present);
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("t", "x", QoS::kAtLeastOnce, 1));
  EXPECT_EQ(again->Pending(), 0u);  // the old subscription is gone
}

TEST_F(BrokerCoreTest, V5SessionExpiry) {
  auto c = NewClient(kV5);
  std::array<uint8_t, 16> buf;
  c->Connect(
      "e", false, 60,
      Props(buf, {{PropertyId::kSessionExpiryInterval, 10}}, codec::PropertyContext::kConnect));
  c->Drop();
  Advance(std::chrono::seconds(9));
  EXPECT_NE(core_.FindSession("e"), nullptr);
  Advance(std::chrono::seconds(2));
  EXPECT_EQ(core_.FindSession("e"), nullptr);
  EXPECT_EQ(core_.counters().sessions_expired, 1u);
}

TEST_F(BrokerCoreTest, OfflineQueueIsBounded) {
  BrokerOptions o;
  o.max_queued_messages = 3;
  BrokerCore core(o);
  TestClient sub(core, &now_, kV311);
  sub.Connect("q", false);
  sub.Send(Sub(1, "t", QoS::kAtLeastOnce));
  sub.Drop();
  TestClient pub(core, &now_, kV311);
  pub.Connect("p");
  for (uint16_t i = 1; i <= 5; ++i) pub.Send(Pub("t", "m", QoS::kAtLeastOnce, i));
  EXPECT_EQ(core.FindSession("q")->queue.size(), 3u);
  EXPECT_EQ(core.counters().dropped_queue_full, 2u);
}

// --- QoS flows ---------------------------------------------------------------------------------

TEST_F(BrokerCoreTest, Qos2InboundExactlyOnce) {
  auto sub = Subscriber(kV5, "s", "q2", QoS::kExactlyOnce);
  auto pub = NewClient(kV5);
  pub->Connect("p");
  pub->Send(Pub("q2", "x", QoS::kExactlyOnce, 9));
  auto rec = pub->Next();
  ASSERT_TRUE(rec && rec->As<codec::Pubrec>());
  EXPECT_EQ(rec->As<codec::Pubrec>()->packet_id, 9);
  auto retry = Pub("q2", "x", QoS::kExactlyOnce, 9);
  retry.dup = true;
  pub->Send(retry);
  ASSERT_TRUE(pub->Next()->As<codec::Pubrec>());
  codec::Pubrel rel;
  rel.packet_id = 9;
  pub->Send(rel);
  auto comp = pub->Next();
  ASSERT_TRUE(comp && comp->As<codec::Pubcomp>());
  EXPECT_EQ(comp->As<codec::Pubcomp>()->reason_code, ReasonCode::kSuccess);
  // Delivered once, at QoS 2; then the outbound QoS 2 flow.
  auto msg = sub->Next();
  ASSERT_TRUE(msg && msg->As<codec::Publish>());
  EXPECT_EQ(msg->As<codec::Publish>()->qos, QoS::kExactlyOnce);
  EXPECT_EQ(sub->Pending(), 0u);
  codec::Pubrec r2;
  r2.packet_id = msg->As<codec::Publish>()->packet_id;
  sub->Send(r2);
  auto rel2 = sub->Next();
  ASSERT_TRUE(rel2 && rel2->As<codec::Pubrel>());
  codec::Pubcomp c2;
  c2.packet_id = r2.packet_id;
  sub->Send(c2);
  EXPECT_TRUE(core_.FindSession("s")->inflight.empty());
  // PUBREL for an unknown id: PUBCOMP "packet identifier not found".
  rel.packet_id = 77;
  pub->Send(rel);
  EXPECT_EQ(pub->Next()->As<codec::Pubcomp>()->reason_code, ReasonCode::kPacketIdentifierNotFound);
}

TEST_F(BrokerCoreTest, ReceiveMaximumLimitsInflight) {
  auto sub = NewClient(kV5);
  std::array<uint8_t, 16> buf;
  sub->Connect("rm", true, 60,
               Props(buf, {{PropertyId::kReceiveMaximum, 2}}, codec::PropertyContext::kConnect));
  sub->Send(Sub(1, "t", QoS::kAtLeastOnce));
  sub->Next();
  auto pub = NewClient(kV5);
  pub->Connect("p");
  for (uint16_t i = 1; i <= 5; ++i) pub->Send(Pub("t", "m", QoS::kAtLeastOnce, i));
  EXPECT_EQ(sub->Pending(), 2u);
  auto first = sub->Next();
  sub->Next();
  codec::Puback ack;
  ack.packet_id = first->As<codec::Publish>()->packet_id;
  sub->Send(ack);
  EXPECT_EQ(sub->Pending(), 1u);  // one slot freed, one more sent
  EXPECT_EQ(core_.FindSession("rm")->queue.size(), 2u);
}

// Outbound topic aliases [MQTT-3.3.2-12..]: within the client's Topic Alias Maximum, a topic gets
// an alias the first time (sent with the topic), then travels as the alias with an empty topic;
// once the aliases are used up and for short topics, the topic goes as it is; a client that
// announced no maximum never gets one.
TEST_F(BrokerCoreTest, OutboundTopicAliasesWithinTheClientsMaximum) {
  auto sub = NewClient(kV5);
  std::array<uint8_t, 16> buf;
  sub->Connect("ta", true, 60,
               Props(buf, {{PropertyId::kTopicAliasMaximum, 2}}, codec::PropertyContext::kConnect));
  sub->Send(Sub(1, "#"));
  sub->Next();
  auto plain = NewClient(kV5);
  plain->Connect("plain");
  plain->Send(Sub(1, "#"));
  plain->Next();
  auto pub = NewClient(kV5);
  pub->Connect("p");
  struct Want {
    std::string_view topic;
    std::string_view sent_topic;
    std::optional<uint32_t> alias;
  };
  const Want steps[] = {
      {"sensors/a/temp", "sensors/a/temp", 1},
      {"sensors/a/temp", "", 1},
      {"sensors/b/temp", "sensors/b/temp", 2},
      {"sensors/c/temp", "sensors/c/temp", std::nullopt},
      {"ab", "ab", std::nullopt},
      {"sensors/b/temp", "", 2},
      {"sensors/a/temp", "", 1},
  };
  for (const Want& w : steps) {
    pub->Send(Pub(w.topic, "v"));
    auto got = sub->Next();
    ASSERT_TRUE(got && got->As<codec::Publish>()) << w.topic;
    EXPECT_EQ(got->As<codec::Publish>()->topic, w.sent_topic) << w.topic;
    EXPECT_EQ(got->As<codec::Publish>()->properties.GetInteger(PropertyId::kTopicAlias), w.alias)
        << w.topic;
    auto other = plain->Next();
    ASSERT_TRUE(other && other->As<codec::Publish>());
    EXPECT_EQ(other->As<codec::Publish>()->topic, w.topic);
    EXPECT_FALSE(other->As<codec::Publish>()->properties.Has(PropertyId::kTopicAlias));
  }
}

TEST_F(BrokerCoreTest, QosIsDowngradedToSubscription) {
  auto sub = Subscriber(kV311, "s", "t", QoS::kAtMostOnce);
  auto pub = NewClient(kV311);
  pub->Connect("p");
  pub->Send(Pub("t", "x", QoS::kExactlyOnce, 3));
  auto m = sub->Next();
  ASSERT_TRUE(m && m->As<codec::Publish>());
  EXPECT_EQ(m->As<codec::Publish>()->qos, QoS::kAtMostOnce);
}

}  // namespace
}  // namespace mqb::engine::broker
