// The mqbridge command line as a user runs it: exit codes and messages of check, sql and
// connector test, against real mosquitto brokers (plain, with passwords, with TLS).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/mosquitto.h"
#include "tests/support/process.h"
#include "tests/support/tls_material.h"

namespace mqb {
namespace {

using testing::RunCommand;

std::string Bin() { return MQBRIDGE_BIN; }

// Single-quotes `s` for /bin/sh.
std::string Q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

TEST(Cli, SqlSeedRuleOutputsJson) {
  auto r = RunCommand(
      Bin() + " sql --sql " + Q("SELECT topic, payload FROM \"temp_hum/emqx\"") + " --context " +
      Q(R"({"topic": "temp_hum/emqx", "payload": "{\"temp\": \"27.5\", \"hum\": \"41.8\"}"})"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(R"("topic":"temp_hum/emqx")"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(R"(27.5)"), std::string::npos) << r.output;
}

TEST(Cli, SqlNoMatchAndErrors) {
  auto r = RunCommand(Bin() + " sql --sql " + Q("SELECT * FROM \"other/#\""));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no match"), std::string::npos);
  r = RunCommand(Bin() + " sql --sql " + Q("SELECT payload.x FROM \"t/#\" WHERE"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("line 1, column"), std::string::npos) << r.output;
  r = RunCommand(Bin() + " sql --sql " + Q("SELECT * FROM \"t/#\"") + " --context " +
                 Q("{not json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(Cli, SqlContextFile) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("ctx.json"), R"({"payload": {"items": [1, 2, 3]}, "topic": "t/x"})");
  auto r =
      RunCommand(Bin() + " sql --sql " + Q("FOREACH payload.items as i INCASE i > 1 FROM \"t/#\"") +
                 " --context-file " + dir.File("ctx.json"));
  // FOREACH output is a list.
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.front(), '[') << r.output;
  EXPECT_NE(r.output.find("\"i\":2}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"i\":3}"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\"i\":1}"), std::string::npos) << r.output;
}

TEST(Cli, CheckValidAndInvalid) {
  auto r = RunCommand(Bin() + " check -c " MQB_SOURCE_DIR "/examples/seed-walkthrough.toml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok (1 connectors, 1 actions, 1 sources, 2 rules)"), std::string::npos);
  testing::TempDir dir;
  testing::WriteFile(dir.File("bad.toml"), "[connectors.mqtt.c]\nserver = \"h\"\npool_sise = 4\n");
  r = RunCommand(Bin() + " check -c " + dir.File("bad.toml"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("bad.toml:3:13: connectors.mqtt.c.pool_sise: unknown key"),
            std::string::npos)
      << r.output;
}

TEST(Cli, ConnectorTestAvailableForEachVersion) {
  testing::Mosquitto broker;
  for (const char* v : {"v3", "v4", "v5"}) {
    auto r =
        RunCommand(Bin() + " connector test --server " + broker.address() + " --proto-ver " + v);
    EXPECT_EQ(r.exit_code, 0) << v << ": " << r.output;
    EXPECT_NE(r.output.find("connector available"), std::string::npos) << r.output;
  }
}

TEST(Cli, ConnectorTestReasons) {
  testing::MosquittoOptions o;
  o.users = {{"bridge", "s3cret"}};
  testing::Mosquitto broker(o);
  auto r = RunCommand(Bin() + " connector test --server " + broker.address() +
                      " --username bridge --password wrong");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("connector not available"), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.find("not authorized") != std::string::npos ||
              r.output.find("bad username or password") != std::string::npos)
      << r.output;
  r = RunCommand(Bin() + " connector test --server " + broker.address() +
                 " --username bridge --password s3cret");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  int closed = testing::FreePort();
  r = RunCommand(Bin() + " connector test --server 127.0.0.1:" + std::to_string(closed));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("Connection refused"), std::string::npos) << r.output;
  r = RunCommand(Bin() + " connector test --server 127.0.0.1:99999");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(Cli, ConnectorTestTls) {
  testing::TempDir dir;
  auto tls = testing::GenerateTlsMaterial(dir);
  testing::MosquittoOptions o;
  o.cafile = tls.ca_cert;
  o.certfile = tls.server_cert;
  o.keyfile = tls.server_key;
  testing::Mosquitto broker(o);
  std::string server = "localhost:" + std::to_string(broker.port());
  auto r = RunCommand(Bin() + " connector test --server " + server + " --cacert " + tls.ca_cert);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand(Bin() + " connector test --server " + server + " --cacert " + tls.other_ca_cert);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("certificate"), std::string::npos) << r.output;
  r = RunCommand(Bin() + " connector test --server " + server + " --tls --insecure");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// Every shipped example is a valid configuration.
TEST(Cli, EveryExampleChecks) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(MQB_SOURCE_DIR "/examples")) {
    if (e.path().extension() != ".toml") continue;
    ++n;
    auto r = RunCommand(Bin() + " check -c " + e.path().string());
    EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.output;
  }
  EXPECT_GE(n, 5);
}

// examples/pure-bridge.toml, run between two real mosquitto brokers with no embedded broker.
TEST(Cli, PureBridgeExampleMovesMessagesBetweenTwoBrokers) {
  testing::Mosquitto edge, cloud;
  testing::TempDir dir;
  std::string text = testing::ReadFile(MQB_SOURCE_DIR "/examples/pure-bridge.toml");
  auto replace = [&](const std::string& from, const std::string& to) {
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("127.0.0.1:1884", edge.address());
  replace("127.0.0.1:1885", cloud.address());
  text = "[api]\nenable = false\n" + text;
  testing::WriteFile(dir.File("pb.toml"), text);
  testing::Process bridge({Bin(), "run", "-c", dir.File("pb.toml")}, dir.File("mqbridge.log"));
  // Wait until both connectors are up (the log says so), then publish and expect the reshaped
  // message on the cloud side.
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    std::string log = bridge.Log();
    up = log.find("connector edge: connected") != std::string::npos &&
         log.find("connector cloud: connected") != std::string::npos;
    if (!up) usleep(50'000);
  }
  ASSERT_TRUE(up) << bridge.Log();
  testing::Process sub({"stdbuf", "-oL", "mosquitto_sub", "-d", "-p", std::to_string(cloud.port()),
                        "-t", "site1/#", "-q", "1", "-C", "1", "-W", "10", "-v"},
                       dir.File("sub.out"));
  // The subscription is in place once the subscriber has its SUBACK.
  for (int i = 0;
       i < 200 && testing::ReadFile(dir.File("sub.out")).find("SUBACK") == std::string::npos; ++i) {
    usleep(50'000);
  }
  auto pub = RunCommand("mosquitto_pub -p " + std::to_string(edge.port()) +
                        " -q 1 -t telemetry/room1 -m " + Q(R"({"temp":21.5,"hum":40})"));
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  EXPECT_EQ(sub.Wait(std::chrono::seconds(15)), 0) << bridge.Log();
  std::string out = testing::ReadFile(dir.File("sub.out"));
  EXPECT_NE(out.find("site1/telemetry/room1 "), std::string::npos) << out;
  EXPECT_NE(out.find(R"("temp":21.5)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("hum":40)"), std::string::npos) << out;
  EXPECT_EQ(bridge.Stop(), 0) << bridge.Log();
}

}  // namespace
}  // namespace mqb
