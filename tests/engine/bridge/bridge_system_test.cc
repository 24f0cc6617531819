// System tests of the bridge: an in-process Bridge (embedded broker, connector pools, rules) with
// a real mosquitto as the remote and real clients (mosquitto_pub/sub, paho).
#include <gtest/gtest.h>

#include <csignal>

#include "engine/clientid.h"
#include "tests/engine/bridge/bridge_test_util.h"

namespace mqb::engine::bridge::testing {
namespace {

using mqb::testing::FreePort;
using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;

// mosquitto_sub -d: waits for its SUBACK, returns the process (which exits after `count`).
std::unique_ptr<Process> MosquittoSub(const TempDir& dir, int port, const std::string& filter,
                                      int count) {
  auto p = std::make_unique<Process>(
      std::vector<std::string>{"stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1", "-p",
                               std::to_string(port), "-q", "1", "-t", filter, "-C",
                               std::to_string(count), "-W", "10", "-F", "MSG %t|%q|%p"},
      dir.File("sub-" + std::to_string(port) + ".log"));
  EXPECT_TRUE(WaitFor([&] { return p->Log().find("SUBACK") != std::string::npos; })) << p->Log();
  return p;
}

TEST(BridgeSystem, SeedWalkthroughBothFlows) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge = StartBridge(SeedConfig(port, remote.port()));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote")) << Connector(*bridge, "remote")->Error();
  TempDir dir;

  // Flow 1: local temp_hum/emqx -> remote pub/temp_hum/emqx, with the original QoS (1).
  auto remote_sub = MosquittoSub(dir, remote.port(), "pub/#", 1);
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", R"({"temp":"27.5","hum":"41.8"})", 1));
  EXPECT_EQ(remote_sub->Wait(10s), 0) << remote_sub->Log();
  EXPECT_NE(remote_sub->Log().find(R"(MSG pub/temp_hum/emqx|1|{"temp":"27.5","hum":"41.8"})"),
            std::string::npos)
      << remote_sub->Log();

  // Flow 2: remote temp_hum/emqx -> local sub/temp_hum/emqx.
  auto local_sub = MosquittoSub(dir, port, "sub/#", 1);
  ASSERT_TRUE(MosquittoPub(remote.port(), "temp_hum/emqx", R"({"temp":55,"hum":32})", 1));
  EXPECT_EQ(local_sub->Wait(10s), 0) << local_sub->Log();
  EXPECT_NE(local_sub->Log().find(R"(MSG sub/temp_hum/emqx|1|{"temp":55,"hum":32})"),
            std::string::npos)
      << local_sub->Log();

  MetricsRegistry& m = bridge->metrics();
  EXPECT_TRUE(WaitFor([&] { return m.Action("to_remote")->success.Get() == 1; }));
  EXPECT_EQ(m.Rule("forward")->matched.Get(), 1u);
  EXPECT_EQ(m.Rule("forward")->passed.Get(), 1u);
  EXPECT_EQ(m.Rule("forward")->actions_total.Get(), 1u);
  EXPECT_EQ(m.Rule("forward")->actions_success.Get(), 1u);
  EXPECT_EQ(m.Action("to_remote")->matched.Get(), 1u);
  EXPECT_EQ(m.Action("to_remote")->failed.Get(), 0u);
  EXPECT_EQ(m.Action("to_remote")->inflight.Get(), 0);
  EXPECT_EQ(m.Action("to_remote")->queuing.Get(), 0);
  EXPECT_EQ(m.Source("from_remote")->received.Get(), 1u);
  EXPECT_EQ(m.Rule("ingest")->matched.Get(), 1u);
  EXPECT_EQ(m.Rule("ingest")->actions_success.Get(), 1u);
  EXPECT_EQ(m.rules_matched.Get(), 2u);
  bridge->Stop();
}

TEST(BridgeSystem, RepublishCountsMissingTemplateVariables) {
  Mosquitto remote;
  const int port = FreePort();
  std::string cfg = SeedConfig(port, remote.port(), "", "", 1);
  cfg.replace(cfg.find("sub/${topic}"), 12, "sub/${nothere}${topic}");
  auto bridge = StartBridge(cfg);
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber local(port, "sub/#", 1);
  ASSERT_TRUE(local.WaitReady());
  ASSERT_TRUE(MosquittoPub(remote.port(), "temp_hum/emqx", "x", 1));
  ASSERT_TRUE(local.WaitLines(1));
  EXPECT_EQ(local.Lines()[0], "sub/temp_hum/emqx x");
  EXPECT_EQ(bridge->metrics().republish_missing_vars.Get(), 1u);
  bridge->Stop();
}

TEST(BridgeSystem, PoolOfEightClientIdsAsTheRemoteReportsThem) {
  LoggedRemote remote;
  auto bridge = StartBridge(SeedConfig(FreePort(), remote.broker.port()));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  EXPECT_EQ(Connector(*bridge, "remote")->connected_clients.Get(), 8);
  EXPECT_EQ(Connector(*bridge, "remote")->pool_size, 8);
  for (int seq = 1; seq <= 8; ++seq) {
    const std::string id =
        PoolClientId("myprefix", "remote", "mqbridge@127.0.0.1", seq, ProtoVer::kV5);
    EXPECT_TRUE(id.starts_with("myprefix:remote")) << id;
    EXPECT_TRUE(WaitFor([&] { return remote.Log().find("as " + id + " ") != std::string::npos; }))
        << id << "\n"
        << remote.Log();
  }
  EXPECT_EQ(remote.Count("New client connected"), 8u) << remote.Log();
  bridge->Stop();
  // Clean stop: every connection sent DISCONNECT ("Client <id> disconnected.").
  EXPECT_TRUE(WaitFor([&] { return remote.Count(" disconnected.") == 8; }, 5s)) << remote.Log();
}

TEST(BridgeSystem, StaticClientIdsForThisNodeAndNoneForAnother) {
  MosquittoOptions mo;
  mo.users = {{"dev-a", "secret-a"}, {"dev-b", "secret-b"}};
  LoggedRemote remote(mo);
  const std::string statics =
      "static_clientids = [{ node = \"mqbridge@127.0.0.1\", ids = ["
      "{ clientid = \"hub-dev-a\", username = \"dev-a\", password = \"secret-a\" }, "
      "{ clientid = \"hub-dev-b\", username = \"dev-b\", password = \"secret-b\" }] }, "
      "{ node = \"other@10.0.0.2\", ids = [\"hub-dev-c\"] }]\n";
  auto bridge = StartBridge(SeedConfig(FreePort(), remote.broker.port(), statics));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote")) << Connector(*bridge, "remote")->Error();
  EXPECT_EQ(Connector(*bridge, "remote")->pool_size, 2);
  EXPECT_TRUE(WaitFor([&] {
    const std::string log = remote.Log();
    return log.find("as hub-dev-a ") != std::string::npos &&
           log.find("as hub-dev-b ") != std::string::npos;
  })) << remote.Log();
  EXPECT_EQ(remote.Log().find("hub-dev-c"), std::string::npos);
  bridge->Stop();

  // A node with no ids assigned: disconnected, with the reason.
  std::string cfg = SeedConfig(FreePort(), remote.broker.port(), statics);
  cfg.replace(cfg.find("mqbridge@127.0.0.1"), 18, "mqbridge@10.9.9.9");
  auto other = StartBridge(cfg);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Connector(*other, "remote")->status.load(), ResourceStatus::kDisconnected);
  EXPECT_EQ(Connector(*other, "remote")->Error(), "Connector has no assigned static clientids");
  // Its sink counts messages as failed out of service instead of queueing them.
  const int port = other->broker_ports()[0];
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", "{}", 1));
  EXPECT_TRUE(WaitFor(
      [&] { return other->metrics().Rule("forward")->actions_failed_out_of_service.Get() == 1; }));
  other->Stop();
}

TEST(BridgeSystem, RemoteKilledAndRestartedMidStreamLosesAndReordersNothing) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge = StartBridge(
      SeedConfig(port, remote.port(), "", "resource_opts = { request_ttl = \"30s\" }\n"));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber sub(remote.port(), "pub/#", 1);
  ASSERT_TRUE(sub.WaitReady());

  constexpr int kTotal = 300;
  std::thread publisher(
      [&] { EXPECT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, kTotal, 3)); });
  ASSERT_TRUE(sub.WaitLines(40));
  remote.Kill();
  ASSERT_TRUE(WaitFor(
      [&] { return Connector(*bridge, "remote")->status.load() != ResourceStatus::kConnected; }));
  std::this_thread::sleep_for(300ms);  // the stream goes on while the remote is down
  remote.Start();
  publisher.join();
  ASSERT_TRUE(WaitConnected(*bridge, "remote", 15s));
  EXPECT_TRUE(WaitFor([&] { return sub.Distinct() >= kTotal; }, 20s)) << sub.Distinct();
  EXPECT_TRUE(InOrderComplete(sub.Numbers(), kTotal));
  MetricsRegistry& m = bridge->metrics();
  EXPECT_TRUE(WaitFor([&] { return m.Action("to_remote")->success.Get() == kTotal; }))
      << m.Action("to_remote")->success.Get();
  EXPECT_EQ(m.Action("to_remote")->Dropped(), 0u);

  // The source resubscribed after the reconnect: the other direction still flows.
  Subscriber local(port, "sub/#", 1);
  ASSERT_TRUE(local.WaitReady());
  ASSERT_TRUE(MosquittoPub(remote.port(), "temp_hum/emqx", "after-restart", 1));
  EXPECT_TRUE(local.WaitLines(1)) << remote.Log();
  bridge->Stop();
}

TEST(BridgeSystem, RemoteDownLongerThanRequestTtlExpiresAndCounts) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge = StartBridge(
      SeedConfig(port, remote.port(), "", "resource_opts = { request_ttl = \"300ms\" }\n"));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  remote.Kill();
  ASSERT_TRUE(WaitFor(
      [&] { return Connector(*bridge, "remote")->status.load() != ResourceStatus::kConnected; }));
  ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, 5));
  ResourceMetrics* a = bridge->metrics().Action("to_remote");
  EXPECT_TRUE(WaitFor([&] { return a->matched.Get() == 5; }));
  EXPECT_TRUE(WaitFor([&] { return a->dropped_expired.Get() == 5; }, 3s))
      << a->dropped_expired.Get();
  EXPECT_EQ(a->queuing.Get(), 0);
  EXPECT_EQ(a->queuing_bytes.Get(), 0);
  EXPECT_EQ(a->success.Get(), 0u);
  EXPECT_EQ(bridge->metrics().Rule("forward")->actions_failed.Get(), 5u);

  // Nothing expired is sent after the remote is back.
  remote.Start();
  Subscriber sub(remote.port(), "pub/#", 1);
  ASSERT_TRUE(sub.WaitReady());
  ASSERT_TRUE(WaitConnected(*bridge, "remote", 15s));
  ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 100, 1));
  ASSERT_TRUE(sub.WaitLines(1));
  EXPECT_EQ(sub.Numbers(), std::vector<int>{100});
  bridge->Stop();
}

TEST(BridgeSystem, BufferOverflowDropsTheOldestAndCounts) {
  Mosquitto remote;
  const int port = FreePort();
  // Entries are topic + payload bytes: "pub/temp_hum/emqx" (17) + 1..2 digits; 200 bytes hold 10.
  auto bridge = StartBridge(
      SeedConfig(port, remote.port(), "",
                 "resource_opts = { request_ttl = \"30s\", max_buffer_bytes = \"200B\" }\n", 1));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  remote.Kill();
  ASSERT_TRUE(WaitFor(
      [&] { return Connector(*bridge, "remote")->status.load() != ResourceStatus::kConnected; }));
  ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 10, 40));  // payloads "10".."49"
  ResourceMetrics* a = bridge->metrics().Action("to_remote");
  ASSERT_TRUE(WaitFor([&] { return a->matched.Get() == 40; }));
  EXPECT_TRUE(WaitFor([&] { return a->dropped_queue_full.Get() == 30; }))
      << a->dropped_queue_full.Get();
  EXPECT_EQ(a->queuing.Get(), 10);
  EXPECT_LE(a->queuing_bytes.Get(), 200);

  // After the remote is back the newest 10 flow, in order.
  remote.Start();
  Subscriber sub(remote.port(), "pub/#", 1);
  ASSERT_TRUE(sub.WaitReady());
  ASSERT_TRUE(WaitConnected(*bridge, "remote", 15s));
  ASSERT_TRUE(sub.WaitLines(10));
  std::vector<int> expect;
  for (int i = 40; i < 50; ++i) expect.push_back(i);
  EXPECT_EQ(sub.Numbers(), expect);
  bridge->Stop();
}

TEST(BridgeSystem, RunWithBadConfigExitsOneWithFileAndLine) {
  TempDir dir;
  const std::string path = dir.File("bad.toml");
  mqb::testing::WriteFile(
      path, "[node]\nname = \"n\"\n\n[connectors.mqtt.r]\nserver = \"h\"\nbogus_key = 1\n");
  auto r = mqb::testing::RunCommand(std::string(MQB_BINARY_DIR "/engine/mqbridge run -c ") + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(path + ":6"), std::string::npos) << r.output;
}

TEST(BridgeSystem, RunLogsCountersAndStopsCleanlyOnSigterm) {
  LoggedRemote remote;
  TempDir dir;
  const int port = FreePort();
  std::string cfg = SeedConfig(port, remote.broker.port(), "", "", 2);
  cfg.replace(cfg.find("[broker]"), 8, "status_log_interval = \"100ms\"\n[broker]");
  mqb::testing::WriteFile(dir.File("seed.toml"), cfg);
  Process run({MQB_BINARY_DIR "/engine/mqbridge", "run", "-c", dir.File("seed.toml")},
              dir.File("run.log"));
  ASSERT_TRUE(mqb::testing::WaitForPort(port));
  ASSERT_TRUE(WaitFor([&] {
    return run.Log().find("connector remote: connected") != std::string::npos;
  })) << run.Log();
  auto remote_sub = MosquittoSub(dir, remote.broker.port(), "pub/#", 1);
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", "21.5"));
  EXPECT_EQ(remote_sub->Wait(10s), 0) << remote_sub->Log();
  EXPECT_TRUE(WaitFor([&] {
    return run.Log().find("action to_remote: matched 1 success 1") != std::string::npos;
  })) << run.Log();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(10s), 0) << run.Log();
  EXPECT_NE(run.Log().find("stopped"), std::string::npos);
  // Both pool connections sent DISCONNECT (the subscriber's own line is not counted).
  EXPECT_TRUE(WaitFor(
      [&] {
        return remote.Count("Client myprefix:remote") == 2 &&
               remote.Count(":1 disconnected.") + remote.Count(":2 disconnected.") == 2;
      },
      5s))
      << remote.Log();
}

}  // namespace
}  // namespace mqb::engine::bridge::testing
