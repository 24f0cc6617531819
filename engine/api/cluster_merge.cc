// This node's status and counters merged with the other nodes' (ClusterView), as EMQX
// aggregates them: status is the nodes' common status, or "inconsistent" when they disagree;
// metrics are the sums over the nodes; node_status and node_metrics list each node.
#include <simdjson.h>

#include <map>

#include "engine/api/api_routes.h"
#include "engine/api/cluster_view.h"
#include "engine/json_writer.h"

namespace mqb::engine::api {
namespace {

struct NodeStatus {
  std::string node, status, reason;
};

}  // namespace

void WriteNodeStatus(JsonWriter& w, const Shared& s, ObjectKind kind, const std::string& name,
                     const std::string& status, const std::string& reason) {
  std::vector<NodeStatus> nodes{{s.options.node_name, status, reason}};
  if (s.context.cluster != nullptr) {
    for (const PeerNode& peer : s.context.cluster->Peers()) {
      const PeerObject* o = peer.Find(kind, name);
      if (o == nullptr) {
        nodes.push_back({peer.node, "disconnected",
                         "not configured on this node (it has not applied the change yet)"});
      } else {
        nodes.push_back({peer.node, o->status, o->status_reason});
      }
    }
  }
  bool same = true;
  for (const NodeStatus& n : nodes) same = same && n.status == nodes.front().status;
  std::string merged_reason = reason;
  if (!same) {
    merged_reason.clear();
    for (const NodeStatus& n : nodes) {
      merged_reason += (merged_reason.empty() ? "" : "; ") + n.node + ": " + n.status;
      if (!n.reason.empty()) merged_reason += " (" + n.reason + ")";
    }
  } else if (merged_reason.empty()) {
    for (const NodeStatus& n : nodes) {
      if (!n.reason.empty()) {
        merged_reason = n.reason;
        break;
      }
    }
  }
  w.Key("status").String(same ? nodes.front().status : "inconsistent");
  w.Key("status_reason").String(merged_reason);
  w.Key("node_status").BeginArray();
  for (const NodeStatus& n : nodes) {
    w.BeginObject().Key("node").String(n.node).Key("status").String(n.status);
    w.Key("status_reason").String(n.reason).EndObject();
  }
  w.EndArray();
}

void WriteNodeMetrics(JsonWriter& w, const Shared& s, ObjectKind kind, const std::string& name,
                      const std::string& own) {
  std::vector<std::pair<std::string, std::string>> nodes{{s.options.node_name, own}};
  if (s.context.cluster != nullptr) {
    for (const PeerNode& peer : s.context.cluster->Peers()) {
      const PeerObject* o = peer.Find(kind, name);
      if (o != nullptr && !o->metrics.empty()) nodes.emplace_back(peer.node, o->metrics);
    }
  }
  if (nodes.size() == 1) {
    w.Key("metrics").Raw(own);
  } else {
    // Sums in the order of this node's keys; integers stay integers.
    simdjson::dom::parser parser;
    std::vector<std::string> keys;
    std::map<std::string, double> sums;
    std::map<std::string, bool> integral;
    for (const auto& [node, text] : nodes) {
      auto doc = parser.parse(text);
      if (doc.error()) continue;
      auto obj = doc.value().get_object();
      if (obj.error()) continue;
      for (auto field : obj.value()) {
        const std::string key(field.key);
        if (!sums.count(key)) {
          keys.push_back(key);
          integral[key] = true;
        }
        if (auto i = field.value.get_int64(); !i.error()) {
          sums[key] += static_cast<double>(i.value());
        } else if (auto u = field.value.get_uint64(); !u.error()) {
          sums[key] += static_cast<double>(u.value());
        } else if (auto d = field.value.get_double(); !d.error()) {
          sums[key] += d.value();
          integral[key] = false;
        }
      }
    }
    w.Key("metrics").BeginObject();
    for (const std::string& k : keys) {
      w.Key(k);
      if (integral[k]) {
        w.Int(static_cast<int64_t>(sums[k]));
      } else {
        w.Double(sums[k]);
      }
    }
    w.EndObject();
  }
  w.Key("node_metrics").BeginArray();
  for (const auto& [node, text] : nodes) {
    w.BeginObject().Key("node").String(node).Key("metrics").Raw(text).EndObject();
  }
  w.EndArray();
}

bool WriteNodes(JsonWriter& w, const Shared& s, const std::string& own, const std::string& only) {
  bool found = false;
  auto one = [&](const std::string& node, const std::string& info) {
    if (!only.empty() && node != only) return;
    found = true;
    w.Raw(info);
  };
  if (only.empty()) w.BeginArray();
  one(s.options.node_name, own);
  if (s.context.cluster != nullptr) {
    for (const PeerNode& peer : s.context.cluster->Peers()) {
      if (!peer.node_info.empty()) one(peer.node, peer.node_info);
    }
  }
  if (only.empty()) w.EndArray();
  return found;
}

}  // namespace mqb::engine::api
