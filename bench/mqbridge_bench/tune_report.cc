#include "bench/mqbridge_bench/tune_report.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace mqb::bench {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `v`.
double NiceMax(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string AxisLabel(double v) {
  if (v >= 1e6) return Fixed(v / 1e6, v >= 1e7 ? 0 : 1) + "M";
  if (v >= 1e3) return Fixed(v / 1e3, v >= 1e4 ? 0 : 1) + "k";
  if (v >= 10 || v == 0) return Fixed(v, 0);
  return Fixed(v, v >= 1 ? 1 : 2);
}

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

// An SVG line chart of `metric` against pool_size, a series per max_inflight. Every point is a
// <circle class="point"> carrying its values, with a tooltip.
std::string Chart(const TuneResult& r, const std::string& id, const std::string& title,
                  const std::string& unit, double (*metric)(const TuneRow&)) {
  const double w = 560, h = 300, left = 64, right = 16, top = 28, bottom = 44;
  std::set<int> pools;
  std::map<int, std::vector<const TuneRow*>> series;
  double ymax = 0;
  for (const TuneRow& row : r.rows) {
    pools.insert(row.pool_size);
    series[row.max_inflight].push_back(&row);
    ymax = std::max(ymax, metric(row));
  }
  ymax = NiceMax(ymax * 1.05);
  const std::vector<int> xs(pools.begin(), pools.end());
  auto x_of = [&](int pool) {
    const auto it = std::find(xs.begin(), xs.end(), pool);
    const double i = static_cast<double>(it - xs.begin());
    return xs.size() <= 1 ? left + (w - left - right) / 2
                          : left + i * (w - left - right) / static_cast<double>(xs.size() - 1);
  };
  auto y_of = [&](double v) { return top + (h - top - bottom) * (1 - v / ymax); };
  std::string s = "<svg id=\"" + id + "\" class=\"chart\" viewBox=\"0 0 " + Fixed(w, 0) + " " +
                  Fixed(h, 0) + "\" width=\"" + Fixed(w, 0) + "\" height=\"" + Fixed(h, 0) +
                  "\" role=\"img\" aria-label=\"" + Html(title) + "\">\n";
  s += "<text x=\"" + Fixed(w / 2, 0) + "\" y=\"18\" class=\"title\">" + Html(title) + "</text>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = ymax * i / 4, y = y_of(v);
    s += "<line class=\"grid\" x1=\"" + Fixed(left, 0) + "\" x2=\"" + Fixed(w - right, 0) +
         "\" y1=\"" + Fixed(y, 1) + "\" y2=\"" + Fixed(y, 1) + "\"/>";
    s += "<text class=\"ytick\" x=\"" + Fixed(left - 6, 0) + "\" y=\"" + Fixed(y + 4, 1) + "\">" +
         AxisLabel(v) + "</text>\n";
  }
  for (int p : xs) {
    s += "<text class=\"xtick\" x=\"" + Fixed(x_of(p), 1) + "\" y=\"" + Fixed(h - bottom + 16, 0) +
         "\">" + std::to_string(p) + "</text>";
  }
  s += "\n<text class=\"xlabel\" x=\"" + Fixed(left + (w - left - right) / 2, 0) + "\" y=\"" +
       Fixed(h - 6, 0) + "\">pool_size</text>";
  s += "<text class=\"ylabel\" transform=\"translate(14 " + Fixed(top + (h - top - bottom) / 2, 0) +
       ") rotate(-90)\">" + Html(unit) + "</text>\n";
  size_t color = 0;
  for (const auto& [inflight, rows] : series) {
    const char* c = kColors[color++ % std::size(kColors)];
    std::string points;
    for (const TuneRow* row : rows) {
      points += Fixed(x_of(row->pool_size), 1) + "," + Fixed(y_of(metric(*row)), 1) + " ";
    }
    s += "<polyline class=\"series\" fill=\"none\" stroke=\"" + std::string(c) +
         "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
    for (const TuneRow* row : rows) {
      const double v = metric(*row);
      s += "<circle class=\"point\" r=\"4\" fill=\"" + std::string(c) + "\" cx=\"" +
           Fixed(x_of(row->pool_size), 1) + "\" cy=\"" + Fixed(y_of(v), 1) + "\" data-pool=\"" +
           std::to_string(row->pool_size) + "\" data-inflight=\"" +
           std::to_string(row->max_inflight) + "\" data-value=\"" + Fixed(v, 3) + "\"><title>" +
           "pool_size " + std::to_string(row->pool_size) +
           (r.qos > 0 ? ", max_inflight " + std::to_string(row->max_inflight) : std::string()) +
           ": " + Fixed(v, v < 10 ? 2 : 0) + " " + Html(unit) + "</title></circle>\n";
    }
  }
  if (r.qos > 0 && series.size() > 1) {
    double ly = top + 4;
    color = 0;
    for (const auto& [inflight, rows] : series) {
      const char* c = kColors[color++ % std::size(kColors)];
      s += "<rect x=\"" + Fixed(w - right - 110, 0) + "\" y=\"" + Fixed(ly, 0) +
           "\" width=\"10\" height=\"10\" fill=\"" + c + "\"/><text class=\"legend\" x=\"" +
           Fixed(w - right - 96, 0) + "\" y=\"" + Fixed(ly + 9, 0) + "\">max_inflight " +
           std::to_string(inflight) + "</text>\n";
      ly += 16;
    }
  }
  return s + "</svg>\n";
}

double RateOf(const TuneRow& r) { return r.rate; }
double P99Of(const TuneRow& r) { return r.p99_ms; }

}  // namespace

std::string FormatTuneText(const TuneResult& r) {
  std::string s = "remote " + r.remote + ", QoS " + std::to_string(r.qos) + ", " +
                  std::to_string(r.payload_bytes) + " B payloads, target " +
                  (r.target_rate > 0 ? Fixed(r.target_rate, 0) + " msg/s" : "as fast as possible") +
                  "\n\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%9s %12s %11s %9s %9s %9s %12s %13s %9s\n", "pool_size",
                "max_inflight", "msg/s", "p50 ms", "p99 ms", "loss", "cpu us/msg", "conn failures",
                "refused");
  s += line;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TuneRow& row = r.rows[i];
    std::snprintf(line, sizeof(line), "%9d %12d %11.0f %9.2f %9.2f %8.2f%% %12.2f %13llu %9llu%s\n",
                  row.pool_size, row.max_inflight, row.rate, row.p50_ms, row.p99_ms, row.loss * 100,
                  row.cpu_us_per_msg, static_cast<unsigned long long>(row.connect_failures),
                  static_cast<unsigned long long>(row.refused),
                  r.recommended && *r.recommended == i ? "  <- recommended" : "");
    s += line;
  }
  s += "\nrecommendation: " + r.recommendation + "\n";
  for (const std::string& f : r.findings) s += "finding: " + f + "\n";
  return s;
}

std::string TuneJson(const TuneResult& r) {
  std::string s = "{\"remote\":" + JsonString(r.remote) + ",\"qos\":" + std::to_string(r.qos) +
                  ",\"payload_bytes\":" + std::to_string(r.payload_bytes) +
                  ",\"target_rate\":" + Fixed(r.target_rate, 1) + ",\"rows\":[";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TuneRow& row = r.rows[i];
    if (i > 0) s += ",";
    s += "{\"pool_size\":" + std::to_string(row.pool_size) +
         ",\"max_inflight\":" + std::to_string(row.max_inflight) +
         ",\"offered_rate\":" + Fixed(row.offered_rate, 1) +
         ",\"send_rate\":" + Fixed(row.send_rate, 1) + ",\"rate\":" + Fixed(row.rate, 1) +
         ",\"p50_ms\":" + Fixed(row.p50_ms, 3) + ",\"p99_ms\":" + Fixed(row.p99_ms, 3) +
         ",\"sent\":" + std::to_string(row.sent) + ",\"received\":" + std::to_string(row.received) +
         ",\"lost\":" + std::to_string(row.lost) + ",\"loss\":" + Fixed(row.loss, 6) +
         ",\"refused\":" + std::to_string(row.refused) +
         ",\"cpu_us_per_msg\":" + Fixed(row.cpu_us_per_msg, 3) +
         ",\"connect_failures\":" + std::to_string(row.connect_failures) +
         ",\"disconnects\":" + std::to_string(row.disconnects) +
         ",\"error\":" + JsonString(row.error) + "}";
  }
  s += "],\"recommended\":" +
       (r.recommended ? std::to_string(*r.recommended) : std::string("null")) +
       ",\"recommendation\":" + JsonString(r.recommendation) + ",\"findings\":[";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    s += (i > 0 ? "," : "") + JsonString(r.findings[i]);
  }
  return s + "]}";
}

std::string TuneHtml(const TuneResult& r, const std::string& title_in) {
  const std::string title = title_in.empty() ? "Tuning " + r.remote : title_in;
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + Html(title) +
      "</title>\n<style>\n"
      "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}\n"
      "h1{font-size:20px}.meta{color:#555}.rec{background:#eef6ee;border-left:4px solid #2ca02c;"
      "padding:8px 12px}.finding{background:#fdf3e7;border-left:4px solid #ff7f0e;padding:6px 12px;"
      "margin:4px 0}\n"
      ".charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #ddd;background:#fff}\n"
      ".chart .title{font-weight:600;text-anchor:middle}.chart .grid{stroke:#eee}"
      ".chart .ytick{text-anchor:end;font-size:11px;fill:#555}.chart .xtick{text-anchor:middle;"
      "font-size:11px;fill:#555}.chart .xlabel,.chart .ylabel{text-anchor:middle;font-size:12px}"
      ".chart .legend{font-size:11px}\n"
      "table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ddd;padding:4px 8px;"
      "text-align:right}th{background:#f4f4f4}tr.recommended td{background:#eef6ee;font-weight:600}"
      "td.err{text-align:left;color:#a33}\n"
      "</style></head><body>\n<h1>" +
      Html(title) + "</h1>\n<p class=\"meta\">remote " + Html(r.remote) + ", QoS " +
      std::to_string(r.qos) + ", " + std::to_string(r.payload_bytes) + " B payloads, target " +
      (r.target_rate > 0 ? Fixed(r.target_rate, 0) + " msg/s" : "as fast as possible") + ", " +
      std::to_string(r.rows.size()) + " steps</p>\n";
  s += "<p class=\"rec\" id=\"recommendation\">" + Html(r.recommendation) + "</p>\n";
  for (const std::string& f : r.findings) s += "<p class=\"finding\">" + Html(f) + "</p>\n";
  s += "<div class=\"charts\">\n" + Chart(r, "rate", "Delivered rate", "msg/s", &RateOf) +
       Chart(r, "p99", "p99 latency", "ms", &P99Of) + "</div>\n";
  s += "<table id=\"steps\"><thead><tr><th>pool_size</th><th>max_inflight</th><th>msg/s</th>"
       "<th>p50 ms</th><th>p99 ms</th><th>loss</th><th>CPU &micro;s/msg</th>"
       "<th>connect failures</th><th>disconnects</th><th>refused</th><th>error</th></tr></thead>"
       "<tbody>\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TuneRow& row = r.rows[i];
    s += std::string("<tr") +
         (r.recommended && *r.recommended == i ? " class=\"recommended\"" : "") + "><td>" +
         std::to_string(row.pool_size) + "</td><td>" + std::to_string(row.max_inflight) +
         "</td><td>" + Fixed(row.rate, 0) + "</td><td>" + Fixed(row.p50_ms, 2) + "</td><td>" +
         Fixed(row.p99_ms, 2) + "</td><td>" + Fixed(row.loss * 100, 2) + " %</td><td>" +
         Fixed(row.cpu_us_per_msg, 2) + "</td><td>" + std::to_string(row.connect_failures) +
         "</td><td>" + std::to_string(row.disconnects) + "</td><td>" + std::to_string(row.refused) +
         "</td><td class=\"err\">" + Html(row.error) + "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  // Filled in by the browser from what it laid out (a check that the charts render).
  s += "<p class=\"meta\">points drawn: <span id=\"drawn\">?</span></p>\n<script>\n"
       "document.getElementById('drawn').textContent = Array.from("
       "document.querySelectorAll('circle.point')).filter(c => c.getBBox().width > 0).length;\n"
       "</script>\n</body></html>\n";
  return s;
}

Result<TuneResult, std::string> ParseTuneJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto e = parser.parse(padded).get(doc); e) {
    return Err(std::string("not JSON: ") + simdjson::error_message(e));
  }
  TuneResult r;
  std::string_view sv;
  double d = 0;
  int64_t n = 0;
  if (!doc["remote"].get(sv)) r.remote = std::string(sv);
  if (!doc["qos"].get(n)) r.qos = static_cast<int>(n);
  if (!doc["payload_bytes"].get(n)) r.payload_bytes = static_cast<size_t>(n);
  if (!doc["target_rate"].get(d)) r.target_rate = d;
  simdjson::dom::array rows;
  if (doc["rows"].get(rows)) return Err(std::string("no \"rows\" list"));
  for (simdjson::dom::element e : rows) {
    TuneRow row;
    if (e["pool_size"].get(n)) return Err(std::string("a row has no pool_size"));
    row.pool_size = static_cast<int>(n);
    if (e["rate"].get(d)) return Err(std::string("a row has no rate"));
    row.rate = d;
    auto num = [&](const char* key, double* out) {
      if (!e[key].get(d)) *out = d;
    };
    auto count = [&](const char* key, uint64_t* out) {
      if (!e[key].get(n) && n >= 0) *out = static_cast<uint64_t>(n);
    };
    if (!e["max_inflight"].get(n)) row.max_inflight = static_cast<int>(n);
    num("offered_rate", &row.offered_rate);
    num("send_rate", &row.send_rate);
    num("p50_ms", &row.p50_ms);
    num("p99_ms", &row.p99_ms);
    num("loss", &row.loss);
    num("cpu_us_per_msg", &row.cpu_us_per_msg);
    count("sent", &row.sent);
    count("received", &row.received);
    count("lost", &row.lost);
    count("refused", &row.refused);
    count("connect_failures", &row.connect_failures);
    count("disconnects", &row.disconnects);
    if (!e["error"].get(sv)) row.error = std::string(sv);
    r.rows.push_back(std::move(row));
  }
  if (!doc["recommended"].get(n) && n >= 0 && static_cast<size_t>(n) < r.rows.size()) {
    r.recommended = static_cast<size_t>(n);
  }
  if (!doc["recommendation"].get(sv)) r.recommendation = std::string(sv);
  simdjson::dom::array findings;
  if (!doc["findings"].get(findings)) {
    for (simdjson::dom::element f : findings) {
      if (!f.get(sv)) r.findings.emplace_back(sv);
    }
  }
  return r;
}

}  // namespace mqb::bench
