// Fan-out must not allocate per subscriber: counts heap allocations (global operator new) while
// one PUBLISH is routed to 200 subscribers after warm-up. Its own executable because it replaces
// the global allocation functions.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <new>

#include "engine/broker/broker_core.h"
#include "gtest/gtest.h"
#include "tests/engine/broker/core_harness.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// The replacements pair malloc with free, which GCC cannot see through.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mqb::engine::broker {
namespace {

using testing::Bytes;
using testing::TestClient;

TEST(FanoutAllocationTest, AllocationsPerPublishDoNotGrowWithSubscribers) {
  BrokerCore core(BrokerOptions{});
  TimePoint now = TimePoint() + std::chrono::hours(1);
  std::vector<std::unique_ptr<TestClient>> subs;
  for (int i = 0; i < 200; ++i) {
    auto c = std::make_unique<TestClient>(core, &now, codec::ProtocolVersion::kV311);
    std::string id = "s" + std::to_string(i);
    // Sized once and filled in place: GCC 12's -Warray-bounds misreads insert() after an
    // initializer list at -O2.
    const uint8_t head[] = {0x10, static_cast<uint8_t>(12 + id.size()),
                            0x00, 0x04,
                            'M',  'Q',
                            'T',  'T',
                            0x04, 0x02,
                            0x00, 0x3c,
                            0x00, static_cast<uint8_t>(id.size())};
    std::vector<uint8_t> connect(sizeof head + id.size());
    std::copy(std::begin(head), std::end(head), connect.begin());
    std::copy(id.begin(), id.end(), connect.begin() + sizeof head);
    c->SendRaw(connect);
    // Half subscribe at QoS 0, half at QoS 1.
    c->SendRaw(Bytes({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 't', i % 2}));
    subs.push_back(std::move(c));
  }
  TestClient pub(core, &now, codec::ProtocolVersion::kV311);
  pub.SendRaw(
      Bytes({0x10, 0x0d, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 'p'}));
  // PUBLISH QoS 1 "t" (topic fits std::string's inline buffer), 32-byte payload.
  std::vector<uint8_t> publish = {0x32, 0x25, 0x00, 0x01, 't', 0x00, 0x01};
  publish.resize(publish.size() + 32, 'x');
  auto ack_all = [&](uint16_t id) {
    for (int i = 1; i < 200; i += 2) subs[i]->SendRaw(Bytes({0x40, 0x02, id >> 8, id & 0xff}));
  };
  auto reset_outputs = [&] {
    for (auto& s : subs) s->transport().out.clear();  // keeps capacity
    pub.transport().out.clear();
  };
  // Warm-up: every buffer and vector reaches its steady-state capacity.
  for (uint16_t id = 1; id <= 3; ++id) {
    reset_outputs();
    core.OnData(pub.client(), publish, now);
    ack_all(id);
  }
  reset_outputs();
  long before = g_allocations.load();
  core.OnData(pub.client(), publish, now);
  long during = g_allocations.load() - before;
  ack_all(4);
  EXPECT_EQ(core.counters().publishes_sent, 4u * 200u);
  // One Message (make_shared) and its payload vector; nothing per subscriber.
  std::printf("allocations during fan-out: %ld\n", during);
  EXPECT_LE(during, 3) << during << " allocations for one PUBLISH to 200 subscribers";
}

}  // namespace
}  // namespace mqb::engine::broker
