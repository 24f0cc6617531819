// The management API (EMQX 5's /api/v5, cpp-httplib with its own small thread pool; control
// plane only). docs/api.md lists every endpoint with curl examples; GET /api/v5/openapi.json
// lists them from the route table itself.
//
// Access: every route is public (only the health check GET /api/v5/status and POST
// /api/v5/login), read (any authenticated principal) or write (administrators only: 403
// FORBIDDEN for a viewer). Credentials are an API key as HTTP Basic "key:secret" or a bearer
// token from /api/v5/login; without valid ones the answer is 401, after too many failures from
// one address 429. Secrets and tokens are never logged.
//
// The web console's files (GET /, /index.html, /assets/app.js, /assets/app.css; embedded at build
// time) are public too and are not API routes: routes() and /api/v5/openapi.json omit them.
//
// Errors are {"code": "...", "message": "..."} with EMQX's codes.
//
// Thread-safety: Start/Stop from one thread; handlers run on the server's threads and use the
// context's objects, each of which is safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "engine/api/auth_store.h"
#include "engine/config.h"
#include "engine/metrics.h"

namespace httplib {
class Server;
}

namespace mqb::engine {

class Management;
class ClusterView;
namespace api {
struct Shared;
}

struct ApiOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 18083;  // 0: any free port (see port())
  std::string node_name;
  TlsServerOptions ssl;  // HTTPS when enabled; verify_peer asks for client certificates
};

struct ApiContext {
  MetricsRegistry* metrics = nullptr;    // required
  AuthStore* auth = nullptr;             // required
  Management* management = nullptr;      // null: no configuration routes (metrics only)
  std::function<size_t()> client_count;  // the embedded broker's clients (may be empty)
  ClusterView* cluster = nullptr;        // the other nodes (null: this node alone)
};

enum class Access { kPublic, kRead, kWrite };

struct RouteInfo {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // "/api/v5/connectors/{id}"
  Access access = Access::kRead;
  std::string summary;
};

class ApiServer {
 public:
  ApiServer(ApiOptions options, ApiContext context);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving on a background thread. Errors: "cannot bind host:port: why", or
  // for HTTPS the certificate, key or CA file that could not be used and OpenSSL's reason.
  Result<void, std::string> Start();
  void Stop();
  uint16_t port() const { return bound_port_; }
  const std::vector<RouteInfo>& routes() const { return routes_; }
  // This node's status document for the cluster: {"node", "info" (its GET /nodes entry),
  // "connectors", "actions", "sources", "rules"} (engine/cluster publishes it). Any thread.
  std::string LocalStatus() const;

 private:
  void Routes();

  ApiOptions options_;
  ApiContext context_;
  std::unique_ptr<httplib::Server> server_;
  std::vector<RouteInfo> routes_;
  std::thread thread_;
  uint16_t bound_port_ = 0;
  std::string tls_error_;  // why the TLS context could not be set up (written once, in the ctor)
  std::chrono::steady_clock::time_point started_;
  std::shared_ptr<const api::Shared> shared_;  // what the handlers share (set by Routes)
};

}  // namespace mqb::engine
