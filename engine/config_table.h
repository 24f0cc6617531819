// Configuration loading in steps, for callers that combine several sources into one table
// before validating it (the operator's file and the managed layer of API changes).
//
// Thread-safety: pure functions.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/config.h"

namespace mqb::engine {

// Reads a whole file ("path: cannot open the config file" when it cannot).
Result<std::string, std::string> ReadConfigFile(const std::string& path);
// Parses TOML text into a table ("origin:line:col: why" on a syntax error).
Result<toml::table, std::string> ParseConfigTable(std::string_view text, const std::string& origin);
// Validates a parsed table (which may combine several files and API objects: each value's own
// source names it in messages; values without a position are named by their key path alone).
Result<Config, std::string> LoadConfigTable(const toml::table& root, const std::string& origin);

}  // namespace mqb::engine
