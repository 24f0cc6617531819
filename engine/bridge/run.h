// `mqbridge run -c FILE`: loads the configuration (errors: exit 1 with the file:line message),
// starts the Bridge, logs status changes and, every node.status_log_interval, the counters;
// SIGINT/SIGTERM stop it cleanly (queues flushed briefly, DISCONNECT sent). SIGHUP is logged
// and ignored (reload is not implemented yet).
#pragma once

#include <string>

namespace mqb::engine {

// Returns the process exit code.
int RunBridge(const std::string& config_path);

}  // namespace mqb::engine
