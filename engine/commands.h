// The mqbridge subcommands, separated from argument parsing so tests can call them.
// Each returns the process exit code and prints to stdout (results) or stderr (diagnostics).
#pragma once

#include <string>
#include <string_view>

namespace mqb::engine {

inline constexpr std::string_view kVersion = "0.1.0";

// mqbridge check -c FILE: 0 valid (warnings printed), 1 invalid (the error printed).
int RunCheck(const std::string& config_path);

struct SqlCommand {
  std::string sql;
  std::string context;  // JSON object; empty: all defaults
  std::string context_file;
};
// mqbridge sql: 0 and the output JSON; 1 "no match"; 2 SQL or evaluation error.
int RunSql(const SqlCommand& cmd);

struct ConnectorTestCommand {
  std::string server;
  bool tls = false;
  bool insecure = false;
  std::string cacertfile, certfile, keyfile, sni;
  std::string username, password;
  std::string proto_ver = "v4";
  std::string clientid;
  std::string timeout = "10s";
};
// mqbridge connector test: 0 "connector available"; 1 the reason it is not; 2 bad options.
int RunConnectorTest(const ConnectorTestCommand& cmd);

}  // namespace mqb::engine

namespace mqb::engine {

// mqbridge admins add|passwd|del|list: manages the API users in <node.data_dir>/users (see
// engine/api/auth_store.h); a running mqbridge sees the change at its next start.
struct AdminsCommand {
  std::string action;       // "add" | "passwd" | "del" | "list"
  std::string username;     // all but list
  std::string config_path;  // node.data_dir comes from here ...
  std::string data_dir;     // ... or is given directly
  std::string password;     // add, passwd: one of these, else prompted (TTY) or read (stdin)
  std::string password_file;
  std::string role = "administrator";  // add
  std::string description;             // add
};
// 0 done; 1 the reason it failed; 2 bad options.
int RunAdmins(const AdminsCommand& cmd);

}  // namespace mqb::engine
