// Connection::Close with ConnectionOptions::close_linger against real loopback sockets: a peer
// that is still writing when the server closes reads the server's last bytes and a clean end of
// stream (FIN), its writes keep succeeding meanwhile, and a peer that never closes is cut off
// when the linger ends. (Without a linger, closing with unread input makes the kernel reset the
// connection, and a peer still writing gets EPIPE or ECONNRESET, whether or not it has read the
// last bytes yet; how often depends on timing, so that case is not asserted here.)
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "io/connection.h"
#include "io/listener.h"
#include "tests/io/reactor_harness.h"

namespace mqb::io {
namespace {

using namespace std::chrono_literals;
using testing::ConnectBlocking;
using testing::ReactorThread;

// Server side: at the first bytes it sends "BYE" and closes, as the broker does with a
// DISCONNECT after a protocol violation.
struct ByeOnData final : ConnectionHandler {
  void OnData(Connection& c, std::span<const uint8_t>) override {
    if (said_bye) return;
    said_bye = true;
    const char bye[] = {'B', 'Y', 'E'};
    c.Send({reinterpret_cast<const uint8_t*>(bye), sizeof bye});
    c.Close();
  }
  void OnClose(Connection&, const IoError& e) override {
    reason = e.message;
    closed_at = std::chrono::steady_clock::now();
    closed.store(true);
  }
  bool said_bye = false;  // reactor thread
  std::atomic<bool> closed{false};
  std::string reason;  // written before `closed`
  std::chrono::steady_clock::time_point closed_at;
};

uint16_t Listen(ReactorThread& rt, ConnectionHandler& handler, std::chrono::milliseconds linger) {
  return rt.Call([&] {
    auto l =
        Listener::Listen(rt.reactor(), "127.0.0.1", 0, [&handler, linger](ConnectionOptions& o) {
          o.close_linger = linger;
          return &handler;
        });
    EXPECT_TRUE(l.ok());
    return l.ok() ? l.value()->port() : uint16_t{0};
  });
}

// The peer: writes 1 MB without reading (so the server has unread input when it closes), then
// reads what came back. Returns the bytes read before the end and how the stream ended.
struct PeerResult {
  std::string read;
  bool clean_eof = false;     // read() returned 0
  bool write_failed = false;  // a write failed after the server's close
};

PeerResult WriteThenRead(int fd, bool close_after_read) {
  PeerResult r;
  std::string chunk(64 << 10, 'x');
  for (int i = 0; i < 16; ++i) {
    if (send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) break;
  }
  const auto until = std::chrono::steady_clock::now() + 5s;
  char buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) {
      // Still writing, as a client that has not noticed anything yet.
      if (send(fd, chunk.data(), 1024, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN) {
        r.write_failed = true;
      }
      continue;
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.read.append(buf, static_cast<size_t>(n));
      if (r.read == "BYE") {
        // Keep writing a little after reading: the server still takes (and drops) it.
        for (int i = 0; i < 5; ++i) {
          if (send(fd, chunk.data(), 1024, MSG_NOSIGNAL) < 0) r.write_failed = true;
        }
        if (close_after_read) shutdown(fd, SHUT_WR);
      }
      continue;
    }
    r.clean_eof = n == 0;
    if (n < 0) r.write_failed = true;  // ECONNRESET
    break;
  }
  return r;
}

TEST(CloseLinger, AWritingPeerReadsTheLastBytesAndACleanEnd) {
  ReactorThread rt{ReactorOptions{}};
  ByeOnData server;
  const uint16_t port = Listen(rt, server, 2000ms);
  const int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  const PeerResult r = WriteThenRead(fd, /*close_after_read=*/true);
  EXPECT_EQ(r.read, "BYE");
  EXPECT_TRUE(r.clean_eof);
  EXPECT_FALSE(r.write_failed);
  // The server finished as soon as the peer closed, long before the linger's end.
  for (int i = 0; i < 100 && !server.closed.load(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(server.closed.load());
  EXPECT_EQ(server.reason, "closed");
  close(fd);
}

TEST(CloseLinger, APeerThatNeverClosesIsCutOffWhenTheLingerEnds) {
  ReactorThread rt{ReactorOptions{}};
  ByeOnData server;
  const uint16_t port = Listen(rt, server, 300ms);
  const int fd = ConnectBlocking(port);
  ASSERT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  const PeerResult r = WriteThenRead(fd, /*close_after_read=*/false);
  EXPECT_EQ(r.read, "BYE");
  for (int i = 0; i < 300 && !server.closed.load(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(server.closed.load());
  EXPECT_EQ(server.reason, "closed (linger ended)");
  EXPECT_GE(server.closed_at - start, 250ms);
  close(fd);
}

}  // namespace
}  // namespace mqb::io
