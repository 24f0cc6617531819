#include "engine/bridge/connector_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "codec/topic.h"

namespace mqb::engine::bridge {
namespace {

using SteadyClock = std::chrono::steady_clock;

codec::ProtocolVersion ToProtocol(ProtoVer v) {
  switch (v) {
    case ProtoVer::kV3:
      return codec::ProtocolVersion::kV31;
    case ProtoVer::kV4:
      return codec::ProtocolVersion::kV311;
    case ProtoVer::kV5:
      return codec::ProtocolVersion::kV5;
  }
  return codec::ProtocolVersion::kV311;
}

}  // namespace

io::MqttClientOptions MakeClientOptions(const ConnectorConfig& c, const PoolIdentity& id) {
  io::MqttClientOptions o;
  o.host = c.host;
  o.port = c.port;
  o.tls_enable = c.ssl.enable;
  if (c.ssl.enable) {
    o.tls.verify_peer = c.ssl.verify_peer;
    o.tls.ca_file = c.ssl.cacertfile;
    o.tls.cert_file = c.ssl.certfile;
    o.tls.key_file = c.ssl.keyfile;
    if (c.ssl.server_name_indication != "disable") o.tls.sni = c.ssl.server_name_indication;
    o.tls.alpn = c.ssl.alpn;
    const auto& v = c.ssl.versions;
    const bool has12 = std::find(v.begin(), v.end(), "tlsv1.2") != v.end();
    const bool has13 = std::find(v.begin(), v.end(), "tlsv1.3") != v.end();
    o.tls.min_version = has12 || !has13 ? io::TlsVersion::kTls12 : io::TlsVersion::kTls13;
    o.tls.max_version = has13 || !has12 ? io::TlsVersion::kTls13 : io::TlsVersion::kTls12;
  }
  o.version = ToProtocol(c.proto_ver);
  o.client_id = id.clientid;
  o.username = id.username;
  o.password = id.password;
  o.keepalive_s = static_cast<uint16_t>(std::min<int64_t>(
      65535, std::chrono::duration_cast<std::chrono::seconds>(c.keepalive).count()));
  o.clean_start = c.clean_start;
  o.bridge_mode = c.bridge_mode && c.proto_ver != ProtoVer::kV5;
  o.max_inflight = static_cast<uint16_t>(std::clamp(c.max_inflight, 1, 65535));
  o.retry_interval = c.retry_interval;
  o.connect_timeout = c.connect_timeout;
  return o;
}

// ---------------------------------------------------------------------------------------------
// PoolConnection

PoolConnection::PoolConnection(ConnectorPool* pool, int index, io::Reactor* reactor,
                               Producer* producer, io::MqttClientOptions options)
    : pool_(pool),
      index_(index),
      reactor_(reactor),
      producer_(producer),
      client_id_(options.client_id),
      inflight_(options.max_inflight) {
  client_ = std::make_unique<io::MqttClient>(*reactor, std::move(options), this);
}

PoolConnection::~PoolConnection() = default;

void PoolConnection::Enqueue(BatchRef batch, std::vector<uint32_t> idx) {
  Enqueue(std::move(batch), std::move(idx), SteadyClock::now());
}

void PoolConnection::Enqueue(BatchRef batch, std::vector<uint32_t> idx,
                             SteadyClock::time_point enqueued) {
  reactor_->Post([this, batch = std::move(batch), idx = std::move(idx), enqueued]() mutable {
    Push(std::move(batch), std::move(idx), enqueued);
  });
}

void PoolConnection::PostStart(std::vector<io::SubscriptionRequest> subscriptions,
                               std::vector<SourceRoute> routes) {
  reactor_->Post(
      [this, subscriptions = std::move(subscriptions), routes = std::move(routes)]() mutable {
        ApplySources(std::move(subscriptions), std::move(routes));
        client_->Start();
      });
}

void PoolConnection::PostSources(std::vector<io::SubscriptionRequest> subscriptions,
                                 std::vector<SourceRoute> routes) {
  reactor_->Post(
      [this, subscriptions = std::move(subscriptions), routes = std::move(routes)]() mutable {
        ApplySources(std::move(subscriptions), std::move(routes));
      });
}

void PoolConnection::PostStop() {
  reactor_->Post([this] {
    stopping_ = true;
    SyncBacklog();
    client_->Stop();
  });
}

void PoolConnection::PostHandOver(ConnectorPool* next, std::latch* done) {
  reactor_->Post([this, next, done] {
    HandOver(next);
    done->count_down();
  });
}

void PoolConnection::PostDispose(std::latch* done) {
  reactor_->Post([this, done] {
    if (sweep_timer_ != 0) reactor_->CancelTimer(sweep_timer_);
    sweep_timer_ = 0;
    client_.reset();
    done->count_down();
  });
}

void PoolConnection::HandOver(ConnectorPool* next) {
  stopping_ = true;
  handed_over_ = true;
  handed_to_ = next;
  SyncBacklog();
  // In flight first, oldest first: they were sent before anything still queued.
  std::vector<InflightEntry> inflight;
  inflight.reserve(inflight_.size());
  inflight_.Drain([&](InflightEntry&& e) { inflight.push_back(std::move(e)); });
  std::stable_sort(
      inflight.begin(), inflight.end(),
      [](const InflightEntry& a, const InflightEntry& b) { return a.enqueued < b.enqueued; });
  for (InflightEntry& e : inflight) {
    e.batch->plan->sinks[e.batch->outs[e.out].action].metrics->inflight.Add(-1);
    // Without a next pool, this retired pool drops and counts them.
    (next != nullptr ? next : pool_)->Adopt(e.batch, {e.out}, e.enqueued);
  }
  queue_.DrainChunks([&](BatchRef batch, std::vector<uint32_t> idx, SteadyClock::time_point t) {
    (next != nullptr ? next : pool_)->Adopt(batch, idx, t);
  });
  client_->Stop();
}

void PoolConnection::ApplySources(std::vector<io::SubscriptionRequest> subscriptions,
                                  std::vector<SourceRoute> routes) {
  std::vector<std::string> gone;
  for (const io::SubscriptionRequest& old : subscriptions_) {
    const bool kept = std::any_of(subscriptions.begin(), subscriptions.end(),
                                  [&](const auto& s) { return s.filter == old.filter; });
    if (!kept) gone.push_back(old.filter);
  }
  std::vector<io::SubscriptionRequest> added;
  for (const io::SubscriptionRequest& s : subscriptions) {
    const bool same = std::any_of(subscriptions_.begin(), subscriptions_.end(), [&](const auto& o) {
      return o.filter == s.filter && o.options == s.options &&
             o.subscription_id == s.subscription_id;
    });
    if (!same) added.push_back(s);
  }
  // Routes first: a message of a new subscription may arrive as soon as SUBSCRIBE is out.
  routes_ = std::move(routes);
  subscriptions_ = std::move(subscriptions);
  if (!gone.empty()) client_->Unsubscribe(gone);
  if (!added.empty()) client_->Subscribe(added);
}

void PoolConnection::OnStatus(io::ClientStatus status, const io::IoError& last_error) {
  status_.store(status);
  pool_->StatusChanged(index_, status, last_error);
  Pump();  // also brings the backlog in line (a queue only counts while connected)
}

void PoolConnection::OnMessage(const codec::Publish& message) {
  // Subscription Identifiers (5.0): exactly the routes of the subscriptions the broker matched.
  bool by_id = false;
  const codec::Properties& props = message.properties;
  for (auto it = props.begin(); it != props.end(); ++it) {
    if (it->id != codec::PropertyId::kSubscriptionIdentifier) continue;
    by_id = true;
    const uint32_t sid = it->integer;
    bool repeated = false;  // the same id twice in one message: deliver once
    for (auto prev = props.begin(); prev != it && !repeated; ++prev) {
      repeated = prev->id == codec::PropertyId::kSubscriptionIdentifier && prev->integer == sid;
    }
    if (repeated) continue;
    for (const SourceRoute& r : routes_) {
      if (r.subscription_id == sid) Deliver(r, message);
    }
  }
  if (by_id) return;
  for (const SourceRoute& r : routes_) {
    if (codec::TopicMatches(r.filter, message.topic)) Deliver(r, message);
  }
}

void PoolConnection::Deliver(const SourceRoute& r, const codec::Publish& message) {
  r.metrics->received.Add();
  if (!r.has_rules) return;
  producer_->Add([&](EventBatch& b) {
    Event& e = b.events.emplace_back();
    e.source = r.id;
    e.origin_connector = pool_->index();
    e.topic = Append(b.bytes, message.topic);
    e.payload =
        Append(b.bytes, std::string_view(reinterpret_cast<const char*>(message.payload.data()),
                                         message.payload.size()));
    auto props = message.properties.bytes();
    e.properties = Append(
        b.bytes, std::string_view(reinterpret_cast<const char*>(props.data()), props.size()));
    e.qos = static_cast<uint8_t>(message.qos);
    e.retain = message.retain;
    e.dup = message.dup;
    e.version = static_cast<uint8_t>(pool_->config().proto_ver);
    e.received_at_ms = NowMs();
    e.hash = std::hash<std::string_view>{}(message.topic);
  });
}

void PoolConnection::OnPublishDone(uint16_t packet_id, codec::ReasonCode rc) {
  InflightEntry entry = inflight_.Take(packet_id);
  if (entry.packet_id == 0) return;
  const Plan& plan = *entry.batch->plan;
  const OutMsg& m = entry.batch->outs[entry.out];
  const SinkPlan& s = plan.sinks[m.action];
  RuleMetrics* rm = plan.rules[m.rule].metrics;
  s.metrics->inflight.Add(-1);
  if (s.request_ttl != Duration::max() && SteadyClock::now() - entry.enqueued > s.request_ttl) {
    s.metrics->late_reply.Add();
  }
  const auto code = static_cast<uint8_t>(rc);
  if (code == 0x00 || code == 0x10) {  // success, or no matching subscribers
    s.metrics->success.Add();
    if (entry.retried) s.metrics->retried_success.Add();
    rm->actions_success.Add();
  } else if (code == 0x91) {  // packet identifier in use: recoverable, queue it again
    s.metrics->retried.Add();
    rm->actions_failed_out_of_service.Add();
    queue_.PushFront(std::move(entry.batch), entry.out, entry.enqueued, true);
    Pump();
  } else {
    s.metrics->failed.Add();
    if (entry.retried) s.metrics->retried_failed.Add();
    rm->actions_failed.Add();
    rm->actions_failed_unknown.Add();
  }
}

void PoolConnection::OnWindowOpen() { Pump(); }

void PoolConnection::SyncBacklog() {
  std::atomic<int64_t>* backlog = pool_->backlog();
  if (backlog == nullptr) return;
  const bool counts = status_.load() == io::ClientStatus::kConnected && !stopping_;
  const int64_t want = counts ? static_cast<int64_t>(queue_.size()) : 0;
  if (want != backlog_counted_) {
    backlog->fetch_add(want - backlog_counted_, std::memory_order_relaxed);
    backlog_counted_ = want;
  }
}

void PoolConnection::Push(BatchRef batch, std::vector<uint32_t> idx,
                          SteadyClock::time_point enqueued) {
  if (idx.empty()) return;
  if (handed_over_) {  // this connection no longer sends (a retired pool drops and counts)
    (handed_to_ != nullptr ? handed_to_ : pool_)->Adopt(batch, idx, enqueued);
    return;
  }
  queue_.Push(std::move(batch), std::move(idx), enqueued);
  // Over the limit: drop the oldest entries.
  queue_.TrimTo(pool_->max_buffer_bytes(), [](const SinkPlan& s, const RulePlan& r) {
    s.metrics->dropped_queue_full.Add();
    r.metrics->actions_failed.Add();
  });
  Pump();
}

void PoolConnection::Pump() {
  const auto now = SteadyClock::now();
  const bool v5 = pool_->config().proto_ver == ProtoVer::kV5;
  while (!queue_.empty()) {
    const SinkPlan& s = queue_.front_sink();
    RuleMetrics* rm = queue_.front_rule().metrics;
    if (s.request_ttl != Duration::max() && now - queue_.front_enqueued() >= s.request_ttl) {
      s.metrics->dropped_expired.Add();
      rm->actions_failed.Add();
      queue_.PopFront();
      continue;
    }
    if (status_.load() != io::ClientStatus::kConnected || stopping_) break;
    const EventBatch& b = *queue_.front_batch();
    const OutMsg& m = queue_.front_msg();
    io::OutboundMessage om;
    om.topic = m.topic.In(b.out_bytes);
    const std::string_view payload = m.payload.In(b.out_bytes);
    om.payload =
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
    om.qos = static_cast<codec::QoS>(m.qos);
    om.retain = m.retain;
    if (v5 && m.properties.len > 0) {
      const std::string_view p = m.properties.In(b.out_bytes);
      om.properties = codec::Properties::FromValidated(
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.data()), p.size()));
    }
    uint16_t packet_id = 0;
    const io::PublishStatus st = client_->Publish(om, &packet_id);
    if (st == io::PublishStatus::kWindowFull || st == io::PublishStatus::kNotConnected) break;
    if (st == io::PublishStatus::kOk && om.qos != codec::QoS::kAtMostOnce) {
      s.metrics->inflight.Add(1);
      inflight_.Insert(InflightEntry{packet_id, queue_.front_retried(), queue_.front_out(),
                                     queue_.front_batch(), queue_.front_enqueued()});
    } else if (st == io::PublishStatus::kOk) {
      s.metrics->success.Add();
      rm->actions_success.Add();
    } else {  // too large for the remote, or refused by the codec: unrecoverable
      s.metrics->failed.Add();
      rm->actions_failed.Add();
      rm->actions_failed_unknown.Add();
    }
    queue_.PopFront();  // last: it may release the batch (and `b`, `m`, `s`)
  }
  queue_.FlushGauges();
  SyncBacklog();
  if (!queue_.empty() && sweep_timer_ == 0) {
    sweep_timer_ = reactor_->AddTimer(pool_->sweep_period(), [this] {
      sweep_timer_ = 0;
      Pump();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// ConnectorPool

ConnectorPool::ConnectorPool(int index, const ConnectorConfig& config, const Plan& plan,
                             MetricsRegistry& metrics, const std::vector<io::Reactor*>& reactors,
                             const std::vector<Producer*>& producers, int* next_reactor,
                             std::atomic<int64_t>* backlog)
    : index_(index), config_(config), backlog_(backlog), state_(metrics.Connector(config.name)) {
  server_ = config.host + ":" + std::to_string(config.port);
  const std::vector<PoolIdentity> ids = PoolIdentities(config, plan.node);
  state_->pool_size = static_cast<int>(ids.size());
  statuses_.assign(ids.size(), io::ClientStatus::kConnecting);
  for (size_t i = 0; i < ids.size(); ++i) {
    const int r = (*next_reactor)++ % static_cast<int>(reactors.size());
    conns_.push_back(std::make_unique<PoolConnection>(
        this, static_cast<int>(i), reactors[r], producers[r], MakeClientOptions(config, ids[i])));
  }
  Compute(plan);
  if (ids.empty()) {
    state_->status.store(ResourceStatus::kDisconnected);
    state_->SetError("Connector has no assigned static clientids");
    last_status_ = ResourceStatus::kDisconnected;
    spdlog::warn(
        "connector {}: disconnected: Connector has no assigned static clientids for node {}",
        config.name, plan.node);
  } else {
    state_->status.store(ResourceStatus::kConnecting);
  }
}

ConnectorPool::~ConnectorPool() = default;

void ConnectorPool::Compute(const Plan& plan) {
  uint64_t max_bytes = 256ull << 20;
  Duration shortest_ttl = Duration::max();
  bool any_sink = false;
  for (const SinkPlan& s : plan.sinks) {
    if (s.connector != index_) continue;
    if (!any_sink || s.max_buffer_bytes < max_bytes) max_bytes = s.max_buffer_bytes;
    any_sink = true;
    shortest_ttl = std::min(shortest_ttl, s.request_ttl);
  }
  max_buffer_bytes_.store(max_bytes);
  std::chrono::milliseconds sweep{1000};
  if (shortest_ttl != Duration::max()) {
    sweep = std::clamp<std::chrono::milliseconds>(shortest_ttl / 4, std::chrono::milliseconds(10),
                                                  std::chrono::milliseconds(1000));
  }
  sweep_period_ms_.store(sweep.count());
  subs_.assign(conns_.size(), {});
  routes_.assign(conns_.size(), {});
  if (conns_.empty()) return;
  for (const SourcePlan& s : plan.sources) {
    if (s.connector != index_) continue;
    io::SubscriptionRequest req;
    req.filter = s.topic;
    req.options.qos = static_cast<codec::QoS>(s.qos);
    if (config_.proto_ver == ProtoVer::kV5) {
      req.options.no_local = s.no_local;
      req.options.retain_as_published = s.retain_as_published;
    }
    // 5.0: the subscription carries the source's id + 1 (stable across reloads).
    if (config_.proto_ver == ProtoVer::kV5) req.subscription_id = static_cast<uint32_t>(s.id) + 1;
    SourceRoute route{s.filter, s.id, s.metrics, !s.rules.empty(), req.subscription_id};
    const size_t n = s.shared ? conns_.size() : 1;
    for (size_t c = 0; c < n; ++c) {
      route.subscription_id = req.subscription_id;
      // One subscription per topic and connection: a second source on the same topic shares it
      // (and its id), at the higher of the two QoS.
      auto same =
          std::find_if(subs_[c].begin(), subs_[c].end(),
                       [&](const io::SubscriptionRequest& o) { return o.filter == req.filter; });
      if (same != subs_[c].end()) {
        same->options.qos = std::max(same->options.qos, req.options.qos);
        route.subscription_id = same->subscription_id;
      } else {
        subs_[c].push_back(req);
      }
      routes_[c].push_back(route);
    }
  }
}

void ConnectorPool::Start() {
  for (size_t i = 0; i < conns_.size(); ++i) {
    spdlog::debug("connector {}: pool connection {} client id {}", config_.name, i + 1,
                  conns_[i]->client_id());
    conns_[i]->PostStart(subs_[i], routes_[i]);
  }
}

void ConnectorPool::Reconfigure(const Plan& plan) {
  Compute(plan);
  for (size_t i = 0; i < conns_.size(); ++i) conns_[i]->PostSources(subs_[i], routes_[i]);
}

void ConnectorPool::Stop() {
  stopping_.store(true);
  for (auto& c : conns_) c->PostStop();
}

void ConnectorPool::Retire(ConnectorPool* next) {
  retired_.store(true);
  stopping_.store(true);
  std::latch done(static_cast<std::ptrdiff_t>(conns_.size()));
  for (auto& c : conns_) c->PostHandOver(next, &done);
  done.wait();
}

void ConnectorPool::Dispose() {
  std::latch done(static_cast<std::ptrdiff_t>(conns_.size()));
  for (auto& c : conns_) c->PostDispose(&done);
  done.wait();
}

void ConnectorPool::Adopt(const BatchRef& batch, const std::vector<uint32_t>& idx,
                          SteadyClock::time_point enqueued) {
  if (retired_.load() || conns_.empty()) {
    const Plan& plan = *batch->plan;
    for (uint32_t i : idx) {
      const OutMsg& m = batch->outs[i];
      plan.sinks[m.action].metrics->dropped_resource_stopped.Add();
      plan.rules[m.rule].metrics->actions_failed.Add();
    }
    return;
  }
  std::vector<std::vector<uint32_t>> per(conns_.size());
  for (uint32_t i : idx) per[batch->outs[i].conn % conns_.size()].push_back(i);
  for (size_t k = 0; k < per.size(); ++k) {
    if (!per[k].empty()) conns_[k]->Enqueue(batch, std::move(per[k]), enqueued);
  }
}

void ConnectorPool::StatusChanged(int conn, io::ClientStatus status, const io::IoError& error) {
  if (retired_.load()) return;  // the connector's status belongs to its new pool now
  std::lock_guard lock(status_mu_);
  statuses_[conn] = status;
  if (status != io::ClientStatus::kConnected && !error.ok()) state_->SetError(error.message);
  int connected = 0;
  bool connecting = false, disconnected = false;
  for (io::ClientStatus s : statuses_) {
    if (s == io::ClientStatus::kConnected) ++connected;
    if (s == io::ClientStatus::kConnecting) connecting = true;
    if (s == io::ClientStatus::kDisconnected) disconnected = true;
  }
  state_->connected_clients.Set(connected);
  // The worst status wins (EMQX): disconnected > connecting > connected.
  const ResourceStatus agg = disconnected ? ResourceStatus::kDisconnected
                             : connecting ? ResourceStatus::kConnecting
                                          : ResourceStatus::kConnected;
  state_->status.store(agg);
  if (agg == ResourceStatus::kConnected) state_->SetError("");
  if (agg != last_status_ && !stopping_.load()) {
    last_status_ = agg;
    if (agg == ResourceStatus::kConnected) {
      spdlog::info("connector {}: connected ({} of {} connections to {})", config_.name, connected,
                   statuses_.size(), server_);
    } else {
      const std::string reason = state_->Error();
      spdlog::warn("connector {}: {} ({} of {} connected){}{}", config_.name,
                   ResourceStatusName(agg), connected, statuses_.size(), reason.empty() ? "" : ": ",
                   reason);
    }
  }
}

}  // namespace mqb::engine::bridge
