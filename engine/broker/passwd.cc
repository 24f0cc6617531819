#include "engine/broker/passwd.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace mqb::engine::broker {
namespace {

Result<std::vector<std::string>, std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  if (!in) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return lines;  // a new file
    return Err(std::string("cannot read ") + path);
  }
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

Result<void, std::string> WriteLines(const std::string& path,
                                     const std::vector<std::string>& lines) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Err("cannot write " + tmp);
  chmod(tmp.c_str(), 0600);
  for (const std::string& l : lines) std::fprintf(f, "%s\n", l.c_str());
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Err("cannot write " + path);
  }
  return {};
}

}  // namespace

Result<void, std::string> AddPasswordFileUser(const std::string& path, std::string_view user,
                                              std::string_view password, uint32_t iterations) {
  if (user.empty() || user.find(':') != std::string_view::npos ||
      user.find('\n') != std::string_view::npos) {
    return Err(std::string("invalid user name (empty, or contains ':' or a newline)"));
  }
  auto hash = HashPassword(password, iterations);
  if (!hash.ok()) return Err(hash.error());
  auto lines = ReadLines(path);
  if (!lines.ok()) return Err(lines.error());
  std::string entry = std::string(user) + ":" + hash.value();
  bool replaced = false;
  for (std::string& l : lines.value()) {
    if (l.size() > user.size() && l.compare(0, user.size(), user) == 0 && l[user.size()] == ':') {
      l = entry;
      replaced = true;
    }
  }
  if (!replaced) lines.value().push_back(entry);
  return WriteLines(path, lines.value());
}

Result<void, std::string> RemovePasswordFileUser(const std::string& path, std::string_view user) {
  auto lines = ReadLines(path);
  if (!lines.ok()) return Err(lines.error());
  std::vector<std::string> kept;
  bool found = false;
  for (std::string& l : lines.value()) {
    if (l.size() > user.size() && l.compare(0, user.size(), user) == 0 && l[user.size()] == ':') {
      found = true;
    } else {
      kept.push_back(std::move(l));
    }
  }
  if (!found) return Err("no user '" + std::string(user) + "' in " + path);
  return WriteLines(path, kept);
}

}  // namespace mqb::engine::broker
