#include "engine/config.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace mqb::engine {
namespace {

constexpr const char* kSeed = R"(
[node]
name = "mqbridge@127.0.0.1"
[broker]
listeners = [{ bind = "127.0.0.1:1883" }]
[api]
bind = "127.0.0.1:18083"
[connectors.mqtt.remote]
server = "127.0.0.1:1884"
proto_ver = "v5"
pool_size = 8
clientid_prefix = "myprefix"
[actions.mqtt.to_remote]
connector = "remote"
topic = "pub/${topic}"
qos = "${qos}"
retain = "${flags.retain}"
payload = "${payload}"
[sources.mqtt.from_remote]
connector = "remote"
topic = "temp_hum/emqx"
qos = 1
[rules.forward]
sql = 'SELECT topic, payload FROM "temp_hum/emqx"'
actions = ["mqtt:to_remote"]
[rules.ingest]
sql = 'SELECT * FROM "$bridges/mqtt:from_remote"'
actions = [{ function = "republish", topic = "sub/${topic}", qos = "${qos}", retain = "${flags.retain}", payload = "${payload}" }]
)";

TEST(Config, SeedExampleWithDefaults) {
  auto r = ParseConfig(kSeed, "seed.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  const Config& c = r.value();
  EXPECT_EQ(c.node.name, "mqbridge@127.0.0.1");
  ASSERT_EQ(c.broker.listeners.size(), 1u);
  EXPECT_EQ(c.broker.listeners[0].port, 1883);
  EXPECT_EQ(c.api.port, 18083);
  const ConnectorConfig& k = c.connectors.at("remote");
  EXPECT_EQ(k.host, "127.0.0.1");
  EXPECT_EQ(k.port, 1884);
  EXPECT_EQ(k.proto_ver, ProtoVer::kV5);
  EXPECT_EQ(k.keepalive, Duration(160'000));
  EXPECT_EQ(k.connect_timeout, Duration(10'000));
  EXPECT_EQ(k.retry_interval, Duration(15'000));
  EXPECT_EQ(k.max_inflight, 32);
  EXPECT_TRUE(k.clean_start);
  const MqttActionConfig& a = c.actions.at("to_remote");
  EXPECT_EQ(a.topic, "pub/${topic}");
  EXPECT_EQ(a.qos, "${qos}");
  EXPECT_EQ(*a.payload, "${payload}");
  EXPECT_EQ(a.resource_opts.request_ttl, Duration(45'000));
  EXPECT_EQ(a.resource_opts.inflight_window, 100);
  EXPECT_EQ(a.resource_opts.worker_pool_size, 16);
  EXPECT_EQ(a.resource_opts.max_buffer_bytes, 256ull << 20);
  EXPECT_EQ(a.resource_opts.resume_interval, Duration(15'000));
  const RuleConfig& ingest = c.rules.at("ingest");
  ASSERT_EQ(ingest.actions.size(), 1u);
  EXPECT_EQ(ingest.actions[0].kind, RuleActionConfig::Kind::kRepublish);
  EXPECT_EQ(ingest.actions[0].topic, "sub/${topic}");
  EXPECT_EQ(c.rules.at("forward").actions[0].action, "to_remote");
  // A non-shared source on a pool of 8 subscribes once: that is worth a warning.
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("mqtt_pool_size_ignored"), std::string::npos);
}

TEST(Config, BrokerKeys) {
  auto r = ParseConfig(
      "[broker]\nmax_keepalive = \"300s\"\nconnect_timeout = \"2s\"\nreceive_maximum = 10\n"
      "topic_alias_maximum = 0\nqueue_qos0_offline = true\nretain_available = false\n",
      "b.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  const BrokerConfig& b = r.value().broker;
  EXPECT_EQ(b.max_keepalive, Duration(300'000));
  EXPECT_EQ(b.connect_timeout, Duration(2'000));
  EXPECT_EQ(b.receive_maximum, 10);
  EXPECT_EQ(b.topic_alias_maximum, 0);
  EXPECT_TRUE(b.queue_qos0_offline);
  EXPECT_FALSE(b.retain_available);
}

TEST(Config, ConnectorDefaults) {
  auto r = ParseConfig("[connectors.mqtt.c]\nserver = \"broker.local\"\n", "x.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  const auto& c = r.value().connectors.at("c");
  EXPECT_EQ(c.port, 1883);
  EXPECT_EQ(c.proto_ver, ProtoVer::kV4);
  EXPECT_EQ(c.pool_size, 8);
  EXPECT_FALSE(c.ssl.enable);
}

struct BadCase {
  const char* text;
  const char* expected;  // substring of the error
};

class ConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrors, NamesFileLineAndWhy) {
  auto r = ParseConfig(GetParam().text, "bad.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(GetParam().expected), std::string::npos) << r.error();
  EXPECT_EQ(r.error().rfind("bad.toml:", 0), 0u) << r.error();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrors,
    ::testing::Values(
        BadCase{"[node]\nnmae = \"x\"\n", "bad.toml:2:8: node.nmae: unknown key"},
        BadCase{"[connectors.mqtt.c]\nserver = \"h:1\"\nkeepalive = \"ten\"\n",
                "bad.toml:3:13: connectors.mqtt.c.keepalive: expected a duration"},
        BadCase{"[connectors.mqtt.c]\nserver = \"h:99999\"\n", "invalid port \"99999\""},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\nkeepalive = 60\n",
                "keepalive: a duration needs a unit: write \"60s\" or \"60ms\""},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\nproto_ver = \"v6\"\n",
                "proto_ver: must be v3"},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\npool_size = 0\n",
                "pool_size: must be between 1 and 1024, got 0"},
        BadCase{"[connectors.mqtt.c]\n", "connectors.mqtt.c.server: required"},
        BadCase{"[actions.mqtt.a]\nconnector = \"nope\"\ntopic = \"t\"\n",
                "bad.toml:1: actions.mqtt.a.connector: no connector named \"nope\""},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\n[actions.mqtt.a]\nconnector = \"c\"\n"
                "topic = \"t\"\nqos = 3\n",
                "qos: must be 0, 1, 2 or a single placeholder"},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\n[actions.mqtt.a]\nconnector = \"c\"\n",
                "actions.mqtt.a.topic: required"},
        BadCase{"[rules.r]\nsql = 'SELECT * FROM \"t\"'\nactions = [\"mqtt:missing\"]\n",
                "rules.r.actions: no action named \"mqtt:missing\""},
        BadCase{"[rules.r]\nsql = 'x'\nactions = [{ function = \"email\" }]\n",
                "function: must be \"republish\" or \"console\""},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\nstatic_clientids = [{ node = \"n\", ids = "
                "[\"a\", \"a\"] }]\n",
                "client id \"a\" appears twice"},
        BadCase{"[connectors.mqtt.a]\nserver = \"h\"\nstatic_clientids = [{ node = \"n\", ids = "
                "[\"x\"] }]\n[connectors.mqtt.b]\nserver = \"h\"\nstatic_clientids = [{ node = "
                "\"n\", ids = [\"x\"] }]\n",
                "static client id \"x\" is also used by connector a"},
        BadCase{"[connectors.mqtt.c]\nserver = \"h\"\npassword = \"file:///nonexistent/pw\"\n",
                "cannot read secret file /nonexistent/pw"},
        BadCase{"[broker]\nlisteners = [{ bind = \"127.0.0.1\", ssl = { enable = true } }]\n",
                "a TLS listener needs certfile and keyfile"},
        BadCase{"[api]\nssl = { certfile = \"c.pem\", keyfile = \"k.pem\", verify = "
                "\"verify_peer\" }\n",
                "api.ssl.cacertfile: verify = \"verify_peer\" needs the CA"},
        BadCase{"[node\nname = 1", "bad.toml:1:"}));

TEST(Config, SecretsFromFiles) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("pw"), "s3cret\n\n");
  std::string text = "[connectors.mqtt.c]\nserver = \"h\"\nusername = \"u\"\npassword = \"file://" +
                     dir.File("pw") + "\"\n";
  auto r = ParseConfig(text, "x.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r.value().connectors.at("c").password, "s3cret");
}

TEST(Config, WarningsForV5BridgeModeAndQos2Source) {
  auto r = ParseConfig(
      "[connectors.mqtt.c]\nserver = \"h\"\nproto_ver = \"v5\"\nbridge_mode = true\npool_size = 1\n"
      "[sources.mqtt.s]\nconnector = \"c\"\ntopic = \"a/#\"\nqos = 2\n",
      "w.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().sources.at("s").qos, 1);
  ASSERT_EQ(r.value().warnings.size(), 2u);
  EXPECT_NE(r.value().warnings[0].find("bridge_mode_ignored_for_mqtt_v5"), std::string::npos);
  EXPECT_NE(r.value().warnings[1].find("qos 2 is downgraded to 1"), std::string::npos);
}

TEST(Config, ServerParsing) {
  std::string host;
  uint16_t port = 0;
  bool tls = false;
  ASSERT_TRUE(ParseServer("mqtts://iot.example.com", host, port, &tls).ok());
  EXPECT_EQ(host, "iot.example.com");
  EXPECT_EQ(port, 8883);
  EXPECT_TRUE(tls);
  ASSERT_TRUE(ParseServer("[::1]:1884", host, port, nullptr).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 1884);
  EXPECT_FALSE(ParseServer("ws://h:1", host, port, nullptr).ok());
  EXPECT_FALSE(ParseServer("::1:1883", host, port, nullptr).ok());
}

TEST(Config, LoadMissingFile) {
  auto r = LoadConfig("/nonexistent/mqbridge.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace mqb::engine
