// Runner: one mqbridge-bench run from options to Summary.
//
// Phases: create workers (subscribers first, on their own reactor threads in bridge mode) ->
// connect subscribers and wait for their SUBACKs -> connect publishers -> (bridge) send probes
// until one comes through end to end -> publish for the limit or the duration, with one progress
// line per second -> drain: wait until every expected message has arrived or nothing has arrived
// for --drain seconds -> disconnect -> merge the workers' counters, trackers and histograms.
//
// Loss: in bridge mode (the tool knows what it sent) lost = sent x fan-out - unique received,
// where fan-out is the number of subscribers (1 with a shared group). In sub mode it is the sum of
// the sequence gaps of each (subscriber, publisher) stream.
//
// Thread-safety: Run() is reentrant (each call has its own workers); the progress callback runs
// on the calling thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "base/result.h"
#include "bench/mqbridge_bench/bench_options.h"
#include "bench/mqbridge_bench/latency_histogram.h"

namespace mqb::bench {

struct Progress {
  double t_s = 0;  // since publishing started (or since connecting, before)
  uint64_t connected = 0, sent = 0, received = 0;  // totals
  double sent_per_s = 0, received_per_s = 0;       // over the last interval
};

struct Summary {
  Mode mode = Mode::kPub;
  int qos = 0;
  size_t payload_bytes = 0;
  int publishers = 0, subscribers = 0, connections = 0;
  uint64_t connected = 0, connect_errors = 0, reconnects = 0;
  double publish_s = 0;  // publishing phase
  double elapsed_s = 0;  // publishing start -> last message received (or end of publishing)
  uint64_t sent = 0, acked = 0, publish_errors = 0;
  uint64_t refused = 0;  // QoS 1/2 publishes the broker answered with an error reason code (5.0)
  uint64_t received = 0, unique = 0, lost = 0, duplicated = 0, out_of_order = 0, foreign = 0;
  uint64_t expected = 0;                   // bridge mode: sent x fan-out
  double send_rate = 0, receive_rate = 0;  // messages/s
  LatencyHistogram latency;
  LatencyHistogram connect_time;
  std::string error;  // first connection or subscription failure, if any
};

using ProgressSink = std::function<void(const Progress&)>;

// Errors: set-up failures (no io_uring), or nothing could connect / subscribe in time.
// `interrupt` (optional): when it becomes true the run ends early (publishing stops, then drain).
// `partial` (optional): when the run fails after connecting started, what was seen so far
// (connected, connect_errors, reconnects, error), e.g. how many connections a remote accepted.
Result<Summary, std::string> Run(const BenchOptions& options, const ProgressSink& progress = {},
                                 const std::atomic<bool>* interrupt = nullptr,
                                 Summary* partial = nullptr);

}  // namespace mqb::bench
