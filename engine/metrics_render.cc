#include "engine/metrics_render.h"

#include <cstdio>

namespace mqb::engine {

void WriteRuleMetrics(JsonWriter& w, const RuleMetrics& m) {
  auto rates = m.matched_rate.Get();
  uint64_t failed = m.failed_exception.Get() + m.failed_no_result.Get();
  w.BeginObject()
      .Key("matched")
      .Uint(m.matched.Get())
      .Key("passed")
      .Uint(m.passed.Get())
      .Key("failed")
      .Uint(failed)
      .Key("failed.exception")
      .Uint(m.failed_exception.Get())
      .Key("failed.no_result")
      .Uint(m.failed_no_result.Get())
      .Key("actions.total")
      .Uint(m.actions_total.Get())
      .Key("actions.success")
      .Uint(m.actions_success.Get())
      .Key("actions.failed")
      .Uint(m.actions_failed.Get())
      .Key("actions.failed.out_of_service")
      .Uint(m.actions_failed_out_of_service.Get())
      .Key("actions.failed.unknown")
      .Uint(m.actions_failed_unknown.Get())
      .Key("actions.discarded")
      .Uint(m.actions_discarded.Get())
      .Key("matched.rate")
      .Double(rates.current)
      .Key("matched.rate.max")
      .Double(rates.max)
      .Key("matched.rate.last5m")
      .Double(rates.last5m)
      .EndObject();
}

void WriteResourceMetrics(JsonWriter& w, const ResourceMetrics& m, bool is_source) {
  auto rates = is_source ? m.received_rate.Get() : m.matched_rate.Get();
  w.BeginObject()
      .Key("matched")
      .Uint(m.matched.Get())
      .Key("success")
      .Uint(m.success.Get())
      .Key("failed")
      .Uint(m.failed.Get())
      .Key("retried")
      .Uint(m.retried.Get())
      .Key("retried.success")
      .Uint(m.retried_success.Get())
      .Key("retried.failed")
      .Uint(m.retried_failed.Get())
      .Key("late_reply")
      .Uint(m.late_reply.Get())
      .Key("dropped")
      .Uint(m.Dropped())
      .Key("dropped.expired")
      .Uint(m.dropped_expired.Get())
      .Key("dropped.queue_full")
      .Uint(m.dropped_queue_full.Get())
      .Key("dropped.resource_not_found")
      .Uint(m.dropped_resource_not_found.Get())
      .Key("dropped.resource_stopped")
      .Uint(m.dropped_resource_stopped.Get())
      .Key("dropped.other")
      .Uint(m.dropped_other.Get())
      .Key("received")
      .Uint(m.received.Get())
      .Key("queuing")
      .Int(m.queuing.Get())
      .Key("queuing_bytes")
      .Int(m.queuing_bytes.Get())
      .Key("inflight")
      .Int(m.inflight.Get())
      .Key("template.missing_vars")
      .Uint(m.template_missing_vars.Get())
      .Key("rate")
      .Double(rates.current)
      .Key("rate_max")
      .Double(rates.max)
      .Key("rate_last5m")
      .Double(rates.last5m)
      .EndObject();
}

void WriteConnectorState(JsonWriter& w, const ConnectorState& c) {
  w.BeginObject()
      .Key("status")
      .String(ResourceStatusName(c.status.load()))
      .Key("pool_size")
      .Int(c.pool_size)
      .Key("connected_clients")
      .Int(c.connected_clients.Get());
  std::string err = c.Error();
  if (!err.empty()) w.Key("status_reason").String(err);
  w.EndObject();
}

std::string MetricsJson(const MetricsRegistry& r) {
  JsonWriter w;
  w.BeginObject().Key("rules").BeginObject();
  r.ForEachRule([&](const std::string& n, const RuleMetrics& m) {
    w.Key(n);
    WriteRuleMetrics(w, m);
  });
  w.EndObject().Key("actions").BeginObject();
  r.ForEachAction([&](const std::string& n, const ResourceMetrics& m) {
    w.Key(n);
    WriteResourceMetrics(w, m, false);
  });
  w.EndObject().Key("sources").BeginObject();
  r.ForEachSource([&](const std::string& n, const ResourceMetrics& m) {
    w.Key(n);
    WriteResourceMetrics(w, m, true);
  });
  w.EndObject().Key("connectors").BeginObject();
  r.ForEachConnector([&](const std::string& n, const ConnectorState& c) {
    w.Key(n);
    WriteConnectorState(w, c);
  });
  w.EndObject().EndObject();
  return w.str();
}

namespace {

// Label values escape backslash, quote and newline.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

class PromWriter {
 public:
  void Family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void Sample(const char* name, const char* label, const std::string& value_of_label, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out_ += name;
    out_ += '{';
    out_ += label;
    out_ += "=\"";
    out_ += Label(value_of_label);
    out_ += "\"} ";
    out_ += buf;
    out_ += '\n';
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

}  // namespace

std::string MetricsPrometheus(const MetricsRegistry& r, const std::string& node) {
  PromWriter p;
  struct RuleField {
    const char* name;
    const char* help;
    uint64_t (*get)(const RuleMetrics&);
  };
  static const RuleField kRule[] = {
      {"mqbridge_rule_matched_total", "Messages whose topic matched the rule's FROM",
       [](const RuleMetrics& m) { return m.matched.Get(); }},
      {"mqbridge_rule_passed_total", "Messages for which the rule produced output",
       [](const RuleMetrics& m) { return m.passed.Get(); }},
      {"mqbridge_rule_failed_exception_total", "Evaluation errors",
       [](const RuleMetrics& m) { return m.failed_exception.Get(); }},
      {"mqbridge_rule_failed_no_result_total", "WHERE false or empty FOREACH",
       [](const RuleMetrics& m) { return m.failed_no_result.Get(); }},
      {"mqbridge_rule_actions_total", "Action invocations",
       [](const RuleMetrics& m) { return m.actions_total.Get(); }},
      {"mqbridge_rule_actions_success_total", "Successful action invocations",
       [](const RuleMetrics& m) { return m.actions_success.Get(); }},
      {"mqbridge_rule_actions_failed_total", "Failed action invocations",
       [](const RuleMetrics& m) { return m.actions_failed.Get(); }},
      {"mqbridge_rule_actions_failed_out_of_service_total",
       "Action invocations failed because the resource was not available",
       [](const RuleMetrics& m) { return m.actions_failed_out_of_service.Get(); }},
      {"mqbridge_rule_actions_failed_unknown_total", "Action invocations failed otherwise",
       [](const RuleMetrics& m) { return m.actions_failed_unknown.Get(); }},
      {"mqbridge_rule_actions_discarded_total", "Action invocations discarded (action disabled)",
       [](const RuleMetrics& m) { return m.actions_discarded.Get(); }},
  };
  for (const auto& f : kRule) {
    p.Family(f.name, "counter", f.help);
    r.ForEachRule([&](const std::string& n, const RuleMetrics& m) {
      p.Sample(f.name, "rule", n, static_cast<double>(f.get(m)));
    });
  }
  struct ResField {
    const char* suffix;
    const char* type;
    const char* help;
    double (*get)(const ResourceMetrics&);
  };
  static const ResField kRes[] = {
      {"matched_total", "counter", "Messages that entered",
       [](const ResourceMetrics& m) { return double(m.matched.Get()); }},
      {"success_total", "counter", "Messages acknowledged by the remote",
       [](const ResourceMetrics& m) { return double(m.success.Get()); }},
      {"failed_total", "counter", "Messages that failed",
       [](const ResourceMetrics& m) { return double(m.failed.Get()); }},
      {"retried_total", "counter", "Retries",
       [](const ResourceMetrics& m) { return double(m.retried.Get()); }},
      {"late_reply_total", "counter", "Acknowledgements that arrived after request_ttl",
       [](const ResourceMetrics& m) { return double(m.late_reply.Get()); }},
      {"dropped_expired_total", "counter", "Messages dropped because request_ttl passed",
       [](const ResourceMetrics& m) { return double(m.dropped_expired.Get()); }},
      {"dropped_queue_full_total", "counter", "Oldest messages dropped over max_buffer_bytes",
       [](const ResourceMetrics& m) { return double(m.dropped_queue_full.Get()); }},
      {"dropped_other_total", "counter", "Messages dropped for other reasons",
       [](const ResourceMetrics& m) {
         return double(m.dropped_other.Get() + m.dropped_resource_not_found.Get() +
                       m.dropped_resource_stopped.Get());
       }},
      {"received_total", "counter", "Messages received from the remote (sources)",
       [](const ResourceMetrics& m) { return double(m.received.Get()); }},
      {"template_missing_vars_total", "counter", "Template variables that rendered empty",
       [](const ResourceMetrics& m) { return double(m.template_missing_vars.Get()); }},
      {"queuing", "gauge", "Messages waiting in the buffer",
       [](const ResourceMetrics& m) { return double(m.queuing.Get()); }},
      {"queuing_bytes", "gauge", "Bytes waiting in the buffer",
       [](const ResourceMetrics& m) { return double(m.queuing_bytes.Get()); }},
      {"inflight", "gauge", "Messages sent and awaiting acknowledgement",
       [](const ResourceMetrics& m) { return double(m.inflight.Get()); }},
  };
  for (const char* kind : {"action", "source"}) {
    for (const auto& f : kRes) {
      std::string name = std::string("mqbridge_") + kind + "_" + f.suffix;
      p.Family(name.c_str(), f.type, f.help);
      auto emit = [&](const std::string& n, const ResourceMetrics& m) {
        p.Sample(name.c_str(), kind, n, f.get(m));
      };
      if (kind[0] == 'a') {
        r.ForEachAction(emit);
      } else {
        r.ForEachSource(emit);
      }
    }
  }
  p.Family("mqbridge_connector_up", "gauge", "1 when every pool connection is connected");
  r.ForEachConnector([&](const std::string& n, const ConnectorState& c) {
    p.Sample("mqbridge_connector_up", "connector", n,
             c.status.load() == ResourceStatus::kConnected ? 1 : 0);
  });
  p.Family("mqbridge_connector_connected_clients", "gauge", "Pool connections that are up");
  r.ForEachConnector([&](const std::string& n, const ConnectorState& c) {
    p.Sample("mqbridge_connector_connected_clients", "connector", n,
             double(c.connected_clients.Get()));
  });
  p.Family("mqbridge_rules_matched_total", "counter", "Messages matched by any rule");
  p.Sample("mqbridge_rules_matched_total", "node", node, double(r.rules_matched.Get()));
  p.Family("mqbridge_republish_template_missing_vars_total", "counter",
           "Republish template variables that were missing and rendered empty");
  p.Sample("mqbridge_republish_template_missing_vars_total", "node", node,
           double(r.republish_missing_vars.Get()));
  return std::move(p.str());
}

}  // namespace mqb::engine
