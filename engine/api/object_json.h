// The management API's object shapes, as EMQX 5's /api/v5 has them.
//
// JsonToToml turns a request body into the TOML table the configuration loader reads, so that an
// object sent to the API is validated exactly as the same object in the file. EMQX's envelope
// keys (type, name, id) and the read-only keys of responses (status, node_status, ...) are
// removed; null values mean "not set". A rule's republish action may use EMQX's
// {"function": "republish", "args": {...}}.
//
// The *Json writers render one object with every default filled in, secrets as "******".
//
// Thread-safety: pure functions.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/config.h"
#include "engine/json_writer.h"
#include "engine/managed_config.h"

namespace mqb::engine {

inline constexpr std::string_view kMaskedSecret = "******";

// The body must be a JSON object. Error: "invalid JSON: why" / "the body must be a JSON object".
Result<toml::table, std::string> JsonToToml(std::string_view json, ObjectKind kind);

// Puts back the stored secrets where `object` carries "******" (from `stored`, which may be
// null: then a masked secret is an error naming the key).
Result<void, std::string> KeepSecrets(toml::table& object, const toml::table* stored,
                                      const std::string& path);

// "15s", "500ms", "infinity".
std::string FormatDuration(Duration d);

void WriteConnectorConfig(JsonWriter& w, const ConnectorConfig& c);
void WriteActionConfig(JsonWriter& w, const MqttActionConfig& a);
void WriteSourceConfig(JsonWriter& w, const MqttSourceConfig& s);
void WriteRuleConfig(JsonWriter& w, const RuleConfig& r);

}  // namespace mqb::engine
