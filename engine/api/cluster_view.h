// ClusterView: what the API needs to know about the other nodes of a cluster (engine/cluster
// implements it): their last published status and counters, and the state of the shared store.
// The API merges them with this node's own into node_status, node_metrics, status
// ("inconsistent" when nodes disagree) and GET /api/v5/nodes.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/managed_config.h"

namespace mqb::engine {

// One object as a peer last published it.
struct PeerObject {
  std::string status, status_reason;
  std::string metrics;  // the JSON object of its counters ("" for connectors)
};

struct PeerNode {
  std::string node;       // node.name
  std::string node_info;  // the node's GET /api/v5/nodes entry, a JSON object
  // By ObjectKind (kConnector, kAction, kSource, kRule), then by object name.
  std::map<std::string, PeerObject> objects[4];
  const PeerObject* Find(ObjectKind kind, const std::string& name) const {
    const auto& m = objects[static_cast<int>(kind)];
    auto it = m.find(name);
    return it == m.end() ? nullptr : &it->second;
  }
};

struct StoreState {
  std::string store;   // "etcd"
  std::string status;  // "connected" or "unreachable"
  std::string reason;  // why unreachable, or why the shared configuration does not apply here
  int64_t revision = 0;
};

class ClusterView {
 public:
  virtual ~ClusterView() = default;
  // The other live nodes (this one excluded), by name; at most a moment old.
  virtual std::vector<PeerNode> Peers() = 0;
  virtual StoreState State() = 0;
};

}  // namespace mqb::engine
