// The mqbridge executable and its subcommands.
//
// Exit codes: 0 success; 1 "negative answer" (sql: no match; connector test: not available;
// check: invalid config); 2 usage or evaluation errors (sql: SQL error).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/bridge/run.h"
#include "engine/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"mqbridge: a high-throughput MQTT bridge and data-integration engine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(mqb::engine::kVersion));

  std::string config_path;
  auto* check = app.add_subcommand("check", "Validate a configuration file and print warnings");
  check->add_option("-c,--config", config_path, "Configuration file (TOML)")->required();

  std::string run_config;
  auto* run = app.add_subcommand("run", "Run the bridge (embedded broker, connectors, rules)");
  run->add_option("-c,--config", run_config, "Configuration file (TOML)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  if (*check) return mqb::engine::RunCheck(config_path);
  if (*run) return mqb::engine::RunBridge(run_config);
  return 2;
}
