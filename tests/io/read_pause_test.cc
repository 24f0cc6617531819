// Connection::PauseReading / ResumeReading against real loopback sockets, in both receive modes:
// back-pressure reaches the peer (its send blocks), nothing is delivered while paused, every byte
// arrives in order after resume, plain and TLS, and closes while paused are handled.
#include <fcntl.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "io/address.h"
#include "io/connection.h"
#include "io/listener.h"
#include "io/tls.h"
#include "tests/io/reactor_harness.h"
#include "tests/support/tls_material.h"

namespace mqb::io {
namespace {

using testing::ConnectBlocking;
using testing::ReactorThread;

// The byte at offset `i` of every test stream: an order or loss error changes what is seen.
uint8_t StreamByte(uint64_t i) { return static_cast<uint8_t>((i * 0x9E3779B97F4A7C15ull) >> 56); }

std::string StreamChunk(uint64_t offset, size_t size) {
  std::string s(size, '\0');
  for (size_t k = 0; k < size; ++k) s[k] = static_cast<char>(StreamByte(offset + k));
  return s;
}

// Server side: checks every byte against the stream, records deliveries made while paused.
struct Sink final : ConnectionHandler {
  // Reactor thread only.
  Connection* conn = nullptr;
  std::function<void(Connection&)> on_data;  // after each delivery
  int calls = 0;

  // Guarded by mu.
  size_t bytes = 0;
  size_t mismatches = 0;
  int delivered_while_paused = 0;
  bool opened = false, closed = false;
  size_t bytes_at_close = 0;
  IoError error;

  std::mutex mu;
  std::condition_variable cv;

  void OnOpen(Connection& c) override {
    conn = &c;
    Update([&] { opened = true; });
  }
  void OnData(Connection& c, std::span<const uint8_t> data) override {
    Update([&] {
      if (c.reading_paused()) ++delivered_while_paused;
      for (uint8_t b : data) {
        if (b != StreamByte(bytes)) ++mismatches;
        ++bytes;
      }
    });
    ++calls;
    if (on_data) on_data(c);
  }
  void OnClose(Connection& c, const IoError& e) override {
    // Harmless on a closed connection.
    c.PauseReading();
    c.ResumeReading();
    conn = nullptr;
    Update([&] {
      closed = true;
      bytes_at_close = bytes;
      error = e;
    });
  }
  bool WaitFor(const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, pred);
  }
  template <typename Fn>
  auto Locked(Fn fn) {
    std::lock_guard lock(mu);
    return fn();
  }
  template <typename Fn>
  void Update(Fn fn) {
    {
      std::lock_guard lock(mu);
      fn();
    }
    cv.notify_all();
  }
};

class ReadPauseTest : public ::testing::TestWithParam<bool> {
 protected:
  ReactorOptions Options() {
    ReactorOptions o;
    o.force_single_shot = GetParam();
    o.recv_buffer_count = 64;
    return o;
  }
  // A listener whose single connection goes to `sink`.
  static uint16_t Listen(ReactorThread& rt, Sink& sink,
                         std::shared_ptr<const TlsContext> tls = nullptr) {
    return rt.Call([&] {
      auto l = Listener::Listen(rt.reactor(), "127.0.0.1", 0, [&sink, tls](ConnectionOptions& o) {
        o.tls = tls;
        return &sink;
      });
      EXPECT_TRUE(l.ok());
      return l.ok() ? l.value()->port() : uint16_t{0};
    });
  }
};

// Writes the stream from `offset` without blocking until the socket stays full for 300 ms.
// Returns the new offset; stops at `cap` (a pause that does not hold back would never block).
uint64_t WriteUntilBlocked(int fd, uint64_t offset, uint64_t cap) {
  std::string chunk;
  while (offset < cap) {
    chunk = StreamChunk(offset, 64 << 10);
    ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      offset += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) break;
    pollfd p{fd, POLLOUT, 0};
    int rc = poll(&p, 1, 300);
    if (rc == 0) break;  // the send stays blocked: the peer's receive window is closed
  }
  return offset;
}

bool WriteStream(int fd, uint64_t offset, uint64_t size) {
  const uint64_t end = offset + size;
  while (offset < end) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(end - offset, 256 << 10));
    if (!testing::WriteAll(fd, StreamChunk(offset, n))) return false;
    offset += n;
  }
  return true;
}

TEST_P(ReadPauseTest, PausedConnectionBlocksThePeerAndResumeDeliversEverythingInOrder) {
  ReactorThread rt(Options());
  Sink sink;
  uint16_t port = Listen(rt, sink);
  int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteStream(fd, 0, 1000));
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes == 1000; }));

  // Idempotent: two pauses, one resume.
  const size_t at_pause = rt.Call([&] {
    sink.conn->PauseReading();
    sink.conn->PauseReading();
    EXPECT_TRUE(sink.conn->reading_paused());
    return sink.Locked([&] { return sink.bytes; });
  });
  const uint64_t written = WriteUntilBlocked(fd, 1000, uint64_t{128} << 20);
  ASSERT_LT(written, uint64_t{128} << 20) << "the peer's send never blocked";
  EXPECT_GT(written - 1000, size_t{64} << 10);  // the kernel buffers filled first
  std::printf("peer's send blocked after %llu bytes written while paused\n",
              static_cast<unsigned long long>(written - 1000));
  // Nothing was delivered while paused, and the reactor kept running.
  EXPECT_EQ(rt.Call([&] { return sink.Locked([&] { return sink.bytes; }); }), at_pause);
  EXPECT_TRUE(rt.Call([&] { return sink.conn->reading_paused(); }));

  rt.Call([&] {
    sink.conn->ResumeReading();
    sink.conn->ResumeReading();
    return sink.conn->reading_paused();
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes == written; }))
      << sink.Locked([&] { return sink.bytes; }) << " of " << written;
  // And the stream goes on normally afterwards.
  ASSERT_TRUE(WriteStream(fd, written, 1 << 20));
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes == written + (1 << 20); }));
  sink.Locked([&] {
    EXPECT_EQ(sink.mismatches, 0u);
    EXPECT_EQ(sink.delivered_while_paused, 0);
    return 0;
  });
  close(fd);
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
  EXPECT_EQ(sink.Locked([&] { return sink.error.code; }), IoErrc::kClosedByPeer);
}

// 10 MB with pauses from inside OnData (resumed by a timer) and from outside (test thread).
TEST_P(ReadPauseTest, ManyPausesDuringATenMegabyteTransfer) {
  // Declared before the reactor: a resume timer may still be pending when the test ends,
  // and it must find the sink alive when the reactor runs or drops it at shutdown.
  Sink sink;
  std::atomic<int> pauses{0};
  size_t next_pause = 0;
  ReactorThread rt(Options());
  sink.on_data = [&](Connection& c) {
    // Every ~100 kB whatever the delivery sizes (held bytes come back as one delivery).
    if (sink.Locked([&] { return sink.bytes; }) < next_pause) return;
    next_pause += 100000;
    c.PauseReading();
    ++pauses;
    c.reactor().AddTimer(std::chrono::milliseconds(1), [&] {
      if (sink.conn != nullptr) sink.conn->ResumeReading();
    });
  };
  uint16_t port = Listen(rt, sink);
  int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  constexpr uint64_t kTotal = 10 << 20;
  std::atomic<int> outside{0};
  // Half, then the rest once the test thread has paused from outside a few times: an optimised
  // build moves 10 MB over loopback faster than the outside loop would otherwise get to run.
  std::thread writer([&] {
    EXPECT_TRUE(WriteStream(fd, 0, kTotal / 2));
    for (int i = 0; i < 10000 && outside.load() < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(WriteStream(fd, kTotal / 2, kTotal / 2));
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.opened; }));
  while (!sink.WaitFor([&] { return sink.bytes == kTotal || sink.closed; },
                       std::chrono::milliseconds(2))) {
    rt.Call([&] {
      if (sink.conn != nullptr) sink.conn->PauseReading();
      return 0;
    });
    ++outside;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    rt.Call([&] {
      if (sink.conn != nullptr) sink.conn->ResumeReading();
      return 0;
    });
  }
  writer.join();
  sink.Locked([&] {
    EXPECT_EQ(sink.bytes, kTotal);
    EXPECT_EQ(sink.mismatches, 0u);
    EXPECT_EQ(sink.delivered_while_paused, 0);
    EXPECT_FALSE(sink.closed);
    return 0;
  });
  EXPECT_GT(pauses.load(), 10);
  EXPECT_GE(outside.load(), 10);
  close(fd);
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
}

TEST_P(ReadPauseTest, PeerCloseWhilePausedIsReportedAfterTheDataOnResume) {
  ReactorThread rt(Options());
  Sink sink;
  uint16_t port = Listen(rt, sink);
  int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteStream(fd, 0, 10));
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes == 10; }));
  rt.Call([&] {
    sink.conn->PauseReading();
    return 0;
  });
  ASSERT_TRUE(WriteStream(fd, 10, 300000));
  close(fd);
  // Neither the data nor the close is delivered while paused.
  EXPECT_FALSE(
      sink.WaitFor([&] { return sink.closed || sink.bytes > 10; }, std::chrono::milliseconds(300)));
  rt.Call([&] {
    sink.conn->ResumeReading();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
  sink.Locked([&] {
    EXPECT_EQ(sink.bytes_at_close, 300010u);
    EXPECT_EQ(sink.mismatches, 0u);
    EXPECT_EQ(sink.error.code, IoErrc::kClosedByPeer) << sink.error.message;
    return 0;
  });
}

TEST_P(ReadPauseTest, LocalCloseWhilePausedCompletes) {
  ReactorThread rt(Options());
  Sink sink;
  uint16_t port = Listen(rt, sink);
  int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(sink.WaitFor([&] { return sink.opened; }));
  ASSERT_TRUE(WriteStream(fd, 0, 100000));  // possibly held when the pause lands
  rt.Call([&] {
    sink.conn->PauseReading();
    const std::string reply = "bye";
    EXPECT_EQ(sink.conn->Send({reinterpret_cast<const uint8_t*>(reply.data()), reply.size()}),
              SendStatus::kOk);
    sink.conn->Close();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
  EXPECT_EQ(sink.Locked([&] { return sink.error.code; }), IoErrc::kClosedLocally);
  EXPECT_EQ(testing::ReadN(fd, 3), "bye");  // flushed before the close
  char c;
  EXPECT_EQ(testing::RecvRetry(fd, &c, 1), 0);  // then EOF
  EXPECT_EQ(sink.Locked([&] { return sink.delivered_while_paused; }), 0);
  close(fd);
}

// An outbound connection paused before it is even open: OnOpen still comes, OnData waits.
struct Talker final : ConnectionHandler {
  void OnOpen(Connection& c) override {
    const std::string data = StreamChunk(0, 50000);
    (void)c.Send({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  }
  void OnData(Connection&, std::span<const uint8_t>) override {}
  void OnClose(Connection&, const IoError&) override { delete this; }
};

TEST_P(ReadPauseTest, PausedBeforeConnectOpensButDeliversOnlyAfterResume) {
  ReactorThread rt(Options());
  uint16_t port = rt.Call([&] {
    auto l = Listener::Listen(rt.reactor(), "127.0.0.1", 0,
                              [](ConnectionOptions&) { return new Talker(); });
    return l.value()->port();
  });
  Sink sink;
  rt.Call([&] {
    auto addr = Resolve("127.0.0.1", port);
    Connection* c = Connection::Connect(rt.reactor(), addr->storage, addr->length, &sink);
    c->PauseReading();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.opened; }));
  EXPECT_FALSE(sink.WaitFor([&] { return sink.bytes > 0; }, std::chrono::milliseconds(200)));
  rt.Call([&] {
    EXPECT_TRUE(sink.conn->reading_paused());
    sink.conn->ResumeReading();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes == 50000; }));
  rt.Call([&] {
    sink.conn->Close();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
  sink.Locked([&] {
    EXPECT_EQ(sink.mismatches, 0u);
    EXPECT_EQ(sink.delivered_while_paused, 0);
    return 0;
  });
}

// TLS: our TLS client streams into a paused TLS server connection.
struct TlsStreamer final : ConnectionHandler {
  uint64_t total = 0, sent = 0;
  std::atomic<int> would_block{0};
  std::promise<IoError> closed;
  void Pump(Connection& c) {
    while (sent < total) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(total - sent, 32 << 10));
      const std::string chunk = StreamChunk(sent, n);
      SendStatus st = c.Send({reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()});
      if (st != SendStatus::kOk) {
        ++would_block;
        return;  // OnWritable follows
      }
      sent += n;
    }
  }
  void OnOpen(Connection& c) override { Pump(c); }
  void OnData(Connection&, std::span<const uint8_t>) override {}
  void OnWritable(Connection& c) override { Pump(c); }
  void OnClose(Connection&, const IoError& e) override { closed.set_value(e); }
};

TEST_P(ReadPauseTest, TlsConnectionPausesAndResumesWithoutLoss) {
  mqb::testing::TempDir dir;
  const mqb::testing::TlsMaterial material = mqb::testing::GenerateTlsMaterial(dir);
  TlsOptions so;
  so.cert_file = material.server_cert;
  so.key_file = material.server_key;
  auto server = TlsContext::CreateServer(so);
  ASSERT_TRUE(server.ok()) << server.error();
  TlsOptions co;
  co.verify_peer = true;
  co.ca_file = material.ca_cert;
  auto client_ctx = TlsContext::CreateClient(co);
  ASSERT_TRUE(client_ctx.ok()) << client_ctx.error();

  ReactorThread server_rt(Options());
  ReactorThread client_rt(Options());
  Sink sink;
  // Pause from inside the first OnData.
  sink.on_data = [&](Connection& c) {
    if (sink.calls == 1) c.PauseReading();
  };
  uint16_t port = Listen(server_rt, sink, server.value());
  TlsStreamer streamer;
  streamer.total = 12 << 20;
  auto closed = streamer.closed.get_future();
  client_rt.Call([&] {
    auto addr = Resolve("127.0.0.1", port);
    ConnectionOptions o;
    o.tls = client_ctx.value();
    o.tls_server_name = "localhost";
    o.max_send_queue = 1 << 20;
    Connection::Connect(client_rt.reactor(), addr->storage, addr->length, &streamer, o);
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.bytes > 0; }));
  // The streamer runs into its bounded queue: the paused server holds it back.
  for (int i = 0; i < 3000 && streamer.would_block.load() == 0; ++i) usleep(1000);
  ASSERT_GT(streamer.would_block.load(), 0);
  const size_t at_pause = server_rt.Call([&] {
    EXPECT_TRUE(sink.conn->reading_paused());
    return sink.Locked([&] { return sink.bytes; });
  });
  EXPECT_FALSE(
      sink.WaitFor([&] { return sink.bytes != at_pause; }, std::chrono::milliseconds(200)));
  EXPECT_LT(client_rt.Call([&] { return streamer.sent; }), streamer.total);
  // Resume, with a few more pauses along the way.
  while (
      !sink.WaitFor([&] { return sink.bytes == streamer.total; }, std::chrono::milliseconds(3))) {
    server_rt.Call([&] {
      if (sink.conn != nullptr) sink.conn->ResumeReading();
      return 0;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_rt.Call([&] {
      if (sink.conn != nullptr) sink.conn->PauseReading();
      return 0;
    });
  }
  sink.Locked([&] {
    EXPECT_EQ(sink.bytes, streamer.total);
    EXPECT_EQ(sink.mismatches, 0u);
    EXPECT_EQ(sink.delivered_while_paused, 0);
    return 0;
  });
  // Close from the server while paused: the client sees the close.
  server_rt.Call([&] {
    if (sink.conn != nullptr) sink.conn->Close();
    return 0;
  });
  ASSERT_TRUE(sink.WaitFor([&] { return sink.closed; }));
  EXPECT_EQ(closed.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(closed.get().code, IoErrc::kClosedByPeer);
}

INSTANTIATE_TEST_SUITE_P(Modes, ReadPauseTest, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "SingleShot" : "Multishot"; });

}  // namespace
}  // namespace mqb::io
