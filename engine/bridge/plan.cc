#include "engine/bridge/plan.h"

#include <charconv>

#include "codec/topic.h"
#include "rules/event_catalog.h"

namespace mqb::engine::bridge {
namespace {

// A literal qos ("0".."2") or -1 when the text is a template.
int LiteralQos(const rules::Template& t) {
  if (t.IsSinglePlaceholder()) return -1;
  const std::string& s = t.source();
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 2) return 1;
  return v;
}

int LiteralRetain(const rules::Template& t) {
  if (t.IsSinglePlaceholder()) return -1;
  return t.source() == "true" ? 1 : 0;
}

bool IsBridgeFrom(std::string_view from) {
  return from.starts_with("$bridges/") || from.starts_with("$sources/") ||
         from.starts_with("$events/");
}

}  // namespace

int Plan::ConnectorIndex(const std::string& name) const {
  for (size_t i = 0; i < connectors.size(); ++i) {
    if (connectors[i] != nullptr && connectors[i]->name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Plan::WantsTopic(std::string_view topic) const {
  for (const std::string& f : local_filters) {
    if (codec::TopicMatches(f, topic)) return true;
  }
  return false;
}

Result<std::shared_ptr<const Plan>, std::string> Plan::Build(
    std::shared_ptr<const Config> shared_config, MetricsRegistry& metrics, SourceIds& source_ids,
    ConnectorSlots& connector_slots) {
  const Config& config = *shared_config;
  auto plan = std::make_shared<Plan>();
  plan->config = std::move(shared_config);
  plan->node = config.node.name;
  plan->rules_matched = &metrics.rules_matched;
  plan->republish_missing_vars = &metrics.republish_missing_vars;
  for (const auto& [name, c] : config.connectors) {
    if (!c.enable) continue;
    const size_t slot = static_cast<size_t>(connector_slots.Get(name));
    if (plan->connectors.size() <= slot) plan->connectors.resize(slot + 1, nullptr);
    plan->connectors[slot] = &c;
  }

  std::map<std::string, int> sink_index;
  for (const auto& [name, a] : config.actions) {
    SinkPlan s;
    s.name = name;
    s.enable = a.enable;
    s.connector = plan->ConnectorIndex(a.connector);
    s.topic = rules::Template::Parse(a.topic);
    s.qos = rules::Template::Parse(a.qos);
    s.retain = rules::Template::Parse(a.retain);
    s.has_payload = a.payload.has_value();
    if (s.has_payload) s.payload = rules::Template::Parse(*a.payload);
    s.qos_literal = LiteralQos(s.qos);
    s.retain_literal = LiteralRetain(s.retain);
    s.request_ttl = a.resource_opts.request_ttl;
    s.max_buffer_bytes = a.resource_opts.max_buffer_bytes;
    s.metrics = metrics.Action(name);
    sink_index[name] = static_cast<int>(plan->sinks.size());
    plan->sinks.push_back(std::move(s));
  }

  for (const auto& [name, src] : config.sources) {
    if (!src.enable) continue;
    SourcePlan s;
    s.name = name;
    s.hookpoint = "$bridges/mqtt:" + name;
    s.connector = plan->ConnectorIndex(src.connector);
    if (s.connector < 0) continue;  // its connector is disabled
    s.topic = src.topic;
    s.filter = src.topic;
    auto shared = codec::ParseSharedSubscription(src.topic);
    if (shared.ok() && shared.value().has_value()) {
      s.shared = true;
      s.filter = std::string(shared.value()->filter);
    } else if (src.topic.starts_with("$queue/")) {
      s.shared = true;
      s.filter = src.topic.substr(7);
    }
    s.qos = src.qos > 1 ? 1 : src.qos;
    s.no_local = src.no_local;
    s.retain_as_published = src.retain_as_published;
    s.metrics = metrics.Source(name);
    s.id = source_ids.Get(name);
    if (plan->source_by_id.size() <= static_cast<size_t>(s.id)) {
      plan->source_by_id.resize(s.id + 1, -1);
    }
    plan->source_by_id[s.id] = static_cast<int>(plan->sources.size());
    plan->sources.push_back(std::move(s));
  }

  for (const auto& [name, r] : config.rules) {
    if (!r.enable) continue;
    rules::CompileOptions opts;
    opts.rule_id = name;
    auto program = rules::RuleProgram::Compile(r.sql, opts);
    if (!program.ok()) {
      const std::string at =
          r.line > 0 ? config.path + ":" + std::to_string(r.line) + ": " : std::string();
      return Err(at + "rules." + name + ".sql: " + program.error().ToString());
    }
    RulePlan rp;
    rp.name = name;
    rp.program = program.value();
    rp.metrics = metrics.Rule(name);
    for (const RuleActionConfig& ac : r.actions) {
      RuleActionPlan ap;
      ap.kind = ac.kind;
      if (ac.kind == RuleActionConfig::Kind::kMqtt) {
        auto it = sink_index.find(ac.action);
        if (it == sink_index.end()) {
          return Err(config.path + ":" + std::to_string(r.line) + ": rules." + name +
                     ": unknown action mqtt:" + ac.action);
        }
        ap.sink = it->second;
      } else if (ac.kind == RuleActionConfig::Kind::kRepublish) {
        ap.topic = rules::Template::Parse(ac.topic);
        ap.qos = rules::Template::Parse(ac.qos);
        ap.retain = rules::Template::Parse(ac.retain);
        ap.payload = rules::Template::Parse(ac.payload.empty() ? "${.}" : ac.payload);
        for (const auto& [k, v] : ac.user_properties) {
          ap.user_properties.emplace_back(k, rules::Template::Parse(v));
        }
      }
      rp.actions.push_back(std::move(ap));
    }
    const int index = static_cast<int>(plan->rules.size());
    bool local = false;
    uint32_t events = 0;
    for (const std::string& from : rp.program->from()) {
      if (from.starts_with("$events/")) {
        const uint32_t mask = rules::EventMaskOfFrom(from);
        if (mask == 0) {
          std::string known;
          for (const rules::EventInfo& e : rules::BrokerEvents()) {
            known += (known.empty() ? "" : ", ") + std::string(e.topic);
          }
          const std::string at =
              r.line > 0 ? config.path + ":" + std::to_string(r.line) + ": " : std::string();
          return Err(at + "rules." + name + ".sql: FROM \"" + from + "\" names no event (" + known +
                     ", or their $events/<group>/<name> forms)");
        }
        events |= mask;
      }
      if (IsBridgeFrom(from)) continue;
      local = true;
      plan->local_filters.push_back(from);
    }
    if (local) plan->local_rules.push_back(index);
    for (size_t t = 0; t < rules::kBrokerEventCount; ++t) {
      if ((events >> t) & 1u) plan->event_rules[t].push_back(index);
    }
    plan->event_mask |= events;
    for (SourcePlan& s : plan->sources) {
      if (rp.program->MatchesFrom(s.hookpoint, true) ||
          rp.program->MatchesFrom("$sources/mqtt:" + s.name, true)) {
        s.rules.push_back(index);
      }
    }
    plan->rules.push_back(std::move(rp));
  }
  return std::shared_ptr<const Plan>(std::move(plan));
}

}  // namespace mqb::engine::bridge
