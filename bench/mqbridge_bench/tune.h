// Tune: `mqbridge-bench tune`, which answers "what pool_size and max_inflight should my
// connector use against this remote, for this rate and message size?".
//
// It plays the connector's pool against the real remote: for pool_size = 1, 2, 4, ... it opens
// that many publishing connections (mqbridge's own MQTT client, the same as a connector's pool)
// plus one subscriber on the remote, and for each max_inflight value (QoS 1/2; one step at QoS 0)
// publishes for a step of `step_s` seconds at the target rate (or as fast as the window allows),
// measuring end-to-end delivery through the remote: rate, p50/p99 latency, loss, the tool's CPU
// per message, connection failures and disconnects, and messages the remote refused (5.0 PUBACK
// reason codes).
//
// The sweep stops early when doubling the pool stopped helping (less than `min_gain` more
// messages/s), when the target rate is reached, when the remote refuses connections or messages
// or disconnects clients, and it never goes past `max_pool`, `max_connections` (the subscriber
// counts) or `max_rate`: the remote may be a shared production broker. The recommendation is the
// smallest setting within `near_best` of the best rate (or the smallest that carries the target),
// with the reason, and the findings say what the remote did (refused, rate-limited, ...).
//
// Thread-safety: RunTune is reentrant; the progress callback runs on the calling thread.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench/mqbridge_bench/bench_options.h"

namespace mqb::bench {

struct TuneOptions {
  BenchOptions base;  // endpoint, protocol, credentials, TLS, qos, payload size
  // Where the subscriber connects, when not where the publishers do (another listener of the
  // remote, or around a proxy that stands for the link under test); port 0: the same.
  Endpoint sub_endpoint{"", 0};
  std::string config_path;     // --config: take the endpoint from this connector ...
  std::string connector;       // ... --connector
  double target_rate = 0;      // total messages/s; 0: as fast as possible
  double max_rate = 0;         // total messages/s never to exceed; 0: no ceiling
  int max_pool = 16;           // largest pool_size tried
  int max_connections = 0;     // connections never to exceed, the subscriber included; 0: none
  std::vector<int> inflights;  // max_inflight values (QoS 1/2); default 16, 64, 256
  double step_s = 5;           // seconds per step
  double min_gain = 0.05;      // doubling the pool must add this fraction, or the sweep stops
  double near_best = 0.05;     // recommend the smallest setting within this of the best rate
  std::string topic_prefix = "mqbridge-tune";
  bool json = false;
  std::string html_path;  // also write the HTML report here
  bool quiet = false;
};

// One step of the sweep.
struct TuneRow {
  int pool_size = 0;
  int max_inflight = 0;
  double offered_rate = 0;  // messages/s asked of the publishers (0: flat out)
  double send_rate = 0;     // messages/s the publishers sent
  double rate = 0;          // messages/s delivered end to end
  double p50_ms = 0, p99_ms = 0;
  uint64_t sent = 0, received = 0, lost = 0, refused = 0;
  double loss = 0;            // lost / expected
  double cpu_us_per_msg = 0;  // this tool's CPU (publishers and subscriber) per delivered message
  uint64_t connect_failures = 0, disconnects = 0;
  std::string error;  // why the step could not run, or the first connection error
};

struct TuneResult {
  std::string remote;  // host:port
  int qos = 0;
  size_t payload_bytes = 0;
  double target_rate = 0;
  std::vector<TuneRow> rows;
  std::optional<size_t> recommended;  // index into rows
  std::string recommendation;         // the sentence, with its reason
  std::vector<std::string> findings;  // what the remote did, why the sweep stopped
};

// Parses `mqbridge-bench tune ...` (argv[0] the program, argv[1] "tune"). Same error contract
// as ParseOptions.
Result<TuneOptions, ParseError> ParseTuneOptions(int argc, const char* const* argv);

using TuneProgress = std::function<void(const std::string& line)>;
// Errors: the remote cannot be reached at all (not even pool_size 1), bad --config/--connector.
Result<TuneResult, std::string> RunTune(const TuneOptions& options,
                                        const TuneProgress& progress = {},
                                        const std::atomic<bool>* interrupt = nullptr);

// The recommendation and findings for a finished sweep (RunTune calls it; public for tests).
void Recommend(const TuneOptions& options, TuneResult& result);

}  // namespace mqb::bench
