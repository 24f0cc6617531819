// MQTT publish throughput over one MqttClient connection to a local mosquitto (started by the
// benchmark on a free port). QoS 0: a batch of messages followed by one QoS 1 barrier whose PUBACK
// proves the broker has processed the batch. QoS 1: a batch with the in-flight window
// (max_inflight 32 and 256), every PUBACK awaited. Reports messages/s and payload bytes/s.
//
//   ./build/release/bench/io_mqtt_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "io/mqtt_client.h"
#include "io/reactor.h"
#include "tests/support/mosquitto.h"

namespace mqb::io {
namespace {

class Publisher final : public MqttClientHandler {
 public:
  Publisher(int port, uint16_t max_inflight) {
    ReactorOptions ro;
    ro.quiet = true;
    reactor_ = std::move(Reactor::Create(ro)).value();
    MqttClientOptions o;
    o.port = static_cast<uint16_t>(port);
    o.client_id = "bench-pub";
    o.max_inflight = max_inflight;
    client_ = std::make_unique<MqttClient>(*reactor_, o, this);
    thread_ = std::thread([this] { reactor_->Run(); });
    reactor_->Post([this] { client_->Start(); });
    connected_.wait(false);
  }
  ~Publisher() {
    reactor_->Post([this] { client_.reset(); });
    reactor_->Stop();
    thread_.join();
  }

  // Publishes `count` messages (QoS `qos`) and returns once the broker has acknowledged them
  // (QoS 1) or acknowledged a QoS 1 barrier sent after them (QoS 0).
  void Batch(int count, codec::QoS qos, std::span<const uint8_t> payload) {
    done_ = false;
    reactor_->Post([=, this] {
      remaining_ = count;
      qos_ = qos;
      payload_ = payload;
      barrier_sent_ = false;
      Fill();
    });
    done_.wait(false);
  }

 private:
  void Fill() {
    OutboundMessage m;
    m.topic = "bench/topic";
    m.payload = payload_;
    m.qos = qos_;
    while (remaining_ > 0) {
      if (client_->Publish(m) != PublishStatus::kOk) return;  // resumes in OnWindowOpen
      --remaining_;
    }
    if (qos_ == codec::QoS::kAtMostOnce && !barrier_sent_) {
      m.qos = codec::QoS::kAtLeastOnce;
      if (client_->Publish(m) != PublishStatus::kOk) return;
      barrier_sent_ = true;
    }
  }
  void OnStatus(ClientStatus s, const IoError&) override {
    if (s == ClientStatus::kConnected) {
      connected_ = true;
      connected_.notify_all();
    }
  }
  void OnMessage(const codec::Publish&) override {}
  void OnPublishDone(uint16_t, codec::ReasonCode) override {
    if (remaining_ == 0 && client_->session().inflight() == 0 &&
        (qos_ != codec::QoS::kAtMostOnce || barrier_sent_)) {
      done_ = true;
      done_.notify_all();
    }
  }
  void OnWindowOpen() override { Fill(); }

  std::unique_ptr<Reactor> reactor_;
  std::unique_ptr<MqttClient> client_;
  std::thread thread_;
  std::atomic<bool> connected_{false}, done_{false};
  int remaining_ = 0;
  codec::QoS qos_ = codec::QoS::kAtMostOnce;
  std::span<const uint8_t> payload_;
  bool barrier_sent_ = false;
};

mqb::testing::Mosquitto& Broker() {
  static mqb::testing::Mosquitto broker;
  return broker;
}

void BM_Publish(benchmark::State& state) {
  const auto qos = static_cast<codec::QoS>(state.range(0));
  const size_t size = static_cast<size_t>(state.range(1));
  const auto inflight = static_cast<uint16_t>(state.range(2));
  constexpr int kBatch = 10000;
  Publisher pub(Broker().port(), inflight);
  std::vector<uint8_t> payload(size, 'p');
  pub.Batch(kBatch, qos, payload);  // warm-up
  for (auto _ : state) pub.Batch(kBatch, qos, payload);
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * size));
}

BENCHMARK(BM_Publish)
    ->Args({0, 64, 32})
    ->Args({0, 1024, 32})
    ->Args({1, 64, 32})
    ->Args({1, 64, 256})
    ->Args({1, 1024, 32})
    ->ArgNames({"qos", "bytes", "max_inflight"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mqb::io
