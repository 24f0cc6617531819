#include "engine/bridge/reload.h"

namespace mqb::engine::bridge {
namespace {

bool SameConnector(ConnectorConfig a, ConnectorConfig b) {
  a.line = b.line = 0;        // where it is declared in the file does not matter
  a.description = b.description;
  return a == b;
}

}  // namespace

ReloadMerge MergeForReload(const Config& running, Config next) {
  ReloadMerge out;
  for (const auto& [name, c] : next.connectors) {
    auto it = running.connectors.find(name);
    if (it == running.connectors.end()) {
      out.ignored.push_back("connector " + name +
                            " is new: it starts after a restart (its actions and sources are out "
                            "of service until then)");
    } else if (!SameConnector(it->second, c)) {
      out.ignored.push_back("connector " + name +
                            " changed: the running connections keep their settings until a restart");
    }
  }
  for (const auto& [name, c] : running.connectors) {
    if (!next.connectors.contains(name)) {
      out.ignored.push_back("connector " + name +
                            " was removed: it keeps running until a restart");
    }
  }
  if (!(next.broker == running.broker)) {
    out.ignored.push_back("[broker] changed: applied after a restart");
  }
  if (!(next.api == running.api)) out.ignored.push_back("[api] changed: applied after a restart");
  NodeConfig a = next.node, b = running.node;
  a.log_level = b.log_level;  // applied at once by the caller
  a.status_log_interval = b.status_log_interval;
  if (!(a == b)) out.ignored.push_back("[node] changed: applied after a restart");

  next.connectors = running.connectors;
  next.broker = running.broker;
  next.api = running.api;
  next.node.name = running.node.name;
  next.node.io_threads = running.node.io_threads;
  out.config = std::move(next);
  return out;
}

}  // namespace mqb::engine::bridge
