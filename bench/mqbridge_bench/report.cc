#include "bench/mqbridge_bench/report.h"

#include <fmt/format.h>

namespace mqb::bench {

namespace {

double Us(uint64_t ns) { return static_cast<double>(ns) / 1e3; }

std::string JsonEscape(const std::string& in) {
  std::string out;
  for (char c : in) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string Percentiles(const LatencyHistogram& h) {
  return fmt::format("p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f} us",
                     Us(h.Percentile(50)), Us(h.Percentile(90)), Us(h.Percentile(99)),
                     Us(h.Percentile(99.9)), Us(h.max()));
}

std::string PercentilesJson(const LatencyHistogram& h) {
  return fmt::format(
      R"({{"count": {}, "mean": {:.3f}, "p50": {:.3f}, "p90": {:.3f}, "p99": {:.3f}, )"
      R"("p999": {:.3f}, "max": {:.3f}}})",
      h.count(), h.mean() / 1e3, Us(h.Percentile(50)), Us(h.Percentile(90)), Us(h.Percentile(99)),
      Us(h.Percentile(99.9)), Us(h.max()));
}

}  // namespace

std::string FormatProgress(const Progress& p) {
  return fmt::format(
      "{:6.1f}s  conns {:>6}  sent {:>10.0f}/s  recv {:>10.0f}/s  (total sent {} recv {})", p.t_s,
      p.connected, p.sent_per_s, p.received_per_s, p.sent, p.received);
}

std::string FormatSummary(const Summary& s) {
  std::string out = fmt::format(
      "mode {}  qos {}  payload {} B  publishers {}  subscribers {}\n"
      "connections  connected {}  errors {}  reconnects {}\n",
      ModeName(s.mode), s.qos, s.payload_bytes, s.publishers, s.subscribers, s.connected,
      s.connect_errors, s.reconnects);
  if (s.connect_time.count() > 0) {
    out += "connect time " + Percentiles(s.connect_time) + "\n";
  }
  if (s.mode != Mode::kConn) {
    out += fmt::format(
        "sent {}  received {}  lost {}  duplicated {}  out of order {}\n"
        "throughput  send {:.0f} msg/s  receive {:.0f} msg/s  (publishing {:.2f} s, until last "
        "message {:.2f} s)\n",
        s.sent, s.received, s.lost, s.duplicated, s.out_of_order, s.send_rate, s.receive_rate,
        s.publish_s, s.elapsed_s);
    if (s.latency.count() > 0) out += "latency      " + Percentiles(s.latency) + "\n";
    if (s.foreign > 0) out += fmt::format("foreign messages ignored: {}\n", s.foreign);
    if (s.publish_errors > 0) out += fmt::format("publish errors: {}\n", s.publish_errors);
  }
  if (!s.error.empty()) out += "first error: " + s.error + "\n";
  return out;
}

std::string SummaryJson(const Summary& s) {
  return fmt::format(
      R"({{"mode": "{}", "qos": {}, "payload_bytes": {}, "publishers": {}, "subscribers": {}, )"
      R"("connected": {}, "connect_errors": {}, "reconnects": {}, "sent": {}, "acked": {}, )"
      R"("publish_errors": {}, "received": {}, "unique": {}, "expected": {}, "lost": {}, )"
      R"("duplicated": {}, "out_of_order": {}, "foreign": {}, "publish_s": {:.6f}, )"
      R"("elapsed_s": {:.6f}, "send_rate": {:.1f}, "receive_rate": {:.1f}, )"
      R"("latency_us": {}, "connect_time_us": {}, "error": "{}"}})",
      ModeName(s.mode), s.qos, s.payload_bytes, s.publishers, s.subscribers, s.connected,
      s.connect_errors, s.reconnects, s.sent, s.acked, s.publish_errors, s.received, s.unique,
      s.expected, s.lost, s.duplicated, s.out_of_order, s.foreign, s.publish_s, s.elapsed_s,
      s.send_rate, s.receive_rate, PercentilesJson(s.latency), PercentilesJson(s.connect_time),
      JsonEscape(s.error));
}

}  // namespace mqb::bench
