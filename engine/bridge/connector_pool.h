// ConnectorPool: the pool of MQTT client connections of one connector, with the sink queue of
// each connection and the subscriptions of the connector's sources.
//
// One PoolConnection per PoolIdentity (engine/clientid.h); each lives on one io::Reactor thread
// (connections are spread round-robin over the reactors). A connector whose static client ids
// assign none to this node has no connections and reports disconnected with "Connector has no
// assigned static clientids".
//
// Status: every connection status change recomputes the connector's ConnectorState: connected
// only if all connections are, connecting if any is connecting, otherwise disconnected; the reason
// is the last error reported by a connection. Changes are logged.
//
// Sink queue (per connection, on its reactor thread; engine/bridge/sink_queue.h): the pipeline's
// dispatcher hands over one chunk per batch (Enqueue, one reactor Post per batch and connection);
// entries carry their enqueue time. Entries older than the action's request_ttl are dropped
// (dropped.expired), also while the remote is down (a timer sweeps the queue); over
// max_buffer_bytes the OLDEST entries are dropped (dropped.queue_full). While the connection is
// down entries wait; after reconnect the client first resends its in-flight QoS 1/2 messages, then
// the queue flows in order. Every entry is counted under the plan of its batch (the one it was
// rendered with).
//
// Acknowledgements (REFERENCE.md section 3): PUBACK/PUBCOMP 0x00 or 0x10 is success; 0x91
// (packet identifier in use) is recoverable: the message goes back to the front of the queue
// (retried; later retried.success or retried.failed), still bound by its request_ttl; any
// other code is failed. A reply that arrives after request_ttl counts late_reply as well.
//
// Sources: a `$share/...` (or `$queue/...`) topic is subscribed on every connection, any other
// topic on the first connection only. The client remembers subscriptions and re-sends them after
// every reconnect. A received message is matched against the connection's source routes and
// becomes one event per matching source, appended to the reactor thread's Producer. On 5.0
// connectors each source's subscription carries the Subscription Identifier source id + 1
// (stable across reloads; sources with the same topic on one connection share the first one's);
// a message that carries Subscription Identifiers goes to exactly the routes with those ids,
// without topic matching (so overlapping filters, which mosquitto delivers once per matching
// subscription, do not produce duplicate events). A message without them (3.x, or a broker that
// does not send them) is matched against every route's filter. Reconfigure
// (a reload) hands each connection its new routes; it unsubscribes what is gone and subscribes
// what is new or changed, on the open connection.
//
// Connector changes (the management API, SIGHUP): a changed connector gets a new pool, and the
// old one is retired: Retire(next) stops its connections (DISCONNECT) and hands every message they
// hold, in flight first (to be sent again: QoS 1 may duplicate, never lose) and then queued, in
// order, to the new pool's connections, keeping their enqueue time (request_ttl still counts from
// the first hand-over). Without a new pool (the connector was disabled or deleted) the messages
// are dropped and counted as dropped.resource_stopped. A retired pool no longer touches the
// connector's status; the Bridge keeps it until it stops, since callbacks may still be queued on
// the reactors.
//
// Thread-safety: construction, Start, Reconfigure, Retire and Stop from the owning thread (they
// post to the reactors); Enqueue from any thread; everything else on the connection's reactor
// thread.
#pragma once

#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/bridge/batch.h"
#include "engine/bridge/collector.h"
#include "engine/bridge/inflight_table.h"
#include "engine/bridge/plan.h"
#include "engine/bridge/sink_queue.h"
#include "engine/clientid.h"
#include "io/mqtt_client.h"

namespace mqb::engine::bridge {

class ConnectorPool;

// How a connection hands a received message to a source.
struct SourceRoute {
  std::string filter;  // matched against the message topic ($share/g/ stripped)
  int id = -1;         // the source's stable id (Event::source)
  ResourceMetrics* metrics = nullptr;
  bool has_rules = false;        // false: counted as received, no event
  uint32_t subscription_id = 0;  // 5.0: the Subscription Identifier of its subscription (0: none)
};

class PoolConnection final : public io::MqttClientHandler {
 public:
  PoolConnection(ConnectorPool* pool, int index, io::Reactor* reactor, Producer* producer,
                 io::MqttClientOptions options);
  ~PoolConnection();

  // Any thread: hands the batch's outputs `idx` (sink messages for this connection) over;
  // `enqueued` (default: now) is when they were first queued.
  void Enqueue(BatchRef batch, std::vector<uint32_t> idx);
  void Enqueue(BatchRef batch, std::vector<uint32_t> idx,
               std::chrono::steady_clock::time_point enqueued);

  // Any thread: start (subscribing for `routes`) / change the subscriptions and routes / stop the
  // client, on its reactor thread.
  void PostStart(std::vector<io::SubscriptionRequest> subscriptions,
                 std::vector<SourceRoute> routes);
  void PostSources(std::vector<io::SubscriptionRequest> subscriptions,
                   std::vector<SourceRoute> routes);
  void PostStop();
  // Any thread: stops the client and hands every message over to `next` (null: dropped), then
  // counts `done` down.
  void PostHandOver(ConnectorPool* next, std::latch* done);
  // Any thread, after PostHandOver: destroys the client on its reactor thread (closing the
  // socket if the DISCONNECT has not closed it yet) and cancels this connection's timer, then
  // counts `done` down. Afterwards nothing on the reactor refers to this object.
  void PostDispose(std::latch* done);

  io::ClientStatus status() const { return status_.load(); }
  const std::string& client_id() const { return client_id_; }

 private:
  // MqttClientHandler
  void OnStatus(io::ClientStatus status, const io::IoError& last_error) override;
  void OnMessage(const codec::Publish& message) override;
  void OnPublishDone(uint16_t packet_id, codec::ReasonCode rc) override;
  void OnWindowOpen() override;

  // One received message for route `r`: counted, and an event when the source feeds rules.
  void Deliver(const SourceRoute& r, const codec::Publish& message);
  void ApplySources(std::vector<io::SubscriptionRequest> subscriptions,
                    std::vector<SourceRoute> routes);
  void Push(BatchRef batch, std::vector<uint32_t> idx,
            std::chrono::steady_clock::time_point enqueued);
  // Brings the pool's backlog counter in line with this queue (counted only while connected).
  void SyncBacklog();
  void Pump();
  // Reactor thread: the hand-over of PostHandOver.
  void HandOver(ConnectorPool* next);

  ConnectorPool* pool_;
  int index_;
  io::Reactor* reactor_;
  Producer* producer_;
  std::string client_id_;
  std::unique_ptr<io::MqttClient> client_;
  std::atomic<io::ClientStatus> status_{io::ClientStatus::kConnecting};
  std::vector<io::SubscriptionRequest> subscriptions_;
  std::vector<SourceRoute> routes_;  // sources whose messages may arrive here

  SinkQueue queue_;
  InflightTable inflight_;
  int64_t backlog_counted_ = 0;
  io::Reactor::TimerId sweep_timer_ = 0;  // the armed sweep (0: none; ids start at 1)
  bool stopping_ = false;
  bool handed_over_ = false;  // after HandOver: messages go on to handed_to_
  ConnectorPool* handed_to_ = nullptr;
};

class ConnectorPool {
 public:
  // `reactors` and `producers` are parallel (one producer per reactor thread). `index` is the
  // connector's stable slot (Plan::connectors).
  // `backlog` (may be null) is kept equal to the sum of the queues of connected connections.
  ConnectorPool(int index, const ConnectorConfig& config, const Plan& plan,
                MetricsRegistry& metrics, const std::vector<io::Reactor*>& reactors,
                const std::vector<Producer*>& producers, int* next_reactor,
                std::atomic<int64_t>* backlog = nullptr);
  ~ConnectorPool();

  // Posts Start (with the sources' subscriptions) to every connection's reactor.
  void Start();
  // After a reload: the sinks' limits and the sources' subscriptions of `plan` (which must name
  // this pool's connector at the same index) take effect; connections stay open.
  void Reconfigure(const Plan& plan);
  // Posts Stop (DISCONNECT) to every connection's reactor.
  void Stop();
  // Stops the pool for good and hands its messages to `next` (may be null; see above). Returns
  // once every connection has handed its messages over, so that they are queued on `next` ahead
  // of anything dispatched afterwards (per-publisher order is kept across the change).
  void Retire(ConnectorPool* next);
  // After Retire, from the owning thread: frees every connection's resources on its reactor and
  // waits for that; the pool may then be destroyed while the reactors run.
  void Dispose();
  bool retired() const { return retired_.load(); }
  // Any thread: hands the messages `idx` of `batch` to the connections that the dispatcher would
  // have chosen (OutMsg::conn modulo the pool size); `enqueued` is their original enqueue time.
  // Without connections they are dropped (dropped.resource_stopped).
  void Adopt(const BatchRef& batch, const std::vector<uint32_t>& idx,
             std::chrono::steady_clock::time_point enqueued);

  size_t size() const { return conns_.size(); }
  PoolConnection* connection(size_t i) { return conns_[i].get(); }
  const std::string& name() const { return config_.name; }
  const ConnectorConfig& config() const { return config_; }
  int index() const { return index_; }
  const std::string& server() const { return server_; }
  // Bytes allowed in one connection's queue (the smallest max_buffer_bytes of the actions).
  uint64_t max_buffer_bytes() const { return max_buffer_bytes_.load(std::memory_order_relaxed); }
  // The sweep period of the queues (a fraction of the shortest request_ttl).
  std::chrono::milliseconds sweep_period() const {
    return std::chrono::milliseconds(sweep_period_ms_.load(std::memory_order_relaxed));
  }

  // Reactor threads: a connection's status changed.
  void StatusChanged(int conn, io::ClientStatus status, const io::IoError& error);
  std::atomic<int64_t>* backlog() const { return backlog_; }

 private:
  // Limits and per-connection subscriptions/routes for `plan`.
  void Compute(const Plan& plan);

  int index_;
  const ConnectorConfig config_;
  std::atomic<int64_t>* backlog_;
  ConnectorState* state_;
  std::string server_;
  std::vector<std::unique_ptr<PoolConnection>> conns_;
  std::vector<std::vector<io::SubscriptionRequest>> subs_;
  std::vector<std::vector<SourceRoute>> routes_;
  std::atomic<uint64_t> max_buffer_bytes_{256ull << 20};
  std::atomic<int64_t> sweep_period_ms_{1000};
  std::mutex status_mu_;  // status changes only (rare), never on the data path
  std::vector<io::ClientStatus> statuses_;
  ResourceStatus last_status_ = ResourceStatus::kConnecting;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> retired_{false};
};

// MqttClientOptions for one pool connection.
io::MqttClientOptions MakeClientOptions(const ConnectorConfig& c, const PoolIdentity& id);

}  // namespace mqb::engine::bridge
