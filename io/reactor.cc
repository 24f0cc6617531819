#include "io/reactor.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/connection.h"
#include "io/listener.h"

namespace mqb::io {

namespace {
constexpr uint16_t kBufferGroup = 1;

// One log line per start-up fact; the engine routes stderr to its log.
void LogLine(const std::string& name, const std::string& text) {
  std::fprintf(stderr, "[%s] %s\n", name.c_str(), text.c_str());
}
}  // namespace

const char* RecvModeName(RecvMode mode) {
  return mode == RecvMode::kMultishot ? "multishot recv + provided buffer ring"
                                      : "single-shot recv";
}

IoError IoError::Errno(int err, const std::string& what) {
  return IoError{IoErrc::kSocket, err, what + ": " + std::strerror(err)};
}

Reactor::Reactor(ReactorOptions options)
    : options_(std::move(options)), link_(std::make_shared<ReactorLink>()) {
  link_->reactor_ = this;
}

bool ReactorLink::Post(std::function<void()> task) {
  std::lock_guard lock(mu_);
  if (reactor_ == nullptr) return false;
  reactor_->Post(std::move(task));
  return true;
}

Result<std::unique_ptr<Reactor>, std::string> Reactor::Create(ReactorOptions options) {
  std::unique_ptr<Reactor> self(new Reactor(std::move(options)));
  // COOP_TASKRUN (5.19): completions' task work runs when the reactor enters the kernel anyway,
  // instead of interrupting whatever the thread is doing. Older kernels: retry without it.
  io_uring_params params{};
  params.flags = IORING_SETUP_CLAMP | IORING_SETUP_COOP_TASKRUN;
  int rc = io_uring_queue_init_params(self->options_.queue_depth, &self->ring_, &params);
  if (rc == -EINVAL) {
    params = {};
    params.flags = IORING_SETUP_CLAMP;
    rc = io_uring_queue_init_params(self->options_.queue_depth, &self->ring_, &params);
  }
  if (rc < 0) return Err("io_uring_queue_init: " + std::string(std::strerror(-rc)));
  self->ring_ready_ = true;
  self->features_.ext_arg = (params.features & IORING_FEAT_EXT_ARG) != 0;
  self->Probe();
  if (self->features_.multishot_recv && !self->options_.force_single_shot) {
    auto ring = BufferRing::Create(&self->ring_, kBufferGroup, self->options_.recv_buffer_count,
                                   self->options_.recv_buffer_size);
    if (ring.ok()) {
      self->buffer_ring_ = std::move(ring).value();
      self->mode_ = RecvMode::kMultishot;
    } else {
      LogLine(self->options_.name, "buffer ring registration failed (" +
                                       std::string(std::strerror(ring.error())) +
                                       "); falling back");
    }
  }
  self->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->wake_fd_ < 0) return Err("eventfd: " + std::string(std::strerror(errno)));
  if (!self->options_.quiet) {
    LogLine(self->options_.name,
            std::string("io_uring reactor: ") + RecvModeName(self->mode_) +
                (self->features_.multishot_accept ? ", multishot accept" : "") +
                (self->features_.msg_ring ? ", msg_ring" : ""));
  }
  return self;
}

void Reactor::Probe() {
  io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
  if (probe == nullptr) return;
  const bool recv = io_uring_opcode_supported(probe, IORING_OP_RECV);
  const bool provide = io_uring_opcode_supported(probe, IORING_OP_PROVIDE_BUFFERS);
  features_.msg_ring = io_uring_opcode_supported(probe, IORING_OP_MSG_RING);
  // Multishot receive and ring-mapped buffers arrived in 6.0, together with IORING_OP_SEND_ZC
  // (opcode 47) in 6.0 as well; the probe has no flag bit for multishot, so use that opcode as the
  // kernel-version witness and let buffer-ring registration confirm it.
  const bool kernel_6_0 = io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
  features_.multishot_recv = recv && provide && kernel_6_0;
  features_.multishot_accept = io_uring_opcode_supported(probe, IORING_OP_ACCEPT) && kernel_6_0;
  io_uring_free_probe(probe);
}

Reactor::~Reactor() {
  {
    // From here on, late results from other threads are dropped instead of posted.
    std::lock_guard lock(link_->mu_);
    link_->reactor_ = nullptr;
  }
  // Connections own sockets and completions the ring may still reference: abort them, then drain
  // their cancellations before tearing the ring down.
  if (ring_ready_) {
    for (auto& [ptr, conn] : connections_) {
      if (conn->state_ != Connection::State::kClosed)
        conn->Abort({IoErrc::kClosedLocally, 0, "reactor destroyed"});
    }
    for (int i = 0; i < 100 && !connections_.empty(); ++i) {
      io_uring_submit(&ring_);
      __kernel_timespec ts{0, 10'000'000};
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe_timeout(&ring_, &cqe, &ts) == 0) {
        unsigned head, count = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
          auto* c = static_cast<Completion*>(io_uring_cqe_get_data(cqe));
          if (c != nullptr) c->Complete(cqe->res, cqe->flags);
          ++count;
        }
        io_uring_cq_advance(&ring_, count);
      }
      FreeReleased();
    }
  }
  while (MpscNode* node = posted_.Pop()) delete static_cast<PostNode*>(node);
  buffer_ring_.reset();
  connections_.clear();
  if (ring_ready_) io_uring_queue_exit(&ring_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool Reactor::in_reactor_thread() const {
  return thread_id_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

io_uring_sqe* Reactor::GetSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  ++pending_sqes_;
  return sqe;
}

void Reactor::Cancel(Completion* target) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_cancel(sqe, target, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data(sqe, nullptr);
}

void Reactor::ArmWakeRead() {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof(wake_value_), 0);
  io_uring_sqe_set_data(sqe, static_cast<Completion*>(&wake_completion_));
}

void Reactor::OnWake(int32_t res, uint32_t /*flags*/) {
  (void)res;
  // Clear before draining: a Post racing with the drain either is seen by it or writes again.
  wake_pending_.store(false, std::memory_order_release);
  RunPosted();
  ArmWakeRead();
}

void Reactor::Post(Task task) {
  auto* node = new PostNode();
  node->task = std::move(task);
  posted_.Push(node);
  if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) {
    uint64_t one = 1;
    ssize_t n = write(wake_fd_, &one, sizeof(one));
    (void)n;  // EAGAIN means the counter is already non-zero: the reactor will wake anyway
  }
}

void Reactor::RunPosted() {
  while (MpscNode* node = posted_.Pop()) {
    std::unique_ptr<PostNode> owned(static_cast<PostNode*>(node));
    owned->task();
  }
}

Reactor::TimerId Reactor::AddTimer(Clock::duration after, Task callback) {
  TimerId id = next_timer_id_++;
  timers_.emplace(id, std::move(callback));
  timer_heap_.push({Clock::now() + after, id});
  return id;
}

void Reactor::CancelTimer(TimerId id) { timers_.erase(id); }

void Reactor::RunTimers() {
  const auto now = Clock::now();
  while (!timer_heap_.empty() && timer_heap_.top().deadline <= now) {
    TimerId id = timer_heap_.top().id;
    timer_heap_.pop();
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled
    Task task = std::move(it->second);
    timers_.erase(it);
    task();
  }
  // Drop cancelled entries at the top so the wait timeout reflects a live timer.
  while (!timer_heap_.empty() && !timers_.contains(timer_heap_.top().id)) timer_heap_.pop();
}

void Reactor::Adopt(std::unique_ptr<Connection> connection) {
  Connection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
}

void Reactor::Release(Connection* connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  released_.push_back(std::move(it->second));
  connections_.erase(it);
}

void Reactor::MarkDirty(Connection* connection) { dirty_.push_back(connection); }

void Reactor::AddListener(Listener* listener) {
  listeners_.emplace(listener, std::unique_ptr<Listener>(listener));
}

void Reactor::RemoveListener(Listener* listener) {
  auto it = listeners_.find(listener);
  if (it == listeners_.end()) return;
  released_listeners_.push_back(std::move(it->second));
  listeners_.erase(it);
}

void Reactor::FlushDirty() {
  // RunDeferred() may mark connections dirty (itself included, after delivering held bytes), so
  // iterate by index. Every entry is alive: connections are freed only after this, in
  // FreeReleased().
  for (size_t i = 0; i < dirty_.size(); ++i) {
    Connection* c = dirty_[i];
    c->dirty_ = false;
    c->RunDeferred();
  }
  dirty_.clear();
}

void Reactor::FreeReleased() {
  released_.clear();
  released_listeners_.clear();
}

void Reactor::Stop() {
  Post([this] { stop_ = true; });
}

void Reactor::Shutdown(std::chrono::milliseconds grace) {
  Post([this, grace] {
    if (shutting_down_) return;
    shutting_down_ = true;
    shutdown_deadline_ = Clock::now() + grace;
    BeginShutdown();
  });
}

void Reactor::BeginShutdown() {
  std::vector<Listener*> listeners;
  for (auto& [ptr, owned] : listeners_) listeners.push_back(ptr);
  for (Listener* l : listeners) l->Close();
  std::vector<Connection*> open;
  for (auto& [ptr, conn] : connections_) open.push_back(ptr);
  for (Connection* c : open) c->Close();
}

bool Reactor::ShutdownComplete() const { return connections_.empty() && listeners_.empty(); }

void Reactor::Run() {
  thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  stop_ = false;
  ArmWakeRead();
  while (!stop_) {
    RunPosted();
    RunTimers();
    FlushDirty();
    FreeReleased();
    if (shutting_down_) {
      if (ShutdownComplete()) break;
      if (Clock::now() >= shutdown_deadline_) {
        std::vector<Connection*> open;
        for (auto& [ptr, conn] : connections_) open.push_back(ptr);
        for (Connection* c : open) {
          c->Abort({IoErrc::kClosedLocally, 0, "shutdown grace period expired"});
        }
        shutdown_deadline_ = Clock::now() + std::chrono::seconds(1);
      }
    }
    if (stop_) break;

    // Sleep until a completion, the next timer, or (while shutting down) a periodic re-check.
    __kernel_timespec ts{};
    __kernel_timespec* wait = nullptr;
    Clock::time_point until = Clock::time_point::max();
    if (!timer_heap_.empty()) until = timer_heap_.top().deadline;
    if (shutting_down_) until = std::min(until, Clock::now() + std::chrono::milliseconds(50));
    if (until != Clock::time_point::max()) {
      auto delta = std::max(Clock::duration::zero(), until - Clock::now());
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(delta).count();
      ts.tv_sec = ns / 1'000'000'000;
      ts.tv_nsec = ns % 1'000'000'000;
      wait = &ts;
    }
    io_uring_cqe* cqe = nullptr;
    pending_sqes_ = 0;
    int rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, wait, nullptr);
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY && rc != -EAGAIN) {
      LogLine(options_.name,
              "io_uring_submit_and_wait_timeout: " + std::string(std::strerror(-rc)));
    }
    unsigned head, count = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      auto* c = static_cast<Completion*>(io_uring_cqe_get_data(cqe));
      ++count;
      if (c != nullptr) c->Complete(cqe->res, cqe->flags);
    }
    io_uring_cq_advance(&ring_, count);
  }
  // Leave nothing half-open: abort what remains (the destructor drains the cancellations).
  std::vector<Connection*> open;
  for (auto& [ptr, conn] : connections_) open.push_back(ptr);
  for (Connection* c : open) {
    if (c->state_ != Connection::State::kClosed) {
      c->Abort({IoErrc::kClosedLocally, 0, "reactor stopped"});
    }
  }
  io_uring_submit(&ring_);
  thread_id_.store(std::thread::id(), std::memory_order_relaxed);
}

}  // namespace mqb::io
