// System tests of bridge features beyond the seed walkthrough: shared-subscription sources on
// every pool connection, loop prevention in a two-way bridge on the same topics, MQTT 5
// properties forwarded with QoS capped by max_qos, MQTT 5 subscription identifiers dispatching
// overlapping sources, and the admin API while running.
#include <gtest/gtest.h>

#include "tests/engine/bridge/bridge_test_util.h"
#include "tests/support/tls_material.h"

namespace mqb::engine::bridge::testing {
namespace {

using mqb::testing::FreePort;
using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;

std::string Header(int broker_port, int remote_port, const std::string& connector) {
  return "[broker]\nlisteners = [{ bind = \"127.0.0.1:" + std::to_string(broker_port) +
         "\" }]\n"
         "[api]\nenable = false\n"
         "[connectors.mqtt.remote]\nserver = \"127.0.0.1:" +
         std::to_string(remote_port) + "\"\n" + connector;
}

TEST(BridgeFeatures, SharedSubscriptionSourceOnEveryPoolConnection) {
  TempDir dir;
  MosquittoOptions mo;
  mo.extra_config = "log_dest file " + dir.File("remote.log") + "\nlog_type subscribe\n";
  Mosquitto remote(mo);
  const int port = FreePort();
  auto bridge =
      StartBridge(Header(port, remote.port(), "proto_ver = \"v5\"\npool_size = 4\n") +
                  "[sources.mqtt.in]\nconnector = \"remote\"\ntopic = \"$share/g/in/#\"\nqos = 1\n"
                  "[rules.ingest]\nsql = 'SELECT * FROM \"$bridges/mqtt:in\"'\n"
                  "actions = [{ function = \"republish\", topic = \"local/${topic}\" }]\n");
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  // Every one of the 4 connections subscribed the shared filter.
  EXPECT_TRUE(WaitFor([&] {
    const std::string log = mqb::testing::ReadFile(dir.File("remote.log"));
    size_t n = 0;
    for (size_t pos = 0; (pos = log.find(" $share/g/in/#", pos)) != std::string::npos; ++pos) ++n;
    return n == 4;
  })) << mqb::testing::ReadFile(dir.File("remote.log"));

  Subscriber local(port, "local/#", 1);
  ASSERT_TRUE(local.WaitReady());
  ASSERT_TRUE(PublishSequence(remote.port(), "in/x", 1, 0, 40));
  ASSERT_TRUE(local.WaitLines(40)) << local.Lines().size();
  EXPECT_EQ(local.Distinct(), 40u);  // the remote spread them; each arrived once
  EXPECT_EQ(bridge->metrics().Source("in")->received.Get(), 40u);
  EXPECT_EQ(bridge->metrics().Rule("ingest")->actions_success.Get(), 40u);
  bridge->Stop();
}

TEST(BridgeFeatures, TwoWayBridgeOnTheSameTopicsDoesNotLoop) {
  Mosquitto remote;
  const int port = FreePort();
  // Local t/# goes out as t/#; the remote's t/# comes in as t/#. A third rule would even send
  // source events back out through the same connector: loop prevention must stop it.
  auto bridge = StartBridge(
      Header(port, remote.port(), "proto_ver = \"v4\"\npool_size = 2\n") +
      "[actions.mqtt.out]\nconnector = \"remote\"\ntopic = \"${topic}\"\nqos = 1\n"
      "payload = \"${payload}\"\n"
      "[sources.mqtt.in]\nconnector = \"remote\"\ntopic = \"t/#\"\nqos = 1\n"
      "[rules.egress]\nsql = 'SELECT * FROM \"t/#\"'\nactions = [\"mqtt:out\"]\n"
      "[rules.ingress]\nsql = 'SELECT * FROM \"$bridges/mqtt:in\"'\n"
      "actions = [{ function = \"republish\", topic = \"${topic}\" }]\n"
      "[rules.echo]\nsql = 'SELECT * FROM \"$bridges/mqtt:in\"'\nactions = [\"mqtt:out\"]\n");
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber local(port, "t/#", 1);
  Subscriber far(remote.port(), "t/#", 1);
  ASSERT_TRUE(local.WaitReady());
  ASSERT_TRUE(far.WaitReady());

  ASSERT_TRUE(MosquittoPub(port, "t/a", "from-local"));
  ASSERT_TRUE(MosquittoPub(remote.port(), "t/b", "from-remote"));
  MetricsRegistry& m = bridge->metrics();
  // t/a: out once, back in once (republished locally, never offered to the rules again).
  // t/b: in once, republished locally.
  ASSERT_TRUE(WaitFor([&] { return m.Source("in")->received.Get() == 2; }));
  ASSERT_TRUE(WaitFor([&] { return m.Rule("ingress")->actions_success.Get() == 2; }));
  std::this_thread::sleep_for(300ms);  // a loop would keep the counters growing
  EXPECT_EQ(m.Source("in")->received.Get(), 2u);
  EXPECT_EQ(m.Action("out")->matched.Get(), 1u);
  EXPECT_EQ(m.Action("out")->success.Get(), 1u);
  EXPECT_EQ(m.Rule("echo")->matched.Get(), 2u);
  EXPECT_EQ(m.Rule("echo")->actions_total.Get(), 0u);
  EXPECT_EQ(m.Rule("egress")->matched.Get(), 1u);
  EXPECT_EQ(far.Lines(), (std::vector<std::string>{"t/a from-local", "t/b from-remote"}));
  bridge->Stop();
}

TEST(BridgeFeatures, V5PropertiesForwardedAndQosCappedByMaxQos) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge =
      StartBridge(Header(port, remote.port(), "proto_ver = \"v5\"\npool_size = 1\nmax_qos = 1\n") +
                  "[actions.mqtt.out]\nconnector = \"remote\"\ntopic = \"out/${topic}\"\n"
                  "qos = \"${qos}\"\npayload = \"${payload.v}\"\n"
                  "[rules.r]\nsql = 'SELECT * FROM \"p/#\"'\nactions = [\"mqtt:out\"]\n");
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  TempDir dir;
  Process sub({"stdbuf",
               "-oL",
               "mosquitto_sub",
               "-d",
               "-V",
               "5",
               "-h",
               "127.0.0.1",
               "-p",
               std::to_string(remote.port()),
               "-q",
               "2",
               "-t",
               "out/#",
               "-C",
               "1",
               "-W",
               "10",
               "-F",
               "MSG %t|%q|%P|%p"},
              dir.File("sub.log"));
  ASSERT_TRUE(WaitFor([&] { return sub.Log().find("SUBACK") != std::string::npos; }));
  auto r =
      mqb::testing::RunCommand("mosquitto_pub -V 5 -h 127.0.0.1 -p " + std::to_string(port) +
                               " -q 2 -t p/1 -D publish user-property site lyon -m '{\"v\":42}'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(sub.Wait(10s), 0) << sub.Log();
  EXPECT_NE(sub.Log().find("MSG out/p/1|1|site:lyon|42"), std::string::npos) << sub.Log();
  bridge->Stop();
}

TEST(BridgeFeatures, V5SubscriptionIdsDispatchOverlappingSourcesExactly) {
  MosquittoOptions mo;
  mo.extra_config = "log_type subscribe\n";
  LoggedRemote logged(mo);
  Mosquitto& remote = logged.broker;
  const int port = FreePort();
  // Two sources with overlapping filters on the one pool connection, each feeding its own rule.
  // A QoS 0 message mosquitto delivers once per matching subscription, each copy with its
  // Subscription Identifier: dispatch by id gives each source each message exactly once, where
  // topic matching would give both sources both copies.
  const std::string cfg =
      Header(port, remote.port(), "proto_ver = \"v5\"\npool_size = 1\n") +
      "[sources.mqtt.wide]\nconnector = \"remote\"\ntopic = \"a/#\"\nqos = 0\n"
      "[sources.mqtt.narrow]\nconnector = \"remote\"\ntopic = \"a/b\"\nqos = 0\n"
      "[rules.w]\nsql = 'SELECT * FROM \"$bridges/mqtt:wide\"'\n"
      "actions = [{ function = \"republish\", topic = \"one/${topic}\" }]\n"
      "[rules.n]\nsql = 'SELECT * FROM \"$bridges/mqtt:narrow\"'\n"
      "actions = [{ function = \"republish\", topic = \"two/${topic}\" }]\n";
  auto bridge = StartBridge(cfg);
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber one(port, "one/#", 1);
  Subscriber two(port, "two/#", 1);
  ASSERT_TRUE(one.WaitReady());
  ASSERT_TRUE(two.WaitReady());
  MetricsRegistry& m = bridge->metrics();

  ASSERT_TRUE(MosquittoPub(remote.port(), "a/b", "both", 0));
  ASSERT_TRUE(MosquittoPub(remote.port(), "a/c", "wide-only", 0));
  // A last message for the wide source only: the broker sends copies in order, so once it has
  // arrived any duplicate of the earlier ones would have been counted too.
  ASSERT_TRUE(MosquittoPub(remote.port(), "a/z", "end", 0));
  ASSERT_TRUE(WaitFor([&] { return m.Source("wide")->received.Get() >= 3; }));
  EXPECT_EQ(m.Source("wide")->received.Get(), 3u);
  EXPECT_EQ(m.Source("narrow")->received.Get(), 1u);
  ASSERT_TRUE(WaitFor([&] {
    return m.Rule("w")->actions_success.Get() == 3 && m.Rule("n")->actions_success.Get() == 1;
  }));
  ASSERT_TRUE(one.WaitLines(3));
  ASSERT_TRUE(two.WaitLines(1));
  EXPECT_EQ(one.Lines(),
            (std::vector<std::string>{"one/a/b both", "one/a/c wide-only", "one/a/z end"}));
  EXPECT_EQ(two.Lines(), (std::vector<std::string>{"two/a/b both"}));
  EXPECT_EQ(m.Rule("w")->matched.Get(), 3u);
  EXPECT_EQ(m.Rule("n")->matched.Get(), 1u);

  // Reload: "wide" is replaced by a new source "mid" on a/+ (a new id); "narrow" keeps its id and
  // subscription. Copies still carrying the removed source's id reach nobody.
  std::string next = cfg;
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"sources.mqtt.wide", "sources.mqtt.mid"},
        {"topic = \"a/#\"", "topic = \"a/+\""},
        {"$bridges/mqtt:wide", "$bridges/mqtt:mid"}}) {
    const size_t at = next.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    next.replace(at, from.size(), to);
  }
  auto parsed = ParseConfig(next, "reloaded.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  auto applied = bridge->Reload(std::move(parsed.value()));
  ASSERT_TRUE(applied.ok()) << applied.error();
  ASSERT_TRUE(WaitFor([&] { return logged.Count(" a/+") == 1; })) << logged.Log();
  ASSERT_TRUE(MosquittoPub(remote.port(), "a/b", "both-2", 0));
  ASSERT_TRUE(MosquittoPub(remote.port(), "a/z", "end-2", 0));
  ASSERT_TRUE(WaitFor([&] { return m.Source("mid")->received.Get() >= 2; }));
  EXPECT_EQ(m.Source("mid")->received.Get(), 2u);
  EXPECT_EQ(m.Source("narrow")->received.Get(), 2u);
  ASSERT_TRUE(one.WaitLines(5));
  ASSERT_TRUE(two.WaitLines(2));
  EXPECT_EQ(one.Lines(),
            (std::vector<std::string>{"one/a/b both", "one/a/c wide-only", "one/a/z end",
                                      "one/a/b both-2", "one/a/z end-2"}));
  EXPECT_EQ(two.Lines(), (std::vector<std::string>{"two/a/b both", "two/a/b both-2"}));
  // "narrow" was not subscribed again.
  EXPECT_EQ(logged.Count(" a/b"), 1u) << logged.Log();
  bridge->Stop();
}

TEST(BridgeFeatures, TlsRemoteWithVerifiedServerAndClientCertificate) {
  TempDir dir;
  const auto tls = mqb::testing::GenerateTlsMaterial(dir);
  MosquittoOptions mo;
  mo.cafile = tls.ca_cert;
  mo.certfile = tls.server_cert;
  mo.keyfile = tls.server_key;
  mo.require_certificate = true;
  Mosquitto remote(mo);
  const int port = FreePort();
  const std::string ssl = "ssl = { enable = true, verify = \"verify_peer\", cacertfile = \"" +
                          tls.ca_cert + "\", certfile = \"" + tls.client_cert + "\", keyfile = \"" +
                          tls.client_key + "\" }\n";
  auto bridge = StartBridge(Header(port, remote.port(), "pool_size = 2\n" + ssl) +
                            "[actions.mqtt.out]\nconnector = \"remote\"\ntopic = \"out/${topic}\"\n"
                            "payload = \"${payload}\"\n"
                            "[rules.r]\nsql = 'SELECT * FROM \"p/#\"'\nactions = [\"mqtt:out\"]\n");
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote")) << Connector(*bridge, "remote")->Error();
  ASSERT_TRUE(MosquittoPub(port, "p/1", "over-tls"));
  EXPECT_TRUE(WaitFor([&] { return bridge->metrics().Action("out")->success.Get() == 1; }));
  bridge->Stop();

  // A CA that did not sign the server: never connected, and the reason says why.
  std::string bad = Header(FreePort(), remote.port(), "pool_size = 1\n" + ssl);
  bad.replace(bad.find(tls.ca_cert), tls.ca_cert.size(), tls.other_ca_cert);
  auto refused = StartBridge(bad);
  ASSERT_NE(refused, nullptr);
  EXPECT_TRUE(WaitFor([&] { return !Connector(*refused, "remote")->Error().empty(); }));
  EXPECT_NE(Connector(*refused, "remote")->status.load(), ResourceStatus::kConnected);
  refused->Stop();
}

}  // namespace
}  // namespace mqb::engine::bridge::testing
