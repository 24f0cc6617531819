// jq(Program, Data) and jq(Program, Data, TimeoutMs), with EMQX's semantics: Data is a JSON text
// or any other value (JSON-encoded first); the answer is the list of every output of the program;
// a compile error, a runtime error, invalid JSON input or the timeout fail the call (counted as
// failed.exception). The default timeout is EMQX's rule_engine.jq_function_default_timeout, 10 s.
//
// libjq does the work. Compiled programs are cached per thread (jq_state is not thread-safe, and
// a rule's program is the same for every message), at most kMaxCachedPrograms per thread.
//
// Timeouts: libjq has no deadline of its own, but its interpreter checks a "halted" flag before
// every instruction, and jq_halt sets it. One watchdog thread (started at the first jq call)
// halts an evaluation that passes its deadline, so a program that loops without producing
// output is stopped too. It wakes at most every kWatchdogTick while evaluations run and sleeps
// once none has run for a second, so a deadline is enforced within kWatchdogTick. A halted
// state is torn down, never reused.
//
// Limits: at most kMaxResults outputs and functions::kMaxResultBytes of JSON per call; beyond
// that the call fails. The memory libjq uses while the program runs is not bounded (only its
// time is): a rule such as jq('[range(1e9)]', ...) exhausts memory before its timeout.
//
// Thread-safety: any number of threads may call jq; each uses its own cached states. The
// watchdog's table is guarded by its mutex; jq_halt on a running state from the watchdog is the
// one cross-thread access, and it happens under that mutex while the state is registered (the
// evaluating thread unregisters, under the same mutex, before it touches the state again).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

#if MQB_RULES_HAVE_JQ
extern "C" {
#include <jq.h>
#include <jv.h>
}
#endif

namespace mqb::rules {
namespace {

using functions::FnResult;

#if MQB_RULES_HAVE_JQ

constexpr std::chrono::milliseconds kDefaultTimeout{10'000};
constexpr std::chrono::milliseconds kMaxTimeout{86'400'000};
constexpr std::chrono::milliseconds kWatchdogTick{50};
constexpr size_t kMaxCachedPrograms = 64;
constexpr size_t kMaxResults = 10'000;

using SteadyClock = std::chrono::steady_clock;

// Halts registered evaluations that pass their deadline (see the file comment).
class Watchdog {
 public:
  static Watchdog& Get() {
    static Watchdog* w = new Watchdog();  // never destroyed: its thread may outlive main's statics
    return *w;
  }

  uint64_t Arm(jq_state* jq, SteadyClock::time_point deadline) {
    std::lock_guard lock(mu_);
    const uint64_t id = ++next_id_;
    armed_.emplace(id, Entry{jq, deadline});
    last_use_ = SteadyClock::now();
    if (!ticking_) {
      ticking_ = true;
      cv_.notify_one();
    }
    return id;
  }

  // Returns true if the watchdog halted this evaluation (its deadline passed).
  bool Disarm(uint64_t id) {
    std::lock_guard lock(mu_);
    const auto it = armed_.find(id);
    const bool halted = it != armed_.end() && it->second.halted;
    if (it != armed_.end()) armed_.erase(it);
    return halted;
  }

 private:
  struct Entry {
    jq_state* jq;
    SteadyClock::time_point deadline;
    bool halted = false;
  };

  Watchdog() : thread_([this] { Run(); }) { thread_.detach(); }

  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return ticking_; });
      const auto now = SteadyClock::now();
      for (auto& [id, e] : armed_) {
        if (!e.halted && now >= e.deadline) {
          e.halted = true;
          // jq_halt asserts the state is not halted yet; a program's own halt may have been first.
          if (!jq_halted(e.jq)) jq_halt(e.jq, jv_number(1), jv_string("timeout"));
        }
      }
      if (armed_.empty() && now - last_use_ > std::chrono::seconds(1)) {
        ticking_ = false;  // idle: sleep until the next Arm
        continue;
      }
      auto wake = now + kWatchdogTick;
      for (const auto& [id, e] : armed_) {
        if (!e.halted && e.deadline < wake) wake = e.deadline;
      }
      cv_.wait_until(lock, wake);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, Entry> armed_;
  uint64_t next_id_ = 0;
  bool ticking_ = false;
  SteadyClock::time_point last_use_;
  std::thread thread_;
};

// Collects libjq's messages (compile errors) for the call that caused them.
void CollectError(void* data, jv msg) {
  auto* out = static_cast<std::string*>(data);
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    if (!out->empty()) out->append("; ");
    out->append(jv_string_value(msg));
  }
  jv_free(msg);
}

// One compiled program of this thread.
struct CachedProgram {
  jq_state* jq = nullptr;
  std::string error;  // where CollectError writes (its address must stay put: heap-allocated)
  ~CachedProgram() {
    if (jq != nullptr) jq_teardown(&jq);
  }
};

// Looked up by the program's string_view: a cached program costs no std::string per call.
struct ProgramHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using ProgramCache =
    std::unordered_map<std::string, std::unique_ptr<CachedProgram>, ProgramHash, std::equal_to<>>;

ProgramCache& ThreadPrograms() {
  thread_local ProgramCache cache;
  return cache;
}

// The compiled `program` of this thread, or the compile error. Programs may not load modules:
// the library path is empty, so `import` and `include` cannot read files.
Result<CachedProgram*, EvalError> Compiled(std::string_view program) {
  ProgramCache& cache = ThreadPrograms();
  if (auto it = cache.find(program); it != cache.end()) return it->second.get();
  if (cache.size() >= kMaxCachedPrograms) cache.clear();
  const std::string key(program);
  auto p = std::make_unique<CachedProgram>();
  p->jq = jq_init();
  if (p->jq == nullptr) return Err(functions::Failed("jq", "cannot initialise libjq"));
  jq_set_error_cb(p->jq, CollectError, &p->error);
  jq_set_attr(p->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
  if (!jq_compile(p->jq, key.c_str())) {
    return Err(functions::Failed(
        "jq", "invalid program: " + (p->error.empty() ? std::string("compile error") : p->error)));
  }
  p->error.clear();
  CachedProgram* raw = p.get();
  cache.emplace(key, std::move(p));
  return raw;
}

// Drops this thread's state for `program` (halted by a timeout or by the program itself); the
// next call compiles it again.
void Forget(std::string_view program) {
  ProgramCache& cache = ThreadPrograms();
  if (auto it = cache.find(program); it != cache.end()) cache.erase(it);
}

std::string MessageOf(jv invalid) {
  std::string out = "error";
  jv msg = jv_invalid_get_msg(invalid);  // consumes `invalid`
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    out = jv_string_value(msg);
  } else if (jv_get_kind(msg) != JV_KIND_NULL) {
    jv text = jv_dump_string(jv_copy(msg), 0);
    out = jv_string_value(text);
    jv_free(text);
  }
  jv_free(msg);
  return out;
}

FnResult Jq(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) return Err(functions::BadType("jq", args[0], "a jq program string"));
  auto timeout = kDefaultTimeout;
  if (args.size() == 3) {
    if (!args[2].is_int() || args[2].AsInt() <= 0) {
      return Err(functions::BadType("jq", args[2], "a timeout in milliseconds (> 0)"));
    }
    // Longer than a day is as good as never; the clamp keeps the deadline arithmetic finite.
    timeout = std::chrono::milliseconds(std::min<int64_t>(args[2].AsInt(), kMaxTimeout.count()));
  }
  const std::string_view program = args[0].AsString();
  auto compiled = Compiled(program);
  if (!compiled.ok()) return Err(compiled.error());
  CachedProgram& p = *compiled.value();

  // The input: a JSON text as it is, anything else JSON-encoded.
  std::string_view text;
  Value encoded;
  if (args[1].is_string()) {
    text = args[1].AsString();
  } else {
    encoded = JsonEncode(ctx.arena(), args[1]);
    text = encoded.AsString();
  }
  jv input = jv_parse_sized(text.data(), static_cast<int>(text.size()));
  if (!jv_is_valid(input)) {
    return Err(functions::Failed("jq", "the input is not JSON: " + MessageOf(input)));
  }

  // The outputs as one JSON array, decoded at the end. The buffer is this thread's, reused
  // (jq calls do not nest: a jq program cannot call back into SQL).
  thread_local std::string out;
  out.assign(1, '[');
  size_t results = 0;
  std::string error;
  const uint64_t watch = Watchdog::Get().Arm(p.jq, SteadyClock::now() + timeout);
  jq_start(p.jq, input, 0);  // consumes `input`
  for (;;) {
    jv r = jq_next(p.jq);
    if (!jv_is_valid(r)) {
      if (jv_invalid_has_msg(jv_copy(r))) {
        error = MessageOf(r);
      } else {
        jv_free(r);
      }
      break;
    }
    jv dumped = jv_dump_string(r, 0);  // consumes `r`
    const auto length = static_cast<size_t>(jv_string_length_bytes(jv_copy(dumped)));
    if (out.size() + length <= functions::kMaxResultBytes) {
      if (results > 0) out.push_back(',');
      out.append(jv_string_value(dumped), length);
    }
    jv_free(dumped);
    if (++results > kMaxResults || out.size() + length > functions::kMaxResultBytes) {
      error = "more than " + std::to_string(kMaxResults) + " results or " +
              std::to_string(functions::kMaxResultBytes) + " bytes";
      break;
    }
  }
  const bool timed_out = Watchdog::Get().Disarm(watch);
  if (timed_out) {
    Forget(program);
    return Err(functions::Failed("jq", "timeout after " + std::to_string(timeout.count()) + " ms"));
  }
  if (jq_halted(p.jq)) {  // the program ran halt or halt_error: its message, if any, is the error
    jv msg = jq_get_error_message(p.jq);
    if (jv_get_kind(msg) == JV_KIND_STRING) {
      error = jv_string_value(msg);
    } else if (jv_is_valid(msg) && jv_get_kind(msg) != JV_KIND_NULL) {
      jv dumped = jv_dump_string(msg, 0);
      msg = jv_null();
      error = jv_string_value(dumped);
      jv_free(dumped);
    }
    jv_free(msg);
    Forget(program);  // `p` is gone from here on
  }
  if (!error.empty()) return Err(functions::Failed("jq", error));
  out.push_back(']');
  const size_t size = out.size();
  out.append(kJsonPadding, '\0');  // simdjson reads the buffer in place
  return ctx.json().Decode(std::string_view(out.data(), size), ctx.arena(), /*padded=*/true);
}

#else  // !MQB_RULES_HAVE_JQ

FnResult Jq(std::span<const Value>, EvalContext&) {
  return Err(EvalError::NotSupported("jq is not supported by this build (no libjq)"));
}

#endif

}  // namespace

void RegisterJqFunction(FunctionRegistry& r) { r.Register("jq", 2, 3, Jq, false); }

}  // namespace mqb::rules
