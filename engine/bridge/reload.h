// Reload policy: what a configuration reload (SIGHUP) may change in a running bridge.
//
// Rules, actions and sources are replaced by the new file's. Connectors, the embedded broker, the
// admin API and the node settings stay as the process started with them: changing them would
// drop connections (the remote's, or the local clients'), so those changes wait for a restart and
// each one is reported. An action or source naming a connector that exists only in the new file
// is out of service until then (its messages are counted as dropped.resource_stopped).
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

}  // namespace mqb::engine::bridge
