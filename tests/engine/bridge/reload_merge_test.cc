// MergeForReload: connectors, rules, actions and sources come from the new file; broker, api and
// node settings stay as started, and each ignored change is reported.
#include <gtest/gtest.h>

#include "engine/bridge/reload.h"

namespace mqb::engine::bridge {
namespace {

Config Parse(const std::string& text) {
  auto c = ParseConfig(text, "reload.toml");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error());
  return c.ok() ? std::move(c.value()) : Config{};
}

const char* kBase = R"(
[node]
name = "n1@host"
log_level = "info"
[connectors.mqtt.remote]
server = "127.0.0.1:1883"
pool_size = 2
[actions.mqtt.out]
connector = "remote"
topic = "a/${topic}"
[rules.r1]
sql = 'SELECT * FROM "t/#"'
actions = ["mqtt:out"]
)";

bool Mentions(const std::vector<std::string>& lines, const std::string& what) {
  for (const std::string& l : lines) {
    if (l.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(ReloadMerge, TakesRulesActionsAndSourcesFromTheNewFile) {
  const Config running = Parse(kBase);
  std::string next_text = kBase;
  next_text.replace(next_text.find("a/${topic}"), 10, "b/${topic}");
  next_text +=
      "[rules.r2]\nsql = 'SELECT 1 FROM \"x\"'\nactions = [\"mqtt:out\"]\n"
      "[sources.mqtt.in]\nconnector = \"remote\"\ntopic = \"$share/g/in/#\"\n";
  ReloadMerge m = MergeForReload(running, Parse(next_text));
  EXPECT_TRUE(m.ignored.empty()) << m.ignored.front();
  EXPECT_EQ(m.config.actions.at("out").topic, "b/${topic}");
  EXPECT_EQ(m.config.rules.size(), 2u);
  EXPECT_EQ(m.config.sources.at("in").topic, "$share/g/in/#");
}

TEST(ReloadMerge, TakesConnectorsKeepsBrokerApiAndNodeAndSaysSo) {
  const Config running = Parse(kBase);
  std::string next_text = kBase;
  next_text.replace(next_text.find("pool_size = 2"), 13, "pool_size = 4");
  next_text.replace(next_text.find("n1@host"), 7, "n2@host");
  next_text.replace(next_text.find("log_level = \"info\""), 18, "log_level = \"debug\"");
  next_text +=
      "[connectors.mqtt.other]\nserver = \"127.0.0.1:1884\"\n"
      "[api]\nbind = \"127.0.0.1:18084\"\n";
  ReloadMerge m = MergeForReload(running, Parse(next_text));
  EXPECT_EQ(m.config.connectors.at("remote").pool_size, 4);
  EXPECT_TRUE(m.config.connectors.contains("other"));
  EXPECT_EQ(m.config.node.name, "n1@host");
  EXPECT_EQ(m.config.node.log_level, "debug");  // applied at once
  EXPECT_EQ(m.config.api.port, running.api.port);
  EXPECT_TRUE(Mentions(m.ignored, "[api] changed"));
  EXPECT_TRUE(Mentions(m.ignored, "[node] changed"));
  EXPECT_EQ(m.ignored.size(), 2u);
}

TEST(ReloadMerge, MovingAConnectorInTheFileIsNotAChange) {
  const Config running = Parse(kBase);
  ReloadMerge m = MergeForReload(running, Parse(std::string("\n\n# moved\n") + kBase));
  EXPECT_TRUE(m.ignored.empty()) << m.ignored.front();
}

}  // namespace
}  // namespace mqb::engine::bridge
