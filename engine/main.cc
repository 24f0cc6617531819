// The mqbridge executable and its subcommands.
//
// Exit codes: 0 success; 1 "negative answer" (sql: no match; connector test: not available;
// check: invalid config; admins: the change was refused); 2 usage or evaluation errors (sql: SQL
// error).
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

  mqb::engine::AdminsCommand admins_cmd;
  auto* admins = app.add_subcommand(
      "admins", "Manage the users of the management API (in node.data_dir; no default user)");
  admins->require_subcommand(1);
  auto admins_sub = [&](const std::string& name, const std::string& help) {
    auto* sub = admins->add_subcommand(name, help);
    if (name != "list") {
      sub->add_option("username", admins_cmd.username, "User name")->required();
    }
    auto* cfg = sub->add_option("-c,--config", admins_cmd.config_path,
                                "Configuration file (TOML) whose node.data_dir holds the users");
    sub->add_option("--data-dir", admins_cmd.data_dir, "The data directory itself")->excludes(cfg);
    return sub;
  };
  auto add_password = [&](CLI::App* sub) {
    auto* pw = sub->add_option("--password", admins_cmd.password,
                               "The password (visible to other local users; prefer a file)");
    sub->add_option("--password-file", admins_cmd.password_file,
                    "Read the password from a file (its trailing newline is dropped)")
        ->excludes(pw);
  };
  auto* admins_add = admins_sub("add",
                                "Add a user; the password is prompted for or read from stdin "
                                "unless given");
  add_password(admins_add);
  admins_add->add_option("--role", admins_cmd.role, "administrator (default) | viewer")
      ->check(CLI::IsMember({"administrator", "viewer"}));
  admins_add->add_option("--description", admins_cmd.description, "Free text");
  add_password(admins_sub("passwd", "Change a user's password"));
  admins_sub("del", "Delete a user (not the last administrator)");
  admins_sub("list", "List the users and their roles");

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
  if (*admins) {
    admins_cmd.action = admins->get_subcommands().front()->get_name();
    return mqb::engine::RunAdmins(admins_cmd);
  }
  return 2;
}
