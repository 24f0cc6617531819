// mqbridge-bench: an MQTT load generator in the spirit of emqtt-bench. See docs/benchmarks.md.
//
// Subcommands besides the load modes: `tune` (tune.h) and `report` (tune_report.h).
//
// Exit codes: 0 done (even with loss: the summary says so); 1 the run could not start (nothing
// connected, no probe through the bridge); 2 usage error.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "bench/mqbridge_bench/bench_options.h"
#include "bench/mqbridge_bench/report.h"
#include "bench/mqbridge_bench/runner.h"
#include "bench/mqbridge_bench/tune.h"
#include "bench/mqbridge_bench/tune_report.h"

namespace {
std::atomic<bool> g_interrupt{false};
void OnSignal(int) { g_interrupt.store(true); }

// `mqbridge-bench tune ...`: the sweep, then its table (or JSON) and the HTML report.
int Tune(int argc, char** argv) {
  auto parsed = mqb::bench::ParseTuneOptions(argc, argv);
  if (!parsed.ok()) {
    std::fputs(parsed.error().text.c_str(), parsed.error().help ? stdout : stderr);
    std::fputc('\n', parsed.error().help ? stdout : stderr);
    return parsed.error().help ? 0 : 2;
  }
  const mqb::bench::TuneOptions& options = parsed.value();
  mqb::bench::TuneProgress progress;
  if (!options.quiet) {
    progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  }
  auto result = mqb::bench::RunTune(options, progress, &g_interrupt);
  if (!result.ok()) {
    std::fprintf(stderr, "mqbridge-bench tune: %s\n", result.error().c_str());
    return 1;
  }
  if (!options.html_path.empty()) {
    std::ofstream out(options.html_path);
    out << mqb::bench::TuneHtml(result.value());
    if (!out) {
      std::fprintf(stderr, "mqbridge-bench tune: cannot write %s\n", options.html_path.c_str());
      return 1;
    }
  }
  if (options.json) {
    std::printf("%s\n", mqb::bench::TuneJson(result.value()).c_str());
  } else {
    std::printf("%s", mqb::bench::FormatTuneText(result.value()).c_str());
  }
  return 0;
}

// `mqbridge-bench report --in sweep.json --html out.html [--title T]`.
int Report(int argc, char** argv) {
  CLI::App app{"mqbridge-bench report: the HTML report of a sweep saved as JSON"};
  std::string mode, in, html, title;
  app.add_option("mode", mode, "report")->required();
  app.add_option("--in", in, "The sweep as JSON (tune --json, bench/compare --json)")->required();
  app.add_option("--html", html, "Where to write the HTML page")->required();
  app.add_option("--title", title, "Heading of the page");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  std::ifstream f(in);
  std::stringstream text;
  text << f.rdbuf();
  if (!f) {
    std::fprintf(stderr, "mqbridge-bench report: cannot read %s\n", in.c_str());
    return 1;
  }
  auto r = mqb::bench::ParseTuneJson(text.str());
  if (!r.ok()) {
    std::fprintf(stderr, "mqbridge-bench report: %s: %s\n", in.c_str(), r.error().c_str());
    return 1;
  }
  std::ofstream out(html);
  out << mqb::bench::TuneHtml(r.value(), title);
  if (!out) {
    std::fprintf(stderr, "mqbridge-bench report: cannot write %s\n", html.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && std::string_view(argv[1]) == "tune") {
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    return Tune(argc, argv);
  }
  if (argc > 1 && std::string_view(argv[1]) == "report") return Report(argc, argv);
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
