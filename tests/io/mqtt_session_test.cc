// MqttSession (sans-I/O) driven with broker bytes produced by the codec and a synthetic clock:
// CONNECT contents, CONNACK failures, keepalive and PINGRESP timeout, retries with DUP, the
// in-flight window, resume after reconnect, inbound QoS 2 exactly once, topic aliases,
// subscription identifiers.
#include "io/mqtt_session.h"

#include <variant>
#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "gtest/gtest.h"

namespace mqb::io {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct Recorder : MqttSessionHandler {
  std::vector<std::string> messages;
  std::vector<uint16_t> done;
  int connected = 0, window_open = 0;
  std::vector<std::vector<uint8_t>> suback_codes;
  void OnConnected(bool) override { ++connected; }
  void OnMessage(const codec::Publish& m) override {
    messages.push_back(
        std::string(m.topic) + "=" +
        std::string(reinterpret_cast<const char*>(m.payload.data()), m.payload.size()));
  }
  void OnPublishDone(uint16_t id, codec::ReasonCode) override { done.push_back(id); }
  void OnSubscribeDone(uint16_t, std::span<const uint8_t> codes) override {
    suback_codes.emplace_back(codes.begin(), codes.end());
  }
  void OnWindowOpen() override { ++window_open; }
};

class SessionTest : public ::testing::Test {
 protected:
  void Make(MqttClientOptions o) { session_ = std::make_unique<MqttSession>(std::move(o), &rec_); }
  // Packets the session produced since the last call, decoded.
  std::vector<codec::Packet> Sent() {
    out_bytes_.assign(session_->output().begin(), session_->output().end());
    session_->ConsumeOutput();
    std::vector<codec::Packet> packets;
    std::span<const uint8_t> rest(out_bytes_);
    while (!rest.empty()) {
      auto f = codec::NextFrame(rest);
      EXPECT_TRUE(f.ok() && f.value().has_value());
      if (!f.ok() || !f.value()) break;
      const codec::Frame frame = **f;
      auto p = codec::Decode(frame, version_);
      EXPECT_TRUE(p.ok()) << (p.ok() ? "" : codec::ErrcName(p.error()));
      if (!p.ok()) break;
      packets.push_back(p.value());
      rest = rest.subspan(frame.bytes.size());
    }
    return packets;
  }
  void Feed(const codec::Packet& p) {
    std::vector<uint8_t> buf(codec::EncodedSize(p, version_).value());
    ASSERT_TRUE(codec::Encode(p, version_, buf).ok());
    session_->Receive(buf, now_);
  }
  void Connect(bool session_present = false, codec::Properties props = {}) {
    session_->TransportOpen(now_);
    auto sent = Sent();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<codec::Connect>(sent[0]));
    codec::Connack ack;
    ack.session_present = session_present;
    ack.properties = props;
    Feed(ack);
  }
  PublishStatus Pub(const std::string& topic, const std::string& payload, QoS qos,
                    uint16_t* id = nullptr) {
    OutboundMessage m;
    m.topic = topic;
    m.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    m.qos = qos;
    return session_->Publish(m, now_, id);
  }

  ProtocolVersion version_ = ProtocolVersion::kV311;
  SteadyTime now_ = SteadyTime(seconds(1000));
  Recorder rec_;
  std::unique_ptr<MqttSession> session_;
  std::vector<uint8_t> out_bytes_;
};

TEST_F(SessionTest, ConnectCarriesAllFieldsAndBridgeBit) {
  MqttClientOptions o;
  o.client_id = "bridge-1";
  o.username = "u";
  o.password = "p";
  o.keepalive_s = 30;
  o.clean_start = false;
  o.bridge_mode = true;
  o.will = WillOptions{"will/t", "gone", QoS::kAtLeastOnce, true};
  Make(o);
  session_->TransportOpen(now_);
  // The bridge bit is the top bit of the protocol level byte (offset 8 in a 3.1.1 CONNECT).
  ASSERT_GT(session_->output().size(), 9u);
  EXPECT_EQ(session_->output()[8], 0x84);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const auto& c = std::get<codec::Connect>(sent[0]);
  EXPECT_EQ(c.client_id, "bridge-1");
  EXPECT_EQ(c.user_name.value(), "u");
  EXPECT_EQ(c.keep_alive, 30);
  EXPECT_FALSE(c.clean_start);
  ASSERT_TRUE(c.will.has_value());
  EXPECT_EQ(c.will->topic, "will/t");
  EXPECT_EQ(c.will->qos, QoS::kAtLeastOnce);
}

TEST_F(SessionTest, ConnackFailuresAreDistinct) {
  for (uint8_t code : {1, 2, 3, 4, 5}) {
    Make({});
    session_->TransportOpen(now_);
    (void)Sent();
    codec::Connack ack;
    ack.reason_code = code;
    Feed(ack);
    ASSERT_TRUE(session_->close_requested());
    EXPECT_EQ(session_->close_reason().code, IoErrc::kRefused);
    EXPECT_EQ(session_->close_reason().message,
              "CONNACK: " + ConnackReason(ProtocolVersion::kV311, code));
  }
  EXPECT_EQ(ConnackReason(ProtocolVersion::kV311, 4), "bad username or password");
  EXPECT_EQ(ConnackReason(ProtocolVersion::kV311, 5), "not authorized");
  EXPECT_EQ(ConnackReason(ProtocolVersion::kV5, 0x86), "bad username or password");
  EXPECT_EQ(ConnackReason(ProtocolVersion::kV5, 0x88), "server unavailable");
}

TEST_F(SessionTest, ConnackTimeout) {
  MqttClientOptions o;
  o.connect_timeout = milliseconds(500);
  Make(o);
  session_->TransportOpen(now_);
  EXPECT_EQ(session_->next_deadline(), now_ + milliseconds(500));
  session_->Tick(now_ + milliseconds(499));
  EXPECT_FALSE(session_->close_requested());
  session_->Tick(now_ + milliseconds(500));
  ASSERT_TRUE(session_->close_requested());
  EXPECT_EQ(session_->close_reason().code, IoErrc::kTimeout);
}

TEST_F(SessionTest, PingEveryKeepaliveAndMissingPingrespIsFatal) {
  MqttClientOptions o;
  o.keepalive_s = 10;
  o.ping_timeout = milliseconds(3000);
  Make(o);
  Connect();
  EXPECT_EQ(session_->next_deadline(), now_ + seconds(10));
  now_ += seconds(10);
  session_->Tick(now_);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<codec::Pingreq>(sent[0]));
  Feed(codec::Pingresp{});  // answered: no failure
  now_ += seconds(10);
  session_->Tick(now_);
  ASSERT_EQ(Sent().size(), 1u);  // next PINGREQ, even with other traffic (forced ping)
  EXPECT_EQ(session_->next_deadline(), now_ + seconds(3));
  now_ += seconds(3);
  session_->Tick(now_);
  ASSERT_TRUE(session_->close_requested());
  EXPECT_EQ(session_->close_reason().code, IoErrc::kTimeout);
  EXPECT_NE(session_->close_reason().message.find("PINGRESP"), std::string::npos);
}

TEST_F(SessionTest, WindowRetryWithDupAndResumeAfterReconnect) {
  MqttClientOptions o;
  o.max_inflight = 2;
  o.retry_interval = seconds(15);
  Make(o);
  Connect();
  uint16_t a = 0, b = 0;
  ASSERT_EQ(Pub("t", "1", QoS::kAtLeastOnce, &a), PublishStatus::kOk);
  ASSERT_EQ(Pub("t", "2", QoS::kExactlyOnce, &b), PublishStatus::kOk);
  EXPECT_NE(a, b);
  EXPECT_EQ(Pub("t", "3", QoS::kAtLeastOnce), PublishStatus::kWindowFull);
  EXPECT_EQ(Sent().size(), 2u);
  // Retry after retry_interval, with DUP.
  now_ += seconds(15);
  session_->Tick(now_);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(std::get<codec::Publish>(sent[0]).dup);
  EXPECT_EQ(std::get<codec::Publish>(sent[0]).packet_id, a);
  // PUBACK frees a slot and opens the window.
  codec::Puback ack;
  ack.packet_id = a;
  Feed(ack);
  EXPECT_EQ(rec_.done, std::vector<uint16_t>{a});
  EXPECT_EQ(rec_.window_open, 1);
  // QoS 2: PUBREC -> PUBREL; then the connection drops before PUBCOMP.
  codec::Pubrec rec;
  rec.packet_id = b;
  Feed(rec);
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<codec::Pubrel>(sent[0]));
  uint16_t c = 0;
  ASSERT_EQ(Pub("t", "3", QoS::kAtLeastOnce, &c), PublishStatus::kOk);
  (void)Sent();
  session_->TransportClosed(now_);
  // Published while disconnected: accepted into the window, sent after CONNACK.
  EXPECT_EQ(Pub("t", "x", QoS::kAtMostOnce), PublishStatus::kNotConnected);
  Connect();
  sent = Sent();
  ASSERT_EQ(sent.size(), 2u);  // PUBREL for b, then PUBLISH c with DUP, in original order
  EXPECT_EQ(std::get<codec::Pubrel>(sent[0]).packet_id, b);
  EXPECT_EQ(std::get<codec::Publish>(sent[1]).packet_id, c);
  EXPECT_TRUE(std::get<codec::Publish>(sent[1]).dup);
  codec::Pubcomp comp;
  comp.packet_id = b;
  Feed(comp);
  ack.packet_id = c;
  Feed(ack);
  EXPECT_EQ(rec_.done, (std::vector<uint16_t>{a, b, c}));
  EXPECT_EQ(session_->inflight(), 0u);
}

TEST_F(SessionTest, InboundQos2DeliveredExactlyOnce) {
  Make({});
  Connect();
  codec::Publish p;
  p.qos = QoS::kExactlyOnce;
  p.packet_id = 7;
  p.topic = "a/b";
  const std::string payload = "hello";
  p.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
  Feed(p);
  p.dup = true;
  Feed(p);  // resend before our PUBREC arrived: not delivered twice
  EXPECT_EQ(rec_.messages, std::vector<std::string>{"a/b=hello"});
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<codec::Pubrec>(sent[0]).packet_id, 7);
  codec::Pubrel rel;
  rel.packet_id = 7;
  Feed(rel);
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<codec::Pubcomp>(sent[0]).packet_id, 7);
}

TEST_F(SessionTest, V5TopicAliasesBothWaysAndBrokerLimits) {
  version_ = ProtocolVersion::kV5;
  MqttClientOptions o;
  o.version = ProtocolVersion::kV5;
  o.topic_alias_maximum = 4;
  Make(o);
  // CONNACK: broker allows 2 aliases, a receive maximum of 1, max packet 200, keepalive 5.
  std::array<uint8_t, 64> buf{};
  codec::PropertyWriter w(buf);
  w.AddInteger(codec::PropertyId::kTopicAliasMaximum, 2);
  w.AddInteger(codec::PropertyId::kReceiveMaximum, 1);
  w.AddInteger(codec::PropertyId::kMaximumPacketSize, 200);
  w.AddInteger(codec::PropertyId::kServerKeepAlive, 5);
  Connect(false, w.Finish(codec::PropertyContext::kConnack).value());
  EXPECT_EQ(session_->effective_keepalive_s(), 5);
  EXPECT_EQ(session_->window(), 1u);
  // Outgoing aliases: first carries topic + alias, then alias only.
  ASSERT_EQ(Pub("sensors/1", "a", QoS::kAtMostOnce), PublishStatus::kOk);
  ASSERT_EQ(Pub("sensors/1", "b", QoS::kAtMostOnce), PublishStatus::kOk);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  const auto& first = std::get<codec::Publish>(sent[0]);
  const auto& second = std::get<codec::Publish>(sent[1]);
  EXPECT_EQ(first.topic, "sensors/1");
  EXPECT_EQ(first.properties.GetInteger(codec::PropertyId::kTopicAlias).value(), 1u);
  EXPECT_EQ(second.topic, "");
  EXPECT_EQ(second.properties.GetInteger(codec::PropertyId::kTopicAlias).value(), 1u);
  // Broker's Maximum Packet Size and Receive Maximum.
  EXPECT_EQ(Pub("t", std::string(300, 'x'), QoS::kAtMostOnce), PublishStatus::kTooLarge);
  ASSERT_EQ(Pub("t", "1", QoS::kAtLeastOnce), PublishStatus::kOk);
  EXPECT_EQ(Pub("t", "2", QoS::kAtLeastOnce), PublishStatus::kWindowFull);
  (void)Sent();
  // Inbound alias: set, then use.
  std::array<uint8_t, 8> ab{};
  codec::PropertyWriter aw(ab);
  aw.AddInteger(codec::PropertyId::kTopicAlias, 3);
  codec::Publish in;
  in.topic = "x/y";
  in.properties = aw.Finish().value();
  const std::string payload = "p";
  in.payload = {reinterpret_cast<const uint8_t*>(payload.data()), 1};
  Feed(in);
  in.topic = "";
  Feed(in);
  EXPECT_EQ(rec_.messages, (std::vector<std::string>{"x/y=p", "x/y=p"}));
  // An alias above our maximum is a protocol error (DISCONNECT 0x94).
  std::array<uint8_t, 8> bad{};
  codec::PropertyWriter bw(bad);
  bw.AddInteger(codec::PropertyId::kTopicAlias, 9);
  in.topic = "z";
  in.properties = bw.Finish().value();
  Feed(in);
  ASSERT_TRUE(session_->close_requested());
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<codec::Disconnect>(sent[0]).reason_code,
            codec::ReasonCode::kTopicAliasInvalid);
}

TEST_F(SessionTest, SubscriptionsAreRestoredAfterReconnect) {
  version_ = ProtocolVersion::kV5;
  MqttClientOptions o;
  o.version = ProtocolVersion::kV5;
  Make(o);
  Connect();
  std::vector<SubscriptionRequest> subs(1);
  subs[0].filter = "a/#";
  subs[0].options.qos = QoS::kAtLeastOnce;
  subs[0].options.no_local = true;
  subs[0].options.retain_as_published = true;
  subs[0].options.retain_handling = 2;
  ASSERT_NE(session_->Subscribe(subs, now_), 0);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  auto first = (*std::get<codec::Subscribe>(sent[0]).subscriptions.begin());
  EXPECT_EQ(first.filter, "a/#");
  EXPECT_TRUE(first.options.no_local);
  EXPECT_TRUE(first.options.retain_as_published);
  EXPECT_EQ(first.options.retain_handling, 2);
  session_->TransportClosed(now_);
  Connect(false);
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ((*std::get<codec::Subscribe>(sent[0]).subscriptions.begin()).filter, "a/#");
}

// "id:filter,filter" for each SUBSCRIBE in `packets` (id 0: no Subscription Identifier).
std::vector<std::string> SubscribeSummary(const std::vector<codec::Packet>& packets) {
  std::vector<std::string> out;
  for (const codec::Packet& p : packets) {
    const auto* s = std::get_if<codec::Subscribe>(&p);
    if (s == nullptr) {
      out.push_back("not a SUBSCRIBE");
      continue;
    }
    std::string line = std::to_string(
        s->properties.GetInteger(codec::PropertyId::kSubscriptionIdentifier).value_or(0));
    char sep = ':';
    for (codec::Subscription sub : s->subscriptions) {
      line += sep;
      line += sub.filter;
      sep = ',';
    }
    out.push_back(line);
  }
  return out;
}

std::vector<SubscriptionRequest> Requests(
    std::initializer_list<std::pair<const char*, uint32_t>> items) {
  std::vector<SubscriptionRequest> subs;
  for (auto [filter, id] : items) {
    SubscriptionRequest r;
    r.filter = filter;
    r.options.qos = QoS::kAtLeastOnce;
    r.subscription_id = id;
    subs.push_back(r);
  }
  return subs;
}

TEST_F(SessionTest, SubscriptionIdsSplitPacketsAndSurviveReconnect) {
  version_ = ProtocolVersion::kV5;
  MqttClientOptions o;
  o.version = ProtocolVersion::kV5;
  Make(o);
  Connect();
  auto subs = Requests({{"a/#", 7}, {"a/b", 9}, {"c", 7}, {"d", 0}});
  const uint16_t first = session_->Subscribe(subs, now_);
  ASSERT_NE(first, 0);
  auto sent = Sent();
  const std::vector<std::string> want{"7:a/#,c", "9:a/b", "0:d"};
  EXPECT_EQ(SubscribeSummary(sent), want);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(std::get<codec::Subscribe>(sent[0]).packet_id, first);
  std::vector<uint16_t> ids;
  for (const auto& p : sent) ids.push_back(std::get<codec::Subscribe>(p).packet_id);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
  EXPECT_NE(ids[0], ids[2]);
  // Each SUBACK is reported.
  for (uint16_t id : ids) {
    codec::Suback ack;
    ack.packet_id = id;
    const uint8_t code[] = {1};
    ack.reason_codes = code;
    Feed(ack);
  }
  EXPECT_EQ(rec_.suback_codes.size(), 3u);
  // Changing the id of a known filter replaces it (no duplicate after reconnect).
  auto change = Requests({{"a/b", 11}});
  ASSERT_NE(session_->Subscribe(change, now_), 0);
  EXPECT_EQ(SubscribeSummary(Sent()), std::vector<std::string>{"11:a/b"});
  session_->TransportClosed(now_);
  Connect(false);
  const std::vector<std::string> again{"7:a/#,c", "11:a/b", "0:d"};
  EXPECT_EQ(SubscribeSummary(Sent()), again);
}

TEST_F(SessionTest, SubscriptionIdsOmittedOn311AndWhenTheBrokerHasNone) {
  {
    version_ = ProtocolVersion::kV311;
    Make({});
    Connect();
    auto subs = Requests({{"a/#", 7}, {"a/b", 9}});
    ASSERT_NE(session_->Subscribe(subs, now_), 0);
    EXPECT_EQ(SubscribeSummary(Sent()), std::vector<std::string>{"0:a/#,a/b"});
    EXPECT_FALSE(session_->subscription_ids_available());
  }
  {
    version_ = ProtocolVersion::kV5;
    MqttClientOptions o;
    o.version = ProtocolVersion::kV5;
    Make(o);
    uint8_t buf[8];
    codec::PropertyWriter w(buf);
    w.AddInteger(codec::PropertyId::kSubscriptionIdentifierAvailable, 0);
    Connect(false, w.Finish(codec::PropertyContext::kConnack).value());
    EXPECT_FALSE(session_->subscription_ids_available());
    auto subs = Requests({{"a/#", 7}, {"a/b", 9}});
    ASSERT_NE(session_->Subscribe(subs, now_), 0);
    EXPECT_EQ(SubscribeSummary(Sent()), std::vector<std::string>{"0:a/#,a/b"});
    // A broker that has them again after reconnect gets them.
    session_->TransportClosed(now_);
    Connect(false);
    EXPECT_TRUE(session_->subscription_ids_available());
    const std::vector<std::string> want{"7:a/#", "9:a/b"};
    EXPECT_EQ(SubscribeSummary(Sent()), want);
  }
}

TEST_F(SessionTest, OutOfRangeSubscriptionIdIsRefused) {
  version_ = ProtocolVersion::kV5;
  MqttClientOptions o;
  o.version = ProtocolVersion::kV5;
  Make(o);
  Connect();
  auto subs = Requests({{"a", 268435456}});  // above the largest Variable Byte Integer
  EXPECT_EQ(session_->Subscribe(subs, now_), 0);
  ASSERT_TRUE(session_->close_requested());
  EXPECT_EQ(session_->close_reason().code, IoErrc::kProtocol);
  EXPECT_TRUE(Sent().empty());
}

TEST_F(SessionTest, GarbageFromBrokerIsAProtocolError) {
  Make({});
  Connect();
  const uint8_t junk[] = {0x00, 0x00};  // packet type 0 is reserved
  session_->Receive(junk, now_);
  ASSERT_TRUE(session_->close_requested());
  EXPECT_EQ(session_->close_reason().code, IoErrc::kProtocol);
}

}  // namespace
}  // namespace mqb::io
