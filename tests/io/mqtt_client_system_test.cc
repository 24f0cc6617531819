// MqttClient against a real mosquitto: each protocol version, bad credentials, QoS 0/1/2 round
// trips with mosquitto_sub / mosquitto_pub, 5.0 options and properties, a 100,000-message burst,
// a broker killed and restarted mid-stream, a hung (SIGSTOPped) broker.
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "tests/io/mqtt_client_harness.h"
#include "tests/support/mosquitto.h"

namespace mqb::io {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;
using mqb::testing::RunCommand;
using testing::Options;
using testing::ReactorThread;
using testing::TestClient;

class MqttClientSystemTest : public ::testing::Test {
 protected:
  ReactorThread rt_;
};

TEST_F(MqttClientSystemTest, ConnectsWithEachProtocolVersion) {
  Mosquitto broker;
  for (auto v : {ProtocolVersion::kV31, ProtocolVersion::kV311, ProtocolVersion::kV5}) {
    std::string id = std::string("ver-") + codec::ProtocolVersionName(v);
    TestClient c(rt_, Options(broker.port(), v, id));
    ASSERT_TRUE(c.WaitConnected()) << c.recorder().error.message;
    // The broker answered in the same version: only a 5.0 CONNACK carries properties, and
    // mosquitto always announces its Topic Alias Maximum (10) there.
    const uint16_t aliases =
        rt_.Call([&] { return c.client().session().broker_topic_alias_maximum(); });
    EXPECT_EQ(aliases > 0, v == ProtocolVersion::kV5);
    // A round trip through the broker in this version.
    c.Subscribe("ver/t", QoS::kAtLeastOnce);
    EXPECT_EQ(c.Publish("ver/t", id, QoS::kAtLeastOnce), PublishStatus::kOk);
    ASSERT_TRUE(c.recorder().WaitFor([&] { return c.recorder().messages.size() == 1; }));
    EXPECT_EQ(c.recorder().Locked([&] { return c.recorder().messages[0].payload; }), id);
  }
}

TEST_F(MqttClientSystemTest, BridgeBitIsAccepted) {
  Mosquitto broker;
  auto o = Options(broker.port(), ProtocolVersion::kV311, "bridge-bit");
  o.bridge_mode = true;
  TestClient c(rt_, o);
  ASSERT_TRUE(c.WaitConnected()) << c.recorder().error.message;
}

TEST_F(MqttClientSystemTest, BadCredentialsAndNotAuthorizedAreDistinct) {
  MosquittoOptions mo;
  mo.users = {{"alice", "secret"}};
  Mosquitto broker(mo);
  for (auto v : {ProtocolVersion::kV311, ProtocolVersion::kV5}) {
    {
      auto o = Options(broker.port(), v, "creds-ok");
      o.username = "alice";
      o.password = "secret";
      TestClient c(rt_, o);
      EXPECT_TRUE(c.WaitConnected()) << c.recorder().error.message;
    }
    {
      auto o = Options(broker.port(), v, "creds-bad");
      o.username = "alice";
      o.password = "wrong";
      o.auto_reconnect = false;
      TestClient c(rt_, o);
      ASSERT_TRUE(c.WaitDisconnected());
      auto e = c.recorder().Locked([&] { return c.recorder().error; });
      EXPECT_EQ(e.code, IoErrc::kRefused);
      // mosquitto 2.0 answers a wrong password with "not authorized" (3.1.1: return code 5,
      // 5.0: 0x87); the error names the CONNACK reason (unit tests cover every code).
      EXPECT_EQ(e.message, "CONNACK: not authorized");
      EXPECT_EQ(e.sys_errno, v == ProtocolVersion::kV5 ? 0x87 : 5);
    }
    {
      auto o = Options(broker.port(), v, "creds-none");
      o.auto_reconnect = false;
      TestClient c(rt_, o);
      ASSERT_TRUE(c.WaitDisconnected());
      auto e = c.recorder().Locked([&] { return c.recorder().error; });
      EXPECT_EQ(e.code, IoErrc::kRefused);
      EXPECT_TRUE(e.message == "CONNACK: not authorized" ||
                  e.message == "CONNACK: bad username or password")
          << e.message;
    }
  }
}

TEST_F(MqttClientSystemTest, PublishSeenByMosquittoSubAtEachQos) {
  Mosquitto broker;
  for (auto v : {ProtocolVersion::kV311, ProtocolVersion::kV5}) {
    TestClient c(rt_, Options(broker.port(), v, "pub"));
    ASSERT_TRUE(c.WaitConnected());
    mqb::testing::TempDir dir;
    const std::string log = dir.File("sub.log");
    // stdbuf: line-buffered output, so the debug line for the SUBACK is visible while running.
    mqb::testing::Process sub(
        {"stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1", "-p",
         std::to_string(broker.port()), "-t", "rt/#", "-q", "2", "-v", "-C", "3", "-i", "checker"},
        log);
    ASSERT_TRUE(testing::Eventually([&] {
      return mqb::testing::ReadFile(log).find("received SUBACK") != std::string::npos;
    })) << mqb::testing::ReadFile(log);
    EXPECT_EQ(c.Publish("rt/q0", "zero", QoS::kAtMostOnce), PublishStatus::kOk);
    EXPECT_EQ(c.Publish("rt/q1", "one", QoS::kAtLeastOnce), PublishStatus::kOk);
    EXPECT_EQ(c.Publish("rt/q2", "two", QoS::kExactlyOnce), PublishStatus::kOk);
    EXPECT_EQ(sub.Wait(std::chrono::seconds(20)), 0);
    const std::string out = mqb::testing::ReadFile(log);
    EXPECT_NE(out.find("rt/q0 zero"), std::string::npos) << out;
    EXPECT_NE(out.find("rt/q1 one"), std::string::npos) << out;
    EXPECT_NE(out.find("rt/q2 two"), std::string::npos) << out;
    // QoS 1 and 2 were acknowledged end to end.
    EXPECT_TRUE(c.recorder().WaitFor([&] { return c.recorder().done.size() == 2; }));
  }
}

TEST_F(MqttClientSystemTest, ReceivesWhatMosquittoPubSendsAtEachQos) {
  Mosquitto broker;
  TestClient c(rt_, Options(broker.port(), ProtocolVersion::kV311, "receiver"));
  ASSERT_TRUE(c.WaitConnected());
  EXPECT_EQ(c.Subscribe("in/#", QoS::kExactlyOnce), std::vector<uint8_t>{2});
  for (int q = 0; q <= 2; ++q) {
    auto r = RunCommand("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                        " -t in/q" + std::to_string(q) + " -m payload" + std::to_string(q) +
                        " -q " + std::to_string(q));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  ASSERT_TRUE(c.recorder().WaitFor([&] { return c.recorder().messages.size() == 3; }));
  auto msgs = c.recorder().Locked([&] { return c.recorder().messages; });
  for (int q = 0; q <= 2; ++q) {
    EXPECT_EQ(msgs[q].topic, "in/q" + std::to_string(q));
    EXPECT_EQ(msgs[q].payload, "payload" + std::to_string(q));
    EXPECT_EQ(msgs[q].qos, q);
  }
}

TEST_F(MqttClientSystemTest, V5OptionsAliasesAndUserProperties) {
  Mosquitto broker;
  TestClient c(rt_, Options(broker.port(), ProtocolVersion::kV5, "v5"));
  ASSERT_TRUE(c.WaitConnected());
  // A retained message set by someone else.
  auto r = RunCommand("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                      " -t opt/retained -m kept -r -q 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  codec::SubscriptionOptions never;
  never.retain_handling = 2;  // do not send retained messages
  EXPECT_EQ(c.Subscribe("opt/retained", QoS::kAtLeastOnce, never), std::vector<uint8_t>{1});
  codec::SubscriptionOptions local;
  local.no_local = true;
  local.retain_as_published = true;
  EXPECT_EQ(c.Subscribe("opt/own", QoS::kAtLeastOnce, local), std::vector<uint8_t>{1});
  EXPECT_EQ(c.Subscribe("opt/echo", QoS::kAtLeastOnce), std::vector<uint8_t>{1});
  // Our own publish on a no_local subscription does not come back; on a normal one it does,
  // with its user properties and through topic aliases (mosquitto allows 10 by default).
  std::array<uint8_t, 64> buf{};
  codec::PropertyWriter w(buf);
  w.AddUserProperty("origin", "mqbridge");
  auto props = w.Finish(codec::PropertyContext::kPublish).value();
  EXPECT_EQ(c.Publish("opt/own", "mine", QoS::kAtLeastOnce), PublishStatus::kOk);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c.Publish("opt/echo", "e" + std::to_string(i), QoS::kAtLeastOnce, false, props),
              PublishStatus::kOk);
  }
  EXPECT_GT(rt_.Call([&] { return c.client().session().broker_topic_alias_maximum(); }), 0);
  ASSERT_TRUE(c.recorder().WaitFor([&] { return c.recorder().messages.size() >= 5; }));
  // Give a wrongly delivered retained or no_local message the chance to show up: a marker sent
  // after everything else arrives last.
  EXPECT_EQ(c.Publish("opt/echo", "end", QoS::kAtLeastOnce), PublishStatus::kOk);
  ASSERT_TRUE(c.recorder().WaitFor([&] {
    return !c.recorder().messages.empty() && c.recorder().messages.back().payload == "end";
  }));
  auto msgs = c.recorder().Locked([&] { return c.recorder().messages; });
  ASSERT_EQ(msgs.size(), 6u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(msgs[i].topic, "opt/echo");
    EXPECT_EQ(msgs[i].payload, "e" + std::to_string(i));
    ASSERT_EQ(msgs[i].user_properties.size(), 1u);
    EXPECT_EQ(msgs[i].user_properties[0].first, "origin");
    EXPECT_EQ(msgs[i].user_properties[0].second, "mqbridge");
  }
  // retain_as_published: a retained publish keeps its flag on delivery.
  EXPECT_EQ(c.Subscribe("opt/rap", QoS::kAtLeastOnce, local), std::vector<uint8_t>{1});
  r = RunCommand("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                 " -t opt/rap -m flag -r -q 1");
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_TRUE(c.recorder().WaitFor([&] { return c.recorder().messages.size() == 7; }));
  EXPECT_TRUE(c.recorder().Locked([&] { return c.recorder().messages.back().retain; }));
}

TEST_F(MqttClientSystemTest, MaximumPacketSizeIsAdvertised) {
  Mosquitto broker;
  auto o = Options(broker.port(), ProtocolVersion::kV5, "small");
  o.maximum_packet_size = 1024;
  TestClient c(rt_, o);
  ASSERT_TRUE(c.WaitConnected());
  c.Subscribe("big/#", QoS::kAtLeastOnce);
  const std::string port = std::to_string(broker.port());
  ASSERT_EQ(
      RunCommand("mosquitto_pub -h 127.0.0.1 -p " + port + " -t big/a -m " + std::string(4000, 'x'))
          .exit_code,
      0);
  ASSERT_EQ(RunCommand("mosquitto_pub -h 127.0.0.1 -p " + port + " -t big/b -m small").exit_code,
            0);
  ASSERT_TRUE(c.recorder().WaitFor([&] { return !c.recorder().messages.empty(); }));
  auto msgs = c.recorder().Locked([&] { return c.recorder().messages; });
  ASSERT_EQ(msgs.size(), 1u);  // the broker dropped the oversize message instead of sending it
  EXPECT_EQ(msgs[0].topic, "big/b");
  EXPECT_EQ(c.recorder().Locked([&] { return c.recorder().status; }), ClientStatus::kConnected);
}

// Publishes `count` QoS 1 messages "seq" with window backpressure, from the reactor thread.
class Pump {
 public:
  Pump(ReactorThread& rt, TestClient& c, std::string topic, int count)
      : rt_(rt), c_(c), topic_(std::move(topic)), count_(count) {
    c_.recorder().on_window_open = [this] { Fill(); };
  }
  void Start() {
    rt_.Call([&] {
      Fill();
      return 0;
    });
  }
  int sent() const { return next_.load(); }

 private:
  void Fill() {
    while (next_ < count_) {
      std::string payload = std::to_string(next_.load());
      OutboundMessage m;
      m.topic = topic_;
      m.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
      m.qos = QoS::kAtLeastOnce;
      if (c_.client().Publish(m) != PublishStatus::kOk) return;  // window full: wait
      ++next_;
    }
  }
  ReactorThread& rt_;
  TestClient& c_;
  std::string topic_;
  int count_;
  std::atomic<int> next_{0};
};

TEST_F(MqttClientSystemTest, HundredThousandMessageBurstArrivesCompleteAndInOrder) {
  MosquittoOptions mo;
  mo.extra_config = "max_queued_messages 0\n";
  Mosquitto broker(mo);
  ReactorThread rx_thread;
  TestClient rx(rx_thread, Options(broker.port(), ProtocolVersion::kV311, "burst-rx"));
  TestClient tx(rt_, Options(broker.port(), ProtocolVersion::kV311, "burst-tx"));
  ASSERT_TRUE(rx.WaitConnected());
  ASSERT_TRUE(tx.WaitConnected());
  rx.Subscribe("burst", QoS::kAtLeastOnce);
  constexpr int kCount = 100000;
  Pump pump(rt_, tx, "burst", kCount);
  pump.Start();
  ASSERT_TRUE(rx.recorder().WaitFor(
      [&] { return rx.recorder().messages.size() >= static_cast<size_t>(kCount); },
      std::chrono::seconds(90)))
      << rx.recorder().Locked([&] { return rx.recorder().messages.size(); });
  auto msgs = rx.recorder().Locked([&] { return rx.recorder().messages; });
  ASSERT_EQ(msgs.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(msgs[i].payload, std::to_string(i)) << "at " << i;
  }
  EXPECT_TRUE(tx.recorder().WaitFor([&] { return tx.recorder().done.size() == kCount; }));
}

TEST_F(MqttClientSystemTest, BrokerKilledMidStreamNothingLostAtQos1) {
  Mosquitto broker;
  // The subscriber reconnects fast; the publisher slowly, so the subscriber has resubscribed on
  // the restarted broker before the publisher resends its in-flight messages.
  auto rx_options = Options(broker.port(), ProtocolVersion::kV311, "restart-rx");
  rx_options.reconnect_min = std::chrono::milliseconds(20);
  rx_options.reconnect_max = std::chrono::milliseconds(50);
  auto tx_options = Options(broker.port(), ProtocolVersion::kV311, "restart-tx");
  tx_options.reconnect_min = std::chrono::milliseconds(1500);
  tx_options.reconnect_max = std::chrono::milliseconds(1600);
  ReactorThread rx_thread;
  TestClient rx(rx_thread, rx_options);
  TestClient tx(rt_, tx_options);
  ASSERT_TRUE(rx.WaitConnected());
  ASSERT_TRUE(tx.WaitConnected());
  rx.Subscribe("restart", QoS::kAtLeastOnce);

  constexpr int kCount = 3000;
  // Publish slowly enough that the kill lands mid-stream: a few messages per reactor turn.
  std::atomic<int> next{0};
  std::set<int> acked_before_kill;
  std::atomic<bool> killed{false};
  std::mutex mu;
  std::map<uint16_t, int> id_to_seq;
  std::set<int> acked;
  std::function<void()> send_some = [&] {
    for (int k = 0; k < 4 && next < kCount; ++k) {
      std::string payload = std::to_string(next.load());
      OutboundMessage m;
      m.topic = "restart";
      m.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
      m.qos = QoS::kAtLeastOnce;
      uint16_t id = 0;
      if (tx.client().Publish(m, &id) != PublishStatus::kOk) break;  // window full
      std::lock_guard l(mu);
      id_to_seq[id] = next++;
    }
    if (next >= kCount) return;
    rt_.reactor().AddTimer(std::chrono::milliseconds(1), send_some);
  };
  tx.recorder().on_done = [&](uint16_t id) {
    std::lock_guard l(mu);
    auto it = id_to_seq.find(id);
    if (it == id_to_seq.end()) {
      ADD_FAILURE() << "ack for unknown packet id " << id;
      return;
    }
    int seq = it->second;
    id_to_seq.erase(it);
    if (!acked.insert(seq).second) ADD_FAILURE() << "acked twice: " << seq;
    if (!killed) acked_before_kill.insert(seq);
  };
  tx.recorder().on_window_open = [] {};
  rt_.Call([&] {
    send_some();
    return 0;
  });
  ASSERT_TRUE(tx.recorder().WaitFor([&] { return tx.recorder().done.size() >= kCount / 4; }));
  rt_.Call([&] {
    killed = true;  // on the reactor thread: no ack can slip between kill and flag
    return 0;
  });
  broker.Kill();
  ASSERT_TRUE(tx.WaitDisconnected());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the broker stays down a while
  broker.Start();
  ASSERT_TRUE(tx.recorder().WaitFor([&] { return tx.recorder().connects >= 2; }));
  ASSERT_TRUE(rx.recorder().WaitFor([&] { return rx.recorder().connects >= 2; }));
  ASSERT_TRUE(tx.recorder().WaitFor(
      [&] { return tx.recorder().done.size() >= static_cast<size_t>(kCount); },
      std::chrono::seconds(60)));
  rt_.Call([] { return 0; });  // the last on_done ran (it follows the recorder's update)
  // Every message the dead broker had not acknowledged reached the subscriber after restart
  // (resent by the publisher, delivered thanks to the resubscription).
  std::set<int> received;
  for (const auto& m : rx.recorder().Locked([&] { return rx.recorder().messages; })) {
    received.insert(std::stoi(m.payload));
  }
  std::lock_guard l(mu);
  EXPECT_EQ(acked.size(), static_cast<size_t>(kCount));
  int missing = 0;
  for (int i = 0; i < kCount; ++i) {
    if (!acked_before_kill.count(i) && !received.count(i)) ++missing;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_LT(acked_before_kill.size(), static_cast<size_t>(kCount));
}

TEST_F(MqttClientSystemTest, Qos0BackpressureAgainstAStalledBroker) {
  Mosquitto broker;
  TestClient c(rt_, Options(broker.port(), ProtocolVersion::kV311, "stalled"));
  ASSERT_TRUE(c.WaitConnected());
  broker.Pause();
  // Publish 1 KiB QoS 0 messages until the client pushes back: memory stays bounded by the
  // connection's send queue (8 MiB) plus what the kernel's socket buffers hold.
  const std::string payload(1024, 'q');
  const int accepted = rt_.Call([&] {
    int n = 0;
    OutboundMessage m;
    m.topic = "flood";
    m.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    while (n < 1000000 && c.client().Publish(m) == PublishStatus::kOk) ++n;
    return n;
  });
  EXPECT_LT(accepted, 64 * 1024);  // < 64 MiB accepted while nothing is read
  EXPECT_GT(accepted, 1000);
  EXPECT_EQ(c.recorder().Locked([&] { return c.recorder().window_open; }), 0);
  broker.Resume();
  EXPECT_TRUE(c.recorder().WaitFor([&] { return c.recorder().window_open > 0; }));
  EXPECT_EQ(c.recorder().Locked([&] { return c.recorder().status; }), ClientStatus::kConnected);
}

TEST_F(MqttClientSystemTest, HungBrokerIsDetectedWithinKeepaliveTimeout) {
  Mosquitto broker;
  auto o = Options(broker.port(), ProtocolVersion::kV311, "hung");
  o.keepalive_s = 1;
  o.ping_timeout = std::chrono::milliseconds(1000);
  TestClient c(rt_, o);
  ASSERT_TRUE(c.WaitConnected());
  broker.Pause();
  const auto paused = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.WaitDisconnected(std::chrono::seconds(10)));
  const auto detected = std::chrono::steady_clock::now() - paused;
  // At most one keepalive until the next PINGREQ plus the PINGRESP timeout (2 s), with slack for
  // a loaded sanitizer build.
  EXPECT_LT(detected, std::chrono::milliseconds(3500));
  auto e = c.recorder().Locked([&] { return c.recorder().error; });
  EXPECT_EQ(e.code, IoErrc::kTimeout);
  EXPECT_NE(e.message.find("PINGRESP"), std::string::npos) << e.message;
  broker.Resume();
  EXPECT_TRUE(c.recorder().WaitFor([&] { return c.recorder().connects >= 2; }));
}

}  // namespace
}  // namespace mqb::io
