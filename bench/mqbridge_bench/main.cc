// mqbridge-bench: an MQTT load generator in the spirit of emqtt-bench. See docs/benchmarks.md.
//
// Exit codes: 0 done (even with loss: the summary says so); 1 the run could not start (nothing
// connected, no probe through the bridge); 2 usage error.
#include <csignal>
#include <cstdio>

#include "bench/mqbridge_bench/bench_options.h"
#include "bench/mqbridge_bench/report.h"
#include "bench/mqbridge_bench/runner.h"

namespace {
std::atomic<bool> g_interrupt{false};
void OnSignal(int) { g_interrupt.store(true); }
}  // namespace

int main(int argc, char** argv) {
  auto parsed = mqb::bench::ParseOptions(argc, argv);
  if (!parsed.ok()) {
    std::fputs(parsed.error().text.c_str(), parsed.error().help ? stdout : stderr);
    std::fputc('\n', parsed.error().help ? stdout : stderr);
    return parsed.error().help ? 0 : 2;
  }
  const mqb::bench::BenchOptions& options = parsed.value();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  mqb::bench::ProgressSink progress;
  if (!options.quiet) {
    progress = [](const mqb::bench::Progress& p) {
      std::fprintf(stderr, "%s\n", mqb::bench::FormatProgress(p).c_str());
    };
  }
  auto result = mqb::bench::Run(options, progress, &g_interrupt);
  if (!result.ok()) {
    std::fprintf(stderr, "mqbridge-bench: %s\n", result.error().c_str());
    return 1;
  }
  if (options.json) {
    std::printf("%s\n", mqb::bench::SummaryJson(result.value()).c_str());
  } else {
    std::printf("%s", mqb::bench::FormatSummary(result.value()).c_str());
  }
  return 0;
}
