#include "engine/api/management.h"

#include <spdlog/spdlog.h>

#include "engine/api/object_json.h"
#include "rules/program.h"

namespace mqb::engine {
namespace {

std::string Id(ObjectKind kind, const std::string& name) {
  return kind == ObjectKind::kRule ? name : "mqtt:" + name;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Rules whose FROM reads source `name`.
std::vector<std::string> RulesReading(const Config& c, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [rid, r] : c.rules) {
    rules::CompileOptions o;
    auto p = rules::RuleProgram::Compile(r.sql, o);
    if (!p.ok()) continue;
    for (const std::string& f : p.value()->from()) {
      if (f == "$bridges/mqtt:" + name || f == "$sources/mqtt:" + name) {
        out.push_back(rid);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> RulesUsing(const Config& c, const std::string& action) {
  std::vector<std::string> out;
  for (const auto& [rid, r] : c.rules) {
    for (const RuleActionConfig& a : r.actions) {
      if (a.kind == RuleActionConfig::Kind::kMqtt && a.action == action) {
        out.push_back(rid);
        break;
      }
    }
  }
  return out;
}

ApiError BadRequest(std::string message) {
  return ApiError{400, "BAD_REQUEST", std::move(message)};
}

}  // namespace

Management::Management(std::unique_ptr<ManagedConfig> store, bridge::Bridge* bridge)
    : store_(std::move(store)),
      bridge_(bridge),
      snapshot_(std::make_shared<const Config>(store_->config())) {}

std::shared_ptr<const Config> Management::config() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

std::string Management::Origin(ObjectKind kind, const std::string& name) const {
  std::lock_guard lock(mu_);
  return store_->FromApi(kind, name) ? "api" : "file";
}

bool Management::Exists(ObjectKind kind, const std::string& name) const {
  return store_->Raw(kind, name) != nullptr;
}

Result<void, ApiError> Management::Apply(ManagedConfig::Change change) {
  auto applied = bridge_->Apply(change.config);
  if (!applied.ok()) return Err(BadRequest(applied.error()));
  if (auto w = store_->Commit(std::move(change)); !w.ok()) {
    spdlog::error("management: {}; the previous configuration is applied again", w.error());
    (void)bridge_->Apply(store_->config());
    return Err(ApiError{500, "INTERNAL_ERROR", "cannot save the change: " + w.error()});
  }
  snapshot_ = std::make_shared<const Config>(store_->config());
  return {};
}

Result<ManagedConfig::Change, ApiError> Management::Propose(ObjectKind kind,
                                                            const std::string& name,
                                                            std::string_view body) const {
  auto object = JsonToToml(body, kind);
  if (!object.ok()) return Err(BadRequest(object.error()));
  if (auto k = KeepSecrets(object.value(), store_->Raw(kind, name), ObjectNoun(kind)); !k.ok()) {
    return Err(BadRequest(k.error()));
  }
  auto change = store_->Put(kind, name, std::move(object.value()));
  if (!change.ok()) return Err(BadRequest(change.error()));
  return std::move(change.value());
}

Result<void, ApiError> Management::Create(ObjectKind kind, const std::string& name,
                                          std::string_view body) {
  std::lock_guard lock(mu_);
  if (Exists(kind, name)) {
    return Err(ApiError{409, "ALREADY_EXISTS",
                        std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " already exists"});
  }
  auto change = Propose(kind, name, body);
  if (!change.ok()) return Err(change.error());
  if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
  spdlog::info("management: created {} {}", ObjectNoun(kind), Id(kind, name));
  return {};
}

Result<void, ApiError> Management::Update(ObjectKind kind, const std::string& name,
                                          std::string_view body) {
  std::lock_guard lock(mu_);
  if (!Exists(kind, name)) {
    return Err(ApiError{404, "NOT_FOUND",
                        std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " not found"});
  }
  auto change = Propose(kind, name, body);
  if (!change.ok()) return Err(change.error());
  if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
  spdlog::info("management: updated {} {}", ObjectNoun(kind), Id(kind, name));
  return {};
}

Result<void, ApiError> Management::Enable(ObjectKind kind, const std::string& name, bool enable) {
  std::lock_guard lock(mu_);
  const toml::table* stored = store_->Raw(kind, name);
  if (stored == nullptr) {
    return Err(ApiError{404, "NOT_FOUND",
                        std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " not found"});
  }
  toml::table object = *stored;
  object.insert_or_assign("enable", enable);
  auto change = store_->Put(kind, name, std::move(object));
  if (!change.ok()) return Err(BadRequest(change.error()));
  if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
  spdlog::info("management: {} {} {}", enable ? "enabled" : "disabled", ObjectNoun(kind),
               Id(kind, name));
  return {};
}

Result<void, ApiError> Management::Delete(ObjectKind kind, const std::string& name,
                                          bool also_delete_dep_actions) {
  std::lock_guard lock(mu_);
  if (!Exists(kind, name)) {
    return Err(ApiError{404, "NOT_FOUND",
                        std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " not found"});
  }
  const Config& c = store_->config();
  std::vector<std::string> rules_to_edit;
  if (kind == ObjectKind::kConnector) {
    std::vector<std::string> users;
    for (const auto& [n, a] : c.actions) {
      if (a.connector == name) users.push_back("action mqtt:" + n);
    }
    for (const auto& [n, s] : c.sources) {
      if (s.connector == name) users.push_back("source mqtt:" + n);
    }
    if (!users.empty()) {
      return Err(BadRequest("connector mqtt:" + name + " is still used by " + Join(users) +
                            "; delete those first"));
    }
  } else if (kind == ObjectKind::kAction) {
    rules_to_edit = RulesUsing(c, name);
    if (!rules_to_edit.empty() && !also_delete_dep_actions) {
      return Err(BadRequest("action mqtt:" + name + " is used by rule(s) " + Join(rules_to_edit) +
                            "; remove it from them first, or delete with "
                            "?also_delete_dep_actions=true"));
    }
  } else if (kind == ObjectKind::kSource) {
    const auto readers = RulesReading(c, name);
    if (!readers.empty()) {
      return Err(BadRequest("source mqtt:" + name + " is read by rule(s) " + Join(readers) +
                            "; change or delete them first"));
    }
  }
  auto change = store_->Edit([&](ManagedConfig::Editor& e) {
    e.Erase(kind, name);
    for (const std::string& rid : rules_to_edit) {
      toml::table rule = *store_->Raw(ObjectKind::kRule, rid);
      if (toml::array* acts = rule["actions"].as_array()) {
        for (size_t i = 0; i < acts->size();) {
          auto ref = acts->get(i)->value<std::string>();
          if (ref && (*ref == name || *ref == "mqtt:" + name)) {
            acts->erase(acts->begin() + static_cast<std::ptrdiff_t>(i));
          } else {
            ++i;
          }
        }
      }
      e.Set(ObjectKind::kRule, rid, std::move(rule));
    }
  });
  if (!change.ok()) return Err(BadRequest(change.error()));
  if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
  spdlog::info("management: deleted {} {}", ObjectNoun(kind), Id(kind, name));
  return {};
}

Result<Config, ApiError> Management::Check(ObjectKind kind, const std::string& name,
                                           std::string_view body) const {
  std::lock_guard lock(mu_);
  auto change = Propose(kind, name, body);
  if (!change.ok()) return Err(change.error());
  return std::move(change.value().config);
}

toml::table Management::RawCopy(ObjectKind kind, const std::string& name) const {
  std::lock_guard lock(mu_);
  const toml::table* t = store_->Raw(kind, name);
  return t ? *t : toml::table{};
}

Result<void, ApiError> Management::Restart(const std::string& connector) {
  std::lock_guard lock(mu_);
  if (!Exists(ObjectKind::kConnector, connector)) {
    return Err(ApiError{404, "NOT_FOUND", "connector mqtt:" + connector + " not found"});
  }
  auto applied = bridge_->Apply(store_->config(), connector);
  if (!applied.ok()) return Err(BadRequest(applied.error()));
  return {};
}

Result<std::vector<std::string>, std::string> Management::Reread() {
  std::lock_guard lock(mu_);
  const ManagedConfig before = *store_;
  if (auto r = store_->Reread(); !r.ok()) return Err(r.error());
  auto applied = bridge_->Apply(store_->config());
  if (!applied.ok()) {
    *store_ = before;  // the bridge still runs the previous configuration
    return Err(applied.error());
  }
  snapshot_ = std::make_shared<const Config>(store_->config());
  return applied;
}

}  // namespace mqb::engine
