#include "io/resolver.h"

#include <arpa/inet.h>

#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>

#include "io/reactor.h"

namespace mqb::io {

namespace {

// Never destroyed: detached lookups may still read it while the process exits.
struct HookSlot {
  std::mutex mu;
  std::function<void(const std::string&)> hook;
};
HookSlot& Hook() {
  static HookSlot* slot = new HookSlot();
  return *slot;
}

std::atomic<int> g_in_flight{0};

// Lookups stuck behind an unreachable DNS server are abandoned by their clients' connect
// deadlines but keep their threads until getaddrinfo gives up; cap how many can pile up.
constexpr int kMaxInFlight = 64;

}  // namespace

bool IsNumericHost(const std::string& host) {
  in6_addr buf;
  return inet_pton(AF_INET, host.c_str(), &buf) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &buf) == 1;
}

int ResolvesInFlight() { return g_in_flight.load(std::memory_order_acquire); }

void SetResolveHookForTesting(std::function<void(const std::string& host)> hook) {
  std::lock_guard lock(Hook().mu);
  Hook().hook = std::move(hook);
}

void PendingResolve::Cancel() {
  done_ = true;
  callback_ = nullptr;
}

void PendingResolve::Complete(const std::shared_ptr<PendingResolve>& self, ResolveResult result) {
  if (self->done_) return;
  self->done_ = true;
  ResolveCallback callback = std::move(self->callback_);
  self->callback_ = nullptr;
  callback(std::move(result));
}

std::shared_ptr<PendingResolve> ResolveAsync(Reactor& reactor, const std::string& host,
                                             uint16_t port, ResolveCallback callback) {
  auto pending = std::make_shared<PendingResolve>();
  pending->callback_ = std::move(callback);
  if (IsNumericHost(host)) {
    // A literal: getaddrinfo only converts it, no thread needed.
    reactor.Post([pending, result = Resolve(host, port)]() mutable {
      PendingResolve::Complete(pending, std::move(result));
    });
    return pending;
  }
  std::shared_ptr<ReactorLink> link = reactor.link();
  if (g_in_flight.fetch_add(1, std::memory_order_acq_rel) >= kMaxInFlight) {
    g_in_flight.fetch_sub(1, std::memory_order_acq_rel);
    reactor.Post([pending, host] {
      PendingResolve::Complete(
          pending, Err(IoError{IoErrc::kDns, 0,
                               "DNS failure: cannot resolve '" + host + "': more than " +
                                   std::to_string(kMaxInFlight) + " lookups in progress"}));
    });
    return pending;
  }
  try {
    // The worker touches only the link and its own copies; `pending` is used on the reactor
    // thread alone (the worker merely carries the pointer back).
    std::thread([link, pending, host, port]() mutable {
      std::function<void(const std::string&)> hook;
      {
        std::lock_guard lock(Hook().mu);
        hook = Hook().hook;
      }
      if (hook) hook(host);
      ResolveResult result = Resolve(host, port);
      link->Post([pending, result = std::move(result)]() mutable {
        PendingResolve::Complete(pending, std::move(result));
      });
      g_in_flight.fetch_sub(1, std::memory_order_acq_rel);
    }).detach();
  } catch (const std::system_error& e) {
    g_in_flight.fetch_sub(1, std::memory_order_acq_rel);
    reactor.Post([pending, host, what = std::string(e.what())] {
      PendingResolve::Complete(pending,
                               Err(IoError{IoErrc::kDns, 0,
                                           "DNS failure: cannot resolve '" + host +
                                               "': cannot start a resolver thread: " + what}));
    });
  }
  return pending;
}

}  // namespace mqb::io
