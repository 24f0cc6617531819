#include "engine/bridge/reload.h"

namespace mqb::engine::bridge {

bool SameConnector(ConnectorConfig a, ConnectorConfig b) {
  a.line = b.line = 0;  // where it is declared does not matter
  a.description = b.description;
  return a == b;
}

ReloadMerge MergeForReload(const Config& running, Config next) {
  ReloadMerge out;
  if (!(next.broker == running.broker)) {
    out.ignored.push_back("[broker] changed: applied after a restart");
  }
  if (!(next.api == running.api)) out.ignored.push_back("[api] changed: applied after a restart");
  if (!(next.cluster == running.cluster)) {
    out.ignored.push_back("[cluster] changed: applied after a restart");
  }
  NodeConfig a = next.node, b = running.node;
  a.log_level = b.log_level;  // applied at once by the caller
  a.status_log_interval = b.status_log_interval;
  if (!(a == b)) out.ignored.push_back("[node] changed: applied after a restart");

  next.broker = running.broker;
  next.api = running.api;
  next.cluster = running.cluster;
  next.node.name = running.node.name;
  next.node.io_threads = running.node.io_threads;
  next.node.data_dir = running.node.data_dir;
  out.config = std::move(next);
  return out;
}

}  // namespace mqb::engine::bridge
