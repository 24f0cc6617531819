#include "io/connection.h"

#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/reactor.h"
#include "io/tls.h"

namespace mqb::io {

namespace {
void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
constexpr size_t kTlsPlainChunk = 16 * 1024;
}  // namespace

Connection::Connection(Reactor& reactor, int fd, ConnectionHandler* handler,
                       ConnectionOptions options)
    : reactor_(reactor), fd_(fd), handler_(handler), options_(std::move(options)) {}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

Connection* Connection::Connect(Reactor& reactor, const sockaddr_storage& addr, socklen_t addr_len,
                                ConnectionHandler* handler, ConnectionOptions options) {
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::unique_ptr<Connection> conn(new Connection(reactor, fd, handler, std::move(options)));
  Connection* raw = conn.get();
  reactor.Adopt(std::move(conn));
  if (fd < 0) {
    // Report from the loop so the caller sees the same control flow as a failed connect.
    int err = errno;
    reactor.Post([raw, err] { raw->Finish(IoError::Errno(err, "socket")); });
    return raw;
  }
  SetNoDelay(fd);
  raw->peer_ = addr;
  raw->peer_len_ = addr_len;
  io_uring_sqe* sqe = reactor.GetSqe();
  io_uring_prep_connect(sqe, fd, reinterpret_cast<const sockaddr*>(&raw->peer_), addr_len);
  io_uring_sqe_set_data(sqe, static_cast<Completion*>(&raw->connect_op_));
  ++raw->outstanding_;
  return raw;
}

Connection* Connection::Accept(Reactor& reactor, int fd, ConnectionHandler* handler,
                               ConnectionOptions options) {
  SetNoDelay(fd);
  std::unique_ptr<Connection> conn(new Connection(reactor, fd, handler, std::move(options)));
  Connection* raw = conn.get();
  reactor.Adopt(std::move(conn));
  // Deliver OnOpen from the loop, after the caller has stored the pointer.
  reactor.Post([raw] {
    if (raw->state_ == State::kConnecting) raw->Opened();
  });
  return raw;
}

void Connection::OnConnect(int32_t res, uint32_t /*flags*/) {
  --outstanding_;
  if (state_ == State::kConnecting) {
    if (res < 0) {
      Finish(IoError::Errno(-res, "connect"));
    } else {
      Opened();
    }
  }
  MaybeFinishClose();
}

void Connection::Opened() {
  if (options_.tls != nullptr) {
    auto session = TlsSession::Create(options_.tls, options_.tls_server_name);
    if (!session.ok()) {
      Finish({IoErrc::kTls, 0, session.error()});
      return;
    }
    tls_ = std::move(session).value();
    tls_->set_output(&pending_);
    state_ = State::kHandshaking;
    ArmRecv();
    if (options_.tls->is_client()) DeliverTls(nullptr, 0);
    return;
  }
  state_ = State::kOpen;
  ArmRecv();
  if (handler_ != nullptr) handler_->OnOpen(*this);
}

void Connection::ArmRecv() {
  if (recv_armed_ || read_paused_ || state_ == State::kClosed) return;
  io_uring_sqe* sqe = reactor_.GetSqe();
  BufferRing* ring = reactor_.buffer_ring();
  if (ring != nullptr) {
    io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = ring->group_id();
  } else {
    if (recv_buf_.empty()) recv_buf_.resize(options_.single_shot_buffer + kRecvPadding);
    io_uring_prep_recv(sqe, fd_, recv_buf_.data(), options_.single_shot_buffer, 0);
  }
  io_uring_sqe_set_data(sqe, static_cast<Completion*>(&recv_op_));
  recv_armed_ = true;
  ++outstanding_;
}

void Connection::OnRecv(int32_t res, uint32_t flags) {
  const bool last = (flags & IORING_CQE_F_MORE) == 0;
  if (last) {
    recv_armed_ = false;
    --outstanding_;
  }
  if (lingering_) {  // closing: discard input until the peer's FIN (or an error)
    BufferRing* ring = reactor_.buffer_ring();
    if (res > 0 && (flags & IORING_CQE_F_BUFFER) != 0 && ring != nullptr) {
      ring->Recycle(static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT));
    }
    if (res == 0 || (res < 0 && res != -ENOBUFS && res != -ECANCELED)) {
      Finish({IoErrc::kClosedLocally, 0, "closed"});
    } else if (last) {
      ArmRecv();
    }
    MaybeFinishClose();
    return;
  }
  // While paused, and until what was held has been delivered, keep receipts in order aside.
  const bool hold = read_paused_ || held_size_ > 0 || held_end_;
  if (res > 0) {
    BufferRing* ring = reactor_.buffer_ring();
    if ((flags & IORING_CQE_F_BUFFER) != 0 && ring != nullptr) {
      const auto id = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
      if (hold) {
        Hold(ring->Data(id), static_cast<size_t>(res));
      } else {
        Deliver(ring->Data(id), static_cast<size_t>(res));
      }
      ring->Recycle(id);
    } else if (hold) {
      Hold(recv_buf_.data(), static_cast<size_t>(res));
    } else {
      Deliver(recv_buf_.data(), static_cast<size_t>(res));
    }
  } else if (res == 0 || (res != -ENOBUFS && res != -ECANCELED)) {
    IoError error;
    if (res < 0) {
      error = IoError::Errno(-res, "recv");
    } else if (state_ == State::kHandshaking) {
      error = {IoErrc::kTls, 0, "handshake failed: peer closed"};
    } else {
      error = {IoErrc::kClosedByPeer, 0, "connection closed by peer"};
    }
    if (hold && state_ != State::kClosed) {
      held_end_ = true;  // reported after the held bytes, on resume
      held_error_ = std::move(error);
    } else {
      Finish(std::move(error));
    }
  }
  // -ENOBUFS (all provided buffers in use: they are recycled synchronously after each delivery,
  // so some are back by now), a cancellation from PauseReading, or a single-shot completion:
  // re-arm unless paused or finished.
  if (last && !held_end_) ArmRecv();
  MaybeFinishClose();
}

void Connection::Hold(const uint8_t* data, size_t size) {
  held_.resize(held_size_ + size + kRecvPadding);
  std::memcpy(held_.data() + held_size_, data, size);
  held_size_ += size;
}

void Connection::PauseReading() {
  if (read_paused_ || state_ == State::kClosed) return;
  read_paused_ = true;
  // Completions racing with the cancellation are held (OnRecv); the last one re-arms nothing.
  if (recv_armed_) reactor_.Cancel(&recv_op_);
}

void Connection::ResumeReading() {
  if (!read_paused_) return;
  read_paused_ = false;
  if (state_ == State::kClosed) return;
  // Held bytes (and, with TLS, plaintext wolfSSL still buffers) are delivered from the loop, so
  // callers never see OnData re-entered from inside ResumeReading.
  if (held_size_ > 0 || held_end_ || tls_ != nullptr) {
    deliver_held_ = true;
    ScheduleDeferred();
  }
  if (state_ != State::kConnecting && !held_end_) ArmRecv();
}

void Connection::ScheduleDeferred() {
  if (!dirty_) {
    dirty_ = true;
    reactor_.MarkDirty(this);
  }
}

void Connection::RunDeferred() {
  if (deliver_held_) {
    deliver_held_ = false;
    DeliverHeld();
  }
  Flush();
}

void Connection::DeliverHeld() {
  if (read_paused_ || state_ == State::kClosed || state_ == State::kConnecting) return;
  if (held_size_ > 0) {
    // Deliver from the spare buffer: nothing can be appended to held_ during the callbacks (no
    // completion runs meanwhile), but the handler may pause and resume.
    held_spare_.swap(held_);
    const size_t size = held_size_;
    held_size_ = 0;
    Deliver(held_spare_.data(), size);
    if (held_spare_.capacity() > (1u << 20)) {
      std::vector<uint8_t>().swap(held_spare_);
    } else {
      held_spare_.clear();
    }
  } else if (tls_ != nullptr) {
    DeliverTls(nullptr, 0);  // plaintext left in the TLS session by a pause inside OnData
  }
  if (held_end_ && !read_paused_ && held_size_ == 0 && state_ != State::kClosed) {
    held_end_ = false;
    Finish(std::move(held_error_));
  }
}

void Connection::Deliver(const uint8_t* data, size_t size) {
  if (state_ == State::kClosed || handler_ == nullptr) return;
  if (tls_ != nullptr) {
    DeliverTls(data, size);
    return;
  }
  handler_->OnData(*this, {data, size});
}

void Connection::DeliverTls(const uint8_t* data, size_t size) {
  if (size > 0) tls_->Feed({data, size});
  if (state_ == State::kHandshaking) {
    TlsSession::Status st = tls_->Handshake();
    if (!pending_.empty()) Flush();
    if (st == TlsSession::Status::kError || st == TlsSession::Status::kClosed) {
      Finish({IoErrc::kTls, 0, tls_->error()});
      return;
    }
    if (st == TlsSession::Status::kWantRead) return;
    state_ = State::kOpen;
    if (!early_plain_.empty()) {
      std::vector<uint8_t> early;
      early.swap(early_plain_);
      (void)tls_->Write(early);
    }
    if (handler_ != nullptr) handler_->OnOpen(*this);
  }
  if (plain_buf_.empty()) plain_buf_.resize(kTlsPlainChunk + kRecvPadding);
  while ((state_ == State::kOpen || state_ == State::kClosing) && !read_paused_) {
    TlsSession::Status st;
    size_t n = tls_->Read({plain_buf_.data(), kTlsPlainChunk}, &st);
    if (n > 0) {
      if (handler_ != nullptr) handler_->OnData(*this, {plain_buf_.data(), n});
      continue;
    }
    if (st == TlsSession::Status::kClosed) {
      Finish({IoErrc::kClosedByPeer, 0, "connection closed by peer (TLS close_notify)"});
    } else if (st == TlsSession::Status::kError) {
      Finish({IoErrc::kTls, 0, tls_->error()});
    }
    break;
  }
  if (!pending_.empty() && !dirty_ && state_ != State::kClosed) {
    dirty_ = true;
    reactor_.MarkDirty(this);
  }
}

bool Connection::CanSend(size_t bytes) const {
  const size_t queued = pending_.size() + early_plain_.size();
  return queued == 0 || queued + bytes <= options_.max_send_queue;
}

size_t Connection::queued_bytes() const {
  return pending_.size() + early_plain_.size() + (inflight_.size() - inflight_offset_);
}

SendStatus Connection::QueuePlain(const uint8_t* data, size_t size) {
  if (tls_ == nullptr) {
    pending_.insert(pending_.end(), data, data + size);
  } else if (state_ != State::kOpen) {
    early_plain_.insert(early_plain_.end(), data, data + size);
  } else if (tls_->Write({data, size}) != TlsSession::Status::kDone) {
    Finish({IoErrc::kTls, 0, tls_->error()});
    return SendStatus::kClosed;
  }
  if (!dirty_ && !pending_.empty()) {
    dirty_ = true;
    reactor_.MarkDirty(this);
  }
  return SendStatus::kOk;
}

SendStatus Connection::Send(std::span<const uint8_t> bytes) {
  if (state_ == State::kClosing || state_ == State::kClosed) return SendStatus::kClosed;
  if (!CanSend(bytes.size())) {
    want_writable_ = true;
    return SendStatus::kWouldBlock;
  }
  return QueuePlain(bytes.data(), bytes.size());
}

SendStatus Connection::SendAlways(std::span<const uint8_t> bytes) {
  if (state_ == State::kClosing || state_ == State::kClosed) return SendStatus::kClosed;
  return QueuePlain(bytes.data(), bytes.size());
}

SendStatus Connection::Sendv(std::span<const iovec> parts) {
  if (state_ == State::kClosing || state_ == State::kClosed) return SendStatus::kClosed;
  size_t total = 0;
  for (const iovec& v : parts) total += v.iov_len;
  if (!CanSend(total)) {
    want_writable_ = true;
    return SendStatus::kWouldBlock;
  }
  if (tls_ != nullptr && state_ == State::kOpen && parts.size() > 1) {
    // One TLS record for the whole frame rather than one per part.
    // Its own scratch: plain_buf_ may hold the bytes OnData is being called with.
    std::vector<uint8_t>& scratch = sendv_scratch_;
    scratch.resize(total);
    size_t off = 0;
    for (const iovec& v : parts) {
      std::memcpy(scratch.data() + off, v.iov_base, v.iov_len);
      off += v.iov_len;
    }
    return QueuePlain(scratch.data(), total);
  }
  for (const iovec& v : parts) {
    SendStatus st = QueuePlain(static_cast<const uint8_t*>(v.iov_base), v.iov_len);
    if (st != SendStatus::kOk) return st;
  }
  return SendStatus::kOk;
}

void Connection::Flush() {
  if (send_in_flight_ || pending_.empty() || state_ == State::kClosed ||
      state_ == State::kConnecting) {
    return;
  }
  inflight_.clear();
  inflight_.swap(pending_);
  inflight_offset_ = 0;
  SubmitSend();
}

void Connection::SubmitSend() {
  io_uring_sqe* sqe = reactor_.GetSqe();
  io_uring_prep_send(sqe, fd_, inflight_.data() + inflight_offset_,
                     inflight_.size() - inflight_offset_, MSG_NOSIGNAL);
  io_uring_sqe_set_data(sqe, static_cast<Completion*>(&send_op_));
  send_in_flight_ = true;
  ++outstanding_;
}

void Connection::OnSend(int32_t res, uint32_t /*flags*/) {
  --outstanding_;
  send_in_flight_ = false;
  if (res < 0) {
    if (res != -ECANCELED) Finish(IoError::Errno(-res, "send"));
    MaybeFinishClose();
    return;
  }
  inflight_offset_ += static_cast<size_t>(res);
  if (state_ == State::kClosed) {
    MaybeFinishClose();
    return;
  }
  if (inflight_offset_ < inflight_.size()) {
    SubmitSend();
    return;
  }
  inflight_.clear();
  inflight_offset_ = 0;
  AfterSendProgress();
}

void Connection::AfterSendProgress() {
  if (!pending_.empty()) Flush();
  if (want_writable_ && state_ == State::kOpen &&
      pending_.size() + early_plain_.size() <= options_.max_send_queue / 2) {
    want_writable_ = false;
    if (handler_ != nullptr) handler_->OnWritable(*this);
  }
  MaybeFinishClose();
}

void Connection::Close() {
  switch (state_) {
    case State::kClosing:
    case State::kClosed:
      return;
    case State::kConnecting:
    case State::kHandshaking:
      Finish({IoErrc::kClosedLocally, 0, "closed before the connection was established"});
      return;
    case State::kOpen:
      break;
  }
  state_ = State::kClosing;
  if (tls_ != nullptr) tls_->Shutdown();
  Flush();
  MaybeFinishClose();
}

void Connection::Abort(IoError reason) { Finish(std::move(reason)); }

void Connection::MaybeFinishClose() {
  if (state_ == State::kClosing && !send_in_flight_ && pending_.empty() && !lingering_) {
    shutdown(fd_, SHUT_WR);
    if (options_.close_linger.count() <= 0 || held_end_) {  // held_end_: the peer closed already
      Finish({IoErrc::kClosedLocally, 0, "closed"});
      return;
    }
    lingering_ = true;
    read_paused_ = false;  // nothing is delivered any more; what was held is dropped
    held_size_ = 0;
    linger_timer_ = reactor_.AddTimer(options_.close_linger, [this] {
      linger_timer_ = 0;
      Finish({IoErrc::kClosedLocally, 0, "closed (linger ended)"});
    });
    ArmRecv();
    return;
  }
  if (state_ == State::kClosed && outstanding_ == 0 && !released_) {
    released_ = true;
    reactor_.Release(this);
  }
}

void Connection::Finish(IoError error) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (linger_timer_ != 0) {
    reactor_.CancelTimer(linger_timer_);
    linger_timer_ = 0;
  }
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
  if (outstanding_ > 0) {
    if (recv_armed_) reactor_.Cancel(&recv_op_);
    if (send_in_flight_) reactor_.Cancel(&send_op_);
    reactor_.Cancel(&connect_op_);
  }
  ConnectionHandler* handler = handler_;
  handler_ = nullptr;
  if (handler != nullptr) handler->OnClose(*this, error);
  MaybeFinishClose();
}

}  // namespace mqb::io
