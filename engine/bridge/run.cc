#include "engine/bridge/run.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "engine/api/api_server.h"
#include "engine/api/auth_store.h"
#include "engine/api/management.h"
#include "engine/bridge/bridge.h"
#include "engine/cluster/cluster.h"
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

// Takes the cluster's shared configuration, or seeds it with this node's managed layer when the
// cluster has none yet. Returns the shared revision the configuration now comes from (0: none).
int64_t JoinCluster(cluster::Cluster& cluster, ManagedConfig& store) {
  store.KeepUnsaved();
  auto fetched = cluster.FetchConfig();
  if (!fetched.ok()) {
    spdlog::warn(
        "cluster: etcd unreachable ({}); starting from this node's copy of the last "
        "configuration it applied ({}) and catching up when etcd is back",
        fetched.error(), store.managed_path());
    return 0;
  }
  if (!fetched.value()) {
    auto written = cluster.Write(store.OverlayText(store.overlay()), 0);
    if (written.ok() && written.value()) {
      spdlog::info("cluster: the shared configuration starts from this node's managed layer");
      return *written.value();
    }
    return 0;  // another node seeded it at the same moment: the watch brings it
  }
  const auto& [text, revision] = *fetched.value();
  const std::string origin = "cluster configuration revision " + std::to_string(revision);
  auto change = store.Replace(text, origin);
  if (!change.ok()) {
    spdlog::error("cluster: cannot apply {} on this node, starting from its cached copy: {}",
                  origin, change.error());
    return 0;
  }
  if (auto c = store.Commit(std::move(change.value())); !c.ok()) {
    spdlog::warn("cluster: cannot write this node's cached copy: {}", c.error());
  }
  spdlog::info("cluster: starting from {}", origin);
  return revision;
}

}  // namespace

int RunBridge(const std::string& config_path) {
  auto store = ManagedConfig::Open(config_path);
  if (!store.ok()) {
    std::fprintf(stderr, "error: %s\n", store.error().c_str());
    return 1;
  }
  // In a cluster, the shared configuration replaces this node's cached copy before anything
  // starts; with etcd unreachable the node starts from that copy and catches up later.
  std::unique_ptr<cluster::Cluster> cluster;
  int64_t shared_revision = 0;
  if (const ClusterConfig& cc = store.value()->config().cluster; cc.store == "etcd") {
    const Config& file = store.value()->config();
    cluster = std::make_unique<cluster::Cluster>(cluster::ClusterOptions{
        cc, file.node.name,
        file.api.enable ? file.api.host + ":" + std::to_string(file.api.port) : std::string()});
    shared_revision = JoinCluster(*cluster, *store.value());
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

  if (cluster && auth) cluster->AttachAuth(auth.get());

  Duration status_interval = config.node.status_log_interval;
  bridge::Bridge bridge(config);
  auto started = bridge.Start();
  if (!started.ok()) {
    spdlog::error("cannot start: {}", started.error());
    return 1;
  }
  Management management(std::move(store.value()), &bridge);
  if (cluster) management.SetShared(cluster.get(), shared_revision);
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
    ctx.cluster = cluster.get();
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
  if (cluster) {
    const std::string bare = "{\"node\":\"" + config.node.name + "\"}";
    cluster->Start(&management, [&api, bare] { return api ? api->LocalStatus() : bare; });
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
  if (cluster) cluster->Stop();
  if (api) api->Stop();
  bridge.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace mqb::engine
