#include "bench/mqbridge_bench/tune.h"

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "bench/mqbridge_bench/runner.h"
#include "engine/config.h"

namespace mqb::bench {
namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Fixed(double v, int decimals) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(decimals);
  o << v;
  return o.str();
}

std::string Rate(double v) { return Fixed(v, 0) + " msg/s"; }

// The endpoint, protocol, credentials and TLS of a connector in an mqbridge configuration.
Result<void, std::string> FromConnector(TuneOptions& t) {
  auto config = engine::LoadConfig(t.config_path);
  if (!config.ok()) return Err(config.error());
  const auto& connectors = config.value().connectors;
  auto it = connectors.find(t.connector);
  if (it == connectors.end()) {
    std::string known;
    for (const auto& [name, c] : connectors) known += (known.empty() ? "" : ", ") + name;
    return Err(t.config_path + ": no connector \"" + t.connector + "\"" +
               (known.empty() ? std::string(" (it has none)") : " (it has " + known + ")"));
  }
  const engine::ConnectorConfig& c = it->second;
  BenchOptions& o = t.base;
  o.broker.host = c.host;
  o.broker.port = c.port;
  o.version = static_cast<codec::ProtocolVersion>(static_cast<uint8_t>(c.proto_ver));
  o.username = c.username.value_or("");
  o.password = c.password.value_or("");
  o.keepalive_s = static_cast<uint16_t>(std::clamp<int64_t>(c.keepalive.count() / 1000, 0, 65535));
  o.tls = c.ssl.enable;
  o.insecure = !c.ssl.verify_peer;
  o.ca_file = c.ssl.cacertfile;
  o.cert_file = c.ssl.certfile;
  o.key_file = c.ssl.keyfile;
  o.sni = c.ssl.server_name_indication == "disable" ? "" : c.ssl.server_name_indication;
  return {};
}

// One step: `pool` publishers and one subscriber on the remote.
TuneRow Step(const TuneOptions& t, int pool, int inflight, int step_no,
             const std::atomic<bool>* interrupt) {
  BenchOptions o = t.base;
  o.mode = Mode::kBridge;
  o.sub_broker = t.sub_endpoint.port != 0 ? t.sub_endpoint : o.broker;
  if (o.sub_broker.host.empty()) o.sub_broker.host = o.broker.host;
  o.connections = pool;
  o.sub_connections = 1;
  o.threads = 1;
  o.sub_threads = 1;
  o.max_inflight = static_cast<uint16_t>(inflight);
  const std::string base =
      t.topic_prefix + "/" + std::to_string(::getpid()) + "/" + std::to_string(step_no);
  o.topic = base + "/%i";
  o.sub_topic = base + "/#";
  o.client_id = "mqbridge-tune-%p-" + std::to_string(step_no) + "-%i";
  o.sub_qos = o.qos;
  o.sub_qos_given = true;
  double total = t.target_rate;
  if (t.max_rate > 0 && (total == 0 || total > t.max_rate)) total = t.max_rate;
  o.rate = total > 0 ? total / pool : 0;
  o.duration_s = t.step_s;
  o.count = 0;
  o.drain_s = std::clamp(t.step_s / 2, 1.0, 3.0);
  o.ready_timeout_s = std::clamp(t.step_s, 3.0, 10.0);
  o.quiet = true;

  TuneRow row;
  row.pool_size = pool;
  row.max_inflight = inflight;
  row.offered_rate = total;
  const double cpu0 = CpuSeconds();
  Summary partial;
  auto r = Run(o, {}, interrupt, &partial);
  const double cpu = CpuSeconds() - cpu0;
  if (!r.ok()) {
    row.error = r.error();
    row.connect_failures = partial.connect_errors;
    row.disconnects = partial.reconnects;
    // Connections that never came up are failures even if no attempt has ended yet.
    const uint64_t wanted = static_cast<uint64_t>(pool) + 1;
    if (partial.connected < wanted) {
      row.connect_failures = std::max<uint64_t>(row.connect_failures, wanted - partial.connected);
    }
    return row;
  }
  const Summary& s = r.value();
  row.send_rate = s.send_rate;
  row.rate = s.receive_rate;
  row.p50_ms = static_cast<double>(s.latency.Percentile(50)) / 1e6;
  row.p99_ms = static_cast<double>(s.latency.Percentile(99)) / 1e6;
  row.sent = s.sent;
  row.received = s.unique;
  row.lost = s.lost;
  row.refused = s.refused;
  row.loss = s.expected > 0 ? static_cast<double>(s.lost) / static_cast<double>(s.expected) : 0;
  row.cpu_us_per_msg = s.received > 0 ? cpu * 1e6 / static_cast<double>(s.received) : 0;
  row.connect_failures = s.connect_errors;
  row.disconnects = s.reconnects;
  row.error = s.error;
  return row;
}

bool Clean(const TuneRow& r) {
  return r.connect_failures == 0 && r.disconnects == 0 && r.refused == 0 && r.lost == 0 &&
         r.rate > 0 && (r.error.empty() || r.received > 0);
}

std::string RowName(const TuneRow& r, int qos) {
  return "pool_size " + std::to_string(r.pool_size) +
         (qos > 0 ? ", max_inflight " + std::to_string(r.max_inflight) : std::string());
}

}  // namespace

Result<TuneOptions, ParseError> ParseTuneOptions(int argc, const char* const* argv) {
  TuneOptions t;
  BenchOptions& o = t.base;
  o.qos = codec::QoS::kAtLeastOnce;
  CLI::App app{
      "mqbridge-bench tune: sweeps a connector's pool_size and max_inflight against a real "
      "remote and recommends a setting"};
  app.set_help_flag("--help", "Print this help and exit");
  std::string mode;
  app.add_option("mode", mode, "tune")->required()->check(CLI::IsMember({"tune"}));
  app.add_option("-h,--host", o.broker.host, "Remote broker host");
  app.add_option("-p,--port", o.broker.port, "Remote broker port");
  int version = 4;
  app.add_option("-V,--protocol-version", version, "MQTT protocol version: 3 (3.1), 4 (3.1.1), 5")
      ->check(CLI::IsMember({3, 4, 5}));
  app.add_option("-u,--username", o.username, "Username");
  app.add_option("-P,--password", o.password, "Password");
  app.add_flag("--tls", o.tls, "Connect with TLS");
  app.add_option("--cafile", o.ca_file, "CA certificate (PEM); enables server verification");
  app.add_option("--certfile", o.cert_file, "Client certificate (PEM), mutual TLS");
  app.add_option("--keyfile", o.key_file, "Client private key (PEM)");
  app.add_option("--sni", o.sni, "TLS server name (default: the host)");
  app.add_flag("--insecure", o.insecure, "Do not verify the server certificate");
  app.add_option("--sub-host", t.sub_endpoint.host,
                 "Where the measuring subscriber connects (default: the remote)");
  app.add_option("--sub-port", t.sub_endpoint.port, "Its port (default: the remote's)");
  app.add_option("--config", t.config_path,
                 "mqbridge configuration: take the remote from --connector (instead of --host...)");
  app.add_option("--connector", t.connector, "Connector name in --config");
  int qos = 1;
  app.add_option("-q,--qos", qos, "QoS of the messages (default 1)")->check(CLI::Range(0, 2));
  app.add_option("-s,--size", o.payload_size, "Payload bytes (at least 24)");
  app.add_option("--rate", t.target_rate, "Target rate, messages/s in total (default: flat out)");
  app.add_option("--max-rate", t.max_rate, "Never offer more than this many messages/s in total");
  app.add_option("--max-pool", t.max_pool, "Largest pool_size to try (default 16)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-connections", t.max_connections,
                 "Never open more connections than this, the subscriber included");
  std::string inflights = "16,64,256";
  app.add_option("--inflight", inflights, "max_inflight values to try, comma-separated (QoS 1/2)");
  app.add_option("--step", t.step_s, "Seconds per step (default 5)")->check(CLI::Range(0.5, 600.0));
  app.add_option("--min-gain", t.min_gain,
                 "Stop when doubling the pool adds less than this fraction (default 0.05)");
  app.add_option("--topic-prefix", t.topic_prefix,
                 "Topics used on the remote (default mqbridge-tune)");
  app.add_flag("--json", t.json, "Print the result as JSON on stdout");
  app.add_option("--html", t.html_path, "Also write a self-contained HTML report to this file");
  app.add_flag("--quiet", t.quiet, "No progress lines");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return Err(ParseError{app.help(), true});
  } catch (const CLI::ParseError& e) {
    return Err(ParseError{std::string(e.what()) + "\nRun with --help for the options.", false});
  }
  o.version = static_cast<codec::ProtocolVersion>(version);
  o.qos = static_cast<codec::QoS>(qos);
  o.payload_size = std::max<size_t>(o.payload_size, 24);
  t.inflights.clear();
  std::stringstream in(inflights);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      const int v = std::stoi(item);
      if (v < 1 || v > 65535) throw std::out_of_range(item);
      t.inflights.push_back(v);
    } catch (const std::exception&) {
      return Err(ParseError{"--inflight: \"" + item + "\" is not a number from 1 to 65535", false});
    }
  }
  if (t.inflights.empty()) return Err(ParseError{"--inflight: give at least one value", false});
  std::sort(t.inflights.begin(), t.inflights.end());
  if (t.config_path.empty() != t.connector.empty()) {
    return Err(ParseError{"--config and --connector go together", false});
  }
  if (t.max_connections == 1) {
    return Err(
        ParseError{"--max-connections must allow the subscriber and one publisher (2)", false});
  }
  if (t.target_rate < 0 || t.max_rate < 0) {
    return Err(ParseError{"rates must not be negative", false});
  }
  return t;
}

Result<TuneResult, std::string> RunTune(const TuneOptions& options, const TuneProgress& progress,
                                        const std::atomic<bool>* interrupt) {
  TuneOptions t = options;
  if (!t.config_path.empty()) {
    if (auto r = FromConnector(t); !r.ok()) return Err(r.error());
  }
  TuneResult result;
  result.remote = t.base.broker.host + ":" + std::to_string(t.base.broker.port);
  result.qos = static_cast<int>(t.base.qos);
  result.payload_bytes = t.base.payload_size;
  result.target_rate = t.target_rate;
  const std::vector<int> inflights =
      t.base.qos == codec::QoS::kAtMostOnce ? std::vector<int>{t.inflights.back()} : t.inflights;
  int max_pool = t.max_pool;
  if (t.max_connections > 0) max_pool = std::min(max_pool, t.max_connections - 1);
  double previous_best = 0;
  int step_no = 0;
  for (int pool = 1; pool <= max_pool;
       pool = pool * 2 > max_pool && pool < max_pool ? max_pool : pool * 2) {
    double best_here = 0;
    bool stop = false;
    for (int inflight : inflights) {
      if (interrupt != nullptr && interrupt->load()) break;
      TuneRow row = Step(t, pool, inflight, ++step_no, interrupt);
      if (progress) {
        std::string line = "tune: " + RowName(row, result.qos) + ": ";
        if (row.rate > 0) {
          line += Rate(row.rate) + ", p99 " + Fixed(row.p99_ms, 2) + " ms";
          if (row.lost > 0) line += ", lost " + std::to_string(row.lost);
        }
        if (row.connect_failures > 0)
          line += " connect failures " + std::to_string(row.connect_failures);
        if (!row.error.empty() && row.rate == 0) line += " (" + row.error + ")";
        progress(line);
      }
      if (row.rate == 0 && pool == 1 && !row.error.empty()) {
        return Err("the remote " + result.remote + " could not be used: " + row.error);
      }
      best_here = std::max(best_here, row.rate);
      const bool troubled = row.connect_failures > 0 || row.disconnects > 0 || row.refused > 0;
      result.rows.push_back(std::move(row));
      if (troubled) {
        stop = true;
        break;
      }
    }
    if (stop || (interrupt != nullptr && interrupt->load())) break;
    if (t.target_rate > 0 && best_here >= 0.98 * t.target_rate) break;  // more will not help
    if (previous_best > 0 && best_here < previous_best * (1 + t.min_gain)) break;  // plateau
    previous_best = std::max(previous_best, best_here);
    if (pool == max_pool) break;
  }
  Recommend(t, result);
  return result;
}

void Recommend(const TuneOptions& t, TuneResult& result) {
  const int qos = result.qos;
  const auto& rows = result.rows;
  result.findings.clear();
  result.recommended.reset();
  // What the remote did.
  for (const TuneRow& r : rows) {
    if (r.connect_failures > 0) {
      result.findings.push_back(
          "the remote refused connections at " + std::to_string(r.pool_size) +
          " publishing connections (+1 subscriber)" +
          (r.error.empty() ? std::string() : ": " + r.error) +
          "; its connection limit (or a quota) is below that: keep pool_size under it");
      break;
    }
  }
  for (const TuneRow& r : rows) {
    if (r.disconnects > 0) {
      result.findings.push_back("the remote disconnected clients " + std::to_string(r.disconnects) +
                                " time(s) at " + RowName(r, qos) + " (a rate or quota limit?)");
      break;
    }
  }
  for (const TuneRow& r : rows) {
    if (r.refused > 0) {
      result.findings.push_back("the remote refused " + std::to_string(r.refused) +
                                " messages (PUBACK error codes) at " + RowName(r, qos));
      break;
    }
  }
  for (const TuneRow& r : rows) {
    if (r.lost > 0 && r.connect_failures == 0) {
      result.findings.push_back(
          std::to_string(r.lost) + " messages were lost at " + RowName(r, qos) + " (" +
          Fixed(r.loss * 100, 2) +
          " %): the remote dropped them, so it was saturated at that rate (or a queue limit, "
          "such as mosquitto's max_queued_messages, was reached)");
      break;
    }
  }
  // Candidates: steps where nothing went wrong.
  std::vector<size_t> clean;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (Clean(rows[i])) clean.push_back(i);
  }
  if (clean.empty()) {
    result.recommendation = "no setting delivered every message without errors; see the findings";
    return;
  }
  double best = 0;
  size_t best_i = clean.front();
  for (size_t i : clean) {
    if (rows[i].rate > best) {
      best = rows[i].rate;
      best_i = i;
    }
  }
  // A plateau: the largest pool tried was not clearly better than half of it.
  int largest = 0;
  for (const TuneRow& r : rows) largest = std::max(largest, r.pool_size);
  double at_largest = 0, below = 0;
  for (const TuneRow& r : rows) {
    if (r.pool_size == largest) at_largest = std::max(at_largest, r.rate);
    if (r.pool_size < largest) below = std::max(below, r.rate);
  }
  const bool capped = t.max_rate > 0 && best >= 0.98 * t.max_rate;
  if (largest > 1 && below > 0 && at_largest < below * (1 + t.min_gain) && !capped &&
      (t.target_rate == 0 || best < 0.98 * t.target_rate)) {
    result.findings.push_back("throughput stopped growing at about " + Rate(best) +
                              ": more connections did not help, so the remote (or the link to it) "
                              "is the limit, not the pool");
  }
  auto smaller = [&](size_t a, size_t b) {
    if (rows[a].pool_size != rows[b].pool_size) return rows[a].pool_size < rows[b].pool_size;
    return rows[a].max_inflight < rows[b].max_inflight;
  };
  std::optional<size_t> pick;
  if (t.target_rate > 0) {
    for (size_t i : clean) {
      if (rows[i].rate >= 0.98 * t.target_rate && (!pick || smaller(i, *pick))) pick = i;
    }
    if (pick) {
      const TuneRow& r = rows[*pick];
      result.recommendation = RowName(r, qos) + ": the smallest setting that carries the target " +
                              Rate(t.target_rate) + " (" + Rate(r.rate) + " measured, p99 " +
                              Fixed(r.p99_ms, 2) + " ms)";
    } else {
      pick = best_i;
      const TuneRow& r = rows[*pick];
      result.recommendation = RowName(r, qos) + ": no setting reached the target " +
                              Rate(t.target_rate) + "; this one came closest with " + Rate(r.rate);
    }
  } else {
    for (size_t i : clean) {
      if (rows[i].rate >= (1 - t.near_best) * best && (!pick || smaller(i, *pick))) pick = i;
    }
    const TuneRow& r = rows[*pick];
    const TuneRow& b = rows[best_i];
    if (*pick == best_i) {
      result.recommendation = RowName(r, qos) + ": the best rate measured (" + Rate(r.rate) +
                              ", p99 " + Fixed(r.p99_ms, 2) + " ms)";
    } else {
      result.recommendation =
          RowName(r, qos) + ": within " + Fixed(100.0 * (1 - r.rate / b.rate), 1) +
          " % of the best rate (" + Rate(b.rate) + " at " + RowName(b, qos) + ") with " +
          (r.pool_size < b.pool_size ? std::to_string(r.pool_size) + " of its " +
                                           std::to_string(b.pool_size) + " connections"
                                     : "a smaller in-flight window");
    }
  }
  result.recommended = pick;
}

}  // namespace mqb::bench
