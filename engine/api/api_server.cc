#include "engine/api/api_server.h"

#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "engine/commands.h"
#include "engine/json_writer.h"
#include "engine/metrics_render.h"

namespace mqb::engine {

namespace {

void Error(httplib::Response& res, int status, const char* code, const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("code").String(code).Key("message").String(message).EndObject();
  res.status = status;
  res.set_content(w.str(), "application/json");
}

void Json(httplib::Response& res, const std::string& body) {
  res.status = 200;
  res.set_content(body, "application/json");
}

}  // namespace

ApiServer::ApiServer(ApiOptions options, MetricsRegistry& metrics)
    : options_(std::move(options)), metrics_(metrics), server_(std::make_unique<httplib::Server>()) {
  Routes();
}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Routes() {
  httplib::Server& s = *server_;
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second mqbridge
  // silently share the port instead of failing to start.
  s.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.Get("/api/v5/status", [this](const httplib::Request&, httplib::Response& res) {
    auto up = std::chrono::steady_clock::now() - started_;
    JsonWriter w;
    w.BeginObject()
        .Key("node").String(options_.node_name)
        .Key("status").String("running")
        .Key("version").String(kVersion)
        .Key("uptime_seconds").Int(std::chrono::duration_cast<std::chrono::seconds>(up).count())
        .EndObject();
    Json(res, w.str());
  });
  s.Get("/api/v5/metrics", [this](const httplib::Request&, httplib::Response& res) {
    Json(res, MetricsJson(metrics_));
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsPrometheus(metrics_, options_.node_name),
                    "text/plain; version=0.0.4");
  });
  // One object's metrics, or a reset.
  auto one = [this](const httplib::Request& req, httplib::Response& res, bool reset) {
    const std::string kind = req.matches[1];
    const std::string name = req.matches[2];
    bool found = false;
    JsonWriter w;
    auto rule = [&](const std::string& n, const RuleMetrics& m) {
      if (n != name) return;
      found = true;
      if (reset) {
        const_cast<RuleMetrics&>(m).Reset();
      } else {
        w.BeginObject().Key("id").String(n).Key("metrics");
        WriteRuleMetrics(w, m);
        w.EndObject();
      }
    };
    auto resource = [&](bool is_source) {
      return [&, is_source](const std::string& n, const ResourceMetrics& m) {
        if (n != name) return;
        found = true;
        if (reset) {
          const_cast<ResourceMetrics&>(m).Reset();
        } else {
          w.BeginObject().Key("id").String(n).Key("metrics");
          WriteResourceMetrics(w, m, is_source);
          w.EndObject();
        }
      };
    };
    if (kind == "rules") {
      metrics_.ForEachRule(rule);
    } else if (kind == "actions") {
      metrics_.ForEachAction(resource(false));
    } else {
      metrics_.ForEachSource(resource(true));
    }
    if (!found) {
      Error(res, 404, "NOT_FOUND", kind.substr(0, kind.size() - 1) + " \"" + name + "\" not found");
    } else if (reset) {
      res.status = 204;
    } else {
      Json(res, w.str());
    }
  };
  s.Get(R"(/api/v5/(rules|actions|sources)/([A-Za-z0-9_\-]+)/metrics)",
        [one](const httplib::Request& req, httplib::Response& res) { one(req, res, false); });
  s.Put(R"(/api/v5/(rules|actions|sources)/([A-Za-z0-9_\-]+)/metrics/reset)",
        [one](const httplib::Request& req, httplib::Response& res) { one(req, res, true); });
  s.Get("/api/v5/connectors", [this](const httplib::Request&, httplib::Response& res) {
    JsonWriter w;
    w.BeginArray();
    metrics_.ForEachConnector([&](const std::string& n, const ConnectorState& c) {
      w.BeginObject().Key("name").String(n).Key("node").String(options_.node_name).Key("state");
      WriteConnectorState(w, c);
      w.EndObject();
    });
    w.EndArray();
    Json(res, w.str());
  });
  s.Get(R"(/api/v5/connectors/([A-Za-z0-9_\-]+))",
        [this](const httplib::Request& req, httplib::Response& res) {
          const std::string name = req.matches[1];
          bool found = false;
          JsonWriter w;
          metrics_.ForEachConnector([&](const std::string& n, const ConnectorState& c) {
            if (n != name) return;
            found = true;
            w.BeginObject().Key("name").String(n).Key("state");
            WriteConnectorState(w, c);
            w.EndObject();
          });
          if (found) {
            Json(res, w.str());
          } else {
            Error(res, 404, "NOT_FOUND", "connector \"" + name + "\" not found");
          }
        });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      Error(res, 404, "NOT_FOUND", "no such endpoint: " + req.method + " " + req.path);
    } else if (res.status == 400 && res.body.empty()) {
      Error(res, 400, "BAD_REQUEST", "malformed request");
    }
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Error(res, 500, "INTERNAL_ERROR", "request failed");
  });
}

Result<void, std::string> ApiServer::Start() {
  started_ = std::chrono::steady_clock::now();
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host.c_str());
    if (port < 0) {
      return Err("cannot bind " + options_.host + ":0: " + std::strerror(errno));
    }
  } else if (!server_->bind_to_port(options_.host.c_str(), port)) {
    return Err("cannot bind " + options_.host + ":" + std::to_string(port) + ": " +
               std::strerror(errno));
  }
  bound_port_ = static_cast<uint16_t>(port);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the server thread has entered its accept loop; wait for that so an
  // early Stop() cannot leave the thread blocked in accept() forever.
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return {};
}

void ApiServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace mqb::engine
