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

  mqb::engine::SqlCommand sql;
  auto* sqlcmd = app.add_subcommand(
      "sql", "Run a rule on a sample message and print its output (EMQX's rule tester)");
  sqlcmd->add_option("--sql", sql.sql, "The rule, e.g. 'SELECT payload.x FROM \"t/#\"'")
      ->required();
  auto* ctx = sqlcmd->add_option("--context", sql.context,
                                 "Event columns as JSON; missing ones get defaults");
  sqlcmd->add_option("--context-file", sql.context_file, "Read the context JSON from a file")
      ->excludes(ctx);

  mqb::engine::ConnectorTestCommand probe;
  auto* connector = app.add_subcommand("connector", "Connector tools");
  connector->require_subcommand(1);
  auto* test = connector->add_subcommand(
      "test", "Connect once to a remote broker and say whether the connector is available");
  test->add_option("--server", probe.server, "host[:port], or an mqtt:// / mqtts:// URL")
      ->required();
  test->add_flag("--tls", probe.tls, "Use TLS");
  test->add_option("--cacert", probe.cacertfile, "CA certificate file (enables verification)");
  test->add_option("--cert", probe.certfile, "Client certificate file (mutual TLS)");
  test->add_option("--key", probe.keyfile, "Client private key file");
  test->add_option("--sni", probe.sni, "TLS server name (default: the server host)");
  test->add_flag("--insecure", probe.insecure, "Do not verify the server certificate");
  test->add_option("--username", probe.username, "Username");
  test->add_option("--password", probe.password, "Password (or file:///path)");
  test->add_option("--proto-ver", probe.proto_ver, "v3 | v4 | v5 (default v4)")
      ->check(CLI::IsMember({"v3", "v4", "v5"}));
  test->add_option("--clientid", probe.clientid, "Client id (default: generated)");
  test->add_option("--timeout", probe.timeout, "Connect timeout (default 10s)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  if (*check) return mqb::engine::RunCheck(config_path);
  if (*run) return mqb::engine::RunBridge(run_config);
  if (*sqlcmd) return mqb::engine::RunSql(sql);
  if (*test) return mqb::engine::RunConnectorTest(probe);
  return 2;
}
