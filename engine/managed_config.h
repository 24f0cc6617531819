// ManagedConfig: the configuration as two layers, the operator's file and the managed file of
// changes made at run time through the management API (<node.data_dir>/managed.toml), as EMQX
// layers cluster.hocon over emqx.conf.
//
// The managed layer holds whole objects (connectors.mqtt.<name>, actions.mqtt.<name>,
// sources.mqtt.<name>, rules.<name>) and the names of deleted ones ([deleted] connectors = [..]).
// Per object the managed layer wins: an object the API created or changed replaces the file's
// object of that name, and a deleted one stays deleted even though the file still declares it.
// Everything else (node, broker, api, and the objects the API never touched) comes from the
// operator's file, so editing those in the file and sending SIGHUP keeps working.
//
// Changes are proposed first (Put/Remove/Edit build and validate the configuration that would
// result, through the same loader as `mqbridge check`; nothing changes), then committed: the
// managed file is written atomically (temporary file, fsync, rename) and the proposal becomes
// current.
//
// Thread-safety: none; the caller serialises every call (engine/api/management.h).
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/config.h"

namespace mqb::engine {

enum class ObjectKind { kConnector, kAction, kSource, kRule };
// "connectors", "actions", "sources", "rules".
const char* ObjectSection(ObjectKind kind);
// "connector", "action", "source", "rule" (for messages).
const char* ObjectNoun(ObjectKind kind);

class ManagedConfig {
 public:
  // Loads the operator's file, then the managed file under its node.data_dir (optional).
  static Result<std::unique_ptr<ManagedConfig>, std::string> Open(const std::string& operator_path);

  const Config& config() const { return config_; }
  const std::string& operator_path() const { return operator_path_; }
  const std::string& managed_path() const { return managed_path_; }

  // The object's table as composed (secrets as written, unresolved), or null.
  const toml::table* Raw(ObjectKind kind, const std::string& name) const;
  // True if the object's current definition comes from the managed layer (the API).
  bool FromApi(ObjectKind kind, const std::string& name) const;

  struct Change {
    toml::table overlay;  // the managed layer after the change
    Config config;        // the validated configuration it gives
  };
  // The configuration with `object` as kind/name (created or replaced).
  Result<Change, std::string> Put(ObjectKind kind, const std::string& name,
                                  toml::table object) const;
  // The configuration without kind/name.
  Result<Change, std::string> Remove(ObjectKind kind, const std::string& name) const;
  // Several edits at once: `edit` changes the composed objects through Set/Erase on an Editor.
  class Editor {
   public:
    void Set(ObjectKind kind, const std::string& name, toml::table object);
    void Erase(ObjectKind kind, const std::string& name);

   private:
    friend class ManagedConfig;
    explicit Editor(toml::table* overlay) : overlay_(overlay) {}
    toml::table* overlay_;
  };
  Result<Change, std::string> Edit(const std::function<void(Editor&)>& edit) const;

  // The configuration with the managed layer replaced by `overlay_text` (TOML, as OverlayText
  // writes it; `origin` names it in errors), e.g. the cluster's shared copy.
  Result<Change, std::string> Replace(std::string_view overlay_text,
                                      const std::string& origin) const;
  // The managed file's text for `overlay`.
  std::string OverlayText(const toml::table& overlay) const;
  const toml::table& overlay() const { return overlay_; }

  // Writes the change's managed layer and makes it current. On a write error nothing changes,
  // unless KeepUnsaved: then the change is current all the same and the error is returned (in a
  // cluster the shared store holds the change and the file is only this node's cached copy).
  Result<void, std::string> Commit(Change change);
  void KeepUnsaved() { keep_unsaved_ = true; }
  // Makes the change current without writing the file (a later Commit writes it).
  void CommitInMemory(Change change);
  // Reads the operator's file again (SIGHUP) under the same managed layer; current on success.
  Result<void, std::string> Reread();

 private:
  ManagedConfig() = default;
  Result<Config, std::string> Compose(const toml::table& base, const toml::table& overlay) const;
  toml::table Composed(const toml::table& base, const toml::table& overlay) const;

  std::string operator_path_;
  std::string managed_path_;
  toml::table base_;     // the operator's file as parsed
  toml::table overlay_;  // the managed layer
  toml::table composed_;
  Config config_;
  bool keep_unsaved_ = false;
};

}  // namespace mqb::engine
