#include "engine/api/api_server.h"

#include <httplib.h>
#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "engine/api/api_routes.h"
#include "engine/api/cluster_view.h"
#include "engine/commands.h"
#include "engine/json_writer.h"
#include "engine/metrics_render.h"

namespace mqb::engine {

namespace api {

void Error(httplib::Response& res, int status, std::string_view code, const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("code").String(code).Key("message").String(message).EndObject();
  res.status = status;
  res.set_content(w.str(), "application/json");
}

void Json(httplib::Response& res, const std::string& body, int status) {
  res.status = status;
  res.set_content(body, "application/json");
}

bool ParseObjectId(const std::string& id, std::string* name) {
  const size_t colon = id.find(':');
  if (colon == std::string::npos) {
    *name = id;
    return true;
  }
  if (id.substr(0, colon) != "mqtt") return false;
  *name = id.substr(colon + 1);
  return true;
}

struct JsonBody::Doc {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
};

Result<JsonBody, std::string> JsonBody::Parse(std::string_view text) {
  auto doc = std::make_shared<Doc>();
  simdjson::dom::element e;
  if (auto err = doc->parser.parse(text.data(), text.size()).get(e); err) {
    return Err("invalid JSON: " + std::string(simdjson::error_message(err)));
  }
  if (e.get_object().get(doc->root)) return Err(std::string("the body must be a JSON object"));
  JsonBody b;
  b.doc_ = std::move(doc);
  return b;
}

std::optional<std::string> JsonBody::String(std::string_view key) const {
  std::string_view v;
  if (doc_->root[key].get_string().get(v)) return std::nullopt;
  return std::string(v);
}

std::optional<bool> JsonBody::Bool(std::string_view key) const {
  bool v = false;
  if (doc_->root[key].get_bool().get(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> JsonBody::Int(std::string_view key) const {
  int64_t v = 0;
  if (doc_->root[key].get_int64().get(v)) return std::nullopt;
  return v;
}

bool JsonBody::Has(std::string_view key) const {
  simdjson::dom::element e;
  return !doc_->root[key].get(e) && !e.is_null();
}

std::string JsonBody::Raw(std::string_view key) const {
  simdjson::dom::element e;
  if (doc_->root[key].get(e)) return "";
  return simdjson::minify(e);
}

}  // namespace api

namespace {

using api::Error;
using api::Json;

// "/api/v5/connectors/{id}" -> "/api/v5/connectors/([^/]+)"
std::string PathPattern(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const size_t close = path.find('}', i);
      out += "([^/]+)";
      i = close;
    } else {
      out += path[i];
    }
  }
  return out;
}

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

// This node's GET /api/v5/nodes entry.
std::string NodeInfo(const api::Shared& s) {
  auto up = std::chrono::steady_clock::now() - s.started;
  JsonWriter w;
  w.BeginObject()
      .Key("node")
      .String(s.options.node_name)
      .Key("node_status")
      .String("running")
      .Key("version")
      .String(kVersion)
      .Key("uptime")
      .Int(std::chrono::duration_cast<std::chrono::milliseconds>(up).count())
      .Key("connections")
      .Uint(s.context.client_count ? s.context.client_count() : 0)
      .Key("memory_used")
      .Int(ResidentBytes());
  if (s.context.cluster != nullptr) {
    const StoreState st = s.context.cluster->State();
    w.Key("cluster")
        .BeginObject()
        .Key("store")
        .String(st.store)
        .Key("status")
        .String(st.status)
        .Key("reason")
        .String(st.reason)
        .Key("revision")
        .Int(st.revision)
        .EndObject();
  }
  w.EndObject();
  return w.str();
}

void AddNodeRoutes(api::RouteTable& t, const api::Shared& s) {
  t.Add("GET", "/api/v5/status", Access::kPublic, "Health check: node, version, uptime",
        [&s](const httplib::Request&, httplib::Response& res, const Principal&) {
          auto up = std::chrono::steady_clock::now() - s.started;
          JsonWriter w;
          w.BeginObject()
              .Key("node")
              .String(s.options.node_name)
              .Key("status")
              .String("running")
              .Key("version")
              .String(kVersion)
              .Key("uptime_seconds")
              .Int(std::chrono::duration_cast<std::chrono::seconds>(up).count());
          if (s.context.cluster != nullptr) {
            w.Key("cluster").String(s.context.cluster->State().status);
          }
          w.EndObject();
          Json(res, w.str());
        });
  t.Add("GET", "/api/v5/nodes", Access::kRead, "The cluster's nodes",
        [&s](const httplib::Request&, httplib::Response& res, const Principal&) {
          JsonWriter w;
          api::WriteNodes(w, s, NodeInfo(s), "");
          Json(res, w.str());
        });
  t.Add("GET", "/api/v5/nodes/{node}", Access::kRead, "One node",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          JsonWriter w;
          if (!api::WriteNodes(w, s, NodeInfo(s), req.matches[1])) {
            Error(res, 404, "NOT_FOUND", "node " + std::string(req.matches[1]) + " not found");
            return;
          }
          Json(res, w.str());
        });
  t.Add("GET", "/api/v5/metrics", Access::kRead, "Every rule, action, source and connector",
        [&s](const httplib::Request&, httplib::Response& res, const Principal&) {
          Json(res, MetricsJson(*s.context.metrics));
        });
  t.Add("GET", "/metrics", Access::kRead, "Prometheus text",
        [&s](const httplib::Request&, httplib::Response& res, const Principal&) {
          res.set_content(MetricsPrometheus(*s.context.metrics, s.options.node_name),
                          "text/plain; version=0.0.4");
        });
}

}  // namespace

namespace {

// The last OpenSSL error as text, or `fallback` when its queue is empty.
std::string OpenSslError(const std::string& fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return fallback + ": " + buf;
}

// Configures the API's TLS context as the MQTT listeners configure theirs: TLS 1.2 or later,
// the certificate chain and key, and with verify_peer the client CA and the client-certificate
// check. On failure, names the file and the reason in `*error` and returns false.
bool SetUpApiTls(SSL_CTX& ctx, const TlsServerOptions& o, std::string* error) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, o.certfile.c_str()) != 1) {
    *error = OpenSslError("cannot load the API's TLS certificate " + o.certfile);
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, o.keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = OpenSslError("cannot load the API's TLS key " + o.keyfile);
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    *error = OpenSslError("the API's TLS key " + o.keyfile + " does not match " + o.certfile);
    return false;
  }
  if (!o.cacertfile.empty() &&
      SSL_CTX_load_verify_locations(&ctx, o.cacertfile.c_str(), nullptr) != 1) {
    *error = OpenSslError("cannot load the API's CA certificates " + o.cacertfile);
    return false;
  }
  if (o.verify_peer) {  // with cacertfile: the configuration refuses verify_peer without it
    SSL_CTX_set_verify(
        &ctx, SSL_VERIFY_PEER | (o.fail_if_no_peer_cert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
        nullptr);
  }
  return true;
}

}  // namespace

ApiServer::ApiServer(ApiOptions options, ApiContext context)
    : options_(std::move(options)), context_(std::move(context)) {
  if (options_.ssl.enable) {
    server_ = std::make_unique<httplib::SSLServer>(
        [this](SSL_CTX& ctx) { return SetUpApiTls(ctx, options_.ssl, &tls_error_); });
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
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
  // `curl -X POST URL` sends no body and no Content-Length, which HTTP/1.1 allows for a request
  // without content (RFC 9110 8.6) but which cpp-httplib answers with 400. The pre-routing hook
  // runs before the body is read, so it declares the empty body for such requests. The request
  // object is the server's own mutable one; httplib only hands it over as const.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
        !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto shared = std::make_shared<api::Shared>(api::Shared{options_, context_, {}});
  started_ = std::chrono::steady_clock::now();
  shared->started = started_;
  shared_ = shared;
  api::RouteTable table;
  AddNodeRoutes(table, *shared);
  api::AddObjectRoutes(table, *shared);
  api::AddRuleRoutes(table, *shared);
  api::AddAccessRoutes(table, *shared);
  table.Add("GET", "/api/v5/openapi.json", Access::kRead, "This list of endpoints",
            [this](const httplib::Request&, httplib::Response& res, const Principal&) {
              JsonWriter w;
              w.BeginObject().Key("openapi").String("3.0.0");
              w.Key("info")
                  .BeginObject()
                  .Key("title")
                  .String("mqbridge management API")
                  .Key("version")
                  .String(kVersion)
                  .EndObject();
              w.Key("paths").BeginObject();
              std::vector<std::string> seen;
              for (const RouteInfo& r : routes_) {
                if (std::find(seen.begin(), seen.end(), r.path) != seen.end()) continue;
                seen.push_back(r.path);
                w.Key(r.path).BeginObject();
                for (const RouteInfo& m : routes_) {
                  if (m.path != r.path) continue;
                  std::string method = m.method;
                  for (char& c : method) c = static_cast<char>(std::tolower(c));
                  w.Key(method)
                      .BeginObject()
                      .Key("summary")
                      .String(m.summary)
                      .Key("x-access")
                      .String(m.access == Access::kPublic ? "public"
                              : m.access == Access::kRead ? "read"
                                                          : "write")
                      .EndObject();
                }
                w.EndObject();
              }
              w.EndObject().EndObject();
              Json(res, w.str());
            });

  for (api::Route& route : table.routes) {
    routes_.push_back(route.info);
    auto handler = [shared, route](const httplib::Request& req, httplib::Response& res) {
      Principal who{"anonymous", Role::kViewer, false};
      if (route.info.access != Access::kPublic) {
        const std::string header = req.get_header_value("Authorization");
        if (header.empty()) {
          res.set_header("WWW-Authenticate", "Basic realm=\"mqbridge\"");
          Error(res, 401, "UNAUTHORIZED",
                "credentials required: an API key (HTTP Basic) or a token from /api/v5/login");
          return;
        }
        auto p = shared->context.auth->Authenticate(header, req.remote_addr);
        if (!p.ok()) {
          const bool bearer = header.size() > 7 && (header[0] == 'B' || header[0] == 'b') &&
                              (header[1] == 'e' || header[1] == 'E');
          switch (p.error()) {
            case AuthFailure::kLocked:
              Error(res, 429, "TOO_MANY_REQUESTS",
                    "too many failed attempts from " + req.remote_addr + "; try again later");
              return;
            case AuthFailure::kExpired:
              Error(res, 401, bearer ? "TOKEN_TIME_OUT" : "API_KEY_EXPIRED",
                    bearer ? "the token has expired; log in again" : "the API key has expired");
              return;
            case AuthFailure::kBadCredentials:
              Error(res, 401, bearer ? "BAD_TOKEN" : "BAD_API_KEY_OR_SECRET",
                    bearer ? "unknown token" : "wrong API key or secret");
              return;
          }
        }
        who = p.value();
        if (route.info.access == Access::kWrite && who.role != Role::kAdministrator) {
          Error(res, 403, "FORBIDDEN", "the viewer role may not change anything");
          return;
        }
      }
      route.handler(req, res, who);
    };
    const std::string pattern = PathPattern(route.info.path);
    if (route.info.method == "GET") {
      s.Get(pattern, handler);
    } else if (route.info.method == "POST") {
      s.Post(pattern, handler);
    } else if (route.info.method == "PUT") {
      s.Put(pattern, handler);
    } else {
      s.Delete(pattern, handler);
    }
  }
  api::AddDashboardRoutes(s);
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      Error(res, 404, "NOT_FOUND", "no such endpoint: " + req.method + " " + req.path);
    } else if (res.status == 400 && res.body.empty()) {
      Error(res, 400, "BAD_REQUEST", "malformed request");
    } else if (res.status == 405 && res.body.empty()) {
      Error(res, 405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path);
    }
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Error(res, 500, "INTERNAL_ERROR", "request failed");
  });
}

Result<void, std::string> ApiServer::Start() {
  if (!server_->is_valid()) {
    return Err(tls_error_.empty() ? std::string("cannot set up the API's TLS context")
                                  : tls_error_);
  }
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

std::string ApiServer::LocalStatus() const {
  if (!shared_) return "{}";
  JsonWriter w;
  w.BeginObject().Key("node").String(options_.node_name).Key("info").Raw(NodeInfo(*shared_));
  api::WriteLocalObjects(w, *shared_);
  w.EndObject();
  return w.str();
}

}  // namespace mqb::engine
