// Listener: a listening TCP socket on a Reactor that accepts connections (multishot accept where
// the kernel has it, else one accept at a time) and hands each to a callback.
//
// Listen() returns a pointer owned by the reactor; Close() stops accepting and the reactor frees
// the listener once its accept operation has been cancelled. The accept callback decides the
// handler and options of every new Connection.
//
// Thread-safety: reactor thread only (create it from a task posted to the reactor, or before
// Run()).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "io/completion.h"
#include "io/connection.h"

namespace mqb::io {

class Reactor;

class Listener {
 public:
  // Called for each accepted socket; returns the handler (must stay valid until OnClose) and may
  // adjust the options (e.g. set a server TlsContext).
  using AcceptFn = std::function<ConnectionHandler*(ConnectionOptions& options)>;

  // Binds `host:port` (port 0: kernel-chosen; see port()).
  static Result<Listener*, std::string> Listen(Reactor& reactor, const std::string& host,
                                               uint16_t port, AcceptFn on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  uint16_t port() const { return port_; }
  void Close();

 private:
  Listener(Reactor& reactor, int fd, AcceptFn on_accept);
  void Arm();
  void OnAccept(int32_t res, uint32_t flags);

  Reactor& reactor_;
  int fd_;
  uint16_t port_ = 0;
  AcceptFn on_accept_;
  bool armed_ = false;
  bool closed_ = false;
  MemberCompletion<Listener, &Listener::OnAccept> accept_op_{this};
  friend class Reactor;
};

}  // namespace mqb::io
