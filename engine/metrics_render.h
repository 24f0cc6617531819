// Renders the metrics registry as JSON (EMQX's metric names) and as Prometheus text.
//
// Thread-safety: safe to call from any thread (reads atomics and the registry under its mutex).
#pragma once

#include <string>

#include "engine/json_writer.h"
#include "engine/metrics.h"

namespace mqb::engine {

void WriteRuleMetrics(JsonWriter& w, const RuleMetrics& m);
void WriteResourceMetrics(JsonWriter& w, const ResourceMetrics& m, bool is_source);
void WriteConnectorState(JsonWriter& w, const ConnectorState& c);

// {"rules": {name: {...}}, "actions": {...}, "sources": {...}, "connectors": {...}}
std::string MetricsJson(const MetricsRegistry& r);

// Prometheus text exposition format 0.0.4: mqbridge_rule_matched_total{rule="x"} 12 ...
std::string MetricsPrometheus(const MetricsRegistry& r, const std::string& node);

}  // namespace mqb::engine
