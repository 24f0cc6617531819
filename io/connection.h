// Connection: one TCP socket (optionally TLS) driven by a Reactor.
//
// Receiving: the connection keeps one receive armed for its whole life, multishot with the
// reactor's buffer ring or single-shot into its own buffer (see Reactor). Received bytes
// (decrypted, with TLS) are handed to ConnectionHandler::OnData; the span is valid only during
// the call.
//
// Read pause (back-pressure): PauseReading() stops delivering OnData and stops receiving: the
// armed receive is cancelled, so the kernel socket buffer fills and TCP flow control pushes back
// on the peer. Bytes that were already received (completions racing with the cancellation) are
// held, not lost, and delivered in order after ResumeReading(), from the next reactor turn (never
// from inside ResumeReading). A peer close or receive error seen while paused is reported after
// the held bytes, on resume; while paused with no receive armed, a peer close is noticed on
// resume at the latest. Works the same with TLS (the handshake also waits while paused). Pause and
// resume are idempotent (not counted), may be called in any state (no-ops once closed) and from
// inside any callback, including OnData of the same connection.
//
// Sending: Send()/Sendv() copy the bytes into the connection's pending buffer and mark the
// connection dirty; once per reactor turn everything pending leaves in one send (coalescing), while
// at most one send is in flight. Memory is bounded: if the pending bytes would exceed
// ConnectionOptions::max_send_queue, Send returns kWouldBlock and nothing is queued; once the
// queue drains below half, OnWritable() is called. A slow peer therefore only fills its own
// bounded queue; other connections on the thread are unaffected (sends are asynchronous).
//
// Lifecycle:
//   Connect()/Accept() -> [TCP connect] -> [TLS handshake] -> OnOpen -> OnData* / OnWritable*
//   -> OnClose (exactly once, last callback). After OnClose returns the handler is never used
//   again and the reactor frees the Connection as soon as its in-flight operations have completed
//   (they are cancelled). The owner must not use the Connection pointer after OnClose.
//   Close() flushes what is queued (and sends TLS close_notify) before closing, then lingers
//   (ConnectionOptions::close_linger, reading and discarding) if asked; Abort() closes now.
//
// Thread-safety: reactor thread only. The handler must outlive the connection until OnClose.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "io/completion.h"
#include "io/io_error.h"

namespace mqb::io {

class Connection;
class Reactor;
class TlsContext;
class TlsSession;

class ConnectionHandler {
 public:
  virtual void OnOpen(Connection& /*connection*/) {}
  virtual void OnData(Connection& connection, std::span<const uint8_t> data) = 0;
  virtual void OnWritable(Connection& /*connection*/) {}
  virtual void OnClose(Connection& connection, const IoError& error) = 0;

 protected:
  ~ConnectionHandler() = default;
};

struct ConnectionOptions {
  size_t max_send_queue = 4 << 20;        // bytes queued but not yet handed to the kernel
  size_t single_shot_buffer = 64 << 10;   // receive buffer in single-shot mode
  std::shared_ptr<const TlsContext> tls;  // null: plain TCP
  std::string tls_server_name;            // client: SNI and the name the certificate must match
  // Close() with a linger: once everything queued has left, the write side is shut (FIN) and the
  // connection keeps reading, discarding what arrives, until the peer closes or this time has
  // passed. A peer that is still writing then reads our last bytes (a server's DISCONNECT)
  // instead of losing them to the reset that closing with unread input causes. 0: close at once.
  std::chrono::milliseconds close_linger{0};
};

enum class SendStatus { kOk, kWouldBlock, kClosed };

class Connection {
 public:
  enum class State { kConnecting, kHandshaking, kOpen, kClosing, kClosed };

  // Starts a TCP connect to `addr`; the result arrives as OnOpen or OnClose. Returns a pointer
  // owned by the reactor (valid until OnClose).
  static Connection* Connect(Reactor& reactor, const sockaddr_storage& addr, socklen_t addr_len,
                             ConnectionHandler* handler, ConnectionOptions options = {});
  // Wraps an accepted socket (takes ownership of `fd`). OnOpen follows (after TLS, if any).
  static Connection* Accept(Reactor& reactor, int fd, ConnectionHandler* handler,
                            ConnectionOptions options = {});

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  SendStatus Send(std::span<const uint8_t> bytes);
  SendStatus Sendv(std::span<const iovec> parts);
  // Queues regardless of the bound: for small protocol control frames (acks, pings) whose
  // volume the protocol itself limits. kClosed if closing or closed.
  SendStatus SendAlways(std::span<const uint8_t> bytes);
  // True if `bytes` more would currently be accepted by Send.
  bool CanSend(size_t bytes) const;
  // Asks for OnWritable once the queue has drained below half (after a CanSend() == false).
  void NotifyWhenWritable() { want_writable_ = true; }
  size_t queued_bytes() const;

  // Back-pressure on the receive side (see the header comment).
  void PauseReading();
  void ResumeReading();
  bool reading_paused() const { return read_paused_; }

  void Close();
  void Abort(IoError reason);
  void set_handler(ConnectionHandler* handler) { handler_ = handler; }

  State state() const { return state_; }
  int fd() const { return fd_; }
  Reactor& reactor() { return reactor_; }
  const TlsSession* tls() const { return tls_.get(); }

  // Reactor internals.
  void Flush();
  // Once per loop turn for a dirty connection: held receive data (after a resume), then sends.
  void RunDeferred();

 private:
  Connection(Reactor& reactor, int fd, ConnectionHandler* handler, ConnectionOptions options);
  void OnConnect(int32_t res, uint32_t flags);
  void OnRecv(int32_t res, uint32_t flags);
  void OnSend(int32_t res, uint32_t flags);
  void ArmRecv();
  void SubmitSend();
  void Opened();
  void Deliver(const uint8_t* data, size_t size);
  void DeliverTls(const uint8_t* data, size_t size);
  void AfterSendProgress();
  void MaybeFinishClose();
  void Finish(IoError error);
  SendStatus QueuePlain(const uint8_t* data, size_t size);
  void Hold(const uint8_t* data, size_t size);
  void DeliverHeld();
  void ScheduleDeferred();

  Reactor& reactor_;
  int fd_;
  ConnectionHandler* handler_;
  ConnectionOptions options_;
  State state_ = State::kConnecting;
  int outstanding_ = 0;  // submitted operations whose final CQE has not arrived
  bool recv_armed_ = false;
  bool send_in_flight_ = false;
  bool dirty_ = false;
  bool want_writable_ = false;
  bool released_ = false;
  std::vector<uint8_t> pending_;   // queued, not yet submitted
  std::vector<uint8_t> inflight_;  // being sent by the kernel
  size_t inflight_offset_ = 0;
  std::vector<uint8_t> recv_buf_;       // single-shot mode
  std::vector<uint8_t> plain_buf_;      // TLS: decrypted bytes
  std::vector<uint8_t> early_plain_;    // TLS: plaintext queued before the handshake finished
  std::vector<uint8_t> sendv_scratch_;  // TLS: one frame from Sendv's parts
  // Read pause: received while paused (or before the held bytes were delivered), in order, with
  // kRecvPadding bytes of slack after held_size_; and a peer close/error seen meanwhile.
  bool read_paused_ = false;
  bool deliver_held_ = false;  // resumed: deliver held_ / held_end_ on the next RunDeferred
  std::vector<uint8_t> held_;
  size_t held_size_ = 0;
  std::vector<uint8_t> held_spare_;
  bool held_end_ = false;
  IoError held_error_;
  // Close linger: write side shut, reading and discarding until the peer closes or the timer.
  bool lingering_ = false;
  uint64_t linger_timer_ = 0;
  std::unique_ptr<TlsSession> tls_;
  sockaddr_storage peer_{};
  socklen_t peer_len_ = 0;

  MemberCompletion<Connection, &Connection::OnConnect> connect_op_{this};
  MemberCompletion<Connection, &Connection::OnRecv> recv_op_{this};
  MemberCompletion<Connection, &Connection::OnSend> send_op_{this};
  friend class Reactor;
};

}  // namespace mqb::io
