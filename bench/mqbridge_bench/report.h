// Report: the human-readable progress line and final summary, and the --json summary.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/mqbridge_bench/runner.h"

namespace mqb::bench {

std::string FormatProgress(const Progress& p);
std::string FormatSummary(const Summary& s);
// One JSON object; latencies in microseconds (fractional), rates in messages/s.
std::string SummaryJson(const Summary& s);

}  // namespace mqb::bench
