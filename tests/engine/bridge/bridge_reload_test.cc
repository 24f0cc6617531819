// Configuration reload (Bridge::Reload and SIGHUP), and what needs a scripted remote: PUBACK
// 0x91, replies after request_ttl, and back-pressure against a slow remote.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>

#include "tests/engine/bridge/bridge_test_util.h"

namespace mqb::engine::bridge::testing {
namespace {

using mqb::testing::FreePort;
using mqb::testing::Mosquitto;

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

Config MustParse(const std::string& text) {
  auto c = ParseConfig(text, "reloaded.toml");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error());
  return c.ok() ? std::move(c.value()) : Config{};
}

// The seed configuration after a reload: the sink writes to moved/..., the source follows
// other/+ instead of temp_hum/emqx and republishes to sub2/..., and a new rule forwards extra/#.
std::string Reloaded(const std::string& cfg) {
  std::string next = Replace(cfg, "topic = \"pub/${topic}\"", "topic = \"moved/${topic}\"");
  next = Replace(next, "topic = \"temp_hum/emqx\"\nqos = 1", "topic = \"other/+\"\nqos = 1");
  next = Replace(next, "topic = \"sub/${topic}\"", "topic = \"sub2/${topic}\"");
  return next +
         "[rules.extra]\nsql = 'SELECT payload FROM \"extra/#\"'\n"
         "actions = [\"mqtt:to_remote\"]\n";
}

TEST(BridgeReload, SwapsRulesActionsAndSourcesMidStreamWithoutReconnecting) {
  LoggedRemote remote;
  const int port = FreePort();
  const std::string cfg =
      SeedConfig(port, remote.broker.port(), "", "resource_opts = { request_ttl = \"30s\" }\n", 2);
  auto bridge = StartBridge(cfg);
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber sub(remote.broker.port(), "+/temp_hum/emqx", 1);
  ASSERT_TRUE(sub.WaitReady());

  constexpr int kTotal = 300;
  std::thread publisher(
      [&] { EXPECT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, kTotal, 3)); });
  ASSERT_TRUE(sub.WaitLines(60));
  auto applied = bridge->Reload(MustParse(Reloaded(cfg)));
  ASSERT_TRUE(applied.ok()) << applied.error();
  EXPECT_TRUE(applied.value().empty());
  publisher.join();

  // Every message arrived once, in order: first under the old topic, then under the new one.
  ASSERT_TRUE(WaitFor([&] { return sub.Distinct() >= kTotal; }, 20s)) << sub.Distinct();
  EXPECT_TRUE(InOrderComplete(sub.Numbers(), kTotal));
  size_t old_topic = 0, new_topic = 0;
  for (const std::string& line : sub.Lines()) {
    if (line.starts_with("pub/")) {
      EXPECT_EQ(new_topic, 0u) << "old topic after the new one: " << line;
      ++old_topic;
    } else if (line.starts_with("moved/")) {
      ++new_topic;
    }
  }
  EXPECT_GE(old_topic, 60u);
  EXPECT_GT(new_topic, 0u);
  MetricsRegistry& m = bridge->metrics();
  EXPECT_TRUE(WaitFor([&] { return m.Action("to_remote")->success.Get() == kTotal; }));
  EXPECT_EQ(m.Action("to_remote")->Dropped(), 0u);

  // The source now follows other/+ on the same connection, and no longer temp_hum/emqx.
  Subscriber local(port, "+/#", 1);
  ASSERT_TRUE(local.WaitReady());
  ASSERT_TRUE(WaitFor([&] {  // until the new subscription is in place
    return MosquittoPub(remote.broker.port(), "other/x", "new-source", 1) &&
           local.WaitLines(1, 300ms);
  }));
  ASSERT_TRUE(MosquittoPub(remote.broker.port(), "temp_hum/emqx", "old-source", 1));
  ASSERT_TRUE(MosquittoPub(remote.broker.port(), "other/y", "marker", 1));
  ASSERT_TRUE(WaitFor([&] {
    const auto lines = local.Lines();
    return std::find(lines.begin(), lines.end(), "sub2/other/y marker") != lines.end();
  }));
  for (const std::string& l : local.Lines()) {
    EXPECT_TRUE(l.starts_with("sub2/other/")) << l;
  }

  // The new rule runs.
  ASSERT_TRUE(MosquittoPub(port, "extra/1", "from-extra", 1));
  EXPECT_TRUE(WaitFor([&] { return m.Rule("extra")->actions_success.Get() == 1; }));

  // No connection was dropped or opened: the pool's two connections, once each.
  EXPECT_EQ(remote.Count("as myprefix:remote"), 2u) << remote.Log();
  EXPECT_EQ(remote.Count(":1 disconnected") + remote.Count(":2 disconnected"), 0u) << remote.Log();
  EXPECT_EQ(Connector(*bridge, "remote")->connected_clients.Get(), 2);
  bridge->Stop();
}

TEST(BridgeReload, ABadRuleLeavesTheRunningSetupAndAConnectorChangeAppliesAtOnce) {
  Mosquitto remote;
  const int port = FreePort();
  const std::string cfg = SeedConfig(port, remote.port(), "", "", 1);
  auto bridge = StartBridge(cfg);
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));

  auto bad = bridge->Reload(MustParse(
      Replace(Reloaded(cfg), "SELECT topic, payload FROM", "SELECT topic payload, FROM")));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("rules.forward.sql"), std::string::npos) << bad.error();

  // A connector change applies at once: the pool reconnects with its new size.
  auto resized = bridge->Reload(MustParse(Replace(cfg, "pool_size = 1", "pool_size = 3")));
  ASSERT_TRUE(resized.ok()) << resized.error();
  EXPECT_TRUE(resized.value().empty()) << resized.value().front();
  EXPECT_TRUE(WaitFor([&] { return Connector(*bridge, "remote")->connected_clients.Get() == 3; }));
  EXPECT_EQ(Connector(*bridge, "remote")->pool_size.load(), 3);

  // Still the original rules and topics.
  Subscriber sub(remote.port(), "#", 1);
  ASSERT_TRUE(sub.WaitReady());
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", "still", 1));
  ASSERT_TRUE(sub.WaitLines(1));
  EXPECT_EQ(sub.Lines()[0], "pub/temp_hum/emqx still");
  bridge->Stop();
}

// Connector changes one after another under QoS 1 traffic: each reconnects the pool, nothing is
// lost or reordered, and a pool replaced more than a second before the next change is freed
// then (ASan checks that nothing touches it afterwards).
TEST(BridgeReload, RepeatedConnectorChangesMidStreamLoseNothingAndFreeOldPools) {
  Mosquitto remote;
  const int port = FreePort();
  const std::string cfg =
      SeedConfig(port, remote.port(), "", "resource_opts = { request_ttl = \"30s\" }\n", 2);
  auto bridge = StartBridge(cfg);
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber sub(remote.port(), "pub/temp_hum/emqx", 1);
  ASSERT_TRUE(sub.WaitReady());

  constexpr int kTotal = 1000;
  std::thread publisher(
      [&] { EXPECT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, kTotal, 2)); });
  const char* sizes[] = {"pool_size = 3", "pool_size = 1", "pool_size = 2"};
  std::string current = "pool_size = 2";
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(round == 2 ? 1200ms : 150ms);  // the last waits out the grace
    const std::string next = Replace(cfg, "pool_size = 2", sizes[round]);
    auto applied = bridge->Reload(MustParse(next));
    ASSERT_TRUE(applied.ok()) << applied.error();
  }
  EXPECT_LE(bridge->retired_pool_count(), 1u);  // only the one replaced just now is kept
  publisher.join();
  ASSERT_TRUE(WaitFor([&] { return sub.Distinct() >= kTotal; }, 30s)) << sub.Distinct();
  EXPECT_TRUE(InOrderComplete(sub.Numbers(), kTotal));
  MetricsRegistry& m = bridge->metrics();
  EXPECT_TRUE(WaitFor([&] { return m.Action("to_remote")->success.Get() == kTotal; }));
  EXPECT_EQ(m.Action("to_remote")->Dropped(), 0u);
  EXPECT_TRUE(WaitFor([&] { return Connector(*bridge, "remote")->connected_clients.Get() == 2; }));
  bridge->Stop();
}

TEST(BridgeReload, SighupReloadsTheFileAndRefusesABrokenOne) {
  Mosquitto remote;
  TempDir dir;
  const int port = FreePort();
  const std::string cfg = SeedConfig(port, remote.port(), "", "", 1);
  const std::string path = dir.File("bridge.toml");
  mqb::testing::WriteFile(path, cfg);
  Process run({MQB_BINARY_DIR "/engine/mqbridge", "run", "-c", path}, dir.File("run.log"));
  ASSERT_TRUE(mqb::testing::WaitForPort(port));
  ASSERT_TRUE(WaitFor([&] {
    return run.Log().find("connector remote: connected") != std::string::npos;
  })) << run.Log();
  Subscriber sub(remote.port(), "+/temp_hum/emqx", 1);
  ASSERT_TRUE(sub.WaitReady());

  mqb::testing::WriteFile(path, Reloaded(cfg));
  run.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return run.Log().find("configuration reloaded") != std::string::npos;
  })) << run.Log();
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", "1", 1));
  ASSERT_TRUE(sub.WaitLines(1));
  EXPECT_EQ(sub.Lines()[0], "moved/temp_hum/emqx 1");

  mqb::testing::WriteFile(path, cfg + "\n[rules.broken]\nsql = 'SELEC nothing'\nactions = []\n");
  run.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return run.Log().find("reload failed") != std::string::npos; }))
      << run.Log();
  EXPECT_NE(run.Log().find("rules.broken"), std::string::npos) << run.Log();
  ASSERT_TRUE(MosquittoPub(port, "temp_hum/emqx", "2", 1));
  ASSERT_TRUE(sub.WaitLines(2));
  EXPECT_EQ(sub.Lines()[1], "moved/temp_hum/emqx 2");

  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(10s), 0) << run.Log();
}

// A real socket server that answers as scripted (tests/engine/bridge/scripted_remote.py).
struct ScriptedRemote {
  TempDir dir;
  int port = FreePort();
  Process proc;
  explicit ScriptedRemote(std::vector<std::string> args)
      : proc(
            [&] {
              std::vector<std::string> argv{
                  mqb::testing::SystemPython(),
                  MQB_SOURCE_DIR "/tests/engine/bridge/scripted_remote.py", std::to_string(port)};
              argv.insert(argv.end(), args.begin(), args.end());
              return argv;
            }(),
            dir.File("remote.log")) {
    EXPECT_TRUE(WaitFor([&] { return proc.Log().find("READY") != std::string::npos; }));
  }
  size_t Count(const std::string& what) {
    const std::string log = proc.Log();
    size_t n = 0;
    for (size_t pos = 0; (pos = log.find(what, pos)) != std::string::npos; ++pos) ++n;
    return n;
  }
};

TEST(BridgeAcks, PacketIdInUseIsQueuedAgainAndCountedAsRetried) {
  ScriptedRemote remote({"in-use"});
  const int port = FreePort();
  auto bridge = StartBridge(SeedConfig(port, remote.port, "", "", 1));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote")) << Connector(*bridge, "remote")->Error();
  ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, 5));
  ResourceMetrics* a = bridge->metrics().Action("to_remote");
  EXPECT_TRUE(WaitFor([&] { return a->success.Get() == 5; })) << remote.proc.Log();
  EXPECT_EQ(a->retried.Get(), 5u);
  EXPECT_EQ(a->retried_success.Get(), 5u);
  EXPECT_EQ(a->failed.Get(), 0u);
  EXPECT_EQ(a->inflight.Get(), 0);
  EXPECT_EQ(a->queuing.Get(), 0);
  for (int i = 0; i < 5; ++i) {
    const std::string p = "PUBLISH pub/temp_hum/emqx " + std::to_string(i);
    EXPECT_EQ(remote.Count(p + " 145"), 1u) << remote.proc.Log();  // 0x91
    EXPECT_EQ(remote.Count(p + " 0"), 1u) << remote.proc.Log();
  }
  RuleMetrics* r = bridge->metrics().Rule("forward");
  EXPECT_EQ(r->actions_success.Get(), 5u);
  EXPECT_EQ(r->actions_failed.Get(), 0u);
  bridge->Stop();
}

TEST(BridgeAcks, AReplyAfterRequestTtlCountsLateReply) {
  ScriptedRemote remote({"slow", "700"});
  const int port = FreePort();
  auto bridge = StartBridge(
      SeedConfig(port, remote.port, "", "resource_opts = { request_ttl = \"300ms\" }\n", 1));
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote")) << Connector(*bridge, "remote")->Error();
  ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, 3));
  ResourceMetrics* a = bridge->metrics().Action("to_remote");
  EXPECT_TRUE(WaitFor([&] { return a->success.Get() == 3; })) << remote.proc.Log();
  EXPECT_EQ(a->late_reply.Get(), 3u);
  EXPECT_EQ(a->dropped_expired.Get(), 0u);  // sent in time; only the reply was late
  bridge->Stop();
}

// A remote that acknowledges 50 messages/s (one in flight, 20 ms per PUBACK) and a publisher
// that sends flat out: with back-pressure the publisher is slowed down and nothing expires;
// without it (max_bridge_backlog = 0) the queue outgrows request_ttl and messages expire.
TEST(BridgeBackpressure, ASlowRemoteSlowsThePublisherInsteadOfExpiringMessages) {
  for (const int backlog : {5, 0}) {
    ScriptedRemote remote({"slow", "20"});
    const int port = FreePort();
    std::string cfg = SeedConfig(port, remote.port, "max_inflight = 1\n",
                                 "resource_opts = { request_ttl = \"1s\" }\n", 1);
    cfg = Replace(cfg, "[broker]\n",
                  "[broker]\nmax_bridge_backlog = " + std::to_string(backlog) + "\n");
    auto bridge = StartBridge(cfg);
    ASSERT_NE(bridge, nullptr);
    ASSERT_TRUE(WaitConnected(*bridge, "remote"));
    constexpr int kTotal = 150;  // 3 s at the remote's pace
    ASSERT_TRUE(PublishSequence(port, "temp_hum/emqx", 1, 0, kTotal));
    ResourceMetrics* a = bridge->metrics().Action("to_remote");
    ASSERT_TRUE(WaitFor([&] { return a->success.Get() + a->Dropped() == kTotal; }, 20s))
        << a->success.Get() << " " << a->Dropped();
    if (backlog > 0) {
      EXPECT_EQ(a->success.Get(), static_cast<uint64_t>(kTotal));
      EXPECT_EQ(a->Dropped(), 0u);
      EXPECT_GT(bridge->publisher_pauses(), 0u);
      for (int i = 0; i < kTotal; ++i) {
        EXPECT_EQ(remote.Count("PUBLISH pub/temp_hum/emqx " + std::to_string(i) + " 0\n"), 1u) << i;
      }
    } else {
      EXPECT_GT(a->dropped_expired.Get(), 0u);
      EXPECT_EQ(bridge->publisher_pauses(), 0u);
    }
    EXPECT_EQ(bridge->backlog(), 0);
    bridge->Stop();
  }
}

}  // namespace
}  // namespace mqb::engine::bridge::testing
