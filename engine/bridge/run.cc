#include "engine/bridge/run.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "engine/bridge/bridge.h"
#include "engine/config.h"

namespace mqb::engine {
namespace {

using Clock = std::chrono::steady_clock;

void SetLogLevel(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level == "warning" ? std::string("warn") : level));
}

// SIGHUP: reads the file again; a file that does not load leaves everything as it was.
void Reload(bridge::Bridge& bridge, const std::string& path, Duration* status_interval,
            Clock::time_point* next_status) {
  spdlog::info("SIGHUP: reloading {}", path);
  auto cfg = LoadConfig(path);
  if (!cfg.ok()) {
    spdlog::error("reload failed, the running configuration stays: {}", cfg.error());
    return;
  }
  for (const auto& w : cfg.value().warnings) spdlog::warn("{}", w);
  const std::string level = cfg.value().node.log_level;
  const Duration interval = cfg.value().node.status_log_interval;
  auto applied = bridge.Reload(std::move(cfg.value()));
  if (!applied.ok()) {
    spdlog::error("reload failed, the running configuration stays: {}", applied.error());
    return;
  }
  SetLogLevel(level);
  *status_interval = interval;
  *next_status = interval.count() > 0 ? Clock::now() + interval : Clock::time_point::max();
}

}  // namespace

int RunBridge(const std::string& config_path) {
  auto cfg = LoadConfig(config_path);
  if (!cfg.ok()) {
    std::fprintf(stderr, "error: %s\n", cfg.error().c_str());
    return 1;
  }
  Config config = std::move(cfg.value());
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

  Duration status_interval = config.node.status_log_interval;
  bridge::Bridge bridge(std::move(config));
  auto started = bridge.Start();
  if (!started.ok()) {
    spdlog::error("cannot start: {}", started.error());
    return 1;
  }
  std::string ports;
  for (uint16_t p : bridge.broker_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  spdlog::info("mqbridge {} running: broker port(s) [{}], api port {}", bridge.config().node.name,
               ports, bridge.api_port());

  auto next_rates = Clock::now() + std::chrono::seconds(10);
  auto next_status = status_interval.count() > 0 ? Clock::now() + status_interval : Clock::time_point::max();
  for (;;) {
    timespec ts{0, 200'000'000};
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) Reload(bridge, config_path, &status_interval, &next_status);
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
  bridge.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace mqb::engine
