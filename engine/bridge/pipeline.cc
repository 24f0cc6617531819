#include "engine/bridge/pipeline.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>

#include "codec/properties.h"
#include "rules/evaluator.h"
#include "rules/event_catalog.h"

namespace mqb::engine::bridge {
namespace {

std::string_view AsText(std::span<const uint8_t> b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

std::atomic<uint32_t> g_worker_ids{1};

}  // namespace

// Per-thread state of the evaluate stage.
struct Worker {
  struct RuleCount {
    uint64_t matched = 0, passed = 0, exception = 0, no_result = 0, total = 0, success = 0,
             failed = 0, out_of_service = 0, discarded = 0;
  };
  rules::Evaluator ev;
  std::vector<rules::PubProp> props;
  std::vector<std::pair<std::string_view, std::string_view>> user_props;
  std::array<char, 32> id{};
  uint64_t id_counter = 0;
  uint64_t id_prefix = static_cast<uint64_t>(g_worker_ids.fetch_add(1)) << 40;
  std::array<uint8_t, 8192> propbuf{};
  std::vector<RuleCount> rules;
  std::vector<uint64_t> sink_matched, sink_missing, sink_dropped;
  uint64_t republish_missing = 0;
  // Broker events: their columns, decoded once per event.
  rules::Arena event_arena;
  rules::JsonDecoder event_json;
};

namespace {

// Rendering context of one rule output: the output, and (built only when a template variable is
// missing from it) the output laid over the event's columns (mqbridge decision: templates fall
// back to the event's columns).
struct RenderCtx {
  Worker& w;
  rules::Value out;
  rules::Value merged;
  bool merged_done = false;

  const rules::Value& Merged() {
    if (!merged_done) {
      merged_done = true;
      rules::MapBuilder b(w.ev.scratch_arena(), w.ev.Columns());
      if (out.is_map()) {
        for (const rules::MapEntry& e : out.AsMap()) b.Put(e.key, e.value);
      }
      merged = b.Finish();
    }
    return merged;
  }

  Slice Text(const rules::Template& t, std::string& store, uint64_t* missing) {
    Slice sl{static_cast<uint32_t>(store.size()), 0};
    size_t n = t.Render(out, w.ev.scratch_arena(), w.ev.json_decoder(), &store);
    if (n > 0) {
      store.resize(sl.off);
      n = t.Render(Merged(), w.ev.scratch_arena(), w.ev.json_decoder(), &store);
    }
    *missing += n;
    sl.len = static_cast<uint32_t>(store.size() - sl.off);
    return sl;
  }

  rules::Value Raw(const rules::Template& t) {
    rules::Value v = t.RawValue(out, w.ev.scratch_arena(), w.ev.json_decoder());
    if (v.is_undefined()) v = t.RawValue(Merged(), w.ev.scratch_arena(), w.ev.json_decoder());
    return v;
  }

  int Qos(const rules::Template& t, int literal) {
    if (literal >= 0) return literal;
    rules::Value v = Raw(t);
    if (v.is_int() && v.AsInt() >= 0 && v.AsInt() <= 2) return static_cast<int>(v.AsInt());
    return 0;
  }

  bool Retain(const rules::Template& t, int literal) {
    if (literal >= 0) return literal == 1;
    rules::Value v = Raw(t);
    return v.is_bool() && v.AsBool();
  }
};

// The 5.0 PUBLISH properties of the rule output's `pub_props` (EMQX's printable names), appended
// to `store`.
Slice WritePubProps(const rules::Value& out, Worker& w, std::string& store) {
  Slice sl{static_cast<uint32_t>(store.size()), 0};
  if (!out.is_map()) return sl;
  const rules::Value pp = out.Get("pub_props");
  if (!pp.is_map() || pp.size() == 0) return sl;
  codec::PropertyWriter pw(w.propbuf);
  rules::Arena& arena = w.ev.scratch_arena();
  for (const rules::MapEntry& e : pp.AsMap()) {
    const rules::Value& v = e.value;
    if (e.key == "User-Property" && v.is_map()) {
      for (const rules::MapEntry& u : v.AsMap()) {
        const rules::Value t = u.value.is_string() ? u.value : rules::ToText(arena, u.value);
        pw.AddUserProperty(u.key, t.AsString());
      }
    } else if (e.key == "Content-Type" && v.is_string()) {
      pw.AddString(codec::PropertyId::kContentType, v.AsString());
    } else if (e.key == "Response-Topic" && v.is_string()) {
      pw.AddString(codec::PropertyId::kResponseTopic, v.AsString());
    } else if (e.key == "Correlation-Data" && v.is_string()) {
      const std::string_view s = v.AsString();
      pw.AddBinary(codec::PropertyId::kCorrelationData,
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    } else if (e.key == "Payload-Format-Indicator" && v.is_int()) {
      pw.AddInteger(codec::PropertyId::kPayloadFormatIndicator, v.AsInt() != 0 ? 1 : 0);
    } else if (e.key == "Message-Expiry-Interval" && v.is_int() && v.AsInt() >= 0) {
      pw.AddInteger(codec::PropertyId::kMessageExpiryInterval,
                    static_cast<uint32_t>(std::min<int64_t>(v.AsInt(), UINT32_MAX)));
    }
  }
  auto done = pw.Finish(codec::PropertyContext::kPublish);
  if (!done.ok()) return sl;  // malformed (e.g. too large): sent without properties
  store.append(AsText(done.value().bytes()));
  sl.len = static_cast<uint32_t>(store.size() - sl.off);
  return sl;
}

void AppendU32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

// Fills the pub_props and user property views of `in` from an encoded property block.
void ReadProperties(std::span<const uint8_t> bytes, Worker& w, rules::MessageInput& in) {
  w.props.clear();
  w.user_props.clear();
  for (const codec::Property& p : codec::Properties::FromValidated(bytes)) {
    rules::PubProp pp;
    switch (p.id) {
      case codec::PropertyId::kPayloadFormatIndicator:
        pp = {"Payload-Format-Indicator", {}, p.integer, true};
        break;
      case codec::PropertyId::kMessageExpiryInterval:
        pp = {"Message-Expiry-Interval", {}, p.integer, true};
        break;
      case codec::PropertyId::kContentType:
        pp = {"Content-Type", p.string, 0, false};
        break;
      case codec::PropertyId::kResponseTopic:
        pp = {"Response-Topic", p.string, 0, false};
        break;
      case codec::PropertyId::kCorrelationData:
        pp = {"Correlation-Data", AsText(p.binary), 0, false};
        break;
      case codec::PropertyId::kSubscriptionIdentifier:
        pp = {"Subscription-Identifier", {}, p.integer, true};
        break;
      case codec::PropertyId::kTopicAlias:
        pp = {"Topic-Alias", {}, p.integer, true};
        break;
      case codec::PropertyId::kUserProperty:
        w.user_props.emplace_back(p.string, p.value);
        continue;
      default:
        continue;
    }
    w.props.push_back(pp);
  }
  in.pub_props = w.props;
  in.user_properties = w.user_props;
}

}  // namespace

Pipeline::Pipeline(std::shared_ptr<const Plan> plan, std::vector<ConnectorPool*> pools,
                   broker::Broker* broker, BatchPool* pool,
                   std::function<void(const EventBatch&)> on_dispatched)
    : plan_(std::move(plan)),
      pools_(std::move(pools)),
      broker_(broker),
      batch_pool_(pool),
      on_dispatched_(std::move(on_dispatched)),
      workers_(std::make_unique<tbb::enumerable_thread_specific<Worker>>()),
      evaluate_(graph_, tbb::flow::unlimited,
                [this](BatchRef b) {
                  Evaluate(*b, workers_->local());
                  return b;
                }),
      order_(graph_, [](const BatchRef& b) { return static_cast<size_t>(b->seq); }),
      dispatch_(graph_, tbb::flow::serial, [this](BatchRef b) {
        Dispatch(b);
        b.reset();
        in_graph_.fetch_sub(1, std::memory_order_acq_rel);
        return tbb::flow::continue_msg();
      }) {
  SetPools(pools_);
  tbb::flow::make_edge(evaluate_, order_);
  tbb::flow::make_edge(order_, dispatch_);
}

Pipeline::~Pipeline() { graph_.wait_for_all(); }

void Pipeline::Submit(EventBatch* batch) {
  batch->plan = plan_.load();
  if (batch->events.size() <= kInlineMaxEvents && in_graph_.load(std::memory_order_acquire) == 0) {
    // Nothing in flight: evaluating here keeps the order and spares a wake-up of the workers.
    BatchRef ref = batch_pool_->Share(batch);
    Evaluate(*ref, workers_->local());
    Dispatch(ref);
    return;
  }
  in_graph_.fetch_add(1, std::memory_order_acq_rel);
  batch->seq = next_graph_seq_++;
  evaluate_.try_put(batch_pool_->Share(batch));
}

void Pipeline::Wait() { graph_.wait_for_all(); }

void Pipeline::Evaluate(EventBatch& batch, Worker& w) const {
  if (!batch.plan) batch.plan = plan_.load();
  const Plan& plan = *batch.plan;
  w.rules.assign(plan.rules.size(), Worker::RuleCount{});
  w.sink_matched.assign(plan.sinks.size(), 0);
  w.sink_missing.assign(plan.sinks.size(), 0);
  w.sink_dropped.assign(plan.sinks.size(), 0);
  w.republish_missing = 0;
  const int64_t now_ms = NowMs();
  uint64_t rules_matched = 0;
  uint32_t local_events = 0;
  std::string& ob = batch.out_bytes;

  for (const Event& e : batch.events) {
    if (e.source < 0) ++local_events;  // publishes and broker events (back-pressure)
    // A source event names its source by stable id; after a reload the source may be gone.
    const SourcePlan* source = e.source < 0 ? nullptr : plan.SourceById(e.source);
    if (e.source >= 0 && source == nullptr) continue;
    const std::vector<int>& candidates = e.broker_event != 0 ? plan.event_rules[e.broker_event - 1]
                                         : source == nullptr ? plan.local_rules
                                                             : source->rules;
    if (candidates.empty()) continue;
    rules::MessageInput in;
    std::span<const uint8_t> prop_bytes;
    if (e.broker_event != 0) {
      const rules::EventInfo& info =
          rules::EventOf(static_cast<rules::BrokerEventType>(e.broker_event - 1));
      in.event = rules::EventKind::kBrokerEvent;
      in.hookpoint = info.topic;
      in.event_name = info.name;
      w.event_arena.Reset();
      auto columns = w.event_json.Decode(e.columns.In(batch.bytes), w.event_arena);
      if (columns.ok()) in.extra_columns = columns.value();
      if (e.msg != nullptr) {
        const broker::Message& m = *e.msg;
        in.has_message = true;
        in.topic = m.topic;
        in.payload =
            std::string_view(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
        prop_bytes = m.properties;
      }
    } else if (e.source < 0) {
      const broker::Message& m = *e.msg;
      in.event = rules::EventKind::kMessagePublish;
      in.topic = m.topic;
      in.payload =
          std::string_view(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
      in.clientid = e.clientid.In(batch.bytes);
      in.username = e.username.In(batch.bytes);
      in.has_username = e.has_username;
      in.peername = e.peer.In(batch.bytes);
      const size_t colon = in.peername.rfind(':');
      in.peerhost = colon == std::string_view::npos ? in.peername : in.peername.substr(0, colon);
      prop_bytes = m.properties;
    } else {
      const SourcePlan& s = *source;
      in.event = rules::EventKind::kBridgeSource;
      in.hookpoint = s.hookpoint;
      in.server = pools_[s.connector]->server();
      in.topic = e.topic.In(batch.bytes);
      in.payload = e.payload.In(batch.bytes);
      const std::string_view p = e.properties.In(batch.bytes);
      prop_bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.data()), p.size());
    }
    ReadProperties(prop_bytes, w, in);
    in.qos = e.qos;
    in.retain = e.retain;
    in.dup = e.dup;
    in.received_at_ms = e.received_at_ms;
    in.timestamp_ms = now_ms;
    in.node = plan.node;
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t idv = w.id_prefix | (++w.id_counter & ((1ull << 40) - 1));
    for (int i = 15; i >= 0; --i, idv >>= 4) w.id[i] = kHex[idv & 15];
    in.id = std::string_view(w.id.data(), 16);

    // One BeginMessage for all candidate rules: the payload is decoded at most once per message.
    w.ev.BeginMessage(in);
    for (int ri : candidates) {
      const RulePlan& r = plan.rules[ri];
      Worker::RuleCount& c = w.rules[ri];
      const rules::EvalStatus st = w.ev.EvaluateRule(*r.program);
      if (st == rules::EvalStatus::kNoMatch) continue;
      ++c.matched;
      ++rules_matched;
      if (st == rules::EvalStatus::kException) {
        ++c.exception;
        spdlog::debug("rule {}: {}", r.name, w.ev.error().message);
        continue;
      }
      if (st == rules::EvalStatus::kNoResult) {
        ++c.no_result;
        continue;
      }
      ++c.passed;
      for (const rules::Value& out : w.ev.outputs()) {
        RenderCtx ctx{w, out};
        for (const RuleActionPlan& a : r.actions) {
          if (a.kind == RuleActionConfig::Kind::kMqtt) {
            const SinkPlan& s = plan.sinks[a.sink];
            // Loop prevention: never back out to the connector the message came in through.
            if (e.origin_connector >= 0 && e.origin_connector == s.connector) continue;
            ++c.total;
            if (!s.enable) {
              ++c.discarded;
              continue;
            }
            const size_t n = s.connector < 0 ? 0 : pools_[s.connector]->size();
            if (n == 0) {
              ++c.failed;
              ++c.out_of_service;
              ++w.sink_dropped[a.sink];
              continue;
            }
            ++w.sink_matched[a.sink];
            OutMsg m;
            m.kind = OutMsg::Kind::kSink;
            m.action = static_cast<uint32_t>(a.sink);
            m.rule = static_cast<uint32_t>(ri);
            m.conn = static_cast<uint32_t>(e.hash % n);
            uint64_t* missing = &w.sink_missing[a.sink];
            m.topic = ctx.Text(s.topic, ob, missing);
            if (s.has_payload) {
              m.payload = ctx.Text(s.payload, ob, missing);
            } else {
              m.payload.off = static_cast<uint32_t>(ob.size());
              rules::AppendJson(out, &ob);
              m.payload.len = static_cast<uint32_t>(ob.size() - m.payload.off);
            }
            const ConnectorConfig& cc = *plan.connectors[s.connector];
            m.qos = static_cast<uint8_t>(std::min(ctx.Qos(s.qos, s.qos_literal), cc.max_qos));
            m.retain = ctx.Retain(s.retain, s.retain_literal);
            if (cc.proto_ver == ProtoVer::kV5) m.properties = WritePubProps(out, w, ob);
            batch.outs.push_back(m);
          } else if (a.kind == RuleActionConfig::Kind::kRepublish) {
            ++c.total;
            OutMsg m;
            m.kind = OutMsg::Kind::kRepublish;
            m.rule = static_cast<uint32_t>(ri);
            uint64_t missing = 0;
            m.topic = ctx.Text(a.topic, ob, &missing);
            m.payload = ctx.Text(a.payload, ob, &missing);
            m.qos = static_cast<uint8_t>(ctx.Qos(a.qos, -1));
            m.retain = ctx.Retain(a.retain, -1);
            m.quiet = e.broker_event != 0;
            m.user_props.off = static_cast<uint32_t>(ob.size());
            for (const auto& [key, tmpl] : a.user_properties) {
              AppendU32(ob, static_cast<uint32_t>(key.size()));
              ob.append(key);
              const size_t len_at = ob.size();
              AppendU32(ob, 0);
              const size_t start = ob.size();
              ctx.Text(tmpl, ob, &missing);
              const uint32_t len = static_cast<uint32_t>(ob.size() - start);
              std::memcpy(ob.data() + len_at, &len, 4);
            }
            m.user_props.len = static_cast<uint32_t>(ob.size() - m.user_props.off);
            w.republish_missing += missing;
            batch.outs.push_back(m);
          } else {  // console
            ++c.total;
            ++c.success;
            spdlog::info("[rule action] {}: {}", r.name, rules::ToJson(out));
          }
        }
      }
    }
  }

  // Counters: once per batch.
  for (size_t i = 0; i < w.rules.size(); ++i) {
    const Worker::RuleCount& c = w.rules[i];
    if (c.matched == 0) continue;
    RuleMetrics* m = plan.rules[i].metrics;
    m->matched.Add(c.matched);
    if (c.passed) m->passed.Add(c.passed);
    if (c.exception) m->failed_exception.Add(c.exception);
    if (c.no_result) m->failed_no_result.Add(c.no_result);
    if (c.total) m->actions_total.Add(c.total);
    if (c.success) m->actions_success.Add(c.success);
    if (c.failed) m->actions_failed.Add(c.failed);
    if (c.out_of_service) m->actions_failed_out_of_service.Add(c.out_of_service);
    if (c.discarded) m->actions_discarded.Add(c.discarded);
  }
  for (size_t i = 0; i < plan.sinks.size(); ++i) {
    ResourceMetrics* m = plan.sinks[i].metrics;
    if (w.sink_matched[i]) m->matched.Add(w.sink_matched[i]);
    if (w.sink_missing[i]) m->template_missing_vars.Add(w.sink_missing[i]);
    if (w.sink_dropped[i]) {
      m->matched.Add(w.sink_dropped[i]);
      m->dropped_resource_stopped.Add(w.sink_dropped[i]);
    }
  }
  if (rules_matched) plan.rules_matched->Add(rules_matched);
  if (w.republish_missing) plan.republish_missing_vars->Add(w.republish_missing);
  batch.local_events = local_events;
  // The inputs are no longer needed; release the broker's messages now.
  batch.events.clear();
  batch.bytes.clear();
}

void Pipeline::SetPools(std::vector<ConnectorPool*> pools) {
  pools_ = std::move(pools);
  per_conn_.assign(pools_.size(), {});
  for (size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i] != nullptr) per_conn_[i].resize(pools_[i]->size());
  }
}

void Pipeline::Dispatch(const BatchRef& batch) {
  const Plan& plan = *batch->plan;
  const std::string& ob = batch->out_bytes;
  // Republish outputs go to the broker as one hand-off per batch, as views into the batch.
  broker::InjectBatch inject;
  std::vector<std::pair<size_t, size_t>> prop_ranges;  // per request: [first, end) in inject
  for (uint32_t i = 0; i < batch->outs.size(); ++i) {
    const OutMsg& m = batch->outs[i];
    if (m.kind == OutMsg::Kind::kSink) {
      per_conn_[plan.sinks[m.action].connector][m.conn].push_back(i);
      continue;
    }
    RuleMetrics* rm = plan.rules[m.rule].metrics;
    if (broker_ == nullptr) {
      rm->actions_failed.Add();
      rm->actions_failed_out_of_service.Add();
      continue;
    }
    broker::InjectRequest& req = inject.requests.emplace_back();
    req.topic = m.topic.In(ob);
    const std::string_view p = m.payload.In(ob);
    req.payload = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.data()), p.size());
    req.qos = static_cast<codec::QoS>(m.qos);
    req.retain = m.retain;
    req.quiet = m.quiet;
    const size_t first = inject.user_properties.size();
    std::string_view up = m.user_props.In(ob);
    while (up.size() >= 8) {
      uint32_t kl = 0, vl = 0;
      std::memcpy(&kl, up.data(), 4);
      const std::string_view k = up.substr(4, kl);
      std::memcpy(&vl, up.data() + 4 + kl, 4);
      const std::string_view v = up.substr(8 + kl, vl);
      inject.user_properties.emplace_back(k, v);
      up.remove_prefix(8 + kl + vl);
    }
    prop_ranges.emplace_back(first, inject.user_properties.size());
    rm->actions_success.Add();
  }
  if (!inject.requests.empty()) {
    // The spans are set once the property list no longer moves.
    for (size_t r = 0; r < inject.requests.size(); ++r) {
      const auto [first, end] = prop_ranges[r];
      inject.requests[r].user_properties =
          std::span(inject.user_properties).subspan(first, end - first);
    }
    inject.owner = batch;
    broker_->Republish(std::move(inject));
  }
  for (size_t c = 0; c < per_conn_.size(); ++c) {
    for (size_t k = 0; k < per_conn_[c].size(); ++k) {
      std::vector<uint32_t>& idx = per_conn_[c][k];
      if (idx.empty()) continue;
      pools_[c]->connection(k)->Enqueue(batch, std::move(idx));
      idx = {};
    }
  }
  if (on_dispatched_) on_dispatched_(*batch);
}

}  // namespace mqb::engine::bridge
