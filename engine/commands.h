// The mqbridge subcommands, separated from argument parsing so tests can call them.
// Each returns the process exit code and prints to stdout (results) or stderr (diagnostics).
#pragma once

#include <string>
#include <string_view>

namespace mqb::engine {

inline constexpr std::string_view kVersion = "0.1.0";

// mqbridge check -c FILE: 0 valid (warnings printed), 1 invalid (the error printed).
int RunCheck(const std::string& config_path);

}  // namespace mqb::engine
