// The admin API over real HTTP, read with curl.
#include "engine/api/api_server.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace mqb::engine {
namespace {

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(ApiOptions{"127.0.0.1", 0, "mqbridge@test"}, metrics_);
    auto r = server_->Start();
    ASSERT_TRUE(r.ok()) << r.error();
  }
  testing::CommandResult Curl(const std::string& args) {
    return testing::RunCommand("curl -s -w '\\n%{http_code}' " + args + " http://127.0.0.1:" +
                               std::to_string(server_->port()));
  }
  MetricsRegistry metrics_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiServerTest, StatusNamesTheNode) {
  auto r = Curl("");  // base URL alone: 404 with a JSON error
  EXPECT_NE(r.output.find("NOT_FOUND"), std::string::npos) << r.output;
  r = testing::RunCommand("curl -s http://127.0.0.1:" + std::to_string(server_->port()) +
                          "/api/v5/status");
  EXPECT_NE(r.output.find("\"node\":\"mqbridge@test\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"status\":\"running\""), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, RuleMetricsWithEmqxNamesAndReset) {
  RuleMetrics* rule = metrics_.Rule("forward");
  rule->matched.Add(5);
  rule->passed.Add(3);
  rule->failed_no_result.Add(2);
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand("curl -s " + base + "/api/v5/rules/forward/metrics");
  EXPECT_NE(r.output.find("\"matched\":5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"failed\":2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"failed.no_result\":2"), std::string::npos) << r.output;
  r = testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' -X PUT -d '' " + base +
                          "/api/v5/rules/forward/metrics/reset");
  EXPECT_EQ(r.output, "204");
  EXPECT_EQ(rule->matched.Get(), 0u);
  r = testing::RunCommand("curl -s -w ' %{http_code}' " + base + "/api/v5/rules/nope/metrics");
  EXPECT_NE(r.output.find("{\"code\":\"NOT_FOUND\",\"message\":\"rule \\\"nope\\\" not found\"}"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
}

// After a reload removed a rule, the API no longer lists it; when the name comes back its
// counters continue.
TEST_F(ApiServerTest, UnlistedRulesDisappearAndComeBackWithTheirCounters) {
  metrics_.Rule("kept")->matched.Add(1);
  metrics_.Rule("gone")->matched.Add(3);
  metrics_.ListOnly({"kept"}, {}, {});
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand("curl -s -w ' %{http_code}' " + base + "/api/v5/rules/gone/metrics");
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
  r = testing::RunCommand("curl -s " + base + "/metrics");
  EXPECT_EQ(r.output.find("gone"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("kept"), std::string::npos) << r.output;
  metrics_.Rule("gone");
  r = testing::RunCommand("curl -s " + base + "/api/v5/rules/gone/metrics");
  EXPECT_NE(r.output.find("\"matched\":3"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, ActionDroppedSumsReasons) {
  ResourceMetrics* a = metrics_.Action("to_remote");
  a->dropped_expired.Add(4);
  a->dropped_queue_full.Add(6);
  a->queuing.Set(7);
  auto r = testing::RunCommand("curl -s http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/api/v5/metrics");
  EXPECT_NE(r.output.find("\"dropped\":10"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"dropped.expired\":4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"queuing\":7"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, PrometheusText) {
  metrics_.Rule("forward")->matched.Add(12);
  metrics_.Connector("remote")->status = ResourceStatus::kConnected;
  auto r = testing::RunCommand("curl -s http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/metrics");
  EXPECT_NE(r.output.find("# TYPE mqbridge_rule_matched_total counter"), std::string::npos);
  EXPECT_NE(r.output.find("mqbridge_rule_matched_total{rule=\"forward\"} 12\n"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mqbridge_connector_up{connector=\"remote\"} 1\n"), std::string::npos);
}

TEST_F(ApiServerTest, ConnectorStatusWithReason) {
  ConnectorState* c = metrics_.Connector("hub");
  c->status = ResourceStatus::kDisconnected;
  c->SetError("Connector has no assigned static clientids");
  auto r = testing::RunCommand("curl -s http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/api/v5/connectors/hub");
  EXPECT_NE(r.output.find("\"status\":\"disconnected\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no assigned static clientids"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, BadRequestsGetJsonErrors) {
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand("curl -s -w ' %{http_code}' -X DELETE " + base + "/api/v5/status");
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
  r = testing::RunCommand("printf 'GARBAGE\\r\\n\\r\\n' | timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
                          std::to_string(server_->port()) + "; cat >&3; cat <&3'");
  EXPECT_NE(r.output.find("400"), std::string::npos) << r.output;
  // The server still answers afterwards.
  r = testing::RunCommand("curl -s " + base + "/api/v5/status");
  EXPECT_NE(r.output.find("running"), std::string::npos);
}

TEST(ApiServerBind, PortInUseIsAClearError) {
  MetricsRegistry m;
  ApiServer a(ApiOptions{"127.0.0.1", 0, "n"}, m);
  ASSERT_TRUE(a.Start().ok());
  ApiServer b(ApiOptions{"127.0.0.1", a.port(), "n"}, m);
  auto r = b.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot bind 127.0.0.1:" + std::to_string(a.port())), std::string::npos);
}

}  // namespace
}  // namespace mqb::engine
