// The admin API over real HTTP, read with curl.
#include "engine/api/api_server.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/tls_material.h"

namespace mqb::engine {
namespace {

// An in-memory AuthStore with one administrator key and one viewer key.
std::unique_ptr<AuthStore> TestAuth(std::string* admin, std::string* viewer) {
  AuthOptions o;
  o.pbkdf2_iterations = AuthStore::kMinPbkdf2Iterations;
  auto store = AuthStore::Open(o);
  EXPECT_TRUE(store.ok());
  auto a = store.value()->CreateApiKey("admin", Role::kAdministrator, "", true, 0);
  auto v = store.value()->CreateApiKey("viewer", Role::kViewer, "", true, 0);
  EXPECT_TRUE(a.ok() && v.ok());
  *admin = a.value().info.api_key + ":" + a.value().api_secret;
  *viewer = v.value().info.api_key + ":" + v.value().api_secret;
  return std::move(store.value());
}

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = TestAuth(&admin_, &viewer_);
    curl_ = "curl -s -u " + admin_;
    ApiContext ctx;
    ctx.metrics = &metrics_;
    ctx.auth = auth_.get();
    server_ = std::make_unique<ApiServer>(ApiOptions{"127.0.0.1", 0, "mqbridge@test", {}}, ctx);
    auto r = server_->Start();
    ASSERT_TRUE(r.ok()) << r.error();
  }
  testing::CommandResult Curl(const std::string& args) {
    return testing::RunCommand(curl_ + " -w '\\n%{http_code}' " + args +
                               " http://127.0.0.1:" + std::to_string(server_->port()));
  }
  MetricsRegistry metrics_;
  std::unique_ptr<AuthStore> auth_;
  std::string admin_, viewer_, curl_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiServerTest, CredentialsAreRequiredAndViewersOnlyRead) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto code = [&](const std::string& args) {
    return testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' " + args).output;
  };
  EXPECT_EQ(code(base + "/api/v5/metrics"), "401");
  EXPECT_EQ(code("-u nobody:wrong " + base + "/api/v5/metrics"), "401");
  EXPECT_EQ(code("-H 'Authorization: Bearer 00ff' " + base + "/api/v5/metrics"), "401");
  EXPECT_EQ(code("-u " + viewer_ + " " + base + "/api/v5/metrics"), "200");
  EXPECT_EQ(code("-u " + viewer_ + " -X PUT -d '' " + base + "/api/v5/rules/r/metrics/reset"),
            "403");
  EXPECT_EQ(code(base + "/api/v5/status"), "200");  // the health check is public
}

TEST_F(ApiServerTest, StatusNamesTheNode) {
  auto r = Curl("");  // base URL alone: the console's page
  EXPECT_NE(r.output.find("<div id=\"app\">"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n200"), std::string::npos) << r.output;
  r = testing::RunCommand(curl_ + " http://127.0.0.1:" + std::to_string(server_->port()) +
                          "/api/v5/status");
  EXPECT_NE(r.output.find("\"node\":\"mqbridge@test\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"status\":\"running\""), std::string::npos) << r.output;
}

// The web console: the page and its bundles without credentials, with the security headers;
// other paths are the JSON 404, and the API still wants credentials.
TEST_F(ApiServerTest, ConsolePageIsServedWithItsSecurityHeaders) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  for (const std::string path : {"/", "/index.html"}) {
    auto r = testing::RunCommand("curl -s -i " + base + path);
    EXPECT_NE(r.output.find("HTTP/1.1 200"), std::string::npos) << path << r.output;
    EXPECT_NE(r.output.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("<div id=\"app\">"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Content-Security-Policy: default-src 'self'; script-src 'self'; "
                            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'\r\n"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("Cache-Control: no-cache\r\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
    EXPECT_NE(r.output.find("X-Frame-Options: DENY\r\n"), std::string::npos);
    EXPECT_NE(r.output.find("Referrer-Policy: no-referrer\r\n"), std::string::npos);
  }
}

TEST_F(ApiServerTest, ConsoleBundlesAreServedAndUnknownFilesAreJson404s) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand("curl -s -o /dev/null -w '%{http_code} %{content_type} " +
                               std::string("%{size_download}' ") + base + "/assets/app.js");
  EXPECT_EQ(r.output.rfind("200 text/javascript; charset=utf-8 ", 0), 0u) << r.output;
  EXPECT_NE(r.output.substr(r.output.rfind(' ') + 1), "0") << r.output;
  r = testing::RunCommand("curl -s -o /dev/null -w '%{http_code} %{content_type}' " + base +
                          "/assets/app.css");
  EXPECT_EQ(r.output, "200 text/css; charset=utf-8");
  for (const std::string path : {"/assets/nope.js", "/assets/appxjs", "/index.htm"}) {
    r = testing::RunCommand("curl -s -w ' %{http_code}' " + base + path);
    EXPECT_NE(r.output.find("{\"code\":\"NOT_FOUND\""), std::string::npos) << path << r.output;
    EXPECT_NE(r.output.find(" 404"), std::string::npos) << path << r.output;
  }
}

// A browser that accepts gzip gets the compressed script (cpp-httplib compresses text answers
// when the client accepts gzip); it decompresses to the same bytes as the plain one, and a client
// that does not ask gets it plain.
TEST_F(ApiServerTest, ConsoleFilesAreGzippedForClientsThatAcceptIt) {
  testing::TempDir dir;
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  const std::string plain = dir.path() + "/plain.js", packed = dir.path() + "/packed.js.gz";
  auto r = testing::RunCommand("curl -s -o " + plain + " " + base + "/assets/app.js");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = testing::RunCommand("curl -s -D - -o " + packed + " -H 'Accept-Encoding: gzip' " + base +
                          "/assets/app.js");
  EXPECT_NE(r.output.find("Content-Encoding: gzip"), std::string::npos) << r.output;
  r = testing::RunCommand("gzip -dc " + packed + " | cmp - " + plain + " && stat -c %s " + packed +
                          " " + plain);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const size_t nl = r.output.find('\n');
  EXPECT_LT(std::stoul(r.output.substr(0, nl)) * 2, std::stoul(r.output.substr(nl + 1)))
      << "the gzip copy is less than half the size: " << r.output;
  r = testing::RunCommand("curl -s -D - -o /dev/null " + base + "/assets/app.js");
  EXPECT_EQ(r.output.find("Content-Encoding"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, ConsoleNeedsNoCredentialsButTheApiDoes) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto code = [&](const std::string& path) {
    return testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' " + base + path).output;
  };
  EXPECT_EQ(code("/"), "200");
  EXPECT_EQ(code("/assets/app.js"), "200");
  EXPECT_EQ(code("/assets/app.css"), "200");
  // The fixture has no Management, so no /api/v5/connectors: ApiSystem.unauthenticated asks the
  // real binary for that one.
  EXPECT_EQ(code("/api/v5/metrics"), "401");
  // Not API routes: the route table (and so openapi.json) leaves them out.
  for (const RouteInfo& route : server_->routes()) {
    EXPECT_TRUE(route.path != "/" && route.path != "/index.html" &&
                route.path.rfind("/assets/", 0) != 0)
        << route.path;
  }
}

TEST_F(ApiServerTest, RuleMetricsWithEmqxNamesAndReset) {
  RuleMetrics* rule = metrics_.Rule("forward");
  rule->matched.Add(5);
  rule->passed.Add(3);
  rule->failed_no_result.Add(2);
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand(curl_ + " " + base + "/api/v5/rules/forward/metrics");
  EXPECT_NE(r.output.find("\"matched\":5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"failed\":2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"failed.no_result\":2"), std::string::npos) << r.output;
  // Without -d: no body and no Content-Length, as `curl -X PUT URL` sends it.
  r = testing::RunCommand(curl_ + " -o /dev/null -w '%{http_code}' -X PUT " + base +
                          "/api/v5/rules/forward/metrics/reset");
  EXPECT_EQ(r.output, "204");
  EXPECT_EQ(rule->matched.Get(), 0u);
  rule->matched.Add(1);
  r = testing::RunCommand(curl_ + " -o /dev/null -w '%{http_code}' -X PUT -d '' " + base +
                          "/api/v5/rules/forward/metrics/reset");
  EXPECT_EQ(r.output, "204");
  EXPECT_EQ(rule->matched.Get(), 0u);
  r = testing::RunCommand(curl_ + " -w ' %{http_code}' " + base + "/api/v5/rules/nope/metrics");
  EXPECT_NE(r.output.find("{\"code\":\"NOT_FOUND\",\"message\":\"rule \\\"nope\\\" not found\"}"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
}

// After a reload removed a rule, the API no longer lists it; when the name comes back its
// counters continue.
TEST_F(ApiServerTest, UnlistedRulesDisappearAndComeBackWithTheirCounters) {
  metrics_.Rule("kept")->matched.Add(1);
  metrics_.Rule("gone")->matched.Add(3);
  metrics_.ListOnly({"kept"}, {}, {}, {});
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r =
      testing::RunCommand(curl_ + " -w ' %{http_code}' " + base + "/api/v5/rules/gone/metrics");
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
  r = testing::RunCommand(curl_ + " " + base + "/metrics");
  EXPECT_EQ(r.output.find("gone"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("kept"), std::string::npos) << r.output;
  metrics_.Rule("gone");
  r = testing::RunCommand(curl_ + " " + base + "/api/v5/rules/gone/metrics");
  EXPECT_NE(r.output.find("\"matched\":3"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, ActionDroppedSumsReasons) {
  ResourceMetrics* a = metrics_.Action("to_remote");
  a->dropped_expired.Add(4);
  a->dropped_queue_full.Add(6);
  a->queuing.Set(7);
  auto r = testing::RunCommand(curl_ + " http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/api/v5/metrics");
  EXPECT_NE(r.output.find("\"dropped\":10"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"dropped.expired\":4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"queuing\":7"), std::string::npos) << r.output;
}

TEST_F(ApiServerTest, PrometheusText) {
  metrics_.Rule("forward")->matched.Add(12);
  metrics_.Connector("remote")->status = ResourceStatus::kConnected;
  auto r = testing::RunCommand(curl_ + " http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/metrics");
  EXPECT_NE(r.output.find("# TYPE mqbridge_rule_matched_total counter"), std::string::npos);
  EXPECT_NE(r.output.find("mqbridge_rule_matched_total{rule=\"forward\"} 12\n"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("mqbridge_connector_up{connector=\"remote\"} 1\n"), std::string::npos);
}

TEST_F(ApiServerTest, BadRequestsGetJsonErrors) {
  std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto r = testing::RunCommand(curl_ + " -w ' %{http_code}' -X DELETE " + base + "/api/v5/status");
  EXPECT_NE(r.output.find(" 404"), std::string::npos) << r.output;
  r = testing::RunCommand(
      "printf 'GARBAGE\\r\\n\\r\\n' | timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
      std::to_string(server_->port()) + "; cat >&3; cat <&3'");
  EXPECT_NE(r.output.find("400"), std::string::npos) << r.output;
  // The server still answers afterwards.
  r = testing::RunCommand(curl_ + " " + base + "/api/v5/status");
  EXPECT_NE(r.output.find("running"), std::string::npos);
}

// Metrics and TestAuth's keys for a server a test builds itself.
struct OwnContext {
  MetricsRegistry metrics;
  std::string admin, viewer;
  std::unique_ptr<AuthStore> auth = TestAuth(&admin, &viewer);
  ApiContext Get() {
    ApiContext ctx;
    ctx.metrics = &metrics;
    ctx.auth = auth.get();
    return ctx;
  }
};

TEST(ApiServerBind, PortInUseIsAClearError) {
  OwnContext own;
  const ApiContext ctx = own.Get();
  ApiServer a(ApiOptions{"127.0.0.1", 0, "n", {}}, ctx);
  ASSERT_TRUE(a.Start().ok());
  ApiServer b(ApiOptions{"127.0.0.1", a.port(), "n", {}}, ctx);
  auto r = b.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot bind 127.0.0.1:" + std::to_string(a.port())), std::string::npos);
}

// HTTPS with client certificates: verify_peer + fail_if_no_peer_cert serves a client whose
// certificate the CA signed and refuses one without a certificate; a client that does not trust
// the server's CA refuses the server.
TEST(ApiServerTls, ClientCertificatesAreVerifiedWhenAskedFor) {
  testing::TempDir dir;
  const testing::TlsMaterial tls = testing::GenerateTlsMaterial(dir);
  OwnContext own;
  const std::string& admin = own.admin;
  const ApiContext ctx = own.Get();
  ApiOptions o{"127.0.0.1", 0, "n", {}};
  o.ssl.enable = true;
  o.ssl.certfile = tls.server_cert;
  o.ssl.keyfile = tls.server_key;
  o.ssl.cacertfile = tls.ca_cert;
  o.ssl.verify_peer = true;
  o.ssl.fail_if_no_peer_cert = true;
  ApiServer server(o, ctx);
  auto started = server.Start();
  ASSERT_TRUE(started.ok()) << started.error();
  const std::string url = " https://127.0.0.1:" + std::to_string(server.port()) + "/api/v5/metrics";
  auto code = [&](const std::string& args) {
    return testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' --cacert " + tls.ca_cert +
                               " -u " + admin + " " + args + url)
        .output;
  };
  EXPECT_EQ(code("--cert " + tls.client_cert + " --key " + tls.client_key), "200");
  EXPECT_EQ(code(""), "000");  // the handshake fails without a client certificate
  // A server the client does not trust is refused by the client.
  EXPECT_EQ(
      testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' --cacert " + tls.other_ca_cert +
                          " --cert " + tls.client_cert + " --key " + tls.client_key + url)
          .output,
      "000");
}

TEST(ApiServerTls, AnUnreadableKeyIsAClearError) {
  testing::TempDir dir;
  const testing::TlsMaterial tls = testing::GenerateTlsMaterial(dir);
  MetricsRegistry m;
  ApiContext ctx;
  ctx.metrics = &m;
  ApiOptions o{"127.0.0.1", 0, "n", {}};
  o.ssl.enable = true;
  o.ssl.certfile = tls.server_cert;
  o.ssl.keyfile = tls.client_key;  // a key that does not belong to the certificate
  ApiServer server(o, ctx);
  auto r = server.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot load the API's TLS key " + tls.client_key), std::string::npos)
      << r.error();
  EXPECT_NE(r.error().find("mismatch"), std::string::npos) << r.error();  // OpenSSL's reason
  o.ssl.keyfile = dir.path() + "/missing.key";
  ApiServer missing(o, ctx);
  r = missing.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot load the API's TLS key " + o.ssl.keyfile), std::string::npos)
      << r.error();
}

}  // namespace
}  // namespace mqb::engine
