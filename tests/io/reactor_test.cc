// Reactor, Connection and Listener against real loopback sockets, in both receive modes.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "io/address.h"
#include "io/connection.h"
#include "io/listener.h"
#include "tests/io/reactor_harness.h"

namespace mqb::io {
namespace {

using testing::ConnectBlocking;
using testing::Pattern;
using testing::ReactorThread;
using testing::ReadN;
using testing::WriteAll;

// Echoes everything back; deletes itself on close and records why it closed.
struct EchoHandler final : ConnectionHandler {
  std::atomic<int>* closed = nullptr;
  IoError* last_error = nullptr;
  void OnData(Connection& c, std::span<const uint8_t> data) override {
    EXPECT_EQ(c.Send(data), SendStatus::kOk);
  }
  void OnClose(Connection&, const IoError& error) override {
    if (last_error != nullptr) *last_error = error;
    if (closed != nullptr) closed->fetch_add(1);
    delete this;
  }
};

class ReactorTest : public ::testing::TestWithParam<bool> {
 protected:
  ReactorOptions Options() {
    ReactorOptions o;
    o.force_single_shot = GetParam();
    o.recv_buffer_count = 64;
    return o;
  }
  uint16_t StartEcho(ReactorThread& rt, std::atomic<int>* closed = nullptr,
                     IoError* last_error = nullptr) {
    return rt.Call([&] {
      auto l = Listener::Listen(rt.reactor(), "127.0.0.1", 0, [=](ConnectionOptions&) {
        auto* h = new EchoHandler();
        h->closed = closed;
        h->last_error = last_error;
        return h;
      });
      EXPECT_TRUE(l.ok());
      return l.value()->port();
    });
  }
};

TEST_P(ReactorTest, ReportsMode) {
  ReactorThread rt(Options());
  if (GetParam()) {
    EXPECT_EQ(rt.reactor().mode(), RecvMode::kSingleShot);
  } else if (rt.reactor().features().multishot_recv) {
    EXPECT_EQ(rt.reactor().mode(), RecvMode::kMultishot);
  } else {
    GTEST_SKIP() << "kernel has no multishot recv";
  }
}

TEST_P(ReactorTest, EchoLargeTransfer) {
  ReactorThread rt(Options());
  uint16_t port = StartEcho(rt);
  int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  const std::string data = Pattern(8 << 20);
  std::thread writer([&] { EXPECT_TRUE(WriteAll(fd, data)); });
  std::string back = ReadN(fd, data.size());
  writer.join();
  EXPECT_EQ(back.size(), data.size());
  EXPECT_TRUE(back == data);
  close(fd);
}

// Many outbound reactor connections to a reactor listener, each echoing its own messages.
struct CountingClient : ConnectionHandler {
  std::string expect;
  std::string got;
  std::function<void(CountingClient*, bool)> done;
  void OnOpen(Connection& c) override {
    EXPECT_EQ(c.Send({reinterpret_cast<const uint8_t*>(expect.data()), expect.size()}),
              SendStatus::kOk);
  }
  void OnData(Connection& c, std::span<const uint8_t> data) override {
    got.append(reinterpret_cast<const char*>(data.data()), data.size());
    if (got.size() >= expect.size()) c.Close();
  }
  void OnClose(Connection&, const IoError&) override { done(this, got == expect); }
};

TEST_P(ReactorTest, ManyConnections) {
  ReactorThread rt(Options());
  uint16_t port = StartEcho(rt);
  constexpr int kConnections = 200;
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0, good = 0;
  std::vector<std::unique_ptr<CountingClient>> clients;
  for (int i = 0; i < kConnections; ++i) {
    auto c = std::make_unique<CountingClient>();
    c->expect = Pattern(1000 + i * 37, i);
    c->done = [&](CountingClient*, bool ok) {
      std::lock_guard lock(mu);
      ++finished;
      good += ok ? 1 : 0;
      cv.notify_all();
    };
    clients.push_back(std::move(c));
  }
  rt.Call([&] {
    auto addr = Resolve("127.0.0.1", port);
    for (auto& c : clients) {
      Connection::Connect(rt.reactor(), addr->storage, addr->length, c.get());
    }
    return 0;
  });
  std::unique_lock lock(mu);
  ASSERT_TRUE(
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return finished == kConnections; }));
  EXPECT_EQ(good, kConnections);
}

TEST_P(ReactorTest, PeerCloseIsReported) {
  ReactorThread rt(Options());
  std::atomic<int> closed{0};
  IoError error;
  uint16_t port = StartEcho(rt, &closed, &error);
  int fd = ConnectBlocking(port);
  ASSERT_TRUE(WriteAll(fd, "ping"));
  EXPECT_EQ(ReadN(fd, 4), "ping");
  close(fd);
  for (int i = 0; i < 2000 && closed.load() == 0; ++i) usleep(1000);
  ASSERT_EQ(closed.load(), 1);
  EXPECT_EQ(rt.Call([&] { return error.code; }), IoErrc::kClosedByPeer);
}

struct ConnectResult : ConnectionHandler {
  std::promise<IoError> result;
  void OnOpen(Connection& c) override { c.Close(); }
  void OnData(Connection&, std::span<const uint8_t>) override {}
  void OnClose(Connection&, const IoError& e) override { result.set_value(e); }
};

TEST_P(ReactorTest, ConnectRefused) {
  ReactorThread rt(Options());
  const int port = mqb::testing::FreePort();
  ConnectResult handler;
  auto future = handler.result.get_future();
  rt.Call([&] {
    auto addr = Resolve("127.0.0.1", static_cast<uint16_t>(port));
    Connection::Connect(rt.reactor(), addr->storage, addr->length, &handler);
    return 0;
  });
  IoError e = future.get();
  EXPECT_EQ(e.code, IoErrc::kSocket);
  EXPECT_EQ(e.sys_errno, ECONNREFUSED);
  EXPECT_NE(e.message.find("Connection refused"), std::string::npos) << e.message;
}

// A producer writing to a peer that never reads: the queue stays bounded, Send says kWouldBlock,
// another connection on the same thread keeps echoing, and OnWritable fires once the peer reads.
struct Flooder : ConnectionHandler {
  std::atomic<size_t> max_queued{0};
  std::atomic<bool> blocked{false};
  std::atomic<int> writable{0};
  std::atomic<size_t> sent{0};
  std::promise<void> closed;
  std::string chunk = Pattern(64 << 10);
  Connection* conn = nullptr;
  void Pump(Connection& c) {
    for (;;) {
      SendStatus st = c.Send({reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()});
      max_queued = std::max<size_t>(max_queued, c.queued_bytes());
      if (st != SendStatus::kOk) {
        blocked = true;
        return;
      }
      sent += chunk.size();
      if (sent >= (64u << 20)) {
        c.Close();
        return;
      }
    }
  }
  void OnOpen(Connection& c) override {
    conn = &c;
    Pump(c);
  }
  void OnData(Connection&, std::span<const uint8_t>) override {}
  void OnWritable(Connection& c) override {
    ++writable;
    Pump(c);
  }
  void OnClose(Connection&, const IoError&) override { closed.set_value(); }
};

TEST_P(ReactorTest, SlowReaderIsBoundedAndDoesNotStallOthers) {
  ReactorThread rt(Options());
  std::atomic<int> echo_closed{0};
  IoError echo_error;
  uint16_t echo_port = StartEcho(rt, &echo_closed, &echo_error);
  Flooder flooder;
  constexpr size_t kQueueLimit = 1 << 20;
  uint16_t flood_port = rt.Call([&] {
    auto l = Listener::Listen(rt.reactor(), "127.0.0.1", 0, [&](ConnectionOptions& o) {
      o.max_send_queue = kQueueLimit;
      return &flooder;
    });
    return l.value()->port();
  });
  int slow = ConnectBlocking(flood_port);
  ASSERT_GE(slow, 0);
  for (int i = 0; i < 5000 && !flooder.blocked; ++i) usleep(1000);
  ASSERT_TRUE(flooder.blocked.load());
  // The other connection on the same reactor is unaffected.
  int fd = ConnectBlocking(echo_port);
  for (int i = 0; i < 100; ++i) {
    std::string msg = "message " + std::to_string(i);
    ASSERT_TRUE(WriteAll(fd, msg));
    ASSERT_EQ(ReadN(fd, msg.size()), msg) << echo_closed.load() << " " << echo_error.message;
  }
  close(fd);
  // Memory stayed bounded: pending (<= limit, one chunk of slack) plus one in-flight batch.
  EXPECT_LE(flooder.max_queued.load(), 2 * kQueueLimit + flooder.chunk.size());
  // Now the slow reader drains everything: OnWritable fires and all 64 MiB arrive.
  size_t total = 0;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = testing::RecvRetry(slow, buf.data(), buf.size());
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
  EXPECT_EQ(total, size_t{64} << 20);
  EXPECT_GT(flooder.writable.load(), 0);
  flooder.closed.get_future().wait();
  close(slow);
}

TEST_P(ReactorTest, TimersFireInOrderAndCancel) {
  ReactorThread rt(Options());
  std::mutex mu;
  std::vector<int> fired;
  std::promise<void> done;
  rt.Call([&] {
    Reactor& r = rt.reactor();
    r.AddTimer(std::chrono::milliseconds(30), [&] {
      std::lock_guard l(mu);
      fired.push_back(30);
    });
    auto cancelled = r.AddTimer(std::chrono::milliseconds(20), [&] {
      std::lock_guard l(mu);
      fired.push_back(20);
    });
    r.AddTimer(std::chrono::milliseconds(10), [&] {
      std::lock_guard l(mu);
      fired.push_back(10);
    });
    r.AddTimer(std::chrono::milliseconds(50), [&] { done.set_value(); });
    r.CancelTimer(cancelled);
    return 0;
  });
  done.get_future().wait();
  std::lock_guard l(mu);
  EXPECT_EQ(fired, (std::vector<int>{10, 30}));
}

TEST_P(ReactorTest, PostFromManyThreads) {
  ReactorThread rt(Options());
  constexpr int kThreads = 4, kPosts = 20000;
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPosts; ++i) rt.reactor().Post([&] { ran.fetch_add(1); });
    });
  }
  for (auto& t : threads) t.join();
  // A final post observes all earlier ones (the queue is FIFO per producer and drained fully).
  rt.Call([] { return 0; });
  for (int i = 0; i < 5000 && ran.load() != kThreads * kPosts; ++i) usleep(1000);
  EXPECT_EQ(ran.load(), kThreads * kPosts);
}

// Orderly shutdown flushes what is queued before closing.
struct QueueThenShutdown : ConnectionHandler {
  std::string data = Pattern(4 << 20, 7);
  void OnOpen(Connection& c) override {
    EXPECT_EQ(c.Send({reinterpret_cast<const uint8_t*>(data.data()), data.size()}),
              SendStatus::kOk);
    c.reactor().Shutdown();
  }
  void OnData(Connection&, std::span<const uint8_t>) override {}
  void OnClose(Connection&, const IoError&) override {}
};

TEST_P(ReactorTest, ShutdownFlushesQueuedBytes) {
  auto created = Reactor::Create(Options());
  ASSERT_TRUE(created.ok());
  std::unique_ptr<Reactor> reactor = std::move(created).value();
  QueueThenShutdown handler;
  auto l = Listener::Listen(*reactor, "127.0.0.1", 0, [&](ConnectionOptions& o) {
    o.max_send_queue = 8 << 20;
    return &handler;
  });
  ASSERT_TRUE(l.ok());
  uint16_t port = l.value()->port();
  std::thread loop([&] { reactor->Run(); });
  int fd = ConnectBlocking(port);
  std::string got;
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = testing::RecvRetry(fd, buf.data(), buf.size());
    if (n <= 0) break;
    got.append(buf.data(), static_cast<size_t>(n));
  }
  loop.join();  // Run() returns by itself once everything is flushed and closed
  EXPECT_TRUE(got == handler.data) << got.size();
  close(fd);
}

INSTANTIATE_TEST_SUITE_P(Modes, ReactorTest, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "SingleShot" : "Multishot"; });

}  // namespace
}  // namespace mqb::io
