// TuneReport: a sweep's result (tune.h) as text, as JSON, and as a self-contained HTML page
// with charts (delivered rate and p99 latency against pool_size, one line per max_inflight),
// the table, the recommendation and the findings. The page embeds its CSS and draws its charts
// as inline SVG: it opens in a browser with no network, and prints.
//
// `mqbridge-bench report --in sweep.json --html report.html` turns the JSON (from
// `tune --json`, or written by bench/compare for its pool-size sweep) into the same page.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "bench/mqbridge_bench/tune.h"

namespace mqb::bench {

std::string FormatTuneText(const TuneResult& r);
std::string TuneJson(const TuneResult& r);
// `title`: the page's heading (default: "Tuning <remote>").
std::string TuneHtml(const TuneResult& r, const std::string& title = {});
// The inverse of TuneJson (unknown keys ignored; rows need pool_size and rate).
Result<TuneResult, std::string> ParseTuneJson(std::string_view json);

}  // namespace mqb::bench
