// Rules: list (paged, filtered), create, read, update, delete, enable, metrics, the rule tester
// and the list of events a rule can read.
#include <random>

#include "engine/api/api_routes.h"
#include "engine/api/management.h"
#include "engine/api/object_json.h"
#include "engine/metrics_render.h"
#include "rules/event_catalog.h"
#include "rules/program.h"
#include "rules/sql_tester.h"

namespace mqb::engine::api {
namespace {

std::vector<std::string> FromOf(const RuleConfig& r) {
  rules::CompileOptions o;
  auto p = rules::RuleProgram::Compile(r.sql, o);
  return p.ok() ? p.value()->from() : std::vector<std::string>{};
}

void WriteRule(JsonWriter& w, const Shared& s, const RuleConfig& r) {
  w.BeginObject();
  WriteRuleConfig(w, r);
  w.Key("from").BeginArray();
  for (const std::string& f : FromOf(r)) w.String(f);
  w.EndArray();
  w.Key("config_origin").String(s.context.management->Origin(ObjectKind::kRule, r.name));
  w.EndObject();
}

std::string NewRuleId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string id = "rule_";
  for (int i = 0; i < 8; ++i) id += kHex[rd() & 15];
  return id;
}

// The rule tester's answer: 200 with the output, 412 NOT_MATCH, 400 with line and column.
void Test(httplib::Response& res, const std::string& sql, const std::string& context) {
  rules::SqlTestResult r = rules::RunSqlTester(sql, context.empty() ? "{}" : context);
  if (r.exit_code == 0) {
    Json(res, r.output);
  } else if (r.exit_code == 1) {
    Error(res, 412, "NOT_MATCH", "SQL Not Match");
  } else {
    Error(res, 400, "BAD_REQUEST", r.output);
  }
}

bool Like(const std::string& text, const std::string& part) {
  return part.empty() || text.find(part) != std::string::npos;
}

void AddRuleMetrics(RouteTable& t, const Shared& s) {
  auto find = [&s](const std::string& id, const std::function<void(const RuleMetrics&)>& f) {
    bool found = false;
    s.context.metrics->ForEachRule([&](const std::string& n, const RuleMetrics& m) {
      if (n != id) return;
      found = true;
      f(m);
    });
    return found;
  };
  t.Add("GET", "/api/v5/rules/{id}/metrics", Access::kRead, "A rule's counters and rates",
        [&s, find](const httplib::Request& req, httplib::Response& res, const Principal&) {
          const std::string id = req.matches[1];
          JsonWriter w;
          if (!find(id, [&](const RuleMetrics& m) {
                JsonWriter own;
                WriteRuleMetrics(own, m);
                w.BeginObject().Key("id").String(id);
                WriteNodeMetrics(w, s, ObjectKind::kRule, id, own.str());
                w.EndObject();
              })) {
            Error(res, 404, "NOT_FOUND", "rule \"" + id + "\" not found");
            return;
          }
          Json(res, w.str());
        });
  t.Add("PUT", "/api/v5/rules/{id}/metrics/reset", Access::kWrite, "Reset a rule's counters",
        [find](const httplib::Request& req, httplib::Response& res, const Principal&) {
          const std::string id = req.matches[1];
          if (!find(id, [](const RuleMetrics& m) { const_cast<RuleMetrics&>(m).Reset(); })) {
            Error(res, 404, "NOT_FOUND", "rule \"" + id + "\" not found");
            return;
          }
          res.status = 204;
        });
}

}  // namespace

void AddRuleRoutes(RouteTable& t, const Shared& s) {
  AddRuleMetrics(t, s);
  t.Add("POST", "/api/v5/rule_test", Access::kRead,
        "Run SQL on a test context: 200 output, 412 NOT_MATCH, 400 error with line and column",
        [](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto body = JsonBody::Parse(req.body);
          if (!body.ok()) {
            Error(res, 400, "BAD_REQUEST", body.error());
            return;
          }
          auto sql = body.value().String("sql");
          if (!sql) {
            Error(res, 400, "BAD_REQUEST", "sql: required");
            return;
          }
          Test(res, *sql, body.value().Raw("context"));
        });
  t.Add("GET", "/api/v5/rule_events", Access::kRead,
        "The events a rule's FROM can name, their columns and an example",
        [](const httplib::Request&, httplib::Response& res, const Principal&) {
          JsonWriter w;
          w.BeginArray();
          auto event = [&](const char* ev, const char* title, const char* desc,
                           std::initializer_list<const char*> columns, const char* sql) {
            w.BeginObject()
                .Key("event")
                .String(ev)
                .Key("title")
                .String(title)
                .Key("description")
                .String(desc)
                .Key("columns")
                .BeginArray();
            for (const char* c : columns) w.String(c);
            w.EndArray().Key("sql_example").String(sql).EndObject();
          };
          event("message.publish", "Message publish",
                "A message published to the embedded broker; FROM names topic filters",
                {"id", "clientid", "username", "payload", "peerhost", "peername", "topic", "qos",
                 "flags", "pub_props", "publish_received_at", "timestamp", "node"},
                "SELECT payload.msg AS msg FROM \"t/#\" WHERE qos = 1");
          event("$bridges/mqtt:*", "MQTT source",
                "A message received from a remote broker through an MQTT source",
                {"id", "server", "payload", "topic", "qos", "dup", "retain", "pub_props",
                 "message_received_at", "timestamp", "node"},
                "SELECT * FROM \"$bridges/mqtt:my_source\"");
          for (const rules::EventInfo& e : rules::BrokerEvents()) {
            w.BeginObject()
                .Key("event")
                .String(e.name)
                .Key("event_type")
                .String(e.event_type)
                .Key("title")
                .String(e.title)
                .Key("description")
                .String(e.description)
                .Key("topics")
                .BeginArray()
                .String(e.topic)
                .String(e.topic_v2)
                .EndArray()
                .Key("columns")
                .BeginArray();
            for (const char* c : {"event", "timestamp", "node", "metadata"}) w.String(c);
            for (const rules::EventColumn& c : e.columns) w.String(c.name);
            if (e.has_message) {
              for (const rules::EventColumn& c : rules::MessageColumns()) w.String(c.name);
            }
            w.EndArray()
                .Key("sql_example")
                .String("SELECT * FROM \"" + std::string(e.topic) + "\"")
                .EndObject();
          }
          w.EndArray();
          Json(res, w.str());
        });
  if (s.context.management == nullptr) return;
  t.Add("GET", "/api/v5/rules", Access::kRead,
        "Rules; ?page, ?limit, ?like_id, ?like_from, ?match_from (or ?from), ?enable",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto c = s.context.management->config();
          int64_t page = 1, limit = 100;
          try {
            if (req.has_param("page")) page = std::stoll(req.get_param_value("page"));
            if (req.has_param("limit")) limit = std::stoll(req.get_param_value("limit"));
          } catch (const std::exception&) {
            page = limit = 0;
          }
          if (page < 1 || limit < 1 || limit > 10000) {
            Error(res, 400, "BAD_REQUEST", "page must be >= 1 and limit 1..10000");
            return;
          }
          const std::string like_id = req.get_param_value("like_id");
          const std::string like_from = req.get_param_value("like_from");
          std::string match_from = req.get_param_value("match_from");
          if (match_from.empty()) match_from = req.get_param_value("from");
          const std::string enable = req.get_param_value("enable");
          std::vector<const RuleConfig*> hits;
          for (const auto& [id, r] : c->rules) {
            if (!Like(id, like_id)) continue;
            if (!enable.empty() && (enable == "true") != r.enable) continue;
            const auto from = FromOf(r);
            if (!like_from.empty() &&
                std::none_of(from.begin(), from.end(),
                             [&](const std::string& f) { return Like(f, like_from); })) {
              continue;
            }
            if (!match_from.empty() &&
                std::find(from.begin(), from.end(), match_from) == from.end()) {
              continue;
            }
            hits.push_back(&r);
          }
          JsonWriter w;
          w.BeginObject().Key("data").BeginArray();
          const size_t first = static_cast<size_t>((page - 1) * limit);
          for (size_t i = first; i < hits.size() && i < first + static_cast<size_t>(limit); ++i) {
            WriteRule(w, s, *hits[i]);
          }
          w.EndArray()
              .Key("meta")
              .BeginObject()
              .Key("page")
              .Int(page)
              .Key("limit")
              .Int(limit)
              .Key("count")
              .Uint(hits.size())
              .Key("hasnext")
              .Bool(first + static_cast<size_t>(limit) < hits.size())
              .EndObject()
              .EndObject();
          Json(res, w.str());
        });
  t.Add("POST", "/api/v5/rules", Access::kWrite, "Create a rule (id optional; 201 with the rule)",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto body = JsonBody::Parse(req.body);
          if (!body.ok()) {
            Error(res, 400, "BAD_REQUEST", body.error());
            return;
          }
          std::string id = body.value().String("id").value_or("");
          if (id.empty()) id = body.value().String("name").value_or("");
          if (id.empty()) id = NewRuleId();
          auto r = s.context.management->Create(ObjectKind::kRule, id, req.body);
          if (!r.ok()) {
            Error(res, r.error().status, r.error().code, r.error().message);
            return;
          }
          JsonWriter w;
          WriteRule(w, s, s.context.management->config()->rules.at(id));
          Json(res, w.str(), 201);
        });
  t.Add("GET", "/api/v5/rules/{id}", Access::kRead, "One rule",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto c = s.context.management->config();
          auto it = c->rules.find(req.matches[1]);
          if (it == c->rules.end()) {
            Error(res, 404, "NOT_FOUND", "rule " + std::string(req.matches[1]) + " not found");
            return;
          }
          JsonWriter w;
          WriteRule(w, s, it->second);
          Json(res, w.str());
        });
  t.Add("PUT", "/api/v5/rules/{id}", Access::kWrite, "Replace a rule",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          const std::string id = req.matches[1];
          auto r = s.context.management->Update(ObjectKind::kRule, id, req.body);
          if (!r.ok()) {
            Error(res, r.error().status, r.error().code, r.error().message);
            return;
          }
          JsonWriter w;
          WriteRule(w, s, s.context.management->config()->rules.at(id));
          Json(res, w.str());
        });
  t.Add("DELETE", "/api/v5/rules/{id}", Access::kWrite, "Delete a rule",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto r = s.context.management->Delete(ObjectKind::kRule, req.matches[1], false);
          if (!r.ok()) {
            Error(res, r.error().status, r.error().code, r.error().message);
            return;
          }
          res.status = 204;
        });
  t.Add("PUT", "/api/v5/rules/{id}/enable/{enable}", Access::kWrite, "Enable or disable a rule",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          const std::string v = req.matches[2];
          if (v != "true" && v != "false") {
            Error(res, 400, "BAD_REQUEST", "enable must be true or false, not \"" + v + "\"");
            return;
          }
          auto r = s.context.management->Enable(ObjectKind::kRule, req.matches[1], v == "true");
          if (!r.ok()) {
            Error(res, r.error().status, r.error().code, r.error().message);
            return;
          }
          res.status = 204;
        });
  t.Add("POST", "/api/v5/rules/{id}/test", Access::kRead,
        "Run a stored rule's SQL on a test context ({\"context\": {...}})",
        [&s](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto c = s.context.management->config();
          auto it = c->rules.find(req.matches[1]);
          if (it == c->rules.end()) {
            Error(res, 404, "NOT_FOUND", "rule " + std::string(req.matches[1]) + " not found");
            return;
          }
          std::string context;
          if (!req.body.empty()) {
            auto body = JsonBody::Parse(req.body);
            if (!body.ok()) {
              Error(res, 400, "BAD_REQUEST", body.error());
              return;
            }
            context = body.value().Raw("context");
          }
          Test(res, it->second.sql, context);
        });
}

}  // namespace mqb::engine::api
