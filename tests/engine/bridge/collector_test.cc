// Collector/Producer: the lock-free batch hand-off from producing threads to the pipeline.
#include "engine/bridge/collector.h"

#include <gtest/gtest.h>

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
