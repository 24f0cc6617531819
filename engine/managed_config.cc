#include "engine/managed_config.h"

#include <filesystem>
#include <sstream>

#include "engine/atomic_file.h"
#include "engine/config_table.h"

namespace mqb::engine {
namespace {

constexpr ObjectKind kKinds[] = {ObjectKind::kConnector, ObjectKind::kAction, ObjectKind::kSource,
                                 ObjectKind::kRule};

// The table that holds objects of `kind` in a root table (created when `create`), or null.
toml::table* Container(toml::table& root, ObjectKind kind, bool create) {
  toml::node* section = root.get(ObjectSection(kind));
  if (section == nullptr) {
    if (!create) return nullptr;
    section = &root.insert_or_assign(ObjectSection(kind), toml::table{}).first->second;
  }
  if (!section->is_table()) return nullptr;
  if (kind == ObjectKind::kRule) return section->as_table();
  toml::node* mqtt = section->as_table()->get("mqtt");
  if (mqtt == nullptr) {
    if (!create) return nullptr;
    mqtt = &section->as_table()->insert_or_assign("mqtt", toml::table{}).first->second;
  }
  return mqtt->is_table() ? mqtt->as_table() : nullptr;
}

const toml::table* Container(const toml::table& root, ObjectKind kind) {
  return Container(const_cast<toml::table&>(root), kind, false);
}

toml::array* Tombstones(toml::table& overlay, ObjectKind kind, bool create) {
  toml::node* deleted = overlay.get("deleted");
  if (deleted == nullptr) {
    if (!create) return nullptr;
    deleted = &overlay.insert_or_assign("deleted", toml::table{}).first->second;
  }
  toml::table* t = deleted->as_table();
  if (t == nullptr) return nullptr;
  toml::node* list = t->get(ObjectSection(kind));
  if (list == nullptr) {
    if (!create) return nullptr;
    list = &t->insert_or_assign(ObjectSection(kind), toml::array{}).first->second;
  }
  return list->as_array();
}

void DropTombstone(toml::table& overlay, ObjectKind kind, const std::string& name) {
  toml::array* list = Tombstones(overlay, kind, false);
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size();) {
    if (list->get(i)->value<std::string>() == name) {
      list->erase(list->begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

}  // namespace

const char* ObjectSection(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kConnector:
      return "connectors";
    case ObjectKind::kAction:
      return "actions";
    case ObjectKind::kSource:
      return "sources";
    case ObjectKind::kRule:
      return "rules";
  }
  return "?";
}

const char* ObjectNoun(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kConnector:
      return "connector";
    case ObjectKind::kAction:
      return "action";
    case ObjectKind::kSource:
      return "source";
    case ObjectKind::kRule:
      return "rule";
  }
  return "?";
}

void ManagedConfig::Editor::Set(ObjectKind kind, const std::string& name, toml::table object) {
  DropTombstone(*overlay_, kind, name);
  Container(*overlay_, kind, true)->insert_or_assign(name, std::move(object));
}

void ManagedConfig::Editor::Erase(ObjectKind kind, const std::string& name) {
  if (toml::table* c = Container(*overlay_, kind, false)) c->erase(name);
  DropTombstone(*overlay_, kind, name);
  Tombstones(*overlay_, kind, true)->push_back(name);
}

Result<std::unique_ptr<ManagedConfig>, std::string> ManagedConfig::Open(
    const std::string& operator_path) {
  std::unique_ptr<ManagedConfig> m(new ManagedConfig());
  m->operator_path_ = operator_path;
  auto text = ReadConfigFile(operator_path);
  if (!text.ok()) return Err(text.error());
  auto base = ParseConfigTable(text.value(), operator_path);
  if (!base.ok()) return Err(base.error());
  m->base_ = std::move(base.value());
  // node.data_dir decides where the managed layer lives: validate the file alone first.
  auto alone = LoadConfigTable(m->base_, operator_path);
  if (!alone.ok()) return Err(alone.error());
  m->managed_path_ = (std::filesystem::path(alone.value().node.data_dir) / "managed.toml").string();
  std::error_code ec;
  if (std::filesystem::exists(m->managed_path_, ec)) {
    auto mtext = ReadConfigFile(m->managed_path_);
    if (!mtext.ok()) return Err(mtext.error());
    auto overlay = ParseConfigTable(mtext.value(), m->managed_path_);
    if (!overlay.ok()) return Err(overlay.error());
    m->overlay_ = std::move(overlay.value());
  }
  auto cfg = m->Compose(m->base_, m->overlay_);
  if (!cfg.ok()) return Err(cfg.error());
  m->composed_ = m->Composed(m->base_, m->overlay_);
  m->config_ = std::move(cfg.value());
  return m;
}

toml::table ManagedConfig::Composed(const toml::table& base, const toml::table& overlay) const {
  toml::table root = base;
  for (ObjectKind kind : kKinds) {
    if (const toml::table* objects = Container(overlay, kind)) {
      toml::table* into = Container(root, kind, true);
      for (const auto& [name, object] : *objects) into->insert_or_assign(name, object);
    }
    if (toml::array* gone = Tombstones(const_cast<toml::table&>(overlay), kind, false)) {
      if (toml::table* into = Container(root, kind, false)) {
        for (const toml::node& n : *gone) {
          if (auto name = n.value<std::string>()) into->erase(*name);
        }
      }
    }
  }
  return root;
}

Result<Config, std::string> ManagedConfig::Compose(const toml::table& base,
                                                   const toml::table& overlay) const {
  return LoadConfigTable(Composed(base, overlay), operator_path_);
}

const toml::table* ManagedConfig::Raw(ObjectKind kind, const std::string& name) const {
  const toml::table* objects = Container(composed_, kind);
  if (objects == nullptr) return nullptr;
  const toml::node* n = objects->get(name);
  return n ? n->as_table() : nullptr;
}

bool ManagedConfig::FromApi(ObjectKind kind, const std::string& name) const {
  const toml::table* objects = Container(overlay_, kind);
  return objects != nullptr && objects->contains(name);
}

Result<ManagedConfig::Change, std::string> ManagedConfig::Edit(
    const std::function<void(Editor&)>& edit) const {
  Change change{overlay_, {}};
  Editor editor(&change.overlay);
  edit(editor);
  auto cfg = Compose(base_, change.overlay);
  if (!cfg.ok()) return Err(cfg.error());
  change.config = std::move(cfg.value());
  return change;
}

Result<ManagedConfig::Change, std::string> ManagedConfig::Put(ObjectKind kind,
                                                              const std::string& name,
                                                              toml::table object) const {
  return Edit([&](Editor& e) { e.Set(kind, name, std::move(object)); });
}

Result<ManagedConfig::Change, std::string> ManagedConfig::Remove(ObjectKind kind,
                                                                 const std::string& name) const {
  return Edit([&](Editor& e) { e.Erase(kind, name); });
}

std::string ManagedConfig::OverlayText(const toml::table& overlay) const {
  std::ostringstream text;
  text << "# Managed by mqbridge: objects created or changed through the management API.\n"
          "# They take precedence over "
       << operator_path_ << " (see docs/configuration.md).\n"
       << toml::toml_formatter{overlay} << "\n";
  return text.str();
}

Result<ManagedConfig::Change, std::string> ManagedConfig::Replace(std::string_view overlay_text,
                                                                  const std::string& origin) const {
  auto overlay = ParseConfigTable(overlay_text, origin);
  if (!overlay.ok()) return Err(overlay.error());
  auto cfg = Compose(base_, overlay.value());
  if (!cfg.ok()) return Err(cfg.error());
  return Change{std::move(overlay.value()), std::move(cfg.value())};
}

void ManagedConfig::CommitInMemory(Change change) {
  overlay_ = std::move(change.overlay);
  composed_ = Composed(base_, overlay_);
  config_ = std::move(change.config);
}

Result<void, std::string> ManagedConfig::Commit(Change change) {
  auto w = WriteFileAtomically(managed_path_, OverlayText(change.overlay));
  if (!w.ok() && !keep_unsaved_) return Err(w.error());
  overlay_ = std::move(change.overlay);
  composed_ = Composed(base_, overlay_);
  config_ = std::move(change.config);
  if (!w.ok()) return Err(w.error());
  return {};
}

Result<void, std::string> ManagedConfig::Reread() {
  auto text = ReadConfigFile(operator_path_);
  if (!text.ok()) return Err(text.error());
  auto base = ParseConfigTable(text.value(), operator_path_);
  if (!base.ok()) return Err(base.error());
  auto cfg = Compose(base.value(), overlay_);
  if (!cfg.ok()) return Err(cfg.error());
  base_ = std::move(base.value());
  composed_ = Composed(base_, overlay_);
  config_ = std::move(cfg.value());
  return {};
}

}  // namespace mqb::engine
