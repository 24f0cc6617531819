// Broker: the embedded MQTT broker on the network. Runs a BrokerCore on one io::Reactor thread
// with TCP and TLS listeners (io::Listener, io::Connection, io::TlsContext).
//
//   auto broker = Broker::Start(MakeBrokerOptions(config.broker), config.broker.listeners);
//   uint16_t port = broker.value()->ports()[0];   // port 0 in a listener: kernel-chosen
//   ...
//   broker.value()->Stop();                        // or destroy it
//
// Every core call happens on the reactor thread. Connections closed by the core while it is
// running (takeover, protocol errors) are reported back to it only after the call returns, so the
// core never sees re-entrant callbacks.
//
// Back-pressure: after a read whose messages went to the PublishHook, the broker asks the hook
// whether it is congested; if so, that connection stops being read (io::Connection::PauseReading)
// until the hook says otherwise. A paused client's keep-alive does not expire: the silence is
// the broker's doing.
//
// Thread-safety: Start/Stop/destructor from one owning thread; Republish, counters() and
// client_count() from any thread (they hop onto the reactor thread).
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "base/result.h"
#include "engine/broker/broker_core.h"
#include "engine/config.h"

namespace mqb::io {
class Reactor;
}

namespace mqb::engine::broker {

// BrokerOptions from the [broker] config section (other keys keep their defaults).
BrokerOptions MakeBrokerOptions(const BrokerConfig& config);

class Broker {
 public:
  // Binds every listener, then starts the reactor thread. `hook` (may be null) must outlive the
  // broker. Errors (bind failure, bad TLS files, bad password/ACL file) are human readable.
  static Result<std::unique_ptr<Broker>, std::string> Start(
      BrokerOptions options, const std::vector<ListenerConfig>& listeners,
      PublishHook* hook = nullptr);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Tells 5.0 clients "server shutting down", closes every connection, joins the thread.
  void Stop();

  // The bound port of each listener, in configuration order.
  const std::vector<uint16_t>& ports() const { return ports_; }

  // Any thread: the republish entry point (BrokerCore::Inject), asynchronous, in order; one
  // hand-off per batch.
  void Republish(InjectBatch batch);
  // Any thread: a snapshot of the counters / number of connections (waits for the reactor).
  BrokerCounters counters();
  size_t client_count();
  // Any thread: how often a publisher was paused for back-pressure (waits for the reactor).
  uint64_t pauses();
  // Any thread but the reactor's: returns once the reactor thread has finished whatever it was
  // doing when Sync was called (e.g. a PublishHook call that may still read replaced state).
  void Sync();

 private:
  class Conn;
  Broker() = default;
  void Tick();
  void EnterCore() { ++depth_; }
  void LeaveCore();
  void Closed(Conn* conn);
  // Back-pressure (reactor thread): stop reading from `conn` until the hook is no longer
  // congested (checked every 2 ms while anything is paused).
  void Pause(Conn* conn);
  void ArmResumeCheck();

  BrokerOptions options_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<BrokerCore> core_;
  std::unique_ptr<io::Reactor> reactor_;
  std::thread thread_;
  std::vector<uint16_t> ports_;
  std::unordered_set<Conn*> conns_;
  std::vector<Conn*> deferred_closed_;
  PublishHook* hook_ = nullptr;
  std::vector<Conn*> paused_;
  uint64_t pauses_ = 0;
  int depth_ = 0;
  bool stopped_ = false;
};

}  // namespace mqb::engine::broker
