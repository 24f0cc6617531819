// Management: every runtime change of the configuration, from the API or from SIGHUP, goes
// through here, one at a time (one mutex), so two clients changing the same object get one
// consistent result and never a half-applied one.
//
// A change is (1) turned into the managed layer's new content and validated by the same loader
// as `mqbridge check` (ManagedConfig), (2) applied to the running bridge (Bridge::Apply, which
// also compiles the rules), and only then (3) written to the managed file. An invalid request
// changes nothing; if the file cannot be written, the previous configuration is applied again
// and the error is returned.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/bridge/bridge.h"
#include "engine/managed_config.h"

namespace mqb::engine {

struct ApiError {
  int status = 400;
  std::string code = "BAD_REQUEST";
  std::string message;
};

class Management {
 public:
  // `bridge` must be started and outlive this object.
  Management(std::unique_ptr<ManagedConfig> store, bridge::Bridge* bridge);

  std::shared_ptr<const Config> config() const;
  // "api" if the object's definition comes from the managed layer, otherwise "file".
  std::string Origin(ObjectKind kind, const std::string& name) const;

  // Creates (409 ALREADY_EXISTS if it exists) or replaces (404 NOT_FOUND if it does not) an
  // object from an EMQX-shaped JSON body. "******" in a secret keeps the stored secret.
  Result<void, ApiError> Create(ObjectKind kind, const std::string& name, std::string_view body);
  Result<void, ApiError> Update(ObjectKind kind, const std::string& name, std::string_view body);
  // Refuses to delete a connector that actions or sources use, an action that rules use (unless
  // `also_delete_dep_actions`: then it is removed from those rules too) and a source that rules
  // read, naming them.
  Result<void, ApiError> Delete(ObjectKind kind, const std::string& name,
                                bool also_delete_dep_actions);
  Result<void, ApiError> Enable(ObjectKind kind, const std::string& name, bool enable);
  // The configuration that creating or replacing the object would give (nothing changes).
  Result<Config, ApiError> Check(ObjectKind kind, const std::string& name,
                                 std::string_view body) const;
  // A copy of the object's stored table (secrets as written), empty if there is none.
  toml::table RawCopy(ObjectKind kind, const std::string& name) const;
  // Reconnects a connector's pool (its queued messages are kept).
  Result<void, ApiError> Restart(const std::string& connector);
  // SIGHUP: reads the operator's file again and applies it under the managed layer.
  Result<std::vector<std::string>, std::string> Reread();

 private:
  // The change that storing `body` as kind/name would make (validated; nothing changes).
  Result<ManagedConfig::Change, ApiError> Propose(ObjectKind kind, const std::string& name,
                                                  std::string_view body) const;
  Result<void, ApiError> Apply(ManagedConfig::Change change);
  bool Exists(ObjectKind kind, const std::string& name) const;

  mutable std::mutex mu_;
  std::unique_ptr<ManagedConfig> store_;
  bridge::Bridge* bridge_;
  std::shared_ptr<const Config> snapshot_;
};

}  // namespace mqb::engine
