#include "engine/api/management.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <thread>

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

// An internal code: the shared store changed under this change (Serialised retries it).
constexpr const char* kLostRace = "LOST_RACE";

Result<void, ApiError> Management::Apply(ManagedConfig::Change change) {
  if (shared_ != nullptr) return ApplyShared(std::move(change));
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

// Cluster: checked, then stored in etcd (the moment between the two is as short as it can be, so
// that a node that lost a race is not beaten again and again), then applied here.
Result<void, ApiError> Management::ApplyShared(ManagedConfig::Change change) {
  if (auto c = bridge_->Check(change.config); !c.ok()) {
    if (bridge_behind_) CatchUp();
    return Err(BadRequest(c.error()));
  }
  auto w = shared_->Write(store_->OverlayText(change.overlay), shared_revision_);
  if (!w.ok()) {
    if (bridge_behind_) CatchUp();
    return Err(ApiError{503, "SERVICE_UNAVAILABLE",
                        "the cluster store is unreachable, so changes are refused until it is "
                        "back (this node keeps running its configuration): " +
                            w.error()});
  }
  if (!w.value()) return Err(ApiError{409, kLostRace, "another node changed it first"});
  shared_revision_ = *w.value();
  if (auto c = store_->Commit(std::move(change)); !c.ok()) {
    spdlog::warn(
        "management: the change is in the cluster store but this node's cached copy could "
        "not be written: {}",
        c.error());
  }
  snapshot_ = std::make_shared<const Config>(store_->config());
  bridge_behind_ = false;
  if (auto a = bridge_->Apply(store_->config()); !a.ok()) {
    adopt_error_ = "cluster configuration revision " + std::to_string(shared_revision_) +
                   " is stored but does not apply on this node: " + a.error();
    spdlog::error("management: {}", adopt_error_);
    return Err(ApiError{500, "INTERNAL_ERROR", adopt_error_});
  }
  adopt_error_.clear();
  return {};
}

void Management::CatchUp() {
  bridge_behind_ = false;
  if (auto c = store_->Commit(ManagedConfig::Change{store_->overlay(), store_->config()});
      !c.ok()) {
    spdlog::warn("management: cannot write this node's cached copy: {}", c.error());
  }
  if (auto a = bridge_->Apply(store_->config()); !a.ok()) {
    adopt_error_ = "cluster configuration revision " + std::to_string(shared_revision_) +
                   " does not apply on this node: " + a.error();
    spdlog::error("management: {}", adopt_error_);
  }
}

Result<void, ApiError> Management::Serialised(const std::function<Result<void, ApiError>()>& op) {
  std::lock_guard lock(mu_);
  if (shared_ == nullptr) return op();
  if (auto l = shared_->Lock(); !l.ok()) {
    return Err(ApiError{503, "SERVICE_UNAVAILABLE", l.error()});
  }
  struct Unlock {
    SharedLayer* layer;
    ~Unlock() { layer->Unlock(); }
  } unlock{shared_};
  // The previous holder's change may not have come through the watch yet: start from it.
  if (auto latest = shared_->Read(); latest.ok() && latest.value().second > shared_revision_) {
    if (auto a = AdoptLocked(latest.value().first, latest.value().second, /*apply=*/false);
        !a.ok()) {
      CatchUp();
      return Err(ApiError{500, "INTERNAL_ERROR", a.error()});
    }
  }
  constexpr int kAttempts = 20;
  std::minstd_rand jitter(static_cast<uint32_t>(std::random_device{}()));
  for (int attempt = 1;; ++attempt) {
    auto r = op();
    if (r.ok() || r.error().code != kLostRace) {
      if (bridge_behind_) CatchUp();
      return r;
    }
    spdlog::info(
        "management: another node changed the configuration first (attempt {}); "
        "making the change again on top of it",
        attempt);
    // Take the winner's configuration (into the store only: the bridge gets the result once, when
    // this change is stored, or by CatchUp) and make the change again on top of it.
    auto latest = shared_->Read();
    if (!latest.ok()) {
      if (bridge_behind_) CatchUp();
      return Err(ApiError{503, "SERVICE_UNAVAILABLE",
                          "the cluster store is unreachable: " + latest.error()});
    }
    const auto& [text, revision] = latest.value();
    if (revision == 0) {
      shared_revision_ = 0;  // the shared copy was deleted: this change creates it again
    } else if (auto a = AdoptLocked(text, revision, /*apply=*/false); !a.ok()) {
      if (bridge_behind_) CatchUp();
      return Err(ApiError{500, "INTERNAL_ERROR", a.error()});
    }
    if (attempt == kAttempts) {
      if (bridge_behind_) CatchUp();
      return Err(ApiError{409, "CONFLICT",
                          "the configuration kept changing on other nodes while this change was "
                          "made; try again"});
    }
    if (attempt > 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % (5 * attempt)));
    }
  }
}

void Management::SetShared(SharedLayer* layer, int64_t revision) {
  std::lock_guard lock(mu_);
  shared_ = layer;
  shared_revision_ = revision;
  store_->KeepUnsaved();
}

int64_t Management::shared_revision() const {
  std::lock_guard lock(mu_);
  return shared_revision_;
}

std::string Management::adopt_error() const {
  std::lock_guard lock(mu_);
  return adopt_error_;
}

Result<void, std::string> Management::Adopt(const std::string& text, int64_t revision) {
  std::lock_guard lock(mu_);
  return AdoptLocked(text, revision, /*apply=*/true);
}

Result<void, std::string> Management::AdoptLocked(const std::string& text, int64_t revision,
                                                  bool apply) {
  if (revision <= shared_revision_) return {};
  const std::string origin = "cluster configuration revision " + std::to_string(revision);
  auto change = store_->Replace(text, origin);
  if (!change.ok()) {
    adopt_error_ = "cannot apply " + origin + " on this node: " + change.error();
    return Err(adopt_error_);
  }
  if (apply) {
    if (auto applied = bridge_->Apply(change.value().config); !applied.ok()) {
      (void)bridge_->Apply(store_->config());
      adopt_error_ = "cannot apply " + origin + " on this node: " + applied.error();
      return Err(adopt_error_);
    }
    if (auto c = store_->Commit(std::move(change.value())); !c.ok()) {
      spdlog::warn("management: {} is applied but this node's cached copy could not be written: {}",
                   origin, c.error());
    }
  } else {
    // Inside a retry: the file is written with the change that follows.
    bridge_behind_ = true;
    store_->CommitInMemory(std::move(change.value()));
  }
  shared_revision_ = revision;
  adopt_error_.clear();
  snapshot_ = std::make_shared<const Config>(store_->config());
  spdlog::info("management: applied {}", origin);
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
  return Serialised([&]() -> Result<void, ApiError> {
    if (Exists(kind, name)) {
      return Err(
          ApiError{409, "ALREADY_EXISTS",
                   std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " already exists"});
    }
    auto change = Propose(kind, name, body);
    if (!change.ok()) return Err(change.error());
    if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
    spdlog::info("management: created {} {}", ObjectNoun(kind), Id(kind, name));
    return {};
  });
}

Result<void, ApiError> Management::Update(ObjectKind kind, const std::string& name,
                                          std::string_view body) {
  return Serialised([&]() -> Result<void, ApiError> {
    if (!Exists(kind, name)) {
      return Err(ApiError{404, "NOT_FOUND",
                          std::string(ObjectNoun(kind)) + " " + Id(kind, name) + " not found"});
    }
    auto change = Propose(kind, name, body);
    if (!change.ok()) return Err(change.error());
    if (auto r = Apply(std::move(change.value())); !r.ok()) return r;
    spdlog::info("management: updated {} {}", ObjectNoun(kind), Id(kind, name));
    return {};
  });
}

Result<void, ApiError> Management::Enable(ObjectKind kind, const std::string& name, bool enable) {
  return Serialised([&]() -> Result<void, ApiError> {
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
  });
}

Result<void, ApiError> Management::Delete(ObjectKind kind, const std::string& name,
                                          bool also_delete_dep_actions) {
  return Serialised([&]() -> Result<void, ApiError> {
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
  });
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
