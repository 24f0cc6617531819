// BrokerCore: fan-out of one message to the matching sessions, outbound flow control (in-flight
// window, bounded queue), session resume and PUBLISH encoding as {head, payload} iovecs.
#include <algorithm>

#include "codec/encoder.h"
#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;

void BrokerCore::Route(const MessageRef& m, TimePoint now) {
  ++route_epoch_;
  targets_.clear();
  target_sessions_.clear();
  auto add = [&](const SubscriptionEntry& e) {
    Session* s = e.session;
    if (e.options.no_local && s->id == m->origin_session) {
      if (Wants(rules::BrokerEventType::kDeliveryDropped)) {
        Delivery d;
        d.message = m;
        d.qos = std::min(m->qos, e.options.qos);
        EmitDelivery(rules::BrokerEventType::kDeliveryDropped, *s, d, false, "no_local", {}, now);
      }
      return;
    }
    QoS qos = std::min(m->qos, e.options.qos);
    bool retain = e.options.retain_as_published && m->retain;
    if (s->route_epoch == route_epoch_) {
      // Overlapping subscriptions: one delivery with the highest QoS and every identifier.
      Delivery& d = targets_[s->route_index];
      d.qos = std::max(d.qos, qos);
      d.retain = d.retain || retain;
      d.AddId(e.subscription_id);
      return;
    }
    s->route_epoch = route_epoch_;
    s->route_index = targets_.size();
    Delivery& d = targets_.emplace_back();
    d.message = m;
    d.qos = qos;
    d.retain = retain;
    d.AddId(e.subscription_id);
    target_sessions_.push_back(s);
  };
  auto shared = [&](std::vector<SubscriptionEntry>& members, size_t& next) {
    // Round-robin, skipping members that are offline when an online one exists.
    size_t n = members.size();
    size_t pick = next % n;
    for (size_t i = 0; i < n; ++i) {
      size_t k = (next + i) % n;
      if (members[k].session->client != nullptr) {
        pick = k;
        break;
      }
    }
    next = (pick + 1) % n;
    add(members[pick]);
  };
  trie_.Match(m->topic, add, shared);
  if (targets_.empty()) {
    ++counters_.dropped_no_subscribers;
    EmitMessageDropped(m, now);
  }
  for (size_t i = 0; i < targets_.size(); ++i) {
    Deliver(*target_sessions_[i], std::move(targets_[i]), now);
  }
  targets_.clear();
}

size_t BrokerCore::InflightLimit(const Session& s) const {
  size_t limit = options_.max_inflight == 0 ? 1 : options_.max_inflight;
  if (s.client != nullptr) limit = std::min<size_t>(limit, s.client->receive_maximum);
  return limit;
}

uint16_t BrokerCore::NextPacketId(Session& s) {
  // At most InflightLimit() ids are in use, so this terminates quickly.
  while (true) {
    uint16_t id = s.next_packet_id++;
    if (s.next_packet_id == 0) s.next_packet_id = 1;
    bool used = std::any_of(s.inflight.begin(), s.inflight.end(),
                            [&](const Inflight& f) { return f.packet_id == id; });
    if (!used) return id;
  }
}

void BrokerCore::Deliver(Session& s, Delivery&& d, TimePoint now) {
  auto dropped = [&](const char* reason) {
    EmitDelivery(rules::BrokerEventType::kDeliveryDropped, s, d, false, reason, {}, now);
  };
  if (d.message->Expired(now)) {
    ++counters_.dropped_expired;
    dropped("expired");
    return;
  }
  Client* c = s.client;
  if (c == nullptr) {
    if (d.qos == QoS::kAtMostOnce && !options_.queue_qos0_offline) {
      ++counters_.dropped_qos0_offline;
      dropped("qos0_msg");
      return;
    }
  } else if (d.qos == QoS::kAtMostOnce) {
    SendResult r = SendPublish(*c, d, 0, false, now);
    if (r == SendResult::kWouldBlock) {
      ++counters_.dropped_send_buffer_full;
      dropped("queue_full");
    }
    if (r == SendResult::kTooLarge) {
      ++counters_.dropped_too_large;
      dropped("too_large");
    }
    return;
  } else if (s.queue.empty() && s.inflight.size() < InflightLimit(s)) {
    uint16_t id = NextPacketId(s);
    SendResult r = SendPublish(*c, d, id, false, now);
    if (r == SendResult::kSent) {
      s.inflight.push_back(Inflight{std::move(d), id, false});
      return;
    }
    if (r == SendResult::kTooLarge) {
      ++counters_.dropped_too_large;
      dropped("too_large");
      return;
    }
  }
  if (s.queue.size() >= options_.max_queued_messages) {
    ++counters_.dropped_queue_full;
    dropped("queue_full");
    return;
  }
  s.queue.push_back(std::move(d));
}

void BrokerCore::Drain(Session& s, TimePoint now) {
  Client* c = s.client;
  if (c == nullptr || c->state != Client::State::kConnected) return;
  while (!s.queue.empty()) {
    Delivery& d = s.queue.front();
    if (d.message->Expired(now)) {
      ++counters_.dropped_expired;
      EmitDelivery(rules::BrokerEventType::kDeliveryDropped, s, d, false, "expired", {}, now);
      s.queue.pop_front();
      continue;
    }
    if (d.qos == QoS::kAtMostOnce) {
      SendResult r = SendPublish(*c, d, 0, false, now);
      if (r == SendResult::kWouldBlock) return;
      if (r == SendResult::kTooLarge) {
        ++counters_.dropped_too_large;
        EmitDelivery(rules::BrokerEventType::kDeliveryDropped, s, d, false, "too_large", {}, now);
      }
      s.queue.pop_front();
      continue;
    }
    if (s.inflight.size() >= InflightLimit(s)) return;
    uint16_t id = NextPacketId(s);
    SendResult r = SendPublish(*c, d, id, false, now);
    if (r == SendResult::kWouldBlock) return;
    if (r == SendResult::kTooLarge) {
      ++counters_.dropped_too_large;
      EmitDelivery(rules::BrokerEventType::kDeliveryDropped, s, d, false, "too_large", {}, now);
    }
    if (r == SendResult::kSent) s.inflight.push_back(Inflight{std::move(d), id, false});
    s.queue.pop_front();
  }
}

void BrokerCore::Resume(Session& s, TimePoint now) {
  Client& c = *s.client;
  // Retransmit unacknowledged messages in order, with DUP set ([MQTT-4.4.0-1]).
  for (size_t i = 0; i < s.inflight.size();) {
    Inflight& f = s.inflight[i];
    if (f.released) {
      codec::Pubrel rel;
      rel.packet_id = f.packet_id;
      Send(c, rel);
    } else if (SendPublish(c, f.delivery, f.packet_id, true, now) == SendResult::kTooLarge) {
      // The new connection's Maximum Packet Size is smaller: discard as if delivered.
      ++counters_.dropped_too_large;
      EmitDelivery(rules::BrokerEventType::kDeliveryDropped, s, f.delivery, true, "too_large", {},
                   now);
      s.inflight.erase(s.inflight.begin() + static_cast<ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  Drain(s, now);
}

BrokerCore::SendResult BrokerCore::SendPublish(Client& c, const Delivery& d, uint16_t packet_id,
                                               bool dup, TimePoint now) {
  const Message& m = *d.message;
  codec::Publish p;
  p.dup = dup && d.qos != QoS::kAtMostOnce;
  p.qos = d.qos;
  p.retain = d.retain;
  p.topic = m.topic;
  p.packet_id = packet_id;
  p.payload = m.payload;
  // Outbound topic alias: a topic seen before goes as its alias and an empty topic name; a new
  // one gets the next free alias (sent with the topic) once this packet is written. Topics of
  // one or two bytes cost no more than their 3-byte alias property and are sent as they are.
  uint16_t alias = 0;
  bool new_alias = false;
  if (c.out_alias_max > 0 && m.topic.size() > 2) {
    if (auto it = c.out_aliases.find(std::string_view(m.topic)); it != c.out_aliases.end()) {
      alias = it->second;
      p.topic = {};
    } else if (c.out_aliases.size() < c.out_alias_max) {
      alias = static_cast<uint16_t>(c.out_aliases.size() + 1);
      new_alias = true;
    }
  }
  if (c.version == ProtocolVersion::kV5) {
    size_t need = 5 + d.id_count * 5 + 3 + m.properties.size();
    if (c.props_scratch.size() < need) c.props_scratch.resize(need);
    codec::PropertyWriter w(c.props_scratch);
    if (alias != 0) w.AddInteger(PropertyId::kTopicAlias, alias);
    if (m.has_expiry) {
      auto left = std::chrono::ceil<std::chrono::seconds>(m.expires_at - now).count();
      w.AddInteger(PropertyId::kMessageExpiryInterval,
                   static_cast<uint32_t>(std::max<int64_t>(left, 1)));
    }
    for (uint8_t i = 0; i < d.id_count; ++i)
      w.AddInteger(PropertyId::kSubscriptionIdentifier, d.ids[i]);
    size_t n = w.size();
    std::copy(m.properties.begin(), m.properties.end(),
              c.props_scratch.begin() + static_cast<ptrdiff_t>(n));
    p.properties =
        codec::Properties::FromValidated({c.props_scratch.data(), n + m.properties.size()});
  }
  auto head_size = codec::HeadSize(p, c.version);
  if (!head_size.ok()) return SendResult::kTooLarge;
  if (c.maximum_packet_size != 0 && head_size.value() + m.payload.size() > c.maximum_packet_size) {
    return SendResult::kTooLarge;  // [MQTT-3.1.2-25]: discard as if delivered
  }
  if (c.scratch.size() < head_size.value()) c.scratch.resize(head_size.value());
  auto parts = codec::EncodeParts(p, c.version, c.scratch);
  if (!parts.ok()) return SendResult::kTooLarge;
  iovec iov[2] = {
      {const_cast<uint8_t*>(parts.value().head.data()), parts.value().head.size()},
      {const_cast<uint8_t*>(parts.value().payload.data()), parts.value().payload.size()}};
  if (!c.transport->Write({iov, parts.value().payload.empty() ? 1u : 2u})) {
    return SendResult::kWouldBlock;
  }
  ++counters_.publishes_sent;
  if (!dup && c.session != nullptr) {
    EmitDelivery(rules::BrokerEventType::kMessageDelivered, *c.session, d, false, {}, {}, now);
  }
  if (new_alias) c.out_aliases.emplace(std::string(m.topic), alias);  // the client knows it now
  return SendResult::kSent;
}

}  // namespace mqb::engine::broker
