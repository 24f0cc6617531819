// Plan: the configuration compiled for the data path. Rules are compiled once (RuleProgram),
// templates parsed once, and every name is resolved to an index, so the data path never looks
// anything up by name.
//
//   connectors[i]  enabled MQTT connectors by stable slot (ConnectorSlots: the index of the
//                  connector's pool in the Bridge; null where the slot's connector is disabled
//                  or gone), so a connector keeps its index across configuration changes
//   sinks[i]       MQTT sink actions with their templates and resource options
//   sources[i]     MQTT sources with their hookpoint ("$bridges/mqtt:<name>") and the rules that
//                  read it
//   rules[i]       rules with their actions; local_rules: those with a topic FROM entry
//
// A reload builds a new Plan; batches keep the plan that rendered them (shared_ptr), so a message
// queued before a reload is sent and counted under the actions it was rendered for. Source
// events cross the reload window by a stable source id (SourceIds): the id of a source name never
// changes while the process runs.
//
// Thread-safety: immutable after Build(); shared read-only by every pipeline worker.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/config.h"
#include "engine/metrics.h"
#include "rules/event_catalog.h"
#include "rules/program.h"
#include "rules/template.h"

namespace mqb::engine::bridge {

struct SinkPlan {
  std::string name;
  int connector = -1;  // index into Plan::connectors, -1: connector disabled
  bool enable = true;
  rules::Template topic, qos, retain, payload;
  bool has_payload = false;  // unset: the rule output as JSON
  int qos_literal = -1;      // 0..2, or -1: from the qos template
  int retain_literal = -1;   // 0/1, or -1: from the retain template
  Duration request_ttl{45'000};
  uint64_t max_buffer_bytes = 256ull << 20;
  ResourceMetrics* metrics = nullptr;
};

struct RuleActionPlan {
  RuleActionConfig::Kind kind = RuleActionConfig::Kind::kMqtt;
  int sink = -1;  // kMqtt: index into Plan::sinks
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
  int id = -1;            // stable id (SourceIds) carried by the source's events
  std::string hookpoint;  // "$bridges/mqtt:<name>"
  int connector = -1;
  std::string topic;   // as configured (may be $share/g/f)
  std::string filter;  // the filter messages are matched against ($share/g/ stripped)
  bool shared = false;
  int qos = 1;
  bool no_local = false, retain_as_published = true;
  std::vector<int> rules;  // rules whose FROM names the hookpoint
  ResourceMetrics* metrics = nullptr;
};

// Stable ids of names (sources, connectors), assigned on first sight and never reused (owner
// thread only).
class StableIds {
 public:
  int Get(const std::string& name) {
    auto [it, inserted] = ids_.try_emplace(name, static_cast<int>(ids_.size()));
    return it->second;
  }

 private:
  std::map<std::string, int> ids_;
};
using SourceIds = StableIds;
using ConnectorSlots = StableIds;

struct Plan {
  std::shared_ptr<const Config> config;  // what the plan was built from
  std::string node;
  std::vector<const ConnectorConfig*> connectors;
  std::vector<SinkPlan> sinks;
  std::vector<SourcePlan> sources;
  std::vector<int> source_by_id;  // stable id -> index into sources, -1: none
  std::vector<RulePlan> rules;
  std::vector<int> local_rules;            // rules with at least one topic FROM entry
  std::vector<std::string> local_filters;  // all those topic filters (WantsTopic)
  // Rules per broker event type ("$events/..." FROM entries), and the types any rule reads.
  std::array<std::vector<int>, rules::kBrokerEventCount> event_rules;
  uint32_t event_mask = 0;
  Counter* rules_matched = nullptr;  // the global rules.matched counter
  Counter* republish_missing_vars = nullptr;

  int ConnectorIndex(const std::string& name) const;
  // The source with stable id `id`, or null (removed or disabled by a reload).
  const SourcePlan* SourceById(int id) const {
    if (id < 0 || static_cast<size_t>(id) >= source_by_id.size() || source_by_id[id] < 0) {
      return nullptr;
    }
    return &sources[source_by_id[id]];
  }
  // True if some rule's FROM filter matches the local topic.
  bool WantsTopic(std::string_view topic) const;

  // Compiles `config` and creates (or finds) the metric blocks.
  static Result<std::shared_ptr<const Plan>, std::string> Build(
      std::shared_ptr<const Config> config, MetricsRegistry& metrics, SourceIds& source_ids,
      ConnectorSlots& connector_slots);
};

}  // namespace mqb::engine::bridge
