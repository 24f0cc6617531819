// The management API's route table and the helpers its handlers share (internal to engine/api).
//
// Each group of endpoints registers its routes on a RouteTable; ApiServer puts them on the HTTP
// server behind the access check and documents them in /api/v5/openapi.json.
//
// Thread-safety: a RouteTable is built once on one thread; handlers run on the server's threads.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api/api_server.h"
#include "engine/api/auth_store.h"
#include "engine/json_writer.h"
#include "engine/managed_config.h"

namespace mqb::engine::api {

using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

struct Route {
  RouteInfo info;
  Handler handler;
};

class RouteTable {
 public:
  void Add(std::string method, std::string path, Access access, std::string summary,
           Handler handler) {
    routes.push_back(Route{{std::move(method), std::move(path), access, std::move(summary)},
                           std::move(handler)});
  }
  std::vector<Route> routes;
};

struct Shared {
  ApiOptions options;
  ApiContext context;
  std::chrono::steady_clock::time_point started;
};

void AddObjectRoutes(RouteTable& t, const Shared& s);  // connectors, actions, sources
void AddRuleRoutes(RouteTable& t, const Shared& s);    // rules, rule_test, rule_events
void AddAccessRoutes(RouteTable& t, const Shared& s);  // login, users, api keys

// The web console's embedded files (GET /, /index.html, /assets/...), public and outside the
// route table (dashboard_routes.cc).
void AddDashboardRoutes(httplib::Server& s);

// Cluster views (cluster_merge.cc): this node's value merged with the other nodes'
// (ApiContext::cluster; without one, this node's alone).
// "status" (or "inconsistent"), "status_reason" and "node_status" of an object.
void WriteNodeStatus(JsonWriter& w, const Shared& s, ObjectKind kind, const std::string& name,
                     const std::string& status, const std::string& reason);
// "metrics" (summed over the nodes) and "node_metrics"; `own` is this node's metrics object.
void WriteNodeMetrics(JsonWriter& w, const Shared& s, ObjectKind kind, const std::string& name,
                      const std::string& own);
// GET /nodes: an array of every node's entry (`own` is this node's), or with `only` that node's
// entry alone; false if `only` is not a live node.
bool WriteNodes(JsonWriter& w, const Shared& s, const std::string& own, const std::string& only);
// This node's own status of every connector, action and source and the counters of every action,
// source and rule, as keys "connectors", "actions", "sources", "rules" (api_objects.cc).
void WriteLocalObjects(JsonWriter& w, const Shared& s);

void Error(httplib::Response& res, int status, std::string_view code, const std::string& message);
void Json(httplib::Response& res, const std::string& body, int status = 200);

// Splits an object id "mqtt:<name>" or "<name>" (false: another type).
bool ParseObjectId(const std::string& id, std::string* name);

// A parsed JSON request body for reading a few fields (handlers of small bodies).
class JsonBody {
 public:
  // Error: "invalid JSON: ..." or "the body must be a JSON object".
  static Result<JsonBody, std::string> Parse(std::string_view text);
  std::optional<std::string> String(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key) const;
  bool Has(std::string_view key) const;
  // The value of `key` as compact JSON text, or "" when absent.
  std::string Raw(std::string_view key) const;

 private:
  struct Doc;
  std::shared_ptr<const Doc> doc_;
};

}  // namespace mqb::engine::api
