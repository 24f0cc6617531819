// ResolveAsync: host name resolution off the reactor thread.
//
// getaddrinfo() blocks, for seconds when a DNS server is slow or unreachable, and a reactor thread
// that blocks stalls every connection it drives. ResolveAsync() therefore runs each lookup on a
// short-lived detached worker thread and posts the result back to the reactor (through its
// ReactorLink, so a reactor destroyed meanwhile simply drops it). Numeric addresses ("127.0.0.1",
// "::1") need no lookup: they are converted without a thread, and the result is posted as well
// (the callback never runs inside ResolveAsync).
//
// Cancellation: ResolveAsync returns a handle; Cancel() on the reactor thread guarantees the
// callback will not run, so its owner may go away. A lookup still blocked in getaddrinfo finishes
// on its own thread and its result is dropped. Lookups happen per connection attempt (set-up
// time), never per message; each holds one thread while it runs, and at most 64 run at once in
// the process (beyond that a lookup fails at once: "... more than 64 lookups in progress").
//
// Thread-safety: ResolveAsync, Cancel and the callback run on the reactor's thread.
// SetResolveHookForTesting may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "io/address.h"
#include "io/io_error.h"

namespace mqb::io {

class Reactor;

using ResolveResult = Result<SocketAddress, IoError>;
using ResolveCallback = std::function<void(ResolveResult)>;

class PendingResolve {
 public:
  // Reactor thread: the callback will not be called (no-op after it ran).
  void Cancel();
  bool done() const { return done_; }

 private:
  friend std::shared_ptr<PendingResolve> ResolveAsync(Reactor&, const std::string&, uint16_t,
                                                      ResolveCallback);
  static void Complete(const std::shared_ptr<PendingResolve>& self, ResolveResult result);
  ResolveCallback callback_;  // reactor thread only
  bool done_ = false;         // reactor thread only
};

// Looks up `host:port` (IPv4 preferred, as Resolve) and calls `callback` on the reactor thread,
// unless the returned handle is cancelled first. Errors: IoErrc::kDns "DNS failure: cannot
// resolve 'host': ...".
std::shared_ptr<PendingResolve> ResolveAsync(Reactor& reactor, const std::string& host,
                                             uint16_t port, ResolveCallback callback);

// True for IPv4/IPv6 literals (no lookup needed).
bool IsNumericHost(const std::string& host);

// Worker threads currently looking a name up (a result is posted before its thread stops
// counting). Any thread.
int ResolvesInFlight();

// Tests only: `hook` runs on the worker thread before each lookup (e.g. to make it slow); an
// empty function removes it.
void SetResolveHookForTesting(std::function<void(const std::string& host)> hook);

}  // namespace mqb::io
