#include "io/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/address.h"
#include "io/reactor.h"

namespace mqb::io {

Listener::Listener(Reactor& reactor, int fd, AcceptFn on_accept)
    : reactor_(reactor), fd_(fd), on_accept_(std::move(on_accept)) {}

Listener::~Listener() {
  if (fd_ >= 0) close(fd_);
}

Result<Listener*, std::string> Listener::Listen(Reactor& reactor, const std::string& host,
                                                uint16_t port, AcceptFn on_accept) {
  auto addr = Resolve(host, port);
  if (!addr.ok()) return Err(addr.error().message);
  int fd = socket(addr->storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Err("socket: " + std::string(std::strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr->storage), addr->length) != 0 ||
      listen(fd, 1024) != 0) {
    std::string err = std::strerror(errno);
    close(fd);
    return Err("bind/listen " + addr->ToString() + ": " + err);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  auto* self = new Listener(reactor, fd, std::move(on_accept));
  self->port_ =
      ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  reactor.AddListener(self);
  self->Arm();
  return self;
}

void Listener::Arm() {
  if (armed_ || closed_) return;
  io_uring_sqe* sqe = reactor_.GetSqe();
  if (reactor_.features().multishot_accept) {
    io_uring_prep_multishot_accept(sqe, fd_, nullptr, nullptr, SOCK_CLOEXEC);
  } else {
    io_uring_prep_accept(sqe, fd_, nullptr, nullptr, SOCK_CLOEXEC);
  }
  io_uring_sqe_set_data(sqe, static_cast<Completion*>(&accept_op_));
  armed_ = true;
}

void Listener::OnAccept(int32_t res, uint32_t flags) {
  if ((flags & IORING_CQE_F_MORE) == 0) armed_ = false;
  if (res >= 0) {
    if (closed_) {
      close(res);
    } else {
      ConnectionOptions options;
      ConnectionHandler* handler = on_accept_(options);
      if (handler == nullptr) {
        close(res);
      } else {
        Connection::Accept(reactor_, res, handler, std::move(options));
      }
    }
  } else if (res != -ECANCELED && !closed_) {
    // Transient (EMFILE, ECONNABORTED, ...): keep listening.
    std::fprintf(stderr, "accept: %s\n", std::strerror(-res));
  }
  if (!closed_ && !armed_) Arm();
  if (closed_ && !armed_) reactor_.RemoveListener(this);
}

void Listener::Close() {
  if (closed_) return;
  closed_ = true;
  shutdown(fd_, SHUT_RDWR);
  if (armed_) {
    reactor_.Cancel(&accept_op_);
  } else {
    reactor_.RemoveListener(this);
  }
}

}  // namespace mqb::io
