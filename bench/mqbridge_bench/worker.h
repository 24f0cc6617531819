// Worker: one reactor thread driving a set of benchmark MQTT clients (publishers, subscribers or
// plain connections) and counting what they do.
//
// The runner (runner.h) creates workers, adds clients, then steers them through phases with the
// any-thread methods below: StartClients -> (subscribers) wait for SUBACKs -> StartPublishing ->
// progress reads -> StopAndJoin -> results. Publishers either go flat out (publish until the
// client refuses, resume in OnWindowOpen) or follow a rate with a 1 ms tick. Every payload carries
// a PayloadStamp; subscribers keep a StreamTracker per (subscriber, publisher) and a latency
// histogram per worker.
//
// Hot path (per message): one clock read, a 24-byte stamp write, MqttClient::Publish (which
// copies into the connection's send queue); on receive: one stamp read, a cached stream lookup,
// histogram and tracker updates. No allocation, lock or syscall per message (the hash lookup
// only runs when the publisher changes; a stream is allocated on a publisher's first message).
//
// Thread-safety: the counters (progress()) and the any-thread methods may be used from any
// thread; results() only after StopAndJoin().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/mqbridge_bench/bench_options.h"
#include "bench/mqbridge_bench/latency_histogram.h"
#include "bench/mqbridge_bench/stream_tracker.h"
#include "io/mqtt_client.h"
#include "io/reactor.h"

namespace mqb::bench {

enum class Role { kConn, kPublisher, kSubscriber };

// A counter written by one thread and read by others.
class Counter {
 public:
  void Add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct WorkerCounters {
  Counter connected;       // first CONNACKs
  Counter connect_errors;  // failed connection attempts
  Counter reconnects;      // CONNACKs after the first
  Counter subscribed;      // subscribers whose SUBACK granted every filter
  Counter subscribe_errors;
  Counter publishers_done;   // publishers that reached their limit or the deadline
  Counter subscribers_done;  // sub mode: subscribers that received their limit
  Counter sent;              // messages accepted by MqttClient::Publish
  Counter acked;             // QoS 1/2 completions
  Counter refused;           // of those, answered with an error reason code (5.0)
  Counter publish_errors;    // Publish refused for another reason than backpressure
  Counter received;          // stamped messages of the run (duplicates included)
  Counter foreign;           // messages without a stamp, or of another run (bridge mode)
  Counter probes;            // readiness probes received
};

struct WorkerResults {
  LatencyHistogram latency;       // send -> receive
  LatencyHistogram connect_time;  // Start -> CONNACK
  uint64_t unique = 0, duplicates = 0, out_of_order = 0, missing = 0, streams = 0;
  std::string first_error;  // the first connection failure reason seen
};

class Worker final {
 public:
  Worker(const BenchOptions& options, uint32_t run_id, std::string name);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before StartThread(): adds a client. `index` is the connection index used in patterns.
  void AddClient(Role role, int index, const Endpoint& endpoint);
  size_t client_count() const { return clients_.size(); }

  // Creates the reactor and runs it on a new thread. Error text on failure.
  Result<void, std::string> StartThread();
  // Any thread: starts connecting client `i` (of this worker); subscribers subscribe as soon as
  // they are connected.
  void StartClient(size_t i);
  // Any thread: every publisher begins publishing now (stamps start at sequence 0).
  void StartPublishing(uint64_t start_ns);
  // Any thread: one readiness probe from the first publisher (bridge mode).
  void SendProbe();
  // Any thread: publishers stop (their count so far is final).
  void StopPublishing();
  // Any thread: disconnects every client (waiting up to `grace` for them to close), stops the
  // reactor and joins its thread.
  void StopAndJoin(std::chrono::milliseconds grace = std::chrono::seconds(2));

  const WorkerCounters& counters() const { return counters_; }
  // After StopAndJoin().
  WorkerResults TakeResults();

 private:
  class Client;
  void PublishTick();
  void FinishStop(std::chrono::steady_clock::time_point deadline);

  const BenchOptions& options_;
  const uint32_t run_id_;
  std::string name_;
  std::unique_ptr<io::Reactor> reactor_;
  std::thread thread_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<Client*> publishers_;
  WorkerCounters counters_;
  WorkerResults results_;
  // Reactor thread state.
  bool publishing_ = false;
  uint64_t start_ns_ = 0;
  uint64_t end_ns_ = UINT64_MAX;
  io::Reactor::TimerId tick_timer_ = 0;
  std::atomic<bool> joined_{false};
};

}  // namespace mqb::bench
