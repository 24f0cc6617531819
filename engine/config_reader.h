// TableReader: typed, position-aware access to one TOML table during config loading.
//
// Every getter records the key as known; Finish() reports the first key that no getter asked for
// ("unknown key"), so typos never pass silently. Errors carry "origin:line:col: path.key: why".
// Used only at start-up and reload; it throws nothing and allocates freely.
//
// Thread-safety: none; one reader per table, on one thread.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/units.h"

namespace mqb::engine {

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, std::string origin, std::string* error)
      : table_(table), path_(std::move(path)), origin_(std::move(origin)), error_(error) {}

  bool failed() const { return !error_->empty(); }
  const std::string& path() const { return path_; }
  int line() const { return static_cast<int>(table_.source().begin.line); }

  bool Has(const std::string& key) const { return table_.contains(key); }
  // Marks a key as known without reading it (for keys read by other means).
  void Known(const std::string& key) { known_.insert(key); }

  void String(const std::string& key, std::string& out);
  void OptString(const std::string& key, std::optional<std::string>& out);
  // Like OptString, but "file:///path" is replaced by the file's content (trailing whitespace
  // stripped). Never echoes the secret in messages.
  void Secret(const std::string& key, std::optional<std::string>& out);
  void Bool(const std::string& key, bool& out);
  void Int(const std::string& key, int& out, int64_t min, int64_t max);
  void Duration(const std::string& key, engine::Duration& out, engine::Duration min,
                engine::Duration max);
  void ByteSize(const std::string& key, uint64_t& out);
  void StringList(const std::string& key, std::vector<std::string>& out);
  // A value that may be a literal of another type or a template string; stored as text.
  void Scalar(const std::string& key, std::string& out);

  const toml::table* Table(const std::string& key);
  const toml::array* Array(const std::string& key);

  // Records an error at `node` (or this table when null), unless one is already recorded.
  void Fail(const std::string& key, const std::string& why, const toml::node* node = nullptr);
  // Reports the first unknown key; call after all getters.
  void Finish();

  std::string Where(const toml::node* node) const;

 private:
  const toml::node* Get(const std::string& key);

  const toml::table& table_;
  std::string path_;
  std::string origin_;
  std::string* error_;
  std::set<std::string> known_;
};

}  // namespace mqb::engine
