// Connectors, actions and sources: list, create, read, update, delete, enable, metrics, probes.
#include <algorithm>
#include <map>

#include "engine/api/api_routes.h"
#include "engine/api/management.h"
#include "engine/api/object_json.h"
#include "engine/bridge/connector_pool.h"
#include "engine/clientid.h"
#include "engine/config_table.h"
#include "engine/metrics_render.h"
#include "io/connector_probe.h"

namespace mqb::engine::api {
namespace {

struct Status {
  std::string status, reason;
};

Status ConnectorStatus(const Shared& s, const Config& c, const std::string& name) {
  auto it = c.connectors.find(name);
  if (it == c.connectors.end()) return {"disconnected", "connector not found"};
  if (!it->second.enable) return {"disconnected", "the connector is disabled"};
  const ConnectorState* st = s.context.metrics->Connector(name);
  return {ResourceStatusName(st->status.load()), st->Error()};
}

// An action or source has its connector's status, unless it is disabled itself.
Status ChannelStatus(const Shared& s, const Config& c, bool enable, const std::string& connector) {
  if (!enable) return {"disconnected", "disabled"};
  return ConnectorStatus(s, c, connector);
}

void WriteStatus(JsonWriter& w, const Shared& s, ObjectKind kind, const std::string& name,
                 const Status& st) {
  WriteNodeStatus(w, s, kind, name, st.status, st.reason);
}

void WriteObject(JsonWriter& w, const Shared& s, const Config& c, ObjectKind kind,
                 const std::string& name) {
  Management& m = *s.context.management;
  w.BeginObject();
  if (kind == ObjectKind::kConnector) {
    WriteConnectorConfig(w, c.connectors.at(name));
    WriteStatus(w, s, kind, name, ConnectorStatus(s, c, name));
    w.Key("actions").BeginArray();
    for (const auto& [n, a] : c.actions) {
      if (a.connector == name) w.String("mqtt:" + n);
    }
    w.EndArray().Key("sources").BeginArray();
    for (const auto& [n, src] : c.sources) {
      if (src.connector == name) w.String("mqtt:" + n);
    }
    w.EndArray();
  } else if (kind == ObjectKind::kAction) {
    const MqttActionConfig& a = c.actions.at(name);
    WriteActionConfig(w, a);
    WriteStatus(w, s, kind, name, ChannelStatus(s, c, a.enable, a.connector));
    w.Key("rules").BeginArray();
    for (const auto& [rid, r] : c.rules) {
      for (const RuleActionConfig& ra : r.actions) {
        if (ra.kind == RuleActionConfig::Kind::kMqtt && ra.action == name) {
          w.String(rid);
          break;
        }
      }
    }
    w.EndArray();
  } else {
    const MqttSourceConfig& src = c.sources.at(name);
    WriteSourceConfig(w, src);
    WriteStatus(w, s, kind, name, ChannelStatus(s, c, src.enable, src.connector));
  }
  w.Key("config_origin").String(m.Origin(kind, name));
  w.EndObject();
}

template <typename M>
bool Contains(const M& objects, const std::string& name) {
  return objects.find(name) != objects.end();
}

bool Exists(const Config& c, ObjectKind kind, const std::string& name) {
  switch (kind) {
    case ObjectKind::kConnector:
      return Contains(c.connectors, name);
    case ObjectKind::kAction:
      return Contains(c.actions, name);
    case ObjectKind::kSource:
      return Contains(c.sources, name);
    case ObjectKind::kRule:
      return Contains(c.rules, name);
  }
  return false;
}

void Answer(httplib::Response& res, const Result<void, ApiError>& r, int ok_status,
            const std::function<void()>& on_ok) {
  if (!r.ok()) {
    Error(res, r.error().status, r.error().code, r.error().message);
    return;
  }
  if (on_ok) on_ok();
  res.status = ok_status;
}

// The name of the object a request is about ("mqtt:foo" or "foo"), or an error answered.
bool NameOf(const httplib::Request& req, httplib::Response& res, std::string* name) {
  if (!ParseObjectId(req.matches[1], name)) {
    Error(res, 400, "BAD_REQUEST",
          "unknown type in id \"" + std::string(req.matches[1]) + "\": only mqtt exists");
    return false;
  }
  return true;
}

// The name a create request gives: its "name" (EMQX), with "type" mqtt if present.
Result<std::string, std::string> CreateName(std::string_view body) {
  auto b = JsonBody::Parse(body);
  if (!b.ok()) return Err(b.error());
  if (auto type = b.value().String("type"); type && *type != "mqtt") {
    return Err("type: only \"mqtt\" exists, not \"" + *type + "\"");
  }
  auto name = b.value().String("name");
  if (!name || name->empty()) return Err(std::string("name: required"));
  return *name;
}

void AddKind(RouteTable& t, const Shared& s, ObjectKind kind, const std::string& plural) {
  const std::string base = "/api/v5/" + plural;
  const std::string noun = ObjectNoun(kind);
  t.Add("GET", base, Access::kRead, "List " + plural + " with their status",
        [&s, kind](const httplib::Request&, httplib::Response& res, const Principal&) {
          auto c = s.context.management->config();
          JsonWriter w;
          w.BeginArray();
          auto each = [&](const auto& objects) {
            for (const auto& [name, o] : objects) WriteObject(w, s, *c, kind, name);
          };
          if (kind == ObjectKind::kConnector) each(c->connectors);
          if (kind == ObjectKind::kAction) each(c->actions);
          if (kind == ObjectKind::kSource) each(c->sources);
          w.EndArray();
          Json(res, w.str());
        });
  t.Add("POST", base, Access::kWrite, "Create a " + noun + " (201 with the object)",
        [&s, kind](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto name = CreateName(req.body);
          if (!name.ok()) {
            Error(res, 400, "BAD_REQUEST", name.error());
            return;
          }
          auto r = s.context.management->Create(kind, name.value(), req.body);
          Answer(res, r, 201, [&] {
            JsonWriter w;
            WriteObject(w, s, *s.context.management->config(), kind, name.value());
            Json(res, w.str(), 201);
          });
        });
  t.Add("GET", base + "/{id}", Access::kRead, "One " + noun,
        [&s, kind, noun](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          auto c = s.context.management->config();
          if (!Exists(*c, kind, name)) {
            Error(res, 404, "NOT_FOUND", noun + " " + std::string(req.matches[1]) + " not found");
            return;
          }
          JsonWriter w;
          WriteObject(w, s, *c, kind, name);
          Json(res, w.str());
        });
  t.Add("PUT", base + "/{id}", Access::kWrite,
        "Replace a " + noun + "'s configuration (\"******\" keeps a stored secret)",
        [&s, kind](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          auto r = s.context.management->Update(kind, name, req.body);
          Answer(res, r, 200, [&] {
            JsonWriter w;
            WriteObject(w, s, *s.context.management->config(), kind, name);
            Json(res, w.str());
          });
        });
  t.Add("DELETE", base + "/{id}", Access::kWrite,
        kind == ObjectKind::kAction
            ? "Delete an action (refused while rules use it, unless ?also_delete_dep_actions=true)"
            : "Delete a " + noun + " (refused while others use it)",
        [&s, kind](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          const bool also = req.get_param_value("also_delete_dep_actions") == "true";
          Answer(res, s.context.management->Delete(kind, name, also), 204, nullptr);
        });
  t.Add("PUT", base + "/{id}/enable/{enable}", Access::kWrite, "Enable or disable a " + noun,
        [&s, kind](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          const std::string v = req.matches[2];
          if (v != "true" && v != "false") {
            Error(res, 400, "BAD_REQUEST", "enable must be true or false, not \"" + v + "\"");
            return;
          }
          Answer(res, s.context.management->Enable(kind, name, v == "true"), 204, nullptr);
        });
}

// POST /connectors_probe: the Test button. The body is a connector; "******" secrets of an
// existing connector of the same name are used.
void Probe(const Shared& s, const httplib::Request& req, httplib::Response& res) {
  auto object = JsonToToml(req.body, ObjectKind::kConnector);
  if (!object.ok()) {
    Error(res, 400, "BAD_REQUEST", object.error());
    return;
  }
  auto body = JsonBody::Parse(req.body);
  const std::string name = body.ok() && body.value().String("name") ? *body.value().String("name")
                                                                    : std::string("probe");
  auto c = s.context.management->config();
  toml::table root;
  toml::table mqtt;
  mqtt.insert_or_assign("probe", std::move(object.value()));
  toml::table connectors;
  connectors.insert_or_assign("mqtt", std::move(mqtt));
  root.insert_or_assign("connectors", std::move(connectors));
  toml::table node;
  node.insert_or_assign("name", c->node.name);
  root.insert_or_assign("node", std::move(node));
  toml::table* probe = root["connectors"]["mqtt"]["probe"].as_table();
  // Masked secrets: those of the stored connector of that name (if any).
  const toml::table stored = s.context.management->RawCopy(ObjectKind::kConnector, name);
  if (auto k = KeepSecrets(*probe, stored.empty() ? nullptr : &stored, "connector"); !k.ok()) {
    Error(res, 400, "BAD_REQUEST", k.error());
    return;
  }
  auto cfg = LoadConfigTable(root, "request");
  if (!cfg.ok()) {
    Error(res, 400, "BAD_REQUEST", cfg.error());
    return;
  }
  const ConnectorConfig& cc = cfg.value().connectors.at("probe");
  auto ids = PoolIdentities(cc, c->node.name);
  if (ids.empty()) {
    Error(res, 400, "TEST_FAILED", "Connector has no assigned static clientids");
    return;
  }
  io::MqttClientOptions o = bridge::MakeClientOptions(cc, ids.front());
  o.client_id += "_probe";
  io::ProbeResult r = io::ProbeConnector(o, cc.connect_timeout);
  if (r.ok) {
    res.status = 204;
  } else {
    Error(res, 400, "TEST_FAILED", r.message);
  }
}

// POST /actions_probe and /sources_probe: the object must be valid in the running configuration
// and its connector must be connected.
void ProbeChannel(const Shared& s, ObjectKind kind, const httplib::Request& req,
                  httplib::Response& res) {
  auto name = CreateName(req.body);
  if (!name.ok()) {
    Error(res, 400, "BAD_REQUEST", name.error());
    return;
  }
  auto checked = s.context.management->Check(kind, name.value(), req.body);
  if (!checked.ok()) {
    Error(res, checked.error().status, checked.error().code, checked.error().message);
    return;
  }
  const Config& c = checked.value();
  const std::string connector = kind == ObjectKind::kAction ? c.actions.at(name.value()).connector
                                                            : c.sources.at(name.value()).connector;
  const Status st = ConnectorStatus(s, *s.context.management->config(), connector);
  if (st.status != "connected") {
    Error(res, 400, "TEST_FAILED",
          "connector mqtt:" + connector + " is " + st.status +
              (st.reason.empty() ? "" : ": " + st.reason));
    return;
  }
  res.status = 204;
}

void AddMetrics(RouteTable& t, const Shared& s, const std::string& plural, bool is_source) {
  auto find = [&s, plural](const std::string& name,
                           const std::function<void(const ResourceMetrics&)>& f) {
    bool found = false;
    auto visit = [&](const std::string& n, const ResourceMetrics& m) {
      if (n != name) return;
      found = true;
      f(m);
    };
    if (plural == "sources") {
      s.context.metrics->ForEachSource(visit);
    } else {
      s.context.metrics->ForEachAction(visit);
    }
    return found;
  };
  t.Add("GET", "/api/v5/" + plural + "/{id}/metrics", Access::kRead, "Counters and rates",
        [&s, find, is_source, plural](const httplib::Request& req, httplib::Response& res,
                                      const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          JsonWriter w;
          const bool found = find(name, [&](const ResourceMetrics& m) {
            JsonWriter own;
            WriteResourceMetrics(own, m, is_source);
            w.BeginObject().Key("id").String(std::string(req.matches[1]));
            WriteNodeMetrics(w, s, is_source ? ObjectKind::kSource : ObjectKind::kAction, name,
                             own.str());
            w.EndObject();
          });
          if (!found) {
            Error(res, 404, "NOT_FOUND",
                  plural.substr(0, plural.size() - 1) + " " + std::string(req.matches[1]) +
                      " not found");
            return;
          }
          Json(res, w.str());
        });
  t.Add("PUT", "/api/v5/" + plural + "/{id}/metrics/reset", Access::kWrite, "Reset the counters",
        [find, plural](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          const bool found =
              find(name, [](const ResourceMetrics& m) { const_cast<ResourceMetrics&>(m).Reset(); });
          if (!found) {
            Error(res, 404, "NOT_FOUND",
                  plural.substr(0, plural.size() - 1) + " " + std::string(req.matches[1]) +
                      " not found");
            return;
          }
          res.status = 204;
        });
}

}  // namespace

void WriteLocalObjects(JsonWriter& w, const Shared& s) {
  std::map<std::string, std::string> metrics[2];  // actions, sources
  s.context.metrics->ForEachAction([&](const std::string& n, const ResourceMetrics& m) {
    JsonWriter mw;
    WriteResourceMetrics(mw, m, false);
    metrics[0][n] = mw.str();
  });
  s.context.metrics->ForEachSource([&](const std::string& n, const ResourceMetrics& m) {
    JsonWriter mw;
    WriteResourceMetrics(mw, m, true);
    metrics[1][n] = mw.str();
  });
  auto one = [&](const std::string& name, const Status& st, const std::string* m) {
    w.Key(name).BeginObject().Key("status").String(st.status);
    w.Key("status_reason").String(st.reason);
    if (m != nullptr) w.Key("metrics").Raw(*m);
    w.EndObject();
  };
  auto find = [&](int i, const std::string& n) -> const std::string* {
    auto it = metrics[i].find(n);
    return it == metrics[i].end() ? nullptr : &it->second;
  };
  if (s.context.management == nullptr) return;
  const std::shared_ptr<const Config> c = s.context.management->config();
  w.Key("connectors").BeginObject();
  for (const auto& [n, cc] : c->connectors) one(n, ConnectorStatus(s, *c, n), nullptr);
  w.EndObject().Key("actions").BeginObject();
  for (const auto& [n, a] : c->actions) {
    one(n, ChannelStatus(s, *c, a.enable, a.connector), find(0, n));
  }
  w.EndObject().Key("sources").BeginObject();
  for (const auto& [n, src] : c->sources) {
    one(n, ChannelStatus(s, *c, src.enable, src.connector), find(1, n));
  }
  w.EndObject().Key("rules").BeginObject();
  s.context.metrics->ForEachRule([&](const std::string& id, const RuleMetrics& m) {
    w.Key(id).BeginObject().Key("metrics");
    WriteRuleMetrics(w, m);
    w.EndObject();
  });
  w.EndObject();
}

void AddObjectRoutes(RouteTable& t, const Shared& s) {
  AddMetrics(t, s, "actions", false);
  AddMetrics(t, s, "sources", true);
  if (s.context.management == nullptr) return;
  AddKind(t, s, ObjectKind::kConnector, "connectors");
  AddKind(t, s, ObjectKind::kAction, "actions");
  AddKind(t, s, ObjectKind::kSource, "sources");
  t.Add("POST", "/api/v5/connectors/{id}/start", Access::kWrite,
        "Reconnect a connector's pool (queued messages are kept)",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          std::string name;
          if (!NameOf(req, res, &name)) return;
          Answer(res, s.context.management->Restart(name), 204, nullptr);
        });
  t.Add("POST", "/api/v5/connectors_probe", Access::kWrite,
        "Test a connector's settings: 204, or 400 TEST_FAILED with the reason",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          Probe(s, req, res);
        });
  t.Add("POST", "/api/v5/actions_probe", Access::kWrite,
        "Check an action: valid, and its connector connected",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          ProbeChannel(s, ObjectKind::kAction, req, res);
        });
  t.Add("POST", "/api/v5/sources_probe", Access::kWrite,
        "Check a source: valid, and its connector connected",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          ProbeChannel(s, ObjectKind::kSource, req, res);
        });
}

}  // namespace mqb::engine::api
