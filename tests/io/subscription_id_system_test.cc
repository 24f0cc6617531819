// MQTT 5.0 Subscription Identifiers against a real mosquitto: subscriptions with different ids on
// overlapping filters, messages carrying the id(s) of the subscriptions they matched, and the ids
// kept when the client resubscribes after a broker restart.
#include <algorithm>
#include <set>

#include "tests/io/mqtt_client_harness.h"
#include "tests/support/mosquitto.h"

namespace mqb::io {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using mqb::testing::Mosquitto;
using mqb::testing::RunCommand;
using testing::Message;
using testing::Options;
using testing::ReactorThread;
using testing::TestClient;

void Pub(const Mosquitto& broker, const std::string& topic, const std::string& payload) {
  auto r = RunCommand("mosquitto_pub -V 5 -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                      " -q 1 -t " + topic + " -m " + payload);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// The union of the subscription ids on the messages with `payload` (mosquitto may deliver one
// copy per matching subscription, each with its id, or one copy with all of them).
std::set<uint32_t> IdsOf(const std::vector<Message>& messages, const std::string& payload) {
  std::set<uint32_t> ids;
  for (const Message& m : messages) {
    if (m.payload == payload) ids.insert(m.subscription_ids.begin(), m.subscription_ids.end());
  }
  return ids;
}

class SubscriptionIdSystemTest : public ::testing::Test {
 protected:
  // Publishes `payload` on `topic` and waits until every expected id has arrived with it.
  void ExpectIds(TestClient& c, const Mosquitto& broker, const std::string& topic,
                 const std::string& payload, const std::set<uint32_t>& want) {
    Pub(broker, topic, payload);
    auto& rec = c.recorder();
    EXPECT_TRUE(rec.WaitFor([&] { return IdsOf(rec.messages, payload) == want; }))
        << topic << ": ids seen "
        << rec.Locked([&] { return IdsOf(rec.messages, payload).size(); });
    // Every copy carries at least one id, and only ids of subscriptions that match.
    for (const Message& m : rec.Locked([&] { return rec.messages; })) {
      if (m.payload != payload) continue;
      EXPECT_EQ(m.topic, topic);
      EXPECT_FALSE(m.subscription_ids.empty());
      for (uint32_t id : m.subscription_ids) EXPECT_TRUE(want.count(id)) << id;
    }
  }

  ReactorThread rt_;
};

TEST_F(SubscriptionIdSystemTest, OverlappingFiltersDeliverTheirIdsAlsoAfterBrokerRestart) {
  Mosquitto broker;
  auto o = Options(broker.port(), ProtocolVersion::kV5, "subid-rx");
  TestClient c(rt_, o);
  ASSERT_TRUE(c.WaitConnected()) << c.recorder().error.message;
  ASSERT_TRUE(rt_.Call([&] { return c.client().session().subscription_ids_available(); }));
  std::vector<SubscriptionRequest> subs(2);
  subs[0].filter = "a/#";
  subs[0].options.qos = QoS::kAtLeastOnce;
  subs[0].subscription_id = 7;
  subs[1].filter = "a/b";
  subs[1].options.qos = QoS::kAtLeastOnce;
  subs[1].subscription_id = 9;
  rt_.Call([&] { return c.client().Subscribe(subs); });
  // Two ids: two SUBSCRIBE packets, two SUBACKs granting QoS 1.
  auto& rec = c.recorder();
  ASSERT_TRUE(rec.WaitFor([&] { return rec.subacks.size() == 2; }));
  for (const auto& codes : rec.Locked([&] { return rec.subacks; })) {
    EXPECT_EQ(codes, std::vector<uint8_t>{1});
  }

  ExpectIds(c, broker, "a/b", "both-1", {7, 9});
  ExpectIds(c, broker, "a/c", "first-1", {7});

  broker.Kill();
  ASSERT_TRUE(c.WaitDisconnected());
  broker.Start();
  ASSERT_TRUE(rec.WaitFor([&] { return rec.connects >= 2 && rec.subacks.size() == 4; }));
  ExpectIds(c, broker, "a/b", "both-2", {7, 9});
  ExpectIds(c, broker, "a/c", "first-2", {7});
}

TEST_F(SubscriptionIdSystemTest, NoIdsOn311) {
  Mosquitto broker;
  TestClient c(rt_, Options(broker.port(), ProtocolVersion::kV311, "subid-311"));
  ASSERT_TRUE(c.WaitConnected()) << c.recorder().error.message;
  std::vector<SubscriptionRequest> subs(2);
  subs[0].filter = "a/#";
  subs[0].subscription_id = 7;
  subs[1].filter = "a/b";
  subs[1].subscription_id = 9;
  rt_.Call([&] { return c.client().Subscribe(subs); });
  auto& rec = c.recorder();
  // One SUBSCRIBE with both filters (3.1.1 has no identifiers to split on).
  ASSERT_TRUE(rec.WaitFor([&] { return rec.subacks.size() == 1; }));
  EXPECT_EQ(rec.Locked([&] { return rec.subacks[0].size(); }), 2u);
  Pub(broker, "a/c", "x");
  ASSERT_TRUE(rec.WaitFor([&] { return !rec.messages.empty(); }));
  EXPECT_TRUE(rec.Locked([&] { return rec.messages[0].subscription_ids.empty(); }));
}

}  // namespace
}  // namespace mqb::io
