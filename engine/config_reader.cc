#include "engine/config_reader.h"

#include <fstream>
#include <sstream>

namespace mqb::engine {

std::string TableReader::Where(const toml::node* node) const {
  const auto& src = node ? node->source() : table_.source();
  // Values built from an API request have no position: the key path alone says where.
  if (src.begin.line == 0) return "";
  const std::string origin = src.path ? std::string(*src.path) : origin_;
  return origin + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

void TableReader::Fail(const std::string& key, const std::string& why, const toml::node* node) {
  if (failed()) return;
  std::string full = path_.empty() ? key : (key.empty() ? path_ : path_ + "." + key);
  const std::string where = Where(node);
  *error_ = (where.empty() ? "" : where + ": ") + full + ": " + why;
}

const toml::node* TableReader::Get(const std::string& key) {
  known_.insert(key);
  return table_.get(key);
}

void TableReader::String(const std::string& key, std::string& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  if (auto v = n->value<std::string>(); v && n->is_string()) {
    out = *v;
  } else {
    Fail(key, "expected a string", n);
  }
}

void TableReader::OptString(const std::string& key, std::optional<std::string>& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  if (n->is_string()) {
    out = *n->value<std::string>();
  } else {
    Fail(key, "expected a string", n);
  }
}

void TableReader::Secret(const std::string& key, std::optional<std::string>& out) {
  OptString(key, out);
  if (!out || out->rfind("file://", 0) != 0) return;
  std::string file = out->substr(7);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    Fail(key, "cannot read secret file " + file, table_.get(key));
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  out = s;
}

void TableReader::Bool(const std::string& key, bool& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  if (n->is_boolean()) {
    out = *n->value<bool>();
  } else {
    Fail(key, "expected true or false", n);
  }
}

void TableReader::Int(const std::string& key, int& out, int64_t min, int64_t max) {
  const toml::node* n = Get(key);
  if (!n) return;
  if (!n->is_integer()) {
    Fail(key, "expected an integer", n);
    return;
  }
  int64_t v = *n->value<int64_t>();
  if (v < min || v > max) {
    Fail(key,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
             std::to_string(v),
         n);
    return;
  }
  out = static_cast<int>(v);
}

void TableReader::Duration(const std::string& key, engine::Duration& out, engine::Duration min,
                           engine::Duration max) {
  const toml::node* n = Get(key);
  if (!n) return;
  std::optional<engine::Duration> d;
  if (n->is_integer()) {
    Fail(key,
         "a duration needs a unit: write \"" + std::to_string(*n->value<int64_t>()) + "s\" or \"" +
             std::to_string(*n->value<int64_t>()) + "ms\"",
         n);
    return;
  }
  if (n->is_string()) d = ParseDuration(*n->value<std::string>());
  if (!d) {
    Fail(key, "expected a duration such as \"15s\", \"100ms\", \"1m\" or \"infinity\"", n);
    return;
  }
  if (*d < min || (*d > max && *d != engine::Duration::max())) {
    Fail(key,
         "out of range (" + std::to_string(min.count()) + "ms.." + std::to_string(max.count()) +
             "ms)",
         n);
    return;
  }
  if (*d == engine::Duration::max() && max != engine::Duration::max()) {
    Fail(key, "\"infinity\" is not allowed here", n);
    return;
  }
  out = *d;
}

void TableReader::ByteSize(const std::string& key, uint64_t& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  std::optional<uint64_t> v;
  if (n->is_string()) {
    v = ParseByteSize(*n->value<std::string>());
  } else if (n->is_integer() && *n->value<int64_t>() >= 0) {
    v = static_cast<uint64_t>(*n->value<int64_t>());
  }
  if (!v) {
    Fail(key, "expected a size such as \"256MB\", \"64KB\" or a number of bytes", n);
    return;
  }
  out = *v;
}

void TableReader::StringList(const std::string& key, std::vector<std::string>& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  const toml::array* arr = n->as_array();
  if (!arr) {
    Fail(key, "expected a list of strings", n);
    return;
  }
  out.clear();
  for (const auto& e : *arr) {
    if (!e.is_string()) {
      Fail(key, "expected a list of strings", &e);
      return;
    }
    out.push_back(*e.value<std::string>());
  }
}

void TableReader::Scalar(const std::string& key, std::string& out) {
  const toml::node* n = Get(key);
  if (!n) return;
  if (n->is_string()) {
    out = *n->value<std::string>();
  } else if (n->is_integer()) {
    out = std::to_string(*n->value<int64_t>());
  } else if (n->is_boolean()) {
    out = *n->value<bool>() ? "true" : "false";
  } else {
    Fail(key, "expected a string, an integer or a boolean", n);
  }
}

const toml::table* TableReader::Table(const std::string& key) {
  const toml::node* n = Get(key);
  if (!n) return nullptr;
  if (!n->is_table()) {
    Fail(key, "expected a table", n);
    return nullptr;
  }
  return n->as_table();
}

const toml::array* TableReader::Array(const std::string& key) {
  const toml::node* n = Get(key);
  if (!n) return nullptr;
  if (!n->is_array()) {
    Fail(key, "expected a list", n);
    return nullptr;
  }
  return n->as_array();
}

void TableReader::Finish() {
  if (failed()) return;
  for (const auto& [k, v] : table_) {
    std::string key(k.str());
    if (!known_.count(key)) {
      Fail(key, "unknown key", &v);
      return;
    }
  }
}

}  // namespace mqb::engine
