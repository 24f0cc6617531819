// Collector/Producer: the lock-free batch hand-off from producing threads to the pipeline.
#include "engine/bridge/collector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace mqb::engine::bridge {
namespace {

TEST(Collector, ManyProducersLoseNothingKeepOrderAndBatch) {
  constexpr int kProducers = 4;
  constexpr uint64_t kPerProducer = 200'000;
  BatchPool pool;
  std::vector<uint64_t> next(kProducers, 0);  // collector thread only
  uint64_t batches = 0, events = 0, expected_seq = 0;
  bool ordered = true;
  Collector* collector_ptr = nullptr;
  Collector collector(
      &pool,
      [&](EventBatch* b) {
        ordered &= b->seq == expected_seq++;
        ++batches;
        for (const Event& e : b->events) {
          ordered &= e.hash == next[e.source]++;
          ++events;
        }
        pool.Recycle(b);
        collector_ptr->Done();
      },
      4);
  collector_ptr = &collector;
  std::vector<Producer*> producers;
  for (int i = 0; i < kProducers; ++i) producers.push_back(collector.AddProducer());
  collector.Start();
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i) {
        producers[p]->Add([&](EventBatch& b) {
          Event& e = b.events.emplace_back();
          e.source = p;
          e.hash = i;
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  collector.Stop();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(events, kProducers * kPerProducer);
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], kPerProducer);
  // Hand-offs carry batches: far fewer hand-offs than events.
  EXPECT_LT(batches, events / 4) << batches << " batches for " << events << " events";
}

// While the pipeline is stalled, a producer's batches stop at kMaxEvents and chain; the chain
// arrives complete and in order once the pipeline moves again.
TEST(Collector, BatchesStayBoundedAndChainInOrderWhileThePipelineIsStalled) {
  constexpr uint64_t kEvents = 10 * EventBatch::kMaxEvents + 7;
  BatchPool pool;
  std::atomic<bool> release{false};
  std::vector<EventBatch*> got;  // collector thread, read after Stop
  Collector* collector_ptr = nullptr;
  Collector collector(
      &pool,
      [&](EventBatch* b) {
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        got.push_back(b);
        collector_ptr->Done();
      },
      1);
  collector_ptr = &collector;
  Producer* producer = collector.AddProducer();
  collector.Start();
  for (uint64_t i = 0; i < kEvents; ++i) {
    producer->Add([&](EventBatch& b) { b.events.emplace_back().hash = i; });
  }
  release.store(true);
  collector.Stop();
  uint64_t expect = 0;
  for (EventBatch* b : got) {
    EXPECT_LE(b->events.size(), EventBatch::kMaxEvents);
    for (const Event& e : b->events) EXPECT_EQ(e.hash, expect++);
    pool.Recycle(b);
  }
  EXPECT_EQ(expect, kEvents);
  EXPECT_GE(got.size(), 11u);
}

TEST(Collector, AnEventAddedAloneIsDeliveredPromptly) {
  BatchPool pool;
  std::atomic<int> got{0};
  Collector* cp = nullptr;
  Collector collector(
      &pool,
      [&](EventBatch* b) {
        got += static_cast<int>(b->events.size());
        pool.Recycle(b);
        cp->Done();
      },
      2);
  cp = &collector;
  Producer* p = collector.AddProducer();
  collector.Start();
  for (int i = 1; i <= 50; ++i) {
    p->Add([](EventBatch& b) { b.events.emplace_back(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.load() < i && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    ASSERT_EQ(got.load(), i) << "event " << i << " was not handed off";
  }
  collector.Stop();
}

}  // namespace
}  // namespace mqb::engine::bridge
