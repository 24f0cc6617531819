// Reactor: one io_uring ring driven by one I/O thread.
//
// The reactor owns the ring, a provided-buffer ring for multishot receives (when the kernel has
// them), user-space timers, and a lock-free hand-off queue through which other threads post work.
// Connections and listeners (connection.h, listener.h) submit their operations through it.
//
// Receive modes (probed once in Create(), logged, and exposed by mode()):
//   kMultishot  - IORING_OP_RECV with IORING_RECV_MULTISHOT and a provided buffer ring
//                 (kernel >= 6.0): one SQE per connection for its whole life, buffers recycled
//                 after each delivery; -ENOBUFS is backpressure and re-arms once buffers return.
//   kSingleShot - one IORING_OP_RECV at a time into a per-connection buffer (older kernels, or
//                 ReactorOptions::force_single_shot).
//
// Submission is batched: operations prepared while handling completions, timers or posted tasks
// are submitted together in one io_uring_submit_and_wait_timeout() per loop turn; GetSqe()
// flushes early only when the submission queue is full. Sends are coalesced per connection: the
// loop flushes each connection with queued bytes once per turn (one send for everything queued).
//
// Cross-thread wake-ups: Post() pushes onto an MpscQueue and, if the reactor may be asleep,
// writes an eventfd that the ring is always reading; at most one write per batch of posts.
//
// Thread-safety: Post(), Stop() and Shutdown() may be called from any thread. Everything else,
// and every callback, runs on the thread inside Run().
#pragma once

#include <liburing.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/result.h"
#include "io/buffer_ring.h"
#include "io/completion.h"
#include "io/listener.h"
#include "io/mpsc_queue.h"

namespace mqb::io {

class Connection;
class Listener;

enum class RecvMode { kMultishot, kSingleShot };
const char* RecvModeName(RecvMode mode);

struct ReactorOptions {
  unsigned queue_depth = 512;
  // Provided buffer ring for multishot receive: count (power of two) x size bytes.
  unsigned recv_buffer_count = 256;
  unsigned recv_buffer_size = 16 * 1024;
  // Use single-shot receives even where multishot is available (tests, comparisons).
  bool force_single_shot = false;
  // A name used in log lines.
  std::string name = "io";
  // No start-up log line (short-lived reactors such as the connector probe).
  bool quiet = false;
};

struct ReactorFeatures {
  bool multishot_recv = false;    // IORING_RECV_MULTISHOT + buffer rings usable
  bool multishot_accept = false;  // IORING_ACCEPT_MULTISHOT
  bool msg_ring = false;          // IORING_OP_MSG_RING
  bool ext_arg = false;           // IORING_FEAT_EXT_ARG (timeout in submit_and_wait)
};

// A handle on a reactor that may outlive it: threads that finish work at an unknown time (the
// name resolver) post their results through it. Post() runs the task on the reactor thread like
// Reactor::Post and returns true, or drops it and returns false once the reactor is destroyed.
// Thread-safety: any thread.
class ReactorLink {
 public:
  bool Post(std::function<void()> task);

 private:
  friend class Reactor;
  std::mutex mu_;
  Reactor* reactor_ = nullptr;  // guarded by mu_; null once the reactor is destroyed
};

class Reactor {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;
  using Task = std::function<void()>;

  // Sets up the ring and probes features. Errors (no io_uring, missing required opcodes) come back
  // as text; this is set-up time, not the data path.
  static Result<std::unique_ptr<Reactor>, std::string> Create(ReactorOptions options = {});
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Runs the loop on the calling thread until Stop(), or until Shutdown() has flushed and closed
  // every connection.
  void Run();
  // Any thread: leave Run() at the next turn (connections are aborted, not flushed).
  void Stop();
  // Any thread: orderly shutdown: stop listeners, flush every connection's queued bytes, close
  // them, then leave Run(). Connections still not flushed after `grace` are aborted.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // Any thread: run `task` on the reactor thread at the next turn. Allocates one node per call
  // (hand-offs carry batches, not single messages).
  void Post(Task task);
  // Any thread: a link for posting from threads that may outlive the reactor.
  std::shared_ptr<ReactorLink> link() const { return link_; }

  // Reactor thread: one-shot timer; the callback runs on the reactor thread. Cancel is a no-op
  // for an id that already fired or was cancelled.
  TimerId AddTimer(Clock::duration after, Task callback);
  void CancelTimer(TimerId id);

  RecvMode mode() const { return mode_; }
  const ReactorFeatures& features() const { return features_; }
  bool in_reactor_thread() const;
  bool shutting_down() const { return shutting_down_; }

  // --- For connections and listeners (reactor thread) ---
  // A free SQE; submits the pending batch first when the SQ is full. Never returns nullptr.
  io_uring_sqe* GetSqe();
  // Cancels every operation whose user_data is `target`.
  void Cancel(Completion* target);
  BufferRing* buffer_ring() { return buffer_ring_.get(); }
  // Registers/unregisters objects the reactor frees or flushes.
  void Adopt(std::unique_ptr<Connection> connection);
  void Release(Connection* connection);     // frees it at the end of the current turn
  void MarkDirty(Connection* connection);   // flush its send queue before the next submit
  void AddListener(Listener* listener);     // takes ownership
  void RemoveListener(Listener* listener);  // frees it at the end of the current turn

 private:
  explicit Reactor(ReactorOptions options);
  struct PostNode : MpscNode {
    Task task;
  };
  struct TimerEntry {
    Clock::time_point deadline;
    TimerId id;
    bool operator>(const TimerEntry& other) const {
      return deadline > other.deadline || (deadline == other.deadline && id > other.id);
    }
  };

  void OnWake(int32_t res, uint32_t flags);
  void ArmWakeRead();
  void RunPosted();
  void RunTimers();
  void FlushDirty();
  void FreeReleased();
  void Probe();
  void BeginShutdown();
  bool ShutdownComplete() const;

  ReactorOptions options_;
  io_uring ring_{};
  bool ring_ready_ = false;
  ReactorFeatures features_;
  RecvMode mode_ = RecvMode::kSingleShot;
  std::unique_ptr<BufferRing> buffer_ring_;

  int wake_fd_ = -1;
  uint64_t wake_value_ = 0;
  MemberCompletion<Reactor, &Reactor::OnWake> wake_completion_{this};
  std::atomic<bool> wake_pending_{false};
  MpscQueue posted_;
  std::shared_ptr<ReactorLink> link_;

  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timer_heap_;
  std::unordered_map<TimerId, Task> timers_;
  TimerId next_timer_id_ = 1;

  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> dirty_;
  std::vector<std::unique_ptr<Connection>> released_;
  std::unordered_map<Listener*, std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<Listener>> released_listeners_;

  std::atomic<std::thread::id> thread_id_{};
  bool stop_ = false;
  bool shutting_down_ = false;
  Clock::time_point shutdown_deadline_{};
  unsigned pending_sqes_ = 0;
};

}  // namespace mqb::io
