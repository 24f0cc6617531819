#include "engine/config.h"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/config_reader.h"
#include "engine/config_table.h"

namespace mqb::engine {

const char* ProtoVerName(ProtoVer v) {
  switch (v) {
    case ProtoVer::kV3:
      return "v3";
    case ProtoVer::kV4:
      return "v4";
    case ProtoVer::kV5:
      return "v5";
  }
  return "?";
}

Result<void, std::string> ParseServer(std::string_view server, std::string& host, uint16_t& port,
                                      bool* tls) {
  uint16_t default_port = 1883;
  if (server.rfind("mqtts://", 0) == 0) {
    server.remove_prefix(8);
    default_port = 8883;
    if (tls) *tls = true;
  } else if (server.rfind("mqtt://", 0) == 0) {
    server.remove_prefix(7);
  } else if (server.find("://") != std::string_view::npos) {
    return Err(std::string("unsupported scheme (use mqtt:// or mqtts://)"));
  }
  std::string_view port_text;
  if (!server.empty() && server.front() == '[') {
    size_t close = server.find(']');
    if (close == std::string_view::npos) return Err(std::string("unterminated [IPv6] address"));
    host = std::string(server.substr(1, close - 1));
    std::string_view rest = server.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Err(std::string("expected :port after ]"));
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = server.rfind(':');
    if (colon != std::string_view::npos) {
      if (server.find(':') != colon) {
        return Err(std::string("IPv6 addresses must be written in brackets: [::1]:1883"));
      }
      host = std::string(server.substr(0, colon));
      port_text = server.substr(colon + 1);
    } else {
      host = std::string(server);
    }
  }
  if (host.empty()) return Err(std::string("missing host"));
  if (port_text.empty()) {
    port = default_port;
    return {};
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
      value > 65535) {
    return Err("invalid port \"" + std::string(port_text) + "\"");
  }
  port = static_cast<uint16_t>(value);
  return {};
}

namespace {

constexpr Duration kMaxDuration = Duration(365LL * 86'400'000);

class Loader {
 public:
  Loader(std::string origin, Config& cfg) : origin_(std::move(origin)), cfg_(cfg) {}

  Result<void, std::string> Load(const toml::table& root) {
    TableReader top(root, "", origin_, &error_);
    if (auto* t = top.Table("node")) Node(*t);
    if (auto* t = top.Table("broker")) Broker(*t);
    if (auto* t = top.Table("api")) Api(*t);
    if (auto* t = top.Table("cluster")) Cluster(*t);
    if (auto* t = top.Table("connectors")) Kinds(*t, "connectors", &Loader::Connector);
    if (auto* t = top.Table("actions")) Kinds(*t, "actions", &Loader::Action);
    if (auto* t = top.Table("sources")) Kinds(*t, "sources", &Loader::Source);
    if (auto* t = top.Table("rules")) Rules(*t);
    top.Finish();
    if (error_.empty()) CrossCheck();
    if (!error_.empty()) return Err(error_);
    return {};
  }

 private:
  // "origin:line: ", or nothing for an object that came from an API request (line 0).
  std::string At(int line) const {
    return line > 0 ? origin_ + ":" + std::to_string(line) + ": " : std::string();
  }
  void Warn(int line, const std::string& text) { cfg_.warnings.push_back(At(line) + text); }

  void Node(const toml::table& t) {
    TableReader r(t, "node", origin_, &error_);
    r.String("name", cfg_.node.name);
    if (cfg_.node.name.empty()) r.Fail("name", "must not be empty");
    r.String("log_level", cfg_.node.log_level);
    static const std::set<std::string> levels = {"trace", "debug",    "info", "warning",
                                                 "error", "critical", "off"};
    if (!levels.count(cfg_.node.log_level)) {
      r.Fail("log_level", "must be one of trace, debug, info, warning, error, critical, off");
    }
    r.Duration("status_log_interval", cfg_.node.status_log_interval, Duration(0), kMaxDuration);
    r.Int("io_threads", cfg_.node.io_threads, 0, 256);
    r.String("data_dir", cfg_.node.data_dir);
    if (cfg_.node.data_dir.empty()) r.Fail("data_dir", "must not be empty");
    r.Finish();
  }

  void TlsServer(TableReader& parent, const toml::table& t, TlsServerOptions& o) {
    TableReader r(t, parent.path() + ".ssl", origin_, &error_);
    o.enable = true;
    r.Bool("enable", o.enable);
    r.String("cacertfile", o.cacertfile);
    r.String("certfile", o.certfile);
    r.String("keyfile", o.keyfile);
    std::string verify = "verify_none";
    r.String("verify", verify);
    if (verify != "verify_none" && verify != "verify_peer") {
      r.Fail("verify", "must be verify_none or verify_peer");
    }
    o.verify_peer = verify == "verify_peer";
    r.Bool("fail_if_no_peer_cert", o.fail_if_no_peer_cert);
    if (o.enable && o.verify_peer && o.cacertfile.empty()) {
      r.Fail("cacertfile", "verify = \"verify_peer\" needs the CA that signs client certificates");
    }
    if (o.enable && (o.certfile.empty() || o.keyfile.empty())) {
      r.Fail("", "a TLS listener needs certfile and keyfile");
    }
    r.Finish();
  }

  void Broker(const toml::table& t) {
    TableReader r(t, "broker", origin_, &error_);
    r.Bool("enable", cfg_.broker.enable);
    if (const toml::array* ls = r.Array("listeners")) {
      cfg_.broker.listeners.clear();
      size_t i = 0;
      for (const auto& e : *ls) {
        std::string path = "broker.listeners[" + std::to_string(i++) + "]";
        if (!e.is_table()) {
          r.Fail("listeners", "each listener is a table like { bind = \"127.0.0.1:1883\" }", &e);
          return;
        }
        TableReader lr(*e.as_table(), path, origin_, &error_);
        ListenerConfig l;
        std::string bind;
        lr.String("bind", bind);
        if (bind.empty()) {
          lr.Fail("bind", "required, e.g. \"127.0.0.1:1883\"");
        } else if (auto res = ParseServer(bind, l.host, l.port, nullptr); !res) {
          lr.Fail("bind", res.error(), e.as_table()->get("bind"));
        }
        if (auto* ssl = lr.Table("ssl")) TlsServer(lr, *ssl, l.ssl);
        lr.Finish();
        cfg_.broker.listeners.push_back(l);
      }
    }
    r.Bool("allow_anonymous", cfg_.broker.allow_anonymous);
    r.String("password_file", cfg_.broker.password_file);
    r.String("acl_file", cfg_.broker.acl_file);
    r.ByteSize("max_packet_size", cfg_.broker.max_packet_size);
    if (cfg_.broker.max_packet_size < 64 || cfg_.broker.max_packet_size > 268'435'460) {
      r.Fail("max_packet_size", "must be between 64 bytes and 256MB");
    }
    r.Int("max_inflight", cfg_.broker.max_inflight, 1, 65535);
    int queued = static_cast<int>(cfg_.broker.max_queued_messages);
    r.Int("max_queued_messages", queued, 0, 100'000'000);
    cfg_.broker.max_queued_messages = static_cast<uint64_t>(queued);
    r.Duration("session_expiry_max", cfg_.broker.session_expiry_max, Duration(0), kMaxDuration);
    r.Duration("max_keepalive", cfg_.broker.max_keepalive, Duration(1000), Duration(65'535'000));
    r.Duration("connect_timeout", cfg_.broker.connect_timeout, Duration(100), Duration(3'600'000));
    r.Int("receive_maximum", cfg_.broker.receive_maximum, 1, 65535);
    r.Int("topic_alias_maximum", cfg_.broker.topic_alias_maximum, 0, 65535);
    r.Int("outbound_topic_aliases", cfg_.broker.outbound_topic_aliases, 0, 65535);
    r.Bool("queue_qos0_offline", cfg_.broker.queue_qos0_offline);
    r.Bool("retain_available", cfg_.broker.retain_available);
    r.Int("max_bridge_backlog", cfg_.broker.max_bridge_backlog, 0, 100'000'000);
    r.Finish();
  }

  void Api(const toml::table& t) {
    TableReader r(t, "api", origin_, &error_);
    r.Bool("enable", cfg_.api.enable);
    std::string bind;
    r.String("bind", bind);
    if (!bind.empty()) {
      if (auto res = ParseServer(bind, cfg_.api.host, cfg_.api.port, nullptr); !res) {
        r.Fail("bind", res.error(), t.get("bind"));
      }
    }
    r.String("bootstrap_file", cfg_.api.bootstrap_file);
    r.Duration("token_expiry", cfg_.api.token_expiry, Duration(1000), kMaxDuration);
    r.Int("max_failed_logins", cfg_.api.max_failed_logins, 1, 1'000'000);
    r.Duration("login_lockout", cfg_.api.login_lockout, Duration(1), kMaxDuration);
    if (auto* ssl = r.Table("ssl")) TlsServer(r, *ssl, cfg_.api.ssl);
    r.Finish();
  }

  void Cluster(const toml::table& t) {
    TableReader r(t, "cluster", origin_, &error_);
    ClusterConfig& c = cfg_.cluster;
    r.String("store", c.store);
    if (c.store != "none" && c.store != "etcd") {
      r.Fail("store", "must be \"none\" or \"etcd\"", t.get("store"));
    }
    r.StringList("endpoints", c.endpoints);
    for (const std::string& e : c.endpoints) {
      if (e.rfind("http://", 0) != 0 && e.rfind("https://", 0) != 0) {
        r.Fail("endpoints", "\"" + e + "\" must start with http:// or https://",
               t.get("endpoints"));
      }
    }
    if (c.store == "etcd" && c.endpoints.empty()) {
      r.Fail("endpoints", "store = \"etcd\" needs at least one endpoint", t.get("store"));
    }
    r.String("prefix", c.prefix);
    if (c.prefix.empty() || c.prefix.front() != '/' || c.prefix.back() == '/') {
      r.Fail("prefix", "must start with '/' and not end with one", t.get("prefix"));
    }
    r.String("username", c.username);
    r.Secret("password", c.password);
    if (auto* ssl = r.Table("ssl")) {
      TableReader s(*ssl, "cluster.ssl", origin_, &error_);
      s.String("cacertfile", c.cacertfile);
      s.String("certfile", c.certfile);
      s.String("keyfile", c.keyfile);
      s.Finish();
    }
    r.Duration("lease_ttl", c.lease_ttl, Duration(2000), Duration(3'600'000));
    r.Duration("status_interval", c.status_interval, Duration(100), Duration(3'600'000));
    r.Duration("request_timeout", c.request_timeout, Duration(100), Duration(60'000));
    r.Finish();
  }

  using KindFn = void (Loader::*)(const std::string& name, const toml::table& t,
                                  const std::string& path);

  // connectors / actions / sources: only the "mqtt" kind exists.
  void Kinds(const toml::table& t, const std::string& section, KindFn fn) {
    TableReader r(t, section, origin_, &error_);
    if (const toml::table* mqtt = r.Table("mqtt")) {
      for (const auto& [k, v] : *mqtt) {
        std::string name(k.str());
        std::string path = section + ".mqtt." + name;
        if (!v.is_table()) {
          r.Fail("mqtt." + name, "expected a table", &v);
          return;
        }
        if (!ValidName(name)) {
          r.Fail("mqtt." + name, "names may use letters, digits, '_' and '-' only", &v);
          return;
        }
        (this->*fn)(name, *v.as_table(), path);
        if (!error_.empty()) return;
      }
    }
    r.Finish();
  }

  static bool ValidName(const std::string& n) {
    if (n.empty() || n.size() > 255) return false;
    for (char c : n) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    }
    return true;
  }

  void Health(TableReader& parent, const toml::table& t, HealthOptions& o) {
    TableReader r(t, parent.path() + ".resource_opts", origin_, &error_);
    r.Duration("health_check_interval", o.health_check_interval, Duration(1), Duration(3'600'000));
    r.Duration("health_check_timeout", o.health_check_timeout, Duration(1), Duration::max());
    r.Bool("start_after_created", o.start_after_created);
    r.Duration("start_timeout", o.start_timeout, Duration(1), kMaxDuration);
    r.Known("health_check_interval_jitter");
    r.Known("resume_interval");
    r.Finish();
  }

  void TlsClient(TableReader& parent, const toml::table& t, TlsClientOptions& o) {
    TableReader r(t, parent.path() + ".ssl", origin_, &error_);
    r.Bool("enable", o.enable);
    std::string verify = "verify_none";
    r.String("verify", verify);
    if (verify != "verify_none" && verify != "verify_peer") {
      r.Fail("verify", "must be verify_none or verify_peer");
    }
    o.verify_peer = verify == "verify_peer";
    r.StringList("versions", o.versions);
    for (const auto& v : o.versions) {
      if (v != "tlsv1.2" && v != "tlsv1.3") {
        r.Fail("versions", "supported versions are tlsv1.2 and tlsv1.3, got " + v);
      }
    }
    r.String("server_name_indication", o.server_name_indication);
    r.String("cacertfile", o.cacertfile);
    r.String("certfile", o.certfile);
    r.String("keyfile", o.keyfile);
    std::optional<std::string> pw;
    r.Secret("password", pw);
    if (pw) o.password = *pw;
    r.String("ciphers", o.ciphers);
    r.StringList("alpn", o.alpn);
    r.Int("depth", o.depth, 0, 100);
    if (!o.certfile.empty() != !o.keyfile.empty()) {
      r.Fail("", "certfile and keyfile go together");
    }
    r.Finish();
  }

  void Connector(const std::string& name, const toml::table& t, const std::string& path) {
    TableReader r(t, path, origin_, &error_);
    ConnectorConfig c;
    c.name = name;
    c.line = r.line();
    r.Bool("enable", c.enable);
    r.String("description", c.description);
    r.Known("tags");
    std::string server;
    r.String("server", server);
    bool scheme_tls = false;
    if (server.empty()) {
      r.Fail("server", "required, e.g. \"broker.example.com:1883\"");
    } else if (auto res = ParseServer(server, c.host, c.port, &scheme_tls); !res) {
      r.Fail("server", res.error(), t.get("server"));
    }
    r.String("clientid_prefix", c.clientid_prefix);
    r.Int("pool_size", c.pool_size, 1, 1024);
    std::string proto = "v4";
    r.String("proto_ver", proto);
    if (proto == "v3") {
      c.proto_ver = ProtoVer::kV3;
    } else if (proto == "v4") {
      c.proto_ver = ProtoVer::kV4;
    } else if (proto == "v5") {
      c.proto_ver = ProtoVer::kV5;
    } else {
      r.Fail("proto_ver", "must be v3 (MQTT 3.1), v4 (3.1.1) or v5 (5.0)", t.get("proto_ver"));
    }
    r.Bool("bridge_mode", c.bridge_mode);
    r.OptString("username", c.username);
    r.Secret("password", c.password);
    r.Bool("clean_start", c.clean_start);
    r.Duration("keepalive", c.keepalive, Duration(0), Duration(65'535'000));
    r.Duration("connect_timeout", c.connect_timeout, Duration(1), kMaxDuration);
    r.Duration("retry_interval", c.retry_interval, Duration(1), kMaxDuration);
    r.Int("max_inflight", c.max_inflight, 0, 65535);
    r.Int("max_qos", c.max_qos, 0, 2);
    r.Known("mode");
    r.Known("reconnect_interval");
    if (const toml::table* tcp = r.Table("tcp_opts")) {
      TableReader tr(*tcp, path + ".tcp_opts", origin_, &error_);
      tr.Bool("nodelay", c.tcp_nodelay);
      tr.ByteSize("sndbuf", c.tcp_sndbuf);
      tr.ByteSize("recbuf", c.tcp_recbuf);
      tr.Known("buffer");
      tr.Known("active_n");
      tr.Finish();
    }
    c.ssl.enable = scheme_tls;
    if (const toml::table* ssl = r.Table("ssl")) TlsClient(r, *ssl, c.ssl);
    if (const toml::table* ro = r.Table("resource_opts")) Health(r, *ro, c.resource_opts);
    if (const toml::array* st = r.Array("static_clientids")) StaticIds(r, *st, c);
    r.Finish();
    if (!error_.empty()) return;
    if (c.bridge_mode && c.proto_ver == ProtoVer::kV5) {
      Warn(c.line, path + ": bridge_mode_ignored_for_mqtt_v5 (bridge_mode applies to v3/v4 only)");
    }
    cfg_.connectors[name] = std::move(c);
  }

  void StaticIds(TableReader& r, const toml::array& arr, ConnectorConfig& c) {
    std::set<std::string> nodes, ids;
    size_t i = 0;
    for (const auto& e : arr) {
      std::string path = r.path() + ".static_clientids[" + std::to_string(i++) + "]";
      if (!e.is_table()) {
        r.Fail("static_clientids", "each entry is { node = \"...\", ids = [...] }", &e);
        return;
      }
      TableReader er(*e.as_table(), path, origin_, &error_);
      StaticClientIds entry;
      er.String("node", entry.node);
      if (entry.node.empty()) er.Fail("node", "required");
      if (!nodes.insert(entry.node).second) er.Fail("node", "node names must be unique");
      if (const toml::array* list = er.Array("ids")) {
        size_t j = 0;
        for (const auto& id : *list) {
          StaticClientId sid;
          if (id.is_string()) {
            sid.clientid = *id.value<std::string>();
          } else if (id.is_table()) {
            TableReader ir(*id.as_table(), path + ".ids[" + std::to_string(j) + "]", origin_,
                           &error_);
            ir.String("clientid", sid.clientid);
            ir.OptString("username", sid.username);
            ir.Secret("password", sid.password);
            ir.Finish();
          } else {
            er.Fail("ids", "each id is a string or { clientid, username, password }", &id);
          }
          ++j;
          if (sid.clientid.empty()) {
            er.Fail("ids", "client ids must not be empty", &id);
          } else if (!ids.insert(sid.clientid).second) {
            er.Fail("ids", "client id \"" + sid.clientid + "\" appears twice", &id);
          }
          entry.ids.push_back(std::move(sid));
        }
      } else {
        er.Fail("ids", "required: the client ids of this node");
      }
      er.Finish();
      c.static_clientids.push_back(std::move(entry));
    }
    if (!arr.empty() && ids.empty()) r.Fail("static_clientids", "at least one client id needed");
  }

  void ActionResource(TableReader& parent, const toml::table& t, ActionResourceOptions& o) {
    TableReader r(t, parent.path() + ".resource_opts", origin_, &error_);
    r.Int("worker_pool_size", o.worker_pool_size, 1, 1024);
    r.String("dispatch_strategy", o.dispatch_strategy);
    if (o.dispatch_strategy != "per_clientid" && o.dispatch_strategy != "random") {
      r.Fail("dispatch_strategy", "must be per_clientid or random");
    }
    r.String("query_mode", o.query_mode);
    if (o.query_mode != "async" && o.query_mode != "sync") {
      r.Fail("query_mode", "must be async or sync");
    }
    if (r.Has("request_ttl") && r.Has("request_timeout")) {
      r.Fail("request_timeout", "request_timeout is an alias of request_ttl; give only one");
    }
    r.Duration("request_ttl", o.request_ttl, Duration(1), Duration::max());
    r.Duration("request_timeout", o.request_ttl, Duration(1), Duration::max());
    r.Int("inflight_window", o.inflight_window, 1, 65535);
    if (r.Has("max_buffer_bytes") && r.Has("max_queue_bytes")) {
      r.Fail("max_queue_bytes", "max_queue_bytes is an alias of max_buffer_bytes; give only one");
    }
    r.ByteSize("max_buffer_bytes", o.max_buffer_bytes);
    r.ByteSize("max_queue_bytes", o.max_buffer_bytes);
    r.Duration("health_check_interval", o.health_check_interval, Duration(1), Duration(3'600'000));
    r.Duration("health_check_timeout", o.health_check_timeout, Duration(1), Duration::max());
    r.Duration("resume_interval", o.resume_interval, Duration(1), kMaxDuration);
    r.Duration("metrics_flush_interval", o.metrics_flush_interval, Duration(1), kMaxDuration);
    for (const char* k : {"buffer_mode", "buffer_seg_bytes", "health_check_interval_jitter",
                          "batch_size", "batch_time"}) {
      r.Known(k);
    }
    r.Finish();
    if (o.resume_interval.count() == 0) {
      Duration third = o.request_ttl == Duration::max() ? Duration::max() : o.request_ttl / 3;
      o.resume_interval = std::max(Duration(1000), std::min(o.health_check_interval, third));
    }
  }

  // Reads topic/qos/retain/payload from `r` (flat keys or a `parameters` table).
  void ActionParams(TableReader& r, MqttActionConfig& a) {
    r.String("topic", a.topic);
    r.Scalar("qos", a.qos);
    r.Scalar("retain", a.retain);
    r.OptString("payload", a.payload);
  }

  static bool IsPlaceholder(const std::string& s) {
    return s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' && s.find('}') == s.size() - 1;
  }

  void Action(const std::string& name, const toml::table& t, const std::string& path) {
    TableReader r(t, path, origin_, &error_);
    MqttActionConfig a;
    a.name = name;
    a.line = r.line();
    r.String("connector", a.connector);
    if (a.connector.empty()) r.Fail("connector", "required: the name of a connectors.mqtt entry");
    r.Bool("enable", a.enable);
    r.String("description", a.description);
    r.Known("tags");
    r.Known("fallback_actions");
    ActionParams(r, a);
    if (const toml::table* p = r.Table("parameters")) {
      TableReader pr(*p, path + ".parameters", origin_, &error_);
      ActionParams(pr, a);
      pr.Known("local");
      pr.Finish();
    }
    if (const toml::table* ro = r.Table("resource_opts"))
      ActionResource(r, *ro, a.resource_opts);
    else {
      toml::table empty;
      ActionResource(r, empty, a.resource_opts);
    }
    if (!error_.empty()) return;
    if (a.topic.empty())
      r.Fail("topic", "required: the remote topic template, e.g. \"pub/${topic}\"");
    if (a.qos != "0" && a.qos != "1" && a.qos != "2" && !IsPlaceholder(a.qos)) {
      r.Fail("qos", "must be 0, 1, 2 or a single placeholder such as \"${qos}\"", t.get("qos"));
    }
    if (a.retain != "true" && a.retain != "false" && !IsPlaceholder(a.retain)) {
      r.Fail("retain", "must be true, false or a single placeholder such as \"${flags.retain}\"",
             t.get("retain"));
    }
    r.Finish();
    cfg_.actions[name] = std::move(a);
  }

  void Source(const std::string& name, const toml::table& t, const std::string& path) {
    TableReader r(t, path, origin_, &error_);
    MqttSourceConfig s;
    s.name = name;
    s.line = r.line();
    r.String("connector", s.connector);
    if (s.connector.empty()) r.Fail("connector", "required: the name of a connectors.mqtt entry");
    r.Bool("enable", s.enable);
    r.String("description", s.description);
    r.Known("tags");
    auto params = [&](TableReader& pr) {
      pr.String("topic", s.topic);
      pr.Int("qos", s.qos, 0, 2);
      pr.Bool("no_local", s.no_local);
      pr.Bool("retain_as_published", s.retain_as_published);
    };
    params(r);
    if (const toml::table* p = r.Table("parameters")) {
      TableReader pr(*p, path + ".parameters", origin_, &error_);
      params(pr);
      pr.Known("local");
      pr.Finish();
    }
    if (const toml::table* ro = r.Table("resource_opts")) Health(r, *ro, s.resource_opts);
    if (s.topic.empty()) r.Fail("topic", "required: the remote topic filter to subscribe to");
    r.Finish();
    if (!error_.empty()) return;
    if (s.qos == 2) {
      Warn(s.line, path + ": qos 2 is downgraded to 1 for sources");
      s.qos = 1;
    }
    cfg_.sources[name] = std::move(s);
  }

  void Rules(const toml::table& t) {
    for (const auto& [k, v] : t) {
      std::string name(k.str());
      std::string path = "rules." + name;
      if (!v.is_table() || !ValidName(name)) {
        error_ = At(static_cast<int>(v.source().begin.line)) + path +
                 ": a rule is a table with a valid name (letters, digits, '_', '-')";
        return;
      }
      TableReader r(*v.as_table(), path, origin_, &error_);
      RuleConfig rule;
      rule.name = name;
      rule.line = r.line();
      r.Bool("enable", rule.enable);
      r.String("description", rule.description);
      r.String("sql", rule.sql);
      if (rule.sql.empty()) r.Fail("sql", "required, e.g. 'SELECT * FROM \"t/#\"'");
      if (const toml::array* acts = r.Array("actions")) {
        size_t i = 0;
        for (const auto& e : *acts) {
          std::string apath = path + ".actions[" + std::to_string(i++) + "]";
          RuleActionConfig ra;
          if (e.is_string()) {
            std::string ref = *e.value<std::string>();
            if (ref.rfind("mqtt:", 0) == 0) ref = ref.substr(5);
            ra.kind = RuleActionConfig::Kind::kMqtt;
            ra.action = ref;
          } else if (e.is_table()) {
            TableReader ar(*e.as_table(), apath, origin_, &error_);
            std::string fn;
            ar.String("function", fn);
            if (fn == "republish") {
              ra.kind = RuleActionConfig::Kind::kRepublish;
              ar.String("topic", ra.topic);
              if (ra.topic.empty()) ar.Fail("topic", "required for republish");
              ar.Scalar("qos", ra.qos);
              ar.Scalar("retain", ra.retain);
              ar.String("payload", ra.payload);
              if (ra.payload.empty()) ra.payload = "${.}";
              if (const toml::table* up = ar.Table("user_properties")) {
                for (const auto& [uk, uv] : *up) {
                  if (!uv.is_string()) {
                    ar.Fail("user_properties", "values must be strings", &uv);
                    break;
                  }
                  ra.user_properties[std::string(uk.str())] = *uv.value<std::string>();
                }
              }
              ar.Known("mqtt_properties");
              ar.Known("direct_dispatch");
            } else if (fn == "console") {
              ra.kind = RuleActionConfig::Kind::kConsole;
            } else {
              ar.Fail("function", "must be \"republish\" or \"console\"");
            }
            ar.Finish();
          } else {
            r.Fail("actions", "each action is \"mqtt:<name>\" or { function = \"republish\", ... }",
                   &e);
          }
          rule.actions.push_back(std::move(ra));
        }
      }
      r.Finish();
      if (!error_.empty()) return;
      cfg_.rules[name] = std::move(rule);
    }
  }

  void CrossCheck() {
    // Two connectors to the same server must not share a static client id.
    std::map<std::string, std::string> seen;  // server/clientid -> connector
    for (const auto& [name, c] : cfg_.connectors) {
      for (const auto& entry : c.static_clientids) {
        for (const auto& id : entry.ids) {
          std::string key = c.host + ":" + std::to_string(c.port) + "/" + id.clientid;
          auto [it, fresh] = seen.emplace(key, name);
          if (!fresh && it->second != name) {
            error_ = At(c.line) + "connectors.mqtt." + name + ": static client id \"" +
                     id.clientid + "\" is also used by connector " + it->second +
                     " for the same server";
            return;
          }
        }
      }
    }
    for (const auto& [name, a] : cfg_.actions) {
      auto it = cfg_.connectors.find(a.connector);
      if (it == cfg_.connectors.end()) {
        error_ = At(a.line) + "actions.mqtt." + name + ".connector: no connector named \"" +
                 a.connector + "\"";
        return;
      }
      if (!it->second.clean_start) {
        Warn(a.line, "actions.mqtt." + name + ": connector " + a.connector +
                         " has clean_start = false; the publisher may receive stale session "
                         "messages");
      }
    }
    for (const auto& [name, s] : cfg_.sources) {
      auto it = cfg_.connectors.find(s.connector);
      if (it == cfg_.connectors.end()) {
        error_ = At(s.line) + "sources.mqtt." + name + ".connector: no connector named \"" +
                 s.connector + "\"";
        return;
      }
      bool shared = s.topic.rfind("$share/", 0) == 0 || s.topic.rfind("$queue/", 0) == 0;
      if (!shared && it->second.pool_size > 1 && it->second.static_clientids.empty()) {
        Warn(s.line, "sources.mqtt." + name + ": mqtt_pool_size_ignored: topic \"" + s.topic +
                         "\" is not a shared subscription, so only the first pool connection "
                         "subscribes");
      }
      if ((s.no_local || !s.retain_as_published) && it->second.proto_ver != ProtoVer::kV5) {
        Warn(s.line,
             "sources.mqtt." + name + ": no_local and retain_as_published apply to MQTT v5 only");
      }
    }
    for (const auto& [name, r] : cfg_.rules) {
      for (const auto& a : r.actions) {
        if (a.kind == RuleActionConfig::Kind::kMqtt && !cfg_.actions.count(a.action)) {
          error_ =
              At(r.line) + "rules." + name + ".actions: no action named \"mqtt:" + a.action + "\"";
          return;
        }
      }
    }
  }

  std::string origin_;
  Config& cfg_;
  std::string error_;
};

}  // namespace

Result<Config, std::string> LoadConfigTable(const toml::table& root, const std::string& origin) {
  Config cfg;
  cfg.path = origin;
  Loader loader(origin, cfg);
  if (auto r = loader.Load(root); !r) return Err(r.error());
  return cfg;
}

Result<toml::table, std::string> ParseConfigTable(std::string_view text,
                                                  const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Err(origin + ":" + std::to_string(e.source().begin.line) + ":" +
               std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

Result<Config, std::string> ParseConfig(std::string_view text, const std::string& origin) {
  auto root = ParseConfigTable(text, origin);
  if (!root.ok()) return Err(root.error());
  return LoadConfigTable(root.value(), origin);
}

Result<std::string, std::string> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(path + ": cannot open the config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Config, std::string> LoadConfig(const std::string& path) {
  auto text = ReadConfigFile(path);
  if (!text.ok()) return Err(text.error());
  return ParseConfig(text.value(), path);
}

}  // namespace mqb::engine
