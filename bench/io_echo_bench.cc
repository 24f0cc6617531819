// Reactor loopback echo throughput: a client reactor thread sends batches of fixed-size messages
// to an echo server on another reactor thread and waits until all bytes came back. Reports
// messages/s and bytes/s (each byte counted once, in one direction).
//
//   ./build/release/bench/io_echo_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "io/address.h"
#include "io/connection.h"
#include "io/listener.h"
#include "io/reactor.h"

namespace mqb::io {
namespace {

struct Echo final : ConnectionHandler {
  void OnData(Connection& c, std::span<const uint8_t> data) override { (void)c.SendAlways(data); }
  void OnClose(Connection&, const IoError&) override { delete this; }
};

struct Client final : ConnectionHandler {
  std::atomic<uint64_t> received{0};
  std::atomic<bool> open{false};
  Connection* conn = nullptr;
  void OnOpen(Connection& c) override {
    conn = &c;
    open = true;
    open.notify_all();
  }
  void OnData(Connection&, std::span<const uint8_t> data) override {
    received.fetch_add(data.size(), std::memory_order_release);
    received.notify_all();
  }
  void OnClose(Connection&, const IoError&) override { conn = nullptr; }
};

class Loop {
 public:
  explicit Loop(bool single_shot) {
    ReactorOptions o;
    o.quiet = true;
    o.force_single_shot = single_shot;
    reactor_ = std::move(Reactor::Create(o)).value();
    thread_ = std::thread([this] { reactor_->Run(); });
  }
  ~Loop() {
    reactor_->Stop();
    thread_.join();
  }
  Reactor& r() { return *reactor_; }

 private:
  std::unique_ptr<Reactor> reactor_;
  std::thread thread_;
};

void BM_LoopbackEcho(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const bool single_shot = state.range(1) != 0;
  constexpr size_t kBatch = 1000;
  Loop server(single_shot), client_loop(single_shot);
  std::atomic<uint16_t> port{0};
  server.r().Post([&] {
    auto l = Listener::Listen(server.r(), "127.0.0.1", 0, [](ConnectionOptions& o) {
      o.max_send_queue = 64 << 20;
      return new Echo();
    });
    port = l.value()->port();
    port.notify_all();
  });
  port.wait(0);
  Client client;
  client_loop.r().Post([&] {
    auto addr = Resolve("127.0.0.1", port.load());
    ConnectionOptions o;
    o.max_send_queue = 64 << 20;
    Connection::Connect(client_loop.r(), addr->storage, addr->length, &client, o);
  });
  client.open.wait(false);
  std::vector<uint8_t> message(size, 'x');
  uint64_t expected = 0;
  auto round_trip = [&] {
    expected += kBatch * size;
    client_loop.r().Post([&] {
      for (size_t i = 0; i < kBatch; ++i) (void)client.conn->Send(message);
    });
    for (uint64_t got = client.received.load(std::memory_order_acquire); got < expected;
         got = client.received.load(std::memory_order_acquire)) {
      client.received.wait(got);
    }
  };
  // Warm up: queue buffers reach their working size and TCP autotuning settles.
  for (int i = 0; i < 3; ++i) round_trip();
  for (auto _ : state) round_trip();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * size));
  state.SetLabel(single_shot ? "single-shot recv" : "multishot recv + buffer ring");
  std::atomic<bool> closed{false};
  client_loop.r().Post([&] {
    if (client.conn != nullptr) client.conn->Abort({});
    closed = true;
    closed.notify_all();
  });
  closed.wait(false);
}

BENCHMARK(BM_LoopbackEcho)
    ->ArgsProduct({{64, 1024, 16384}, {0, 1}})
    ->ArgNames({"bytes", "single_shot"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mqb::io
