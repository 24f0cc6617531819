// The admin HTTP API (cpp-httplib, its own small thread pool; control plane only).
//
// Endpoints (JSON unless noted):
//   GET  /api/v5/status                      node, version, uptime
//   GET  /api/v5/metrics                     every rule, action, source and connector
//   GET  /api/v5/rules/{name}/metrics        one rule  (404 when unknown)
//   GET  /api/v5/actions/{name}/metrics      one action
//   GET  /api/v5/sources/{name}/metrics      one source
//   PUT  /api/v5/{rules|actions|sources}/{name}/metrics/reset
//   GET  /api/v5/connectors                  status of every connector
//   GET  /api/v5/connectors/{name}           one connector
//   GET  /metrics                            Prometheus text
// Errors are {"code": "...", "message": "..."} with 400/404/405.
//
// Thread-safety: Start/Stop from one thread; handlers run on the server's threads and only read
// the registry (atomics) or reset counters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"
#include "engine/metrics.h"

namespace httplib {
class Server;
}

namespace mqb::engine {

struct ApiOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 18083;  // 0: any free port (see port())
  std::string node_name;
};

class ApiServer {
 public:
  ApiServer(ApiOptions options, MetricsRegistry& metrics);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving on a background thread. Error: "cannot bind host:port: why".
  Result<void, std::string> Start();
  void Stop();
  uint16_t port() const { return bound_port_; }

 private:
  void Routes();

  ApiOptions options_;
  MetricsRegistry& metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  uint16_t bound_port_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace mqb::engine
