#include "engine/bridge/run.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "engine/api/api_server.h"
#include "engine/api/auth_store.h"
#include "engine/api/management.h"
#include "engine/bridge/bridge.h"
#include "engine/config.h"
#include "engine/managed_config.h"

namespace mqb::engine {
namespace {

using Clock = std::chrono::steady_clock;

void SetLogLevel(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level == "warning" ? std::string("warn") : level));
}

// SIGHUP: reads the file again; a file that does not load leaves everything as it was.
void Reload(Management& management, const std::string& path, Duration* status_interval,
            Clock::time_point* next_status) {
  spdlog::info("SIGHUP: reloading {}", path);
  auto applied = management.Reread();
  if (!applied.ok()) {
    spdlog::error("reload failed, the running configuration stays: {}", applied.error());
    return;
  }
  auto cfg = management.config();
  for (const auto& w : cfg->warnings) spdlog::warn("{}", w);
  SetLogLevel(cfg->node.log_level);
  *status_interval = cfg->node.status_log_interval;
  *next_status =
      status_interval->count() > 0 ? Clock::now() + *status_interval : Clock::time_point::max();
  spdlog::info("configuration reloaded from {}", path);
}

}  // namespace

int RunBridge(const std::string& config_path) {
  auto store = ManagedConfig::Open(config_path);
  if (!store.ok()) {
    std::fprintf(stderr, "error: %s\n", store.error().c_str());
    return 1;
  }
  Config config = store.value()->config();
  for (const auto& w : config.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  SetLogLevel(config.node.log_level);

  // Signals are taken synchronously by this thread; every thread started later inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<AuthStore> auth;
  if (config.api.enable) {
    AuthOptions ao;
    ao.data_dir = config.node.data_dir;
    ao.bootstrap_file = config.api.bootstrap_file;
    ao.token_expiry = config.api.token_expiry;
    ao.max_failed_logins = config.api.max_failed_logins;
    ao.login_lockout = config.api.login_lockout;
    auto opened = AuthStore::Open(ao);
    if (!opened.ok()) {
      spdlog::error("cannot start: api: {}", opened.error());
      return 1;
    }
    auth = std::move(opened.value());
    if (!auth->HasUsers() && auth->ApiKeys().empty()) {
      spdlog::warn(
          "api: no users and no API keys yet: every request but /api/v5/status gets "
          "401; add a user with `mqbridge admins add NAME -c {}` or an API key with "
          "[api] bootstrap_file",
          config_path);
    }
  }

  Duration status_interval = config.node.status_log_interval;
  bridge::Bridge bridge(config);
  auto started = bridge.Start();
  if (!started.ok()) {
    spdlog::error("cannot start: {}", started.error());
    return 1;
  }
  Management management(std::move(store.value()), &bridge);
  std::unique_ptr<ApiServer> api;
  if (config.api.enable) {
    ApiOptions ao;
    ao.host = config.api.host;
    ao.port = config.api.port;
    ao.node_name = config.node.name;
    ao.ssl = config.api.ssl;
    ApiContext ctx;
    ctx.metrics = &bridge.metrics();
    ctx.auth = auth.get();
    ctx.management = &management;
    ctx.client_count = [&bridge]() -> size_t {
      return bridge.broker() ? bridge.broker()->client_count() : 0;
    };
    api = std::make_unique<ApiServer>(ao, ctx);
    auto up = api->Start();
    if (!up.ok()) {
      spdlog::error("cannot start: api: {}", up.error());
      bridge.Stop(std::chrono::milliseconds(0));
      return 1;
    }
  }
  std::string ports;
  for (uint16_t p : bridge.broker_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  spdlog::info("mqbridge {} running: broker port(s) [{}], api port {}", config.node.name, ports,
               api ? api->port() : 0);

  auto next_rates = Clock::now() + std::chrono::seconds(10);
  auto next_status =
      status_interval.count() > 0 ? Clock::now() + status_interval : Clock::time_point::max();
  for (;;) {
    timespec ts{0, 200'000'000};
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) Reload(management, config_path, &status_interval, &next_status);
    const auto now = Clock::now();
    if (now >= next_rates) {
      bridge.metrics().SampleRates(now);
      next_rates = now + std::chrono::seconds(10);
    }
    if (now >= next_status) {
      bridge.LogStatus();
      next_status = now + status_interval;
    }
  }
  if (api) api->Stop();
  bridge.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace mqb::engine
