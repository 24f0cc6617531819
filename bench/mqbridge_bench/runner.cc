#include "bench/mqbridge_bench/runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "bench/mqbridge_bench/payload_stamp.h"
#include "bench/mqbridge_bench/worker.h"

namespace mqb::bench {

namespace {

using Workers = std::vector<std::unique_ptr<Worker>>;

uint64_t Sum(const Workers& ws, const Counter WorkerCounters::*field) {
  uint64_t n = 0;
  for (const auto& w : ws) n += (w->counters().*field).Get();
  return n;
}

double Seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// Distributes `n` clients of `role` over `threads` new workers.
Workers MakeWorkers(const BenchOptions& o, uint32_t run_id, Role role, int n, int threads,
                    const Endpoint& ep, const char* name) {
  Workers ws;
  threads = std::min(threads, n);
  for (int t = 0; t < threads; ++t) {
    ws.push_back(std::make_unique<Worker>(o, run_id, std::string(name) + std::to_string(t)));
  }
  for (int i = 0; i < n; ++i) ws[static_cast<size_t>(i % threads)]->AddClient(role, i, ep);
  return ws;
}

// Starts clients 0..n-1 (round-robin over the workers) at `rate` per second (0: all at once).
void StartClients(const Workers& ws, int n, double rate, const std::atomic<bool>* interrupt) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    if (rate > 0 && i > 0) {
      std::this_thread::sleep_until(t0 + std::chrono::duration<double>(i / rate));
      if (interrupt != nullptr && interrupt->load()) return;
    }
    const size_t t = static_cast<size_t>(i) % ws.size();
    ws[t]->StartClient(static_cast<size_t>(i) / ws.size());
  }
}

// Polls `done` every millisecond until it holds or `timeout_s` passes. True if it held.
template <typename F>
bool WaitFor(F done, double timeout_s, const std::atomic<bool>* interrupt) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (interrupt != nullptr && interrupt->load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

Result<Summary, std::string> Run(const BenchOptions& o, const ProgressSink& progress,
                                 const std::atomic<bool>* interrupt, Summary* partial) {
  const uint32_t run_id = std::random_device{}();
  Summary s;
  s.mode = o.mode;
  s.qos = static_cast<int>(o.qos);
  s.payload_bytes = std::max(kStampSize, o.payload_size);
  if (!o.payload_file.empty()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(o.payload_file, ec);
    if (ec) return Err("cannot read the payload file " + o.payload_file + ": " + ec.message());
    s.payload_bytes = std::max<size_t>(kStampSize, size);
  }

  Workers subs, pubs;  // conn mode uses `pubs` for its plain connections
  int n_subs = 0, n_pubs = 0;
  switch (o.mode) {
    case Mode::kConn:
      n_pubs = o.connections;
      pubs = MakeWorkers(o, run_id, Role::kConn, n_pubs, o.threads, o.broker, "conn");
      break;
    case Mode::kPub:
      n_pubs = o.connections;
      pubs = MakeWorkers(o, run_id, Role::kPublisher, n_pubs, o.threads, o.broker, "pub");
      break;
    case Mode::kSub:
      n_subs = o.connections;
      subs = MakeWorkers(o, run_id, Role::kSubscriber, n_subs, o.threads, o.broker, "sub");
      break;
    case Mode::kBridge:
      n_subs = o.sub_connections;
      n_pubs = o.connections;
      subs = MakeWorkers(o, run_id, Role::kSubscriber, n_subs, o.sub_threads, o.sub_broker, "sub");
      pubs = MakeWorkers(o, run_id, Role::kPublisher, n_pubs, o.threads, o.broker, "pub");
      break;
  }
  s.publishers = o.mode == Mode::kConn ? 0 : n_pubs;
  s.subscribers = n_subs;
  s.connections = n_pubs + n_subs;
  for (Workers* ws : {&subs, &pubs}) {
    for (auto& w : *ws) {
      if (auto r = w->StartThread(); !r.ok()) return Err("cannot start a reactor: " + r.error());
    }
  }
  auto stop_all = [&] {
    for (Workers* ws : {&subs, &pubs}) {
      for (auto& w : *ws) w->StopAndJoin();
    }
  };
  auto fill_partial = [&] {
    if (partial == nullptr) return;
    *partial = s;
    for (Workers* ws : {&subs, &pubs}) {
      for (auto& w : *ws) {
        partial->connected += w->counters().connected.Get();
        partial->connect_errors += w->counters().connect_errors.Get();
        partial->reconnects += w->counters().reconnects.Get();
      }
    }
  };
  auto first_error = [&] {
    fill_partial();
    // Results are only readable after the threads stopped.
    stop_all();
    for (Workers* ws : {&subs, &pubs}) {
      for (auto& w : *ws) {
        WorkerResults r = w->TakeResults();
        if (!r.first_error.empty()) return r.first_error;
      }
    }
    return std::string("timed out");
  };

  const auto t_connect = MonotonicNs();
  // 1. Subscribers, and their SUBACKs.
  if (n_subs > 0) {
    StartClients(subs, n_subs, o.connect_rate, interrupt);
    const bool ok = WaitFor(
        [&] {
          return Sum(subs, &WorkerCounters::subscribed) +
                     Sum(subs, &WorkerCounters::subscribe_errors) >=
                 static_cast<uint64_t>(n_subs);
        },
        o.ready_timeout_s, interrupt);
    if (!ok || Sum(subs, &WorkerCounters::subscribe_errors) > 0) {
      return Err("subscribers not ready on " +
                 (o.mode == Mode::kBridge
                      ? o.sub_broker.host + ":" + std::to_string(o.sub_broker.port)
                      : o.broker.host + ":" + std::to_string(o.broker.port)) +
                 ": " + first_error());
    }
  }
  // 2. Publishers (or plain connections).
  if (n_pubs > 0) {
    StartClients(pubs, n_pubs, o.connect_rate, interrupt);
    if (o.mode != Mode::kConn) {
      const bool ok = WaitFor(
          [&] { return Sum(pubs, &WorkerCounters::connected) >= static_cast<uint64_t>(n_pubs); },
          o.ready_timeout_s, interrupt);
      if (!ok) {
        return Err("publishers not connected to " + o.broker.host + ":" +
                   std::to_string(o.broker.port) + ": " + first_error());
      }
    }
  }
  // 3. Bridge: a probe must make it through before the clock starts.
  if (o.mode == Mode::kBridge) {
    uint64_t next_probe = 0;
    const bool ok = WaitFor(
        [&] {
          if (Sum(subs, &WorkerCounters::probes) > 0) return true;
          if (MonotonicNs() >= next_probe) {
            pubs.front()->SendProbe();
            next_probe = MonotonicNs() + 100'000'000;
          }
          return false;
        },
        o.ready_timeout_s, interrupt);
    if (!ok) {
      fill_partial();
      stop_all();
      return Err("no probe came through from " + o.broker.host + ":" +
                 std::to_string(o.broker.port) + " to " + o.sub_broker.host + ":" +
                 std::to_string(o.sub_broker.port) +
                 " within the ready timeout (is the bridge up?)");
    }
  }

  // 4. Measure.
  const uint64_t start = o.mode == Mode::kConn ? t_connect : MonotonicNs();
  for (auto& w : pubs) {
    if (o.mode != Mode::kConn) w->StartPublishing(start);
  }
  auto all = [&](const Counter WorkerCounters::*f) { return Sum(subs, f) + Sum(pubs, f); };
  Progress last{};
  uint64_t next_report = start + 1'000'000'000;
  uint64_t last_rx = 0, last_rx_change = start, first_rx_ns = 0;
  uint64_t publish_end = 0;
  auto sample = [&](uint64_t now) {
    const uint64_t rx = all(&WorkerCounters::received) + all(&WorkerCounters::acked);
    if (rx != last_rx) {
      if (last_rx == 0) first_rx_ns = now;
      last_rx = rx;
      last_rx_change = now;
    }
    if (now >= next_report) {
      Progress p;
      p.t_s = Seconds(now - start);
      p.connected = all(&WorkerCounters::connected);
      p.sent = all(&WorkerCounters::sent);
      p.received = all(&WorkerCounters::received);
      const double dt = p.t_s - last.t_s;
      p.sent_per_s = dt > 0 ? static_cast<double>(p.sent - last.sent) / dt : 0;
      p.received_per_s = dt > 0 ? static_cast<double>(p.received - last.received) / dt : 0;
      if (progress) progress(p);
      last = p;
      next_report += 1'000'000'000;
    }
  };
  for (;;) {
    const uint64_t now = MonotonicNs();
    sample(now);
    const bool interrupted = interrupt != nullptr && interrupt->load();
    bool finished = interrupted;
    if (o.duration_s > 0 && now - start >= static_cast<uint64_t>(o.duration_s * 1e9) &&
        o.mode != Mode::kPub && o.mode != Mode::kBridge) {
      finished = true;
    }
    if (n_pubs > 0 && o.mode != Mode::kConn &&
        all(&WorkerCounters::publishers_done) >= static_cast<uint64_t>(n_pubs)) {
      finished = true;
    }
    if (o.mode == Mode::kSub && o.count > 0 &&
        all(&WorkerCounters::subscribers_done) >= static_cast<uint64_t>(n_subs)) {
      finished = true;
    }
    if (finished) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto& w : pubs) {
    if (o.mode != Mode::kConn) w->StopPublishing();
  }
  publish_end = MonotonicNs();

  // 5. Drain.
  const int fanout = o.shared_group.empty() ? n_subs : 1;
  if (o.mode == Mode::kBridge || (o.mode == Mode::kPub && o.qos != codec::QoS::kAtMostOnce)) {
    // Let StopPublishing land before reading the final sent count.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const uint64_t sent = all(&WorkerCounters::sent);
    auto complete = [&] {
      const bool acked = o.qos == codec::QoS::kAtMostOnce || all(&WorkerCounters::acked) >= sent;
      if (o.mode == Mode::kBridge) {
        return acked && all(&WorkerCounters::received) >= sent * static_cast<uint64_t>(fanout);
      }
      return acked;
    };
    last_rx_change = std::max(last_rx_change, publish_end);
    while (!complete()) {
      const uint64_t now = MonotonicNs();
      sample(now);
      if (now - last_rx_change >= static_cast<uint64_t>(o.drain_s * 1e9)) break;
      if (interrupt != nullptr && interrupt->load() && now - publish_end > 1'000'000'000) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    sample(MonotonicNs());
    if (complete()) last_rx_change = MonotonicNs();
  }

  // 6. Results.
  s.sent = all(&WorkerCounters::sent);
  s.acked = all(&WorkerCounters::acked);
  s.publish_errors = all(&WorkerCounters::publish_errors);
  s.refused = all(&WorkerCounters::refused);
  s.received = all(&WorkerCounters::received);
  s.foreign = all(&WorkerCounters::foreign);
  s.connected = all(&WorkerCounters::connected);
  s.connect_errors = all(&WorkerCounters::connect_errors);
  s.reconnects = all(&WorkerCounters::reconnects);
  stop_all();
  uint64_t missing = 0;
  for (Workers* ws : {&subs, &pubs}) {
    for (auto& w : *ws) {
      WorkerResults r = w->TakeResults();
      s.latency.Merge(r.latency);
      s.connect_time.Merge(r.connect_time);
      s.unique += r.unique;
      s.duplicated += r.duplicates;
      s.out_of_order += r.out_of_order;
      missing += r.missing;
      if (s.error.empty()) s.error = r.first_error;
    }
  }
  s.publish_s = Seconds(publish_end - start);
  if (o.mode == Mode::kBridge) {
    s.expected = s.sent * static_cast<uint64_t>(fanout);
    s.lost = s.expected > s.unique ? s.expected - s.unique : 0;
  } else if (o.mode == Mode::kSub) {
    s.lost = missing;
  }
  if (o.mode == Mode::kSub) {
    s.elapsed_s = first_rx_ns != 0 ? Seconds(last_rx_change - first_rx_ns) : 0;
  } else if (o.mode == Mode::kBridge) {
    s.elapsed_s = Seconds(std::max(last_rx_change, publish_end) - start);
  } else {
    s.elapsed_s = s.publish_s;
  }
  s.send_rate = s.publish_s > 0 ? static_cast<double>(s.sent) / s.publish_s : 0;
  s.receive_rate = s.elapsed_s > 0 ? static_cast<double>(s.received) / s.elapsed_s : 0;
  return s;
}

}  // namespace mqb::bench
