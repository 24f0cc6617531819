// BrokerCore: raising broker events (client, session and message events; hooks.h) for the rules.
#include <array>
#include <cctype>
#include <string>

#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {

using codec::ReasonCode;
using rules::BrokerEventType;

namespace {

constexpr uint32_t Bit(BrokerEventType t) { return 1u << static_cast<unsigned>(t); }

constexpr uint32_t kMessageEvents =
    Bit(BrokerEventType::kMessageDelivered) | Bit(BrokerEventType::kMessageAcked) |
    Bit(BrokerEventType::kMessageDropped) | Bit(BrokerEventType::kDeliveryDropped);

// The client's fields every event about it carries.
BrokerEvent About(const Client& c, BrokerEventType type, TimePoint now) {
  BrokerEvent e;
  e.type = type;
  e.client_id = c.client_id;
  e.username = c.username;
  e.has_username = c.has_username;
  e.peer = c.peer;
  e.sockname = c.sockname;
  e.version = c.version;
  e.clean_start = c.clean_start;
  e.is_bridge = c.is_bridge;
  e.keep_alive = c.keep_alive;
  e.receive_maximum = c.receive_maximum;
  e.expiry_interval = c.expiry_requested;
  e.connected_at = c.connected_at;
  e.now = now;
  return e;
}

}  // namespace

const char* BrokerCore::EventReason(ReasonCode rc) {
  // EMQX's names: the 5.0 reason string in snake case, with its own spelling for a few.
  static const std::array<std::string, 256> kNames = [] {
    std::array<std::string, 256> names;
    for (int v = 0; v < 256; ++v) {
      std::string n = codec::ReasonCodeName(static_cast<ReasonCode>(v));
      for (char& ch : n)
        ch = ch == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      names[static_cast<size_t>(v)] = n;
    }
    names[0x00] = "success";
    names[0x86] = "bad_username_or_password";
    names[0x8D] = "keepalive_timeout";
    names[0x8E] = "takenover";
    return names;
  }();
  return kNames[static_cast<uint8_t>(rc)].c_str();
}

void BrokerCore::Raise(const BrokerEvent& e) {
  ++counters_.hook_calls;  // a read that raised events is subject to back-pressure too
  hook_->OnEvent(e);
}

bool BrokerCore::WantsMessageEvents() const {
  return hook_ != nullptr && (hook_->wanted_events() & kMessageEvents) != 0;
}

void BrokerCore::EmitConnack(const Client& c, ReasonCode rc, TimePoint now) {
  if (!Wants(BrokerEventType::kClientConnack)) return;
  BrokerEvent e = About(c, BrokerEventType::kClientConnack, now);
  e.reason = EventReason(rc);
  if (const codec::Connect* k = connecting_) {
    // A refusal may come before the client's fields are set: take them from the CONNECT.
    e.client_id = k->client_id;
    e.username = k->user_name.value_or(std::string_view());
    e.has_username = k->user_name.has_value();
    e.clean_start = k->clean_start;
    e.is_bridge = k->bridge;
    e.keep_alive = k->keep_alive;
    e.version = k->version;
    e.properties = k->properties;
    if (k->version == codec::ProtocolVersion::kV5) {
      e.expiry_interval =
          k->properties.GetInteger(codec::PropertyId::kSessionExpiryInterval).value_or(0);
    }
  }
  Raise(e);
}

void BrokerCore::EmitConnected(const Client& c, TimePoint now) {
  if (!Wants(BrokerEventType::kClientConnected)) return;
  BrokerEvent e = About(c, BrokerEventType::kClientConnected, now);
  if (connecting_ != nullptr) e.properties = connecting_->properties;
  Raise(e);
}

void BrokerCore::EmitDisconnected(const Client& c, TimePoint now) {
  if (!Wants(BrokerEventType::kClientDisconnected)) return;
  BrokerEvent e = About(c, BrokerEventType::kClientDisconnected, now);
  e.reason = c.disconnect_reason;
  e.properties = disconnect_props_;
  Raise(e);
}

void BrokerCore::EmitAuthz(const Client& c, std::string_view topic, bool subscribe, bool allowed,
                           bool acl_rule, TimePoint now) {
  if (!Wants(BrokerEventType::kClientCheckAuthzComplete)) return;
  BrokerEvent e = About(c, BrokerEventType::kClientCheckAuthzComplete, now);
  e.topic = topic;
  e.subscribe = subscribe;
  e.allowed = allowed;
  e.acl_rule = acl_rule;
  Raise(e);
}

void BrokerCore::EmitSubscription(const Client& c, bool subscribed, std::string_view filter,
                                  codec::QoS qos, const codec::Properties& props, TimePoint now) {
  const BrokerEventType t =
      subscribed ? BrokerEventType::kSessionSubscribed : BrokerEventType::kSessionUnsubscribed;
  if (!Wants(t)) return;
  BrokerEvent e = About(c, t, now);
  e.topic = filter;
  e.qos = qos;
  e.properties = props;
  Raise(e);
}

void BrokerCore::EmitDelivery(BrokerEventType t, const Session& s, const Delivery& d, bool dup,
                              std::string_view reason, const codec::Properties& props,
                              TimePoint now) {
  if (!Wants(t) || d.message == nullptr || d.message->quiet) return;
  BrokerEvent e;
  if (s.client != nullptr) {
    e = About(*s.client, t, now);
  } else {
    e.type = t;
    e.now = now;
  }
  e.client_id = s.client_id;  // the subscriber, online or not
  e.message = &d.message;
  e.qos = d.qos;
  e.retain = d.retain;
  e.dup = dup;
  e.reason = reason;
  e.properties = props;
  Raise(e);
}

void BrokerCore::EmitMessageDropped(const MessageRef& m, TimePoint now) {
  if (!Wants(BrokerEventType::kMessageDropped) || m->quiet) return;
  BrokerEvent e;
  e.type = BrokerEventType::kMessageDropped;
  e.now = now;
  e.client_id = m->publisher_id;
  e.username = m->publisher_username;
  e.has_username = !m->publisher_username.empty();
  e.peer = m->publisher_peer;
  e.message = &m;
  e.qos = m->qos;
  e.retain = m->retain;
  e.reason = "no_subscribers";
  Raise(e);
}

}  // namespace mqb::engine::broker
