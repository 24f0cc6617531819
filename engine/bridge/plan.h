// Plan: the configuration compiled for the data path. Rules are compiled once (RuleProgram),
// templates parsed once, and every name is resolved to an index, so the data path never looks
// anything up by name.
//
//   connectors[i]  enabled MQTT connectors (index = the pool's index in the Bridge)
//   sinks[i]       MQTT sink actions with their templates and resource options
//   sources[i]     MQTT sources with their hookpoint ("$bridges/mqtt:<name>") and the rules that
//                  read it
//   rules[i]       rules with their actions; local_rules: those with a topic FROM entry
//
// Thread-safety: immutable after Build(); shared read-only by every pipeline worker.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/config.h"
#include "engine/metrics.h"
#include "rules/program.h"
#include "rules/template.h"

namespace mqb::engine::bridge {

struct SinkPlan {
  std::string name;
  int connector = -1;            // index into Plan::connectors, -1: connector disabled
  bool enable = true;
  rules::Template topic, qos, retain, payload;
  bool has_payload = false;      // unset: the rule output as JSON
  int qos_literal = -1;          // 0..2, or -1: from the qos template
  int retain_literal = -1;       // 0/1, or -1: from the retain template
  Duration request_ttl{45'000};
  uint64_t max_buffer_bytes = 256ull << 20;
  ResourceMetrics* metrics = nullptr;
};

struct RuleActionPlan {
  RuleActionConfig::Kind kind = RuleActionConfig::Kind::kMqtt;
  int sink = -1;                 // kMqtt: index into Plan::sinks
  // kRepublish:
  rules::Template topic, qos, retain, payload;
  std::vector<std::pair<std::string, rules::Template>> user_properties;
};

struct RulePlan {
  std::string name;
  std::shared_ptr<const rules::RuleProgram> program;
  std::vector<RuleActionPlan> actions;
  RuleMetrics* metrics = nullptr;
};

struct SourcePlan {
  std::string name;
  std::string hookpoint;         // "$bridges/mqtt:<name>"
  int connector = -1;
  std::string topic;             // as configured (may be $share/g/f)
  std::string filter;            // the filter messages are matched against ($share/g/ stripped)
  bool shared = false;
  int qos = 1;
  bool no_local = false, retain_as_published = true;
  std::vector<int> rules;        // rules whose FROM names the hookpoint
  ResourceMetrics* metrics = nullptr;
};

struct Plan {
  std::string node;
  std::vector<const ConnectorConfig*> connectors;
  std::vector<SinkPlan> sinks;
  std::vector<SourcePlan> sources;
  std::vector<RulePlan> rules;
  std::vector<int> local_rules;              // rules with at least one topic FROM entry
  std::vector<std::string> local_filters;    // all those topic filters (WantsTopic)
  Counter* rules_matched = nullptr;          // the global rules.matched counter

  int ConnectorIndex(const std::string& name) const;
  // True if some rule's FROM filter matches the local topic.
  bool WantsTopic(std::string_view topic) const;

  // Compiles `config` (which must outlive the plan) and creates the metric blocks.
  static Result<std::unique_ptr<Plan>, std::string> Build(const Config& config,
                                                          MetricsRegistry& metrics);
};

}  // namespace mqb::engine::bridge
