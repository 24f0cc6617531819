// Helpers of the bridge system tests: an in-process Bridge on free ports, waiting on conditions,
// and real MQTT clients (mosquitto_pub/sub, paho) as child processes.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/bridge/bridge.h"
#include "engine/config.h"
#include "tests/support/mosquitto.h"
#include "tests/support/process.h"

namespace mqb::engine::bridge::testing {

using namespace std::chrono_literals;
using mqb::testing::Process;
using mqb::testing::TempDir;

inline bool WaitFor(const std::function<bool()>& pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A Bridge started from TOML text; fails the test if the config or the start fails.
inline std::unique_ptr<Bridge> StartBridge(const std::string& toml) {
  auto cfg = ParseConfig(toml, "test.toml");
  EXPECT_TRUE(cfg.ok()) << (cfg.ok() ? "" : cfg.error());
  if (!cfg.ok()) return nullptr;
  auto b = std::make_unique<Bridge>(std::move(cfg.value()));
  auto started = b->Start();
  EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error());
  if (!started.ok()) return nullptr;
  return b;
}

// The seed guide's walkthrough (examples/seed-walkthrough.toml) with test ports.
inline std::string SeedConfig(int broker_port, int remote_port,
                              const std::string& extra_connector = "",
                              const std::string& extra_action = "", int pool_size = 8) {
  return "[node]\nname = \"mqbridge@127.0.0.1\"\n"
         "[broker]\nlisteners = [{ bind = \"127.0.0.1:" +
         std::to_string(broker_port) +
         "\" }]\n"
         "[api]\nenable = false\n"
         "[connectors.mqtt.remote]\nserver = \"127.0.0.1:" +
         std::to_string(remote_port) +
         "\"\n"
         "proto_ver = \"v5\"\npool_size = " +
         std::to_string(pool_size) + "\nclientid_prefix = \"myprefix\"\nkeepalive = \"60s\"\n" +
         extra_connector +
         "[actions.mqtt.to_remote]\nconnector = \"remote\"\ntopic = \"pub/${topic}\"\n"
         "qos = \"${qos}\"\nretain = \"${flags.retain}\"\npayload = \"${payload}\"\n" +
         extra_action +
         "[sources.mqtt.from_remote]\nconnector = \"remote\"\ntopic = \"temp_hum/emqx\"\nqos = 1\n"
         "[rules.forward]\nsql = 'SELECT topic, payload FROM \"temp_hum/emqx\"'\n"
         "actions = [\"mqtt:to_remote\"]\n"
         "[rules.ingest]\nsql = 'SELECT * FROM \"$bridges/mqtt:from_remote\"'\n"
         "actions = [{ function = \"republish\", topic = \"sub/${topic}\", qos = \"${qos}\", "
         "retain = \"${flags.retain}\", payload = \"${payload}\" }]\n";
}

// A remote mosquitto whose log goes to a file as it happens (its stdout is block-buffered).
struct LoggedRemote {
  TempDir dir;
  mqb::testing::Mosquitto broker;
  explicit LoggedRemote(mqb::testing::MosquittoOptions o = {})
      : broker([&] {
          o.extra_config += "log_dest file " + dir.File("remote.log") + "\n";
          return o;
        }()) {}
  std::string Log() { return mqb::testing::ReadFile(dir.File("remote.log")); }
  size_t Count(const std::string& what) {
    const std::string log = Log();
    size_t n = 0;
    for (size_t pos = 0; (pos = log.find(what, pos)) != std::string::npos; ++pos) ++n;
    return n;
  }
};

inline ConnectorState* Connector(Bridge& b, const std::string& name) {
  return b.metrics().Connector(name);
}

inline bool WaitConnected(Bridge& b, const std::string& name,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return WaitFor([&] { return Connector(b, name)->status.load() == ResourceStatus::kConnected; },
                 timeout);
}

// A paho subscriber (tests/engine/bridge/mqtt_tool.py) that logs "<topic> <payload>" lines.
class Subscriber {
 public:
  Subscriber(int port, const std::string& filter, int qos = 1)
      : proc_({mqb::testing::SystemPython(), MQB_SOURCE_DIR "/tests/engine/bridge/mqtt_tool.py",
               "sub", "127.0.0.1", std::to_string(port), filter, std::to_string(qos)},
              dir_.File("sub.log")) {}
  bool WaitReady() {
    return WaitFor([&] { return proc_.Log().find("READY") != std::string::npos; });
  }
  // Complete message lines (READY lines removed; a line the subscriber is still writing, i.e.
  // not yet ended by a newline, is left for the next call).
  std::vector<std::string> Lines() {
    std::string log = proc_.Log();
    log.erase(log.rfind('\n') == std::string::npos ? 0 : log.rfind('\n') + 1);
    std::vector<std::string> out;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      if (line != "READY" && !line.empty()) out.push_back(line);
    }
    return out;
  }
  bool WaitLines(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return WaitFor([&] { return Lines().size() >= n; }, timeout);
  }
  // Payloads of the lines as integers (sequence tests).
  std::vector<int> Numbers() {
    std::vector<int> out;
    for (const std::string& l : Lines()) {
      const size_t sp = l.rfind(' ');
      out.push_back(std::stoi(l.substr(sp + 1)));
    }
    return out;
  }
  // Distinct numbers received.
  size_t Distinct() {
    auto v = Numbers();
    return std::set<int>(v.begin(), v.end()).size();
  }

 private:
  TempDir dir_;
  Process proc_;
};

// Publishes "first".."first+n-1" to `topic` through paho with one client id; returns when all
// are acknowledged.
inline bool PublishSequence(int port, const std::string& topic, int qos, int first, int n,
                            int interval_ms = 0) {
  auto r = mqb::testing::RunCommand(
      std::string(mqb::testing::SystemPython()) +
      " " MQB_SOURCE_DIR "/tests/engine/bridge/mqtt_tool.py pub 127.0.0.1 " + std::to_string(port) +
      " '" + topic + "' " + std::to_string(qos) + " " + std::to_string(first) + " " +
      std::to_string(n) + " " + std::to_string(interval_ms));
  return r.exit_code == 0 && r.output.find("DONE") != std::string::npos;
}

inline bool MosquittoPub(int port, const std::string& topic, const std::string& payload,
                         int qos = 1) {
  auto r =
      mqb::testing::RunCommand("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(port) + " -q " +
                               std::to_string(qos) + " -t '" + topic + "' -m '" + payload + "'");
  return r.exit_code == 0;
}

// First occurrences strictly increasing and all of [0, n) present: nothing lost, nothing
// reordered (QoS 1 resends may repeat a number).
inline ::testing::AssertionResult InOrderComplete(const std::vector<int>& got, int n) {
  std::set<int> seen;
  int last = -1;
  for (int v : got) {
    if (seen.count(v)) continue;
    if (v <= last) {
      return ::testing::AssertionFailure() << "reordered: " << v << " after " << last;
    }
    last = v;
    seen.insert(v);
  }
  if (static_cast<int>(seen.size()) != n) {
    return ::testing::AssertionFailure() << "got " << seen.size() << " distinct of " << n;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace mqb::engine::bridge::testing
