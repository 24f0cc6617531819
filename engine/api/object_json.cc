#include "engine/api/object_json.h"

#include <simdjson.h>

#include <charconv>
#include <set>

namespace mqb::engine {
namespace {

// Keys of responses and envelopes that are not configuration.
const std::set<std::string_view> kEnvelope = {
    "type",          "name",         "id",           "status",     "status_reason",
    "node_status",   "node_metrics", "actions_list", "created_at", "last_modified_at",
    "config_origin", "rules",        "metrics",      "from"};

// Converts `e` and stores it as `key` of `parent`, or appends it to `parent_array`.
Result<void, std::string> Convert(simdjson::dom::element e, toml::table* parent,
                                  toml::array* parent_array, std::string_view key) {
  auto put = [&](auto&& value) {
    if (parent != nullptr) {
      parent->insert_or_assign(key, std::forward<decltype(value)>(value));
    } else {
      parent_array->push_back(std::forward<decltype(value)>(value));
    }
  };
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      toml::table t;
      const simdjson::dom::object obj = e.get_object().value_unsafe();
      for (auto [k, v] : obj) {
        if (v.is_null()) continue;
        if (auto r = Convert(v, &t, nullptr, k); !r.ok()) return r;
      }
      put(std::move(t));
      return {};
    }
    case simdjson::dom::element_type::ARRAY: {
      toml::array a;
      const simdjson::dom::array arr = e.get_array().value_unsafe();
      for (auto v : arr) {
        if (v.is_null()) continue;
        if (auto r = Convert(v, nullptr, &a, ""); !r.ok()) return r;
      }
      put(std::move(a));
      return {};
    }
    case simdjson::dom::element_type::STRING:
      put(std::string(e.get_string().value_unsafe()));
      return {};
    case simdjson::dom::element_type::INT64:
      put(e.get_int64().value_unsafe());
      return {};
    case simdjson::dom::element_type::UINT64:
      return Err("value of " + std::string(key) + " is too large");
    case simdjson::dom::element_type::DOUBLE:
      put(e.get_double().value_unsafe());
      return {};
    case simdjson::dom::element_type::BOOL:
      put(e.get_bool().value_unsafe());
      return {};
    case simdjson::dom::element_type::NULL_VALUE:
      return {};
  }
  return {};
}

// EMQX's {"function": "republish", "args": {...}}: the loader reads the args beside "function".
void FlattenRuleActions(toml::table& rule) {
  toml::array* actions = rule["actions"].as_array();
  if (actions == nullptr) return;
  for (toml::node& a : *actions) {
    toml::table* t = a.as_table();
    if (t == nullptr) continue;
    toml::table* args = (*t)["args"].as_table();
    if (args == nullptr) continue;
    toml::table moved = *args;
    t->erase("args");
    for (auto& [k, v] : moved) t->insert_or_assign(k, v);
  }
}

void WriteScalarText(JsonWriter& w, const std::string& text, bool as_bool) {
  if (as_bool && (text == "true" || text == "false")) {
    w.Bool(text == "true");
    return;
  }
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!as_bool && ec == std::errc() && p == text.data() + text.size()) {
    w.Int(v);
  } else {
    w.String(text);
  }
}

void WriteSecret(JsonWriter& w, const std::optional<std::string>& s) {
  if (s) {
    w.String(kMaskedSecret);
  } else {
    w.Null();
  }
}

void WriteHealth(JsonWriter& w, const HealthOptions& h) {
  w.Key("resource_opts")
      .BeginObject()
      .Key("health_check_interval")
      .String(FormatDuration(h.health_check_interval))
      .Key("health_check_timeout")
      .String(FormatDuration(h.health_check_timeout))
      .Key("start_after_created")
      .Bool(h.start_after_created)
      .Key("start_timeout")
      .String(FormatDuration(h.start_timeout))
      .EndObject();
}

std::string FormatBytes(uint64_t b) {
  if (b != 0 && b % (1ull << 30) == 0) return std::to_string(b >> 30) + "GB";
  if (b != 0 && b % (1ull << 20) == 0) return std::to_string(b >> 20) + "MB";
  if (b != 0 && b % (1ull << 10) == 0) return std::to_string(b >> 10) + "KB";
  return std::to_string(b) + "B";
}

}  // namespace

std::string FormatDuration(Duration d) {
  if (d == Duration::max()) return "infinity";
  const int64_t ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

Result<toml::table, std::string> JsonToToml(std::string_view json, ObjectKind kind) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    return Err("invalid JSON: " + std::string(simdjson::error_message(err)));
  }
  if (!root.is_object()) return Err(std::string("the body must be a JSON object"));
  toml::table holder;
  if (auto r = Convert(root, &holder, nullptr, "body"); !r.ok()) return Err(r.error());
  toml::table out = std::move(*holder["body"].as_table());
  for (std::string_view k : kEnvelope) {
    // A rule's "actions" is configuration; a connector's "actions" is the read-only list.
    if (k == "rules" && kind != ObjectKind::kAction && kind != ObjectKind::kSource) continue;
    out.erase(k);
  }
  if (kind == ObjectKind::kConnector) {
    out.erase("actions");
    out.erase("sources");
  }
  if (kind == ObjectKind::kRule) FlattenRuleActions(out);
  return out;
}

Result<void, std::string> KeepSecrets(toml::table& object, const toml::table* stored,
                                      const std::string& path) {
  for (auto& [k, v] : object) {
    const std::string key(k.str());
    const toml::node* old = stored ? stored->get(key) : nullptr;
    if (v.is_string() && key == "password" && *v.value<std::string>() == kMaskedSecret) {
      if (old == nullptr || !old->is_string()) {
        return Err(path + "." + key + ": \"******\" keeps the stored secret, but there is none");
      }
      *v.as_string() = *old->value<std::string>();
    } else if (toml::table* t = v.as_table()) {
      if (auto r = KeepSecrets(*t, old ? old->as_table() : nullptr, path + "." + key); !r.ok()) {
        return r;
      }
    } else if (toml::array* a = v.as_array()) {
      const toml::array* olda = old ? old->as_array() : nullptr;
      for (size_t i = 0; i < a->size(); ++i) {
        toml::table* item = a->get(i)->as_table();
        if (item == nullptr) continue;
        const toml::table* oldt =
            olda != nullptr && i < olda->size() ? olda->get(i)->as_table() : nullptr;
        if (auto r = KeepSecrets(*item, oldt, path + "." + key + "[" + std::to_string(i) + "]");
            !r.ok()) {
          return r;
        }
      }
    }
  }
  return {};
}

void WriteConnectorConfig(JsonWriter& w, const ConnectorConfig& c) {
  const std::string server = c.host.find(':') != std::string::npos
                                 ? "[" + c.host + "]:" + std::to_string(c.port)
                                 : c.host + ":" + std::to_string(c.port);
  w.Key("type")
      .String("mqtt")
      .Key("name")
      .String(c.name)
      .Key("enable")
      .Bool(c.enable)
      .Key("description")
      .String(c.description)
      .Key("server")
      .String(server)
      .Key("proto_ver")
      .String(ProtoVerName(c.proto_ver))
      .Key("pool_size")
      .Int(c.pool_size)
      .Key("clientid_prefix")
      .String(c.clientid_prefix)
      .Key("bridge_mode")
      .Bool(c.bridge_mode);
  w.Key("username");
  if (c.username) {
    w.String(*c.username);
  } else {
    w.Null();
  }
  w.Key("password");
  WriteSecret(w, c.password);
  w.Key("clean_start")
      .Bool(c.clean_start)
      .Key("keepalive")
      .String(FormatDuration(c.keepalive))
      .Key("connect_timeout")
      .String(FormatDuration(c.connect_timeout))
      .Key("retry_interval")
      .String(FormatDuration(c.retry_interval))
      .Key("max_inflight")
      .Int(c.max_inflight)
      .Key("max_qos")
      .Int(c.max_qos);
  w.Key("tcp_opts")
      .BeginObject()
      .Key("nodelay")
      .Bool(c.tcp_nodelay)
      .Key("sndbuf")
      .String(FormatBytes(c.tcp_sndbuf))
      .Key("recbuf")
      .String(FormatBytes(c.tcp_recbuf))
      .EndObject();
  w.Key("ssl")
      .BeginObject()
      .Key("enable")
      .Bool(c.ssl.enable)
      .Key("verify")
      .String(c.ssl.verify_peer ? "verify_peer" : "verify_none");
  w.Key("versions").BeginArray();
  for (const auto& v : c.ssl.versions) w.String(v);
  w.EndArray();
  w.Key("server_name_indication")
      .String(c.ssl.server_name_indication)
      .Key("cacertfile")
      .String(c.ssl.cacertfile)
      .Key("certfile")
      .String(c.ssl.certfile)
      .Key("keyfile")
      .String(c.ssl.keyfile);
  w.Key("password");
  WriteSecret(w, c.ssl.password.empty() ? std::nullopt : std::optional<std::string>("x"));
  w.Key("ciphers").String(c.ssl.ciphers).Key("depth").Int(c.ssl.depth);
  w.Key("alpn").BeginArray();
  for (const auto& a : c.ssl.alpn) w.String(a);
  w.EndArray().EndObject();
  w.Key("static_clientids").BeginArray();
  for (const StaticClientIds& s : c.static_clientids) {
    w.BeginObject().Key("node").String(s.node).Key("ids").BeginArray();
    for (const StaticClientId& id : s.ids) {
      w.BeginObject().Key("clientid").String(id.clientid);
      if (id.username) w.Key("username").String(*id.username);
      if (id.password) w.Key("password").String(kMaskedSecret);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  WriteHealth(w, c.resource_opts);
}

void WriteActionConfig(JsonWriter& w, const MqttActionConfig& a) {
  w.Key("type")
      .String("mqtt")
      .Key("name")
      .String(a.name)
      .Key("enable")
      .Bool(a.enable)
      .Key("description")
      .String(a.description)
      .Key("connector")
      .String(a.connector);
  w.Key("parameters").BeginObject().Key("topic").String(a.topic).Key("qos");
  WriteScalarText(w, a.qos, false);
  w.Key("retain");
  WriteScalarText(w, a.retain, true);
  if (a.payload) w.Key("payload").String(*a.payload);
  w.EndObject();
  const ActionResourceOptions& o = a.resource_opts;
  w.Key("resource_opts")
      .BeginObject()
      .Key("worker_pool_size")
      .Int(o.worker_pool_size)
      .Key("query_mode")
      .String(o.query_mode)
      .Key("request_ttl")
      .String(FormatDuration(o.request_ttl))
      .Key("inflight_window")
      .Int(o.inflight_window)
      .Key("max_buffer_bytes")
      .String(FormatBytes(o.max_buffer_bytes))
      .Key("health_check_interval")
      .String(FormatDuration(o.health_check_interval))
      .Key("health_check_timeout")
      .String(FormatDuration(o.health_check_timeout))
      .Key("dispatch_strategy")
      .String(o.dispatch_strategy)
      .Key("metrics_flush_interval")
      .String(FormatDuration(o.metrics_flush_interval))
      .EndObject();
}

void WriteSourceConfig(JsonWriter& w, const MqttSourceConfig& s) {
  w.Key("type")
      .String("mqtt")
      .Key("name")
      .String(s.name)
      .Key("enable")
      .Bool(s.enable)
      .Key("description")
      .String(s.description)
      .Key("connector")
      .String(s.connector);
  w.Key("parameters")
      .BeginObject()
      .Key("topic")
      .String(s.topic)
      .Key("qos")
      .Int(s.qos)
      .Key("no_local")
      .Bool(s.no_local)
      .Key("retain_as_published")
      .Bool(s.retain_as_published)
      .EndObject();
  WriteHealth(w, s.resource_opts);
}

void WriteRuleConfig(JsonWriter& w, const RuleConfig& r) {
  w.Key("id")
      .String(r.name)
      .Key("name")
      .String(r.name)
      .Key("enable")
      .Bool(r.enable)
      .Key("description")
      .String(r.description)
      .Key("sql")
      .String(r.sql);
  w.Key("actions").BeginArray();
  for (const RuleActionConfig& a : r.actions) {
    switch (a.kind) {
      case RuleActionConfig::Kind::kMqtt:
        w.String("mqtt:" + a.action);
        break;
      case RuleActionConfig::Kind::kConsole:
        w.BeginObject().Key("function").String("console").EndObject();
        break;
      case RuleActionConfig::Kind::kRepublish:
        w.BeginObject()
            .Key("function")
            .String("republish")
            .Key("args")
            .BeginObject()
            .Key("topic")
            .String(a.topic)
            .Key("qos");
        WriteScalarText(w, a.qos, false);
        w.Key("retain");
        WriteScalarText(w, a.retain, true);
        w.Key("payload").String(a.payload);
        w.Key("user_properties").BeginObject();
        for (const auto& [k, v] : a.user_properties) w.Key(k).String(v);
        w.EndObject().EndObject().EndObject();
        break;
    }
  }
  w.EndArray();
}

}  // namespace mqb::engine
