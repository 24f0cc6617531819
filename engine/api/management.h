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

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "engine/bridge/bridge.h"
#include "engine/managed_config.h"

namespace mqb::engine {

struct ApiError {
  int status = 400;
  std::string code = "BAD_REQUEST";
  std::string message;
};

// The cluster's shared copy of the managed layer (engine/cluster): one document with a revision,
// written only if nobody changed it since the revision this node last applied.
class SharedLayer {
 public:
  virtual ~SharedLayer() = default;
  // Writes `text` if the shared copy's revision is still `expected` (0: there is none yet).
  // Returns the new revision, or nullopt when another node wrote first. Error: the store cannot
  // be reached (the message says which and why).
  virtual Result<std::optional<int64_t>, std::string> Write(const std::string& text,
                                                            int64_t expected) = 0;
  // The shared copy and its revision ("" and 0 when there is none).
  virtual Result<std::pair<std::string, int64_t>, std::string> Read() = 0;
  // A cluster-wide lock around one change, so that nodes take turns (first come, first served)
  // instead of racing. Error: not granted in time. Unlock after every successful Lock.
  virtual Result<void, std::string> Lock() = 0;
  virtual void Unlock() = 0;
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

  // Cluster mode: every change is written to `layer` (with a revision check) before it is
  // answered; `revision` is the shared copy's revision the current configuration came from.
  // A change that loses the race to another node is retried on top of that node's change.
  // Call once, before the API serves.
  void SetShared(SharedLayer* layer, int64_t revision);
  // Applies the shared copy at `revision` (from the cluster's watch); an older or the same
  // revision is ignored. Error: it does not load or apply here (this node keeps what it runs and
  // refuses changes until a later revision applies).
  Result<void, std::string> Adopt(const std::string& text, int64_t revision);
  int64_t shared_revision() const;
  // Why the last shared revision could not be applied here ("" when it was).
  std::string adopt_error() const;

 private:
  // The change that storing `body` as kind/name would make (validated; nothing changes).
  Result<ManagedConfig::Change, ApiError> Propose(ObjectKind kind, const std::string& name,
                                                  std::string_view body) const;
  Result<void, ApiError> Apply(ManagedConfig::Change change);
  // Runs `op` under the lock; when it lost a race in the shared store, takes the winner's
  // configuration and runs it again (a few times at most).
  Result<void, ApiError> Serialised(const std::function<Result<void, ApiError>()>& op);
  // `apply` false: into the store only (bridge_behind_ until the bridge gets it).
  Result<void, std::string> AdoptLocked(const std::string& text, int64_t revision, bool apply);
  Result<void, ApiError> ApplyShared(ManagedConfig::Change change);
  void CatchUp();  // applies the store's configuration to the bridge
  bool Exists(ObjectKind kind, const std::string& name) const;

  mutable std::mutex mu_;
  std::unique_ptr<ManagedConfig> store_;
  bridge::Bridge* bridge_;
  std::shared_ptr<const Config> snapshot_;
  SharedLayer* shared_ = nullptr;
  int64_t shared_revision_ = 0;
  std::string adopt_error_;
  bool bridge_behind_ = false;  // the store holds an adopted revision the bridge does not run yet
};

}  // namespace mqb::engine
