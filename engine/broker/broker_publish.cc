// BrokerCore: inbound PUBLISH and the QoS 1/2 acknowledgement flows, wills, the republish entry.
#include <algorithm>
#include <array>

#include "codec/topic.h"
#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

namespace {

template <typename Ack>
Ack MakeAck(uint16_t packet_id, ReasonCode rc = ReasonCode::kSuccess) {
  Ack a;
  a.packet_id = packet_id;
  a.reason_code = rc;
  return a;
}

}  // namespace

void BrokerCore::HandlePublish(Client& c, codec::Publish& p, TimePoint now) {
  ++counters_.publishes_received;
  Session& s = *c.session;
  const bool v5 = c.version == ProtocolVersion::kV5;
  std::string_view topic = p.topic;
  if (v5) {
    if (p.properties.Has(PropertyId::kSubscriptionIdentifier)) {
      ProtocolError(c, ReasonCode::kProtocolError, now);  // [MQTT-3.3.4-6]
      return;
    }
    if (auto alias = p.properties.GetInteger(PropertyId::kTopicAlias)) {
      if (*alias == 0 || *alias > c.topic_aliases.size()) {
        ProtocolError(c, ReasonCode::kTopicAliasInvalid, now);  // [MQTT-3.3.2-9]
        return;
      }
      std::string& slot = c.topic_aliases[*alias - 1];
      if (topic.empty()) {
        if (slot.empty()) {
          ProtocolError(c, ReasonCode::kProtocolError, now);  // unknown alias
          return;
        }
        topic = slot;
      } else {
        slot.assign(topic);
      }
    }
  }
  if (p.retain && !options_.retain_available) {
    ProtocolError(c, ReasonCode::kRetainNotSupported, now);
    return;
  }
  if (p.qos == QoS::kExactlyOnce) {
    if (std::find(s.inbound_qos2.begin(), s.inbound_qos2.end(), p.packet_id) !=
        s.inbound_qos2.end()) {
      Send(c, MakeAck<codec::Pubrec>(p.packet_id));  // a retransmission: already accepted
      return;
    }
    if (s.inbound_qos2.size() >= options_.receive_maximum) {
      ProtocolError(c, ReasonCode::kReceiveMaximumExceeded, now);
      return;
    }
  }
  bool acl_rule = false;
  const bool allowed = auth_ == nullptr || auth_->Allowed(AclAction::kPublish, c.client_id,
                                                          c.username, topic, &acl_rule);
  EmitAuthz(c, topic, false, allowed, acl_rule, now);
  if (!allowed) {
    ++counters_.dropped_not_authorized;
    // 5.0 tells the client; 3.x has no way to, so the message is acknowledged and discarded.
    ReasonCode rc = v5 ? ReasonCode::kNotAuthorized : ReasonCode::kSuccess;
    if (p.qos == QoS::kAtLeastOnce) Send(c, MakeAck<codec::Puback>(p.packet_id, rc));
    if (p.qos == QoS::kExactlyOnce) {
      if (!v5) s.inbound_qos2.push_back(p.packet_id);
      Send(c, MakeAck<codec::Pubrec>(p.packet_id, rc));
    }
    return;
  }

  auto m = std::make_shared<Message>();
  m->topic.assign(topic);
  m->payload.assign(p.payload.begin(), p.payload.end());
  m->qos = p.qos;
  m->retain = p.retain;
  m->origin_session = s.id;
  m->received_at = now;
  if (WantsMessageEvents()) {
    m->publisher_id = c.client_id;
    m->publisher_username = c.username;
    m->publisher_peer = c.peer;
  }
  if (v5) {
    if (auto expiry = ExtractForwardedProperties(p.properties, m->properties)) {
      m->has_expiry = true;
      m->expires_at = now + std::chrono::seconds(*expiry);
    }
  }
  MessageRef ref = std::move(m);
  if (ref->retain) retained_.Set(ref);
  if (hook_ != nullptr && hook_->WantsTopic(ref->topic)) {
    InboundMessage in;
    in.topic = ref->topic;
    in.payload = ref->payload;
    in.message = ref;
    in.qos = ref->qos;
    in.retain = ref->retain;
    in.client_id = c.client_id;
    in.username = c.username;
    in.peer = c.peer;
    in.version = c.version;
    in.properties = ref->forwarded_properties();
    ++counters_.hook_calls;
    hook_->OnPublish(in);
  }
  Route(ref, now);
  if (p.qos == QoS::kAtLeastOnce) {
    Send(c, MakeAck<codec::Puback>(p.packet_id));
  } else if (p.qos == QoS::kExactlyOnce) {
    s.inbound_qos2.push_back(p.packet_id);
    Send(c, MakeAck<codec::Pubrec>(p.packet_id));
  }
}

void BrokerCore::HandlePuback(Client& c, const codec::Puback& a, TimePoint now) {
  Session& s = *c.session;
  for (auto it = s.inflight.begin(); it != s.inflight.end(); ++it) {
    if (it->packet_id == a.packet_id && it->delivery.qos == QoS::kAtLeastOnce) {
      EmitDelivery(rules::BrokerEventType::kMessageAcked, s, it->delivery, false, {}, a.properties,
                   now);
      s.inflight.erase(it);
      Drain(s, now);
      return;
    }
  }
}

void BrokerCore::HandlePubrec(Client& c, const codec::Pubrec& r, TimePoint now) {
  Session& s = *c.session;
  for (auto it = s.inflight.begin(); it != s.inflight.end(); ++it) {
    if (it->packet_id != r.packet_id || it->delivery.qos != QoS::kExactlyOnce) continue;
    if (c.version == ProtocolVersion::kV5 && !codec::IsSuccess(r.reason_code)) {
      s.inflight.erase(it);  // the receiver refused it; the flow ends (spec 4.3.3)
      Drain(s, now);
      return;
    }
    it->released = true;
    EmitDelivery(rules::BrokerEventType::kMessageAcked, s, it->delivery, false, {}, r.properties,
                 now);
    it->delivery.message.reset();  // the payload is no longer needed
    Send(c, MakeAck<codec::Pubrel>(r.packet_id));
    return;
  }
  Send(c, MakeAck<codec::Pubrel>(r.packet_id, c.version == ProtocolVersion::kV5
                                                  ? ReasonCode::kPacketIdentifierNotFound
                                                  : ReasonCode::kSuccess));
}

void BrokerCore::HandlePubrel(Client& c, const codec::Pubrel& r) {
  Session& s = *c.session;
  auto it = std::find(s.inbound_qos2.begin(), s.inbound_qos2.end(), r.packet_id);
  ReasonCode rc = ReasonCode::kSuccess;
  if (it != s.inbound_qos2.end()) {
    s.inbound_qos2.erase(it);
  } else if (c.version == ProtocolVersion::kV5) {
    rc = ReasonCode::kPacketIdentifierNotFound;
  }
  Send(c, MakeAck<codec::Pubcomp>(r.packet_id, rc));
}

void BrokerCore::HandlePubcomp(Client& c, const codec::Pubcomp& p, TimePoint now) {
  Session& s = *c.session;
  for (auto it = s.inflight.begin(); it != s.inflight.end(); ++it) {
    if (it->packet_id == p.packet_id && it->released) {
      s.inflight.erase(it);
      Drain(s, now);
      return;
    }
  }
}

void BrokerCore::PublishWill(const WillMessage& will, TimePoint now) {
  ++counters_.wills_published;
  MessageRef ref = will.message;
  if (will.expiry) {
    auto m = std::make_shared<Message>(*will.message);
    m->has_expiry = true;
    m->expires_at = now + std::chrono::seconds(*will.expiry);
    ref = std::move(m);
  }
  if (ref->retain) retained_.Set(ref);
  if (hook_ != nullptr && hook_->WantsTopic(ref->topic)) {
    InboundMessage in;
    in.topic = ref->topic;
    in.payload = ref->payload;
    in.message = ref;
    in.qos = ref->qos;
    in.retain = ref->retain;
    in.client_id = will.client_id;
    in.username = will.username;
    in.peer = will.peer;
    in.properties = ref->forwarded_properties();
    ++counters_.hook_calls;
    hook_->OnPublish(in);
  }
  Route(ref, now);
}

bool BrokerCore::Inject(const InjectRequest& request, TimePoint now) {
  if (!codec::ValidateTopicName(request.topic).ok()) return false;
  ++counters_.publishes_injected;
  auto m = std::make_shared<Message>();
  m->topic = std::string(request.topic);
  m->payload.assign(request.payload.begin(), request.payload.end());
  m->qos = request.qos;
  m->retain = request.retain;
  m->injected = true;
  m->quiet = request.quiet;
  m->received_at = now;
  if (request.message_expiry) {
    m->has_expiry = true;
    m->expires_at = now + std::chrono::seconds(*request.message_expiry);
  }
  if (!request.user_properties.empty()) {
    size_t size = 0;
    for (const auto& [k, v] : request.user_properties) size += 5 + k.size() + v.size();
    m->properties.resize(size);
    codec::PropertyWriter w(m->properties);
    for (const auto& [k, v] : request.user_properties) w.AddUserProperty(k, v);
    if (!w.Finish(codec::PropertyContext::kPublish).ok()) return false;
    m->properties.resize(w.size());
  }
  MessageRef ref = std::move(m);
  if (ref->retain) retained_.Set(ref);
  Route(ref, now);
  return true;
}

}  // namespace mqb::engine::broker
