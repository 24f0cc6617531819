#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/api/auth_store.h"
#include "engine/commands.h"
#include "engine/config.h"

namespace mqb::engine {
namespace {

// Strips the line terminators a file or a terminal adds; other whitespace belongs to the password.
std::string StripNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

Result<std::string, std::string> DataDir(const AdminsCommand& cmd) {
  if (!cmd.data_dir.empty()) return cmd.data_dir;
  auto cfg = LoadConfig(cmd.config_path);
  if (!cfg.ok()) return Err(cfg.error());
  return cfg->node.data_dir;
}

// Reads one line from the terminal on stdin with echo off.
Result<std::string, std::string> Prompt(const char* label) {
  std::fprintf(stderr, "%s", label);
  std::fflush(stderr);
  termios saved{};
  if (::tcgetattr(STDIN_FILENO, &saved) != 0) return Err(std::string("cannot read the terminal"));
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::fprintf(stderr, "\n");
  if (!read) return Err(std::string("no password entered"));
  return StripNewline(std::move(line));
}

// The new password from --password, --password-file, a prompt (twice) or stdin's first line.
Result<std::string, std::string> NewPassword(const AdminsCommand& cmd) {
  if (!cmd.password.empty()) return cmd.password;
  if (!cmd.password_file.empty()) {
    std::ifstream in(cmd.password_file);
    if (!in) return Err("cannot read " + cmd.password_file);
    std::ostringstream content;
    content << in.rdbuf();
    return StripNewline(content.str());
  }
  if (::isatty(STDIN_FILENO)) {
    auto first = Prompt("New password: ");
    if (!first.ok()) return first;
    auto second = Prompt("Repeat password: ");
    if (!second.ok()) return second;
    if (first.value() != second.value()) return Err(std::string("the passwords do not match"));
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) return Err(std::string("no password on stdin"));
  return StripNewline(std::move(line));
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "usage: %s\n", message.c_str());
  return 2;
}

}  // namespace

int RunAdmins(const AdminsCommand& cmd) {
  if (cmd.config_path.empty() == cmd.data_dir.empty()) {
    return Usage("give exactly one of -c/--config and --data-dir");
  }
  const bool needs_user = cmd.action == "add" || cmd.action == "passwd" || cmd.action == "del";
  if (!needs_user && cmd.action != "list") return Usage("admins add|passwd|del|list");
  if (needs_user && cmd.username.empty()) return Usage("admins " + cmd.action + " USERNAME");
  const auto role = ParseRole(cmd.role);
  if (!role) return Usage("--role must be administrator or viewer");

  auto dir = DataDir(cmd);
  if (!dir.ok()) return Fail(dir.error());
  AuthOptions options;
  options.data_dir = dir.value();
  auto store = AuthStore::Open(options);
  if (!store.ok()) return Fail(store.error());
  AuthStore& auth = *store.value();

  if (cmd.action == "list") {
    for (const UserInfo& u : auth.Users()) {
      std::printf("%s\t%s\t%s\n", u.username.c_str(), RoleName(u.role), u.description.c_str());
    }
    return 0;
  }
  if (cmd.action == "del") {
    auto deleted = auth.DeleteUser(cmd.username);
    if (!deleted.ok()) return Fail(deleted.error());
    std::printf("user %s deleted\n", cmd.username.c_str());
    return 0;
  }
  auto password = NewPassword(cmd);
  if (!password.ok()) return Fail(password.error());
  if (cmd.action == "add") {
    auto added = auth.AddUser(cmd.username, password.value(), *role, cmd.description);
    if (!added.ok()) return Fail(added.error());
    std::printf("user %s added (%s)\n", cmd.username.c_str(), RoleName(*role));
    return 0;
  }
  auto changed = auth.ChangePassword(cmd.username, password.value());
  if (!changed.ok()) return Fail(changed.error());
  std::printf("password of %s changed\n", cmd.username.c_str());
  return 0;
}

}  // namespace mqb::engine
