// Test helpers: a Reactor running on its own thread, synchronous calls into it, and blocking
// client sockets for the other end.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "io/reactor.h"
#include "tests/support/process.h"

namespace mqb::io::testing {

class ReactorThread {
 public:
  explicit ReactorThread(ReactorOptions options = {}) {
    auto created = Reactor::Create(std::move(options));
    if (!created.ok()) throw std::runtime_error(created.error());
    reactor_ = std::move(created).value();
    thread_ = std::thread([this] { reactor_->Run(); });
  }
  ~ReactorThread() {
    reactor_->Stop();
    thread_.join();
  }
  Reactor& reactor() { return *reactor_; }

  // Runs `fn` on the reactor thread and waits for its result.
  template <typename Fn>
  auto Call(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    reactor_->Post([&task] { task(); });
    return future.get();
  }

 private:
  std::unique_ptr<Reactor> reactor_;
  std::thread thread_;
};

// A blocking TCP client socket to 127.0.0.1:port.
inline int ConnectBlocking(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// Blocking socket calls with a receive timeout are not restarted after an interruption (io_uring
// task work queued to this thread by a ring it set up counts as one): retry on EINTR.
inline ssize_t RecvRetry(int fd, void* buf, size_t n) {
  for (;;) {
    ssize_t r = recv(fd, buf, n, 0);
    if (r >= 0 || errno != EINTR) return r;
  }
}

inline bool WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `n` bytes (or fewer on EOF/timeout).
inline std::string ReadN(int fd, size_t n) {
  std::string out;
  out.resize(n);
  size_t off = 0;
  while (off < n) {
    ssize_t r = RecvRetry(fd, out.data() + off, n - off);
    if (r <= 0) break;
    off += static_cast<size_t>(r);
  }
  out.resize(off);
  return out;
}

inline std::string Pattern(size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace mqb::io::testing
