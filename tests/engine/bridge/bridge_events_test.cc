// System tests of broker events in rules: EMQX's online/offline recipe (client_connected and
// client_disconnected forwarded to a remote mosquitto), a message_delivered audit republished
// locally without feeding itself, session events, and a FROM naming no event refused at start.
#include <gtest/gtest.h>

#include <csignal>

#include "tests/engine/bridge/bridge_test_util.h"

namespace mqb::engine::bridge::testing {
namespace {

using mqb::testing::FreePort;
using mqb::testing::Mosquitto;

std::string Header(int broker_port, int remote_port) {
  return "[broker]\nlisteners = [{ bind = \"127.0.0.1:" + std::to_string(broker_port) +
         "\" }]\n"
         "[api]\nenable = false\n"
         "[connectors.mqtt.remote]\nserver = \"127.0.0.1:" +
         std::to_string(remote_port) + "\"\npool_size = 2\n";
}

size_t Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<size_t>(std::count(lines.begin(), lines.end(), line));
}

TEST(BridgeEvents, OnlineOfflineStatusGoesToTheRemote) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge = StartBridge(
      Header(port, remote.port()) +
      "[actions.mqtt.status]\nconnector = \"remote\"\ntopic = \"devices/${clientid}/status\"\n"
      "qos = 1\npayload = \"${event} ${reason}\"\n"
      "[rules.online]\nsql = '''SELECT clientid, event, 'up' AS reason\n"
      "  FROM \"$events/client_connected\" WHERE regex_match(clientid, '^dev-')'''\n"
      "actions = [\"mqtt:status\"]\n"
      "[rules.offline]\nsql = 'SELECT clientid, event, reason FROM "
      "\"$events/client/disconnected\"'\n"
      "actions = [\"mqtt:status\"]\n");
  ASSERT_NE(bridge, nullptr);
  ASSERT_TRUE(WaitConnected(*bridge, "remote"));
  Subscriber far(remote.port(), "devices/#", 1);
  ASSERT_TRUE(far.WaitReady());

  ASSERT_TRUE(mqb::testing::RunCommand("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(port) +
                                       " -i dev-1 -t x -m y")
                  .exit_code == 0);
  ASSERT_TRUE(far.WaitLines(2)) << ::testing::PrintToString(far.Lines());
  auto lines = far.Lines();
  EXPECT_EQ(Count(lines, "devices/dev-1/status client.connected up"), 1u);
  EXPECT_EQ(Count(lines, "devices/dev-1/status client.disconnected normal"), 1u);
  // A client whose connection just drops: its reason says so.
  {
    mqb::testing::Process idle({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port),
                                "-i", "dev-2", "-t", "nothing"},
                               "");
    ASSERT_TRUE(far.WaitLines(3));
    idle.Signal(SIGKILL);  // the socket closes without DISCONNECT
  }
  ASSERT_TRUE(far.WaitLines(4)) << far.Lines().size();
  lines = far.Lines();
  EXPECT_EQ(Count(lines, "devices/dev-2/status client.connected up"), 1u);
  EXPECT_EQ(Count(lines, "devices/dev-2/status client.disconnected tcp_closed"), 1u);
  EXPECT_EQ(bridge->metrics().Rule("online")->matched.Get(), 2u);
  bridge->Stop();
}

TEST(BridgeEvents, DeliveredAuditDoesNotFeedItself) {
  Mosquitto remote;
  const int port = FreePort();
  auto bridge =
      StartBridge(Header(port, remote.port()) +
                  "[rules.audit]\nsql = '''SELECT clientid, from_clientid, topic, payload.n AS n\n"
                  "  FROM \"$events/message_delivered\"'''\n"
                  "actions = [{ function = \"republish\", topic = \"audit/${clientid}\", "
                  "payload = \"${from_clientid} ${topic} ${n}\" }]\n"
                  "[rules.subs]\nsql = 'SELECT clientid, topic, qos FROM \"$events/session/+\"'\n"
                  "actions = [{ function = \"republish\", topic = \"subs\", payload = "
                  "\"${clientid} ${topic} ${qos}\" }]\n");
  ASSERT_NE(bridge, nullptr);
  Subscriber audit(port, "audit/#", 1);  // its own deliveries are events too: they must be quiet
  ASSERT_TRUE(audit.WaitReady());
  Subscriber data(port, "data/#", 1);
  ASSERT_TRUE(data.WaitReady());
  ASSERT_TRUE(PublishSequence(port, "data/t", 1, 0, 5));
  ASSERT_TRUE(data.WaitLines(5));
  ASSERT_TRUE(audit.WaitLines(5)) << audit.Lines().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto lines = audit.Lines();
  // One audit line per delivery of data/t, none for the audit messages themselves.
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& l : lines) {
    EXPECT_EQ(l.rfind("audit/", 0), 0u) << l;
    EXPECT_NE(l.find(" data/t "), std::string::npos) << l;
  }
  EXPECT_EQ(bridge->metrics().Rule("audit")->matched.Get(), 5u);
  // Both subscriptions were seen (the subscribers connected before this rule had input).
  EXPECT_EQ(bridge->metrics().Rule("subs")->matched.Get(), 2u);
  bridge->Stop();
}

TEST(BridgeEvents, FromNamingNoEventIsRefused) {
  auto cfg =
      ParseConfig("[broker]\nlisteners = [{ bind = \"127.0.0.1:" + std::to_string(FreePort()) +
                      "\" }]\n[api]\nenable = false\n"
                      "[rules.r]\nsql = 'SELECT * FROM \"$events/client_rebooted\"'\n"
                      "actions = [{ function = \"console\" }]\n",
                  "test.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  Bridge b(std::move(cfg.value()));
  auto started = b.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().find("\"$events/client_rebooted\" names no event"), std::string::npos)
      << started.error();
  EXPECT_NE(started.error().find("$events/client_connected"), std::string::npos);
}

}  // namespace
}  // namespace mqb::engine::bridge::testing
