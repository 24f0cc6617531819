// mqbridge-bench runs against real mosquitto brokers: a broker alone, a mosquitto bridge between
// two brokers (the bench/compare scenario B mapping), TLS, sub mode fed by a second run, loss
// accounting with a filter that misses half the publishers, conn mode, and failures.
#include "bench/mqbridge_bench/runner.h"

#include <gtest/gtest.h>

#include <future>

#include "bench/mqbridge_bench/report.h"
#include "tests/support/mosquitto.h"
#include "tests/support/tls_material.h"

namespace mqb::bench {
namespace {

using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;

BenchOptions Bridge(int port_a, int port_b) {
  BenchOptions o;
  o.mode = Mode::kBridge;
  o.broker.port = static_cast<uint16_t>(port_a);
  o.sub_broker.port = static_cast<uint16_t>(port_b);
  o.client_id = "t%p-%m-%i";
  o.ready_timeout_s = 10;
  o.drain_s = 2;
  return o;
}

void ExpectComplete(const Summary& s, uint64_t sent) {
  EXPECT_EQ(s.sent, sent);
  EXPECT_EQ(s.received, sent);
  EXPECT_EQ(s.unique, sent);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.duplicated, 0u);
  EXPECT_EQ(s.out_of_order, 0u);
  EXPECT_EQ(s.latency.count(), sent);
  EXPECT_GT(s.latency.Percentile(50), 0u);
  EXPECT_LE(s.latency.Percentile(50), s.latency.max());
  EXPECT_GT(s.receive_rate, 0);
}

TEST(Runner, BridgeModeOnOneBrokerAtQos1CountsEveryMessage) {
  Mosquitto broker;
  BenchOptions o = Bridge(broker.port(), broker.port());
  o.connections = 4;
  o.threads = 2;
  o.count = 500;
  o.qos = codec::QoS::kAtLeastOnce;
  o.topic = "bench/%i";
  o.sub_topic = "bench/#";
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error();
  ExpectComplete(r.value(), 2000);
  EXPECT_EQ(r.value().acked, 2000u);
  EXPECT_EQ(r.value().publishers, 4);
  EXPECT_EQ(r.value().connected, 5u);
}

TEST(Runner, BridgeModeThroughAMosquittoBridgeWithTopicMapping) {
  // mosquitto drops QoS 1 messages beyond max_queued_messages (1000 by default) per session,
  // the bridge's own included: room for the whole run.
  MosquittoOptions ro;
  ro.extra_config = "max_queued_messages 100000\n";
  Mosquitto remote(ro);
  MosquittoOptions lo;
  lo.extra_config = "max_queued_messages 100000\nconnection b\naddress " + remote.address() +
                    "\ntopic bench/# out 1 \"\" pub/\ncleansession true\n";
  Mosquitto local(lo);
  BenchOptions o = Bridge(local.port(), remote.port());
  o.connections = 2;
  o.count = 1000;
  o.qos = codec::QoS::kAtLeastOnce;
  o.sub_topic = "pub/#";
  o.rate = 20000;  // paced, and every message timed
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error() << "\n" << local.Log();
  ExpectComplete(r.value(), 2000);
  // The formatted report and the JSON carry the same figures.
  const std::string text = FormatSummary(r.value());
  EXPECT_NE(text.find("sent 2000  received 2000  lost 0"), std::string::npos) << text;
  const std::string json = SummaryJson(r.value());
  EXPECT_NE(json.find("\"lost\": 0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"received\": 2000"), std::string::npos) << json;
}

TEST(Runner, SharedGroupSplitsTheStreamAndPayloadFileIsSent) {
  Mosquitto broker;
  mqb::testing::TempDir dir;
  mqb::testing::WriteFile(dir.File("payload.bin"), std::string(200, 'z'));
  BenchOptions o = Bridge(broker.port(), broker.port());
  o.version = codec::ProtocolVersion::kV5;
  o.connections = 2;
  o.sub_connections = 2;
  o.shared_group = "g";
  o.count = 300;
  o.qos = codec::QoS::kAtLeastOnce;
  o.payload_file = dir.File("payload.bin");
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error();
  // Each message goes to one member of the group: 600 in all, not 1200.
  EXPECT_EQ(r.value().expected, 600u);
  ExpectComplete(r.value(), 600);
  EXPECT_EQ(r.value().payload_bytes, 200u);
  o.payload_file = dir.File("missing.bin");
  EXPECT_FALSE(bench::Run(o).ok());
}

TEST(Runner, LossIsCountedWhenTheSubscriptionMissesHalfThePublishers) {
  Mosquitto broker;
  BenchOptions o = Bridge(broker.port(), broker.port());
  o.connections = 2;
  o.count = 300;
  o.qos = codec::QoS::kAtLeastOnce;
  o.topic = "bench/%i";
  o.sub_topic = "bench/0";  // publisher 1's messages never arrive
  o.drain_s = 0.5;
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().sent, 600u);
  EXPECT_EQ(r.value().received, 300u);
  EXPECT_EQ(r.value().lost, 300u);
  EXPECT_EQ(r.value().expected, 600u);
}

TEST(Runner, SubModeMeasuresAnotherRunsPublishers) {
  Mosquitto broker;
  BenchOptions so;
  so.mode = Mode::kSub;
  so.broker.port = static_cast<uint16_t>(broker.port());
  so.connections = 2;
  so.topic = "load/#";
  so.qos = codec::QoS::kAtLeastOnce;
  so.count = 600;  // per subscriber: 3 publishers x 200
  so.client_id = "ts%p-%i";
  std::promise<void> ready;
  bool signalled = false;
  // The first progress line comes once the subscribers hold their SUBACKs.
  auto sub = std::async(std::launch::async, [&] {
    return bench::Run(so, [&](const Progress&) {
      if (!signalled) {
        signalled = true;
        ready.set_value();
      }
    });
  });
  ASSERT_EQ(ready.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  BenchOptions po;
  po.mode = Mode::kPub;
  po.broker.port = static_cast<uint16_t>(broker.port());
  po.connections = 3;
  po.topic = "load/%i";
  po.qos = codec::QoS::kAtLeastOnce;
  po.count = 200;
  po.client_id = "tp%p-%i";
  auto pub = bench::Run(po);
  ASSERT_TRUE(pub.ok()) << pub.error();
  EXPECT_EQ(pub.value().sent, 600u);
  EXPECT_EQ(pub.value().acked, 600u);
  auto r = sub.get();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().received, 1200u);
  EXPECT_EQ(r.value().unique, 1200u);
  EXPECT_EQ(r.value().lost, 0u);
  EXPECT_EQ(r.value().latency.count(), 1200u);
}

TEST(Runner, PubModeOverTlsWithVerification) {
  mqb::testing::TempDir dir;
  const auto tls = mqb::testing::GenerateTlsMaterial(dir);
  MosquittoOptions mo;
  mo.cafile = tls.ca_cert;
  mo.certfile = tls.server_cert;
  mo.keyfile = tls.server_key;
  Mosquitto broker(mo);
  BenchOptions o;
  o.mode = Mode::kPub;
  o.broker.host = "localhost";
  o.broker.port = static_cast<uint16_t>(broker.port());
  o.tls = true;
  o.ca_file = tls.ca_cert;
  o.qos = codec::QoS::kAtLeastOnce;
  o.count = 200;
  o.version = codec::ProtocolVersion::kV5;
  o.ready_timeout_s = 10;
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().sent, 200u);
  EXPECT_EQ(r.value().acked, 200u);

  // The wrong CA: nothing connects, and the reason is reported.
  o.ca_file = tls.other_ca_cert;
  o.ready_timeout_s = 2;
  auto bad = bench::Run(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("certificate"), std::string::npos) << bad.error();
}

TEST(Runner, ConnModeOpensEveryConnectionAtTheGivenRate) {
  Mosquitto broker;
  BenchOptions o;
  o.mode = Mode::kConn;
  o.broker.port = static_cast<uint16_t>(broker.port());
  o.connections = 50;
  o.threads = 2;
  o.connect_rate = 500;
  o.duration_s = 0.3;
  auto r = bench::Run(o);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().connected, 50u);
  EXPECT_EQ(r.value().connect_errors, 0u);
  EXPECT_EQ(r.value().connect_time.count(), 50u);
}

TEST(Runner, NoBrokerIsAnErrorWithTheReason) {
  BenchOptions o;
  o.mode = Mode::kPub;
  o.broker.port = static_cast<uint16_t>(mqb::testing::FreePort());
  o.count = 1;
  o.ready_timeout_s = 1;
  auto r = bench::Run(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("publishers not connected"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("refused"), std::string::npos) << r.error();
}

TEST(Runner, BridgeModeWithoutABridgeFailsOnTheProbe) {
  Mosquitto a, b;  // nothing carries messages from a to b
  BenchOptions o = Bridge(a.port(), b.port());
  o.count = 10;
  o.ready_timeout_s = 1;
  auto r = bench::Run(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("no probe came through"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace mqb::bench
