// `mqbridge-bench tune` against real remotes: a mosquitto with a low connection limit (the tuner
// reports the refusal and recommends within it), a mosquitto behind a rate-limiting proxy (it
// finds the plateau), a second mqbridge, a connector taken from an mqbridge configuration; and
// the HTML report rendered in headless Chromium with one drawn point per step and chart.
#include "bench/mqbridge_bench/tune.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "bench/mqbridge_bench/tune_report.h"
#include "tests/support/mosquitto.h"
#include "tests/support/process.h"

namespace mqb::bench {
namespace {

using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;
using mqb::testing::TempDir;

bool WaitPort(int port) {
  for (int i = 0; i < 500; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TuneOptions Against(int port) {
  TuneOptions t;
  t.base.broker.port = static_cast<uint16_t>(port);
  t.base.qos = codec::QoS::kAtLeastOnce;
  t.inflights = {16};
  t.step_s = 1;
  t.max_pool = 8;
  return t;
}

std::string Findings(const TuneResult& r) {
  std::string s;
  for (const std::string& f : r.findings) s += f + "\n";
  return s;
}

// The remote's limits, enforced by tests/benchtool/limit_proxy.py in front of a mosquitto.
// (mosquitto's own max_connections is not a reliable limit: its client count drifts below zero
// as clients reconnect, mosquitto issue #1460, so after a few steps it accepts more.)
class LimitProxy {
 public:
  LimitProxy(int upstream, int bytes_per_second, int max_connections = 0)
      : port_(mqb::testing::FreePort()),
        proc_({mqb::testing::SystemPython(), MQB_SOURCE_DIR "/tests/benchtool/limit_proxy.py",
               std::to_string(port_), std::to_string(upstream), std::to_string(bytes_per_second),
               std::to_string(max_connections)},
              dir_.File("proxy.log")) {}
  bool WaitReady() {
    for (int i = 0; i < 250; ++i) {
      if (proc_.Log().find("READY") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  int port() const { return port_; }

 private:
  TempDir dir_;
  int port_;
  mqb::testing::Process proc_;
};

TEST(Tune, ConnectionLimitIsReportedAndRespected) {
  Mosquitto remote;
  LimitProxy limit(remote.port(), 0, 3);  // the subscriber and two publishers
  ASSERT_TRUE(limit.WaitReady());
  TuneOptions o = Against(limit.port());
  o.max_rate = 3000;  // well below what the remote carries, so only the limit stops the sweep
  o.min_gain = -1;
  auto r = RunTune(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const TuneResult& t = r.value();
  ASSERT_GE(t.rows.size(), 3u) << FormatTuneText(t);
  EXPECT_EQ(t.rows[0].pool_size, 1);
  EXPECT_EQ(t.rows[1].pool_size, 2);
  EXPECT_EQ(t.rows[1].connect_failures, 0u);
  EXPECT_EQ(t.rows.back().pool_size, 4) << FormatTuneText(t);  // it stopped at the refusal
  EXPECT_GT(t.rows.back().connect_failures, 0u);
  EXPECT_NE(Findings(t).find("refused connections at 4"), std::string::npos) << Findings(t);
  ASSERT_TRUE(t.recommended.has_value());
  EXPECT_LE(t.rows[*t.recommended].pool_size, 2) << t.recommendation;
}

TEST(Tune, NeverExceedsTheConnectionCeiling) {
  Mosquitto remote;
  TuneOptions o = Against(remote.port());
  o.max_connections = 3;
  o.min_gain = -1;  // never stop for a plateau: only the ceiling stops it
  o.max_rate = 3000;
  auto r = RunTune(o);
  ASSERT_TRUE(r.ok()) << r.error();
  for (const TuneRow& row : r.value().rows) EXPECT_LE(row.pool_size + 1, 3);
  EXPECT_EQ(r.value().rows.back().pool_size, 2);
}

TEST(Tune, RateLimitedLinkShowsAPlateau) {
  Mosquitto remote;
  // About 1,500 messages/s of 64-byte QoS 1 publishes get through upstream.
  LimitProxy limit(remote.port(), 120000);
  ASSERT_TRUE(limit.WaitReady());
  const int port = limit.port();
  TuneOptions o = Against(port);
  o.sub_endpoint.port = static_cast<uint16_t>(remote.port());  // the subscriber is not limited
  o.inflights = {64};
  o.step_s = 2;
  auto r = RunTune(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const TuneResult& t = r.value();
  ASSERT_GE(t.rows.size(), 2u);
  EXPECT_LE(t.rows.size(), 3u) << FormatTuneText(t);  // stopped once doubling did not help
  EXPECT_LT(t.rows.back().rate, 2500) << FormatTuneText(t);
  EXPECT_NE(Findings(t).find("stopped growing"), std::string::npos) << FormatTuneText(t);
  ASSERT_TRUE(t.recommended.has_value());
  EXPECT_EQ(t.rows[*t.recommended].pool_size, 1) << t.recommendation;
}

TEST(Tune, TargetRateAgainstASecondMqbridge) {
  TempDir dir;
  const int port = mqb::testing::FreePort();
  {
    std::ofstream cfg(dir.File("remote.toml"));
    cfg << "[broker]\nlisteners = [{ bind = \"127.0.0.1:" << port
        << "\" }]\n[api]\nenable = false\n";
  }
  mqb::testing::Process remote(
      {MQB_BINARY_DIR "/engine/mqbridge", "run", "-c", dir.File("remote.toml")},
      dir.File("remote.log"));
  ASSERT_TRUE(WaitPort(port)) << remote.Log();
  TuneOptions o = Against(port);
  o.target_rate = 2000;
  o.inflights = {16, 64};
  auto r = RunTune(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const TuneResult& t = r.value();
  // 2,000 msg/s is within one connection's reach: the sweep stops at pool_size 1.
  ASSERT_EQ(t.rows.size(), 2u) << FormatTuneText(t);
  for (const TuneRow& row : t.rows) {
    EXPECT_EQ(row.lost, 0u);
    EXPECT_GT(row.rate, 1900);
    EXPECT_LT(row.rate, 2100);
  }
  ASSERT_TRUE(t.recommended.has_value());
  EXPECT_NE(t.recommendation.find("carries the target"), std::string::npos) << t.recommendation;
  EXPECT_EQ(t.rows[*t.recommended].max_inflight, 16);

  // The same report round-trips through its JSON (what `mqbridge-bench report` reads).
  auto back = ParseTuneJson(TuneJson(t));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().rows.size(), t.rows.size());
  EXPECT_EQ(back.value().recommendation, t.recommendation);
  EXPECT_EQ(TuneJson(back.value()), TuneJson(t));

  // The HTML report renders in a browser, one point per step in each of its two charts.
  const std::string html = dir.File("report.html");
  {
    std::ofstream f(html);
    f << TuneHtml(t);
  }
  auto dom = mqb::testing::RunCommand(
      "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
      "--virtual-time-budget=2000 --dump-dom file://" +
      html + " 2>/dev/null");
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  const std::string marker = "id=\"drawn\">";
  const size_t at = dom.output.find(marker);
  ASSERT_NE(at, std::string::npos) << dom.output.substr(0, 2000);
  const std::string drawn =
      dom.output.substr(at + marker.size(), dom.output.find('<', at) - at - marker.size());
  EXPECT_EQ(drawn, std::to_string(2 * t.rows.size()));  // "?" if the script did not run
  EXPECT_NE(dom.output.find("carries the target"), std::string::npos);
}

TEST(Tune, ConnectorFromAnMqbridgeConfiguration) {
  Mosquitto remote;
  TempDir dir;
  {
    std::ofstream cfg(dir.File("bridge.toml"));
    cfg << "[connectors.mqtt.cloud]\nserver = \"127.0.0.1:" << remote.port()
        << "\"\nproto_ver = \"v5\"\n";
  }
  TuneOptions o = Against(0);
  o.config_path = dir.File("bridge.toml");
  o.connector = "cloud";
  o.max_pool = 2;
  o.min_gain = -1;
  auto r = RunTune(o);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.value().remote, "127.0.0.1:" + std::to_string(remote.port()));
  EXPECT_EQ(r.value().rows.size(), 2u);

  o.connector = "nope";
  auto missing = RunTune(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no connector \"nope\" (it has cloud)"), std::string::npos)
      << missing.error();
}

TEST(Tune, UnreachableRemoteIsAnError) {
  TuneOptions o = Against(mqb::testing::FreePort());
  auto r = RunTune(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("could not be used"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace mqb::bench
