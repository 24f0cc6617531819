#include <cstdio>

#include "engine/commands.h"
#include "engine/config.h"

namespace mqb::engine {

int RunCheck(const std::string& config_path) {
  auto cfg = LoadConfig(config_path);
  if (!cfg.ok()) {
    std::fprintf(stderr, "error: %s\n", cfg.error().c_str());
    return 1;
  }
  for (const auto& w : cfg->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::printf("%s: ok (%zu connectors, %zu actions, %zu sources, %zu rules)\n", config_path.c_str(),
              cfg->connectors.size(), cfg->actions.size(), cfg->sources.size(), cfg->rules.size());
  return 0;
}

}  // namespace mqb::engine
