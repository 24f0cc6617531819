// Reload policy: what a configuration change (SIGHUP, the management API) may change in a
// running bridge.
//
// Connectors, rules, actions and sources are replaced by the new configuration's while the
// bridge runs (Bridge::Apply). The embedded broker, the admin API and the node settings stay as
// the process started with them: changing them would drop the local clients or the API's
// connections, so those changes wait for a restart and each one is reported. log_level and
// status_log_interval are applied at once by the caller.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"

namespace mqb::engine::bridge {

struct ReloadMerge {
  Config config;                     // the configuration to run from now on
  std::vector<std::string> ignored;  // one human-readable line per change that needs a restart
};

ReloadMerge MergeForReload(const Config& running, Config next);

// True if a running pool with settings `a` can keep its connections for settings `b` (they
// differ at most in where they were declared and in their description).
bool SameConnector(ConnectorConfig a, ConnectorConfig b);

}  // namespace mqb::engine::bridge
