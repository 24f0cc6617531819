// BrokerCore: CONNECT handling (validation, authentication, takeover, session resume, CONNACK).
#include <sys/random.h>

#include <algorithm>
#include <array>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::ReasonCode;

namespace {

// The protocol level byte of a CONNECT body, if the body is long enough to hold it.
int PeekProtocolLevel(std::span<const uint8_t> body) {
  if (body.size() < 2) return -1;
  size_t name_len = size_t{body[0]} << 8 | body[1];
  if (body.size() < 2 + name_len + 1) return -1;
  return body[2 + name_len];
}

}  // namespace

void BrokerCore::RefuseConnect(Client& c, ReasonCode rc) {
  ++counters_.connects_refused;
  EmitConnack(c, rc, c.accepted_at);
  codec::Connack ack;
  if (c.version == ProtocolVersion::kV5) {
    ack.reason_code = codec::IsValidConnackCode(c.version, static_cast<uint8_t>(rc))
                          ? static_cast<uint8_t>(rc)
                          : static_cast<uint8_t>(ReasonCode::kUnspecifiedError);
  } else {
    ack.reason_code = static_cast<uint8_t>(codec::ToConnectReturnCode(rc));
  }
  Send(c, ack);
  c.state = Client::State::kClosed;
  c.transport->Close();
}

void BrokerCore::HandleConnect(Client& c, const codec::Frame& frame, TimePoint now) {
  auto decoded = codec::DecodeConnect(frame);
  if (!decoded.ok()) {
    codec::Errc e = decoded.error();
    int level = PeekProtocolLevel(frame.body);
    ++counters_.protocol_errors;
    if (e == codec::Errc::kUnsupportedProtocolVersion) {
      // Answer in the client's dialect when it claims 5.0 (e.g. the bridge bit), else 3.1.1.
      c.version = level == 5 ? ProtocolVersion::kV5 : ProtocolVersion::kV311;
      RefuseConnect(c, ReasonCode::kUnsupportedProtocolVersion);
      --counters_.connects_refused;
    } else if (level == 5) {
      c.version = ProtocolVersion::kV5;
      RefuseConnect(c, codec::ToReasonCode(e));
      --counters_.connects_refused;
    } else {
      c.state = Client::State::kClosed;  // 3.x: close without CONNACK
      c.transport->Close();
    }
    return;
  }
  const codec::Connect& k = decoded.value();
  const bool v5 = k.version == ProtocolVersion::kV5;
  c.version = k.version;
  // For the connection events raised below (client_connack names the CONNECT's fields).
  connecting_ = &k;
  struct Done {
    const codec::Connect*& p;
    ~Done() { p = nullptr; }
  } done{connecting_};
  c.clean_start = k.clean_start;
  c.is_bridge = k.bridge;
  c.keep_alive = k.keep_alive;

  if (v5 && k.properties.Has(PropertyId::kAuthenticationMethod)) {
    RefuseConnect(c, ReasonCode::kBadAuthenticationMethod);
    return;
  }

  // Client identifier.
  std::string client_id(k.client_id);
  bool assigned = false;
  if (client_id.empty()) {
    if (k.version == ProtocolVersion::kV31 || (!v5 && !k.clean_start)) {
      RefuseConnect(c, ReasonCode::kClientIdentifierNotValid);  // [MQTT-3.1.3-8]
      return;
    }
    std::array<uint8_t, 6> rnd{};
    if (getrandom(rnd.data(), rnd.size(), GRND_NONBLOCK) != static_cast<ssize_t>(rnd.size())) {
      rnd.fill(0);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    client_id = "mqb-";
    for (uint8_t b : rnd) {
      client_id.push_back(kHex[b >> 4]);
      client_id.push_back(kHex[b & 15]);
    }
    client_id += "-" + std::to_string(++assigned_id_counter_);
    assigned = true;
  }

  // Authentication and the will's ACL.
  if (auth_ != nullptr) {
    ReasonCode rc = auth_->Authenticate(k.user_name, k.password);
    if (rc != ReasonCode::kSuccess) {
      ++counters_.auth_failures;
      RefuseConnect(c, rc);
      return;
    }
  }
  c.client_id = client_id;
  c.has_username = k.user_name.has_value();
  c.username = k.user_name ? std::string(*k.user_name) : std::string();
  if (k.will) {
    if (k.will->retain && !options_.retain_available) {
      RefuseConnect(c, ReasonCode::kRetainNotSupported);
      return;
    }
    if (auth_ != nullptr &&
        !auth_->Allowed(AclAction::kPublish, c.client_id, c.username, k.will->topic)) {
      RefuseConnect(c, ReasonCode::kNotAuthorized);
      return;
    }
    auto m = std::make_shared<Message>();
    m->received_at = now;
    if (WantsMessageEvents()) {
      m->publisher_id = c.client_id;
      m->publisher_username = c.username;
      m->publisher_peer = c.peer;
    }
    m->topic = std::string(k.will->topic);
    m->payload.assign(k.will->payload.begin(), k.will->payload.end());
    m->qos = k.will->qos;
    m->retain = k.will->retain;
    WillMessage will;
    if (v5) {
      will.expiry = ExtractForwardedProperties(k.will->properties, m->properties);
      will.delay = k.will->properties.GetInteger(PropertyId::kWillDelayInterval).value_or(0);
    }
    will.message = std::move(m);
    will.client_id = c.client_id;
    will.username = c.username;
    will.peer = c.peer;
    c.will = std::move(will);
  }

  // Limits and timers.
  uint32_t expiry = 0;
  bool expiry_changed = false;
  if (v5) {
    expiry = k.properties.GetInteger(PropertyId::kSessionExpiryInterval).value_or(0);
    c.receive_maximum =
        static_cast<uint16_t>(k.properties.GetInteger(PropertyId::kReceiveMaximum).value_or(65535));
    c.maximum_packet_size = k.properties.GetInteger(PropertyId::kMaximumPacketSize).value_or(0);
    c.topic_aliases.assign(options_.topic_alias_maximum, std::string());
    c.out_alias_max = static_cast<uint16_t>(
        std::min<uint32_t>(options_.outbound_topic_aliases,
                           k.properties.GetInteger(PropertyId::kTopicAliasMaximum).value_or(0)));
  } else {
    expiry = k.clean_start ? 0 : 0xFFFFFFFFu;
  }
  c.session_expiry_zero_at_connect = expiry == 0;
  c.expiry_requested = expiry;
  if (expiry > options_.session_expiry_max) {
    expiry = options_.session_expiry_max;
    expiry_changed = true;
  }
  c.keep_alive = k.keep_alive;
  bool keep_alive_changed = false;
  // 0 asks for no keep-alive at all, which is longer than any limit: a lowered max_keepalive
  // applies to it too (announced as Server Keep Alive, which the client must use).
  const bool limited = options_.max_keepalive < 65535;
  if (v5 && (c.keep_alive > options_.max_keepalive || (limited && c.keep_alive == 0))) {
    c.keep_alive = options_.max_keepalive;
    keep_alive_changed = true;
  }

  // Takeover: the session's current connection goes first ([MQTT-3.1.4-3]).
  auto it = sessions_.find(client_id);
  if (it != sessions_.end() && it->second->client != nullptr) {
    Client* old = it->second->client;
    ++counters_.takeovers;
    old->disconnect_reason = k.clean_start ? "discarded" : "takenover";
    if (old->version == ProtocolVersion::kV5) SendDisconnect(*old, ReasonCode::kSessionTakenOver);
    Shutdown(*old, now, true);
    it = sessions_.find(client_id);  // the old session may have ended
  }
  Session* s = nullptr;
  bool session_present = false;
  if (it != sessions_.end()) {
    if (k.clean_start) {
      EndSession(it->second.get(), now);
    } else {
      s = it->second.get();
      session_present = true;
      s->delayed_will.reset();  // reconnected within the will delay: no will
    }
  }
  if (s == nullptr) {
    auto fresh = std::make_unique<Session>();
    fresh->client_id = client_id;
    fresh->id = next_session_id_++;
    s = fresh.get();
    sessions_.emplace(client_id, std::move(fresh));
  }
  s->expiry_interval = expiry;
  s->client = &c;
  c.session = s;
  c.state = Client::State::kConnected;

  codec::Connack ack;
  ack.session_present = session_present && k.version != ProtocolVersion::kV31;
  ack.reason_code = 0;
  std::array<uint8_t, 512> props_buf;
  if (v5) {
    codec::PropertyWriter w(props_buf);
    w.AddInteger(PropertyId::kReceiveMaximum, options_.receive_maximum);
    w.AddInteger(PropertyId::kMaximumPacketSize, options_.max_packet_size);
    w.AddInteger(PropertyId::kTopicAliasMaximum, options_.topic_alias_maximum);
    if (!options_.retain_available) w.AddInteger(PropertyId::kRetainAvailable, 0);
    if (assigned) w.AddString(PropertyId::kAssignedClientIdentifier, client_id);
    if (expiry_changed) w.AddInteger(PropertyId::kSessionExpiryInterval, expiry);
    if (keep_alive_changed) w.AddInteger(PropertyId::kServerKeepAlive, c.keep_alive);
    auto props = w.Finish(codec::PropertyContext::kConnack);
    if (props.ok()) ack.properties = props.value();
  }
  ++counters_.connects_accepted;
  c.connected_at = now;
  Send(c, ack);
  EmitConnack(c, ReasonCode::kSuccess, now);
  EmitConnected(c, now);
  if (session_present) Resume(*s, now);
}

void BrokerCore::HandleDisconnect(Client& c, const codec::Disconnect& d, TimePoint now) {
  c.closing_with_will = false;
  if (c.version == ProtocolVersion::kV5) {
    if (auto e = d.properties.GetInteger(PropertyId::kSessionExpiryInterval)) {
      if (c.session_expiry_zero_at_connect && *e != 0) {
        c.closing_with_will = true;
        ProtocolError(c, ReasonCode::kProtocolError, now);  // [MQTT-3.14.2-2]
        return;
      }
      if (c.session != nullptr)
        c.session->expiry_interval = std::min(*e, options_.session_expiry_max);
    }
    c.closing_with_will = d.reason_code == ReasonCode::kDisconnectWithWillMessage;
  }
  c.disconnect_reason =
      d.reason_code == ReasonCode::kSuccess ? "normal" : EventReason(d.reason_code);
  disconnect_props_ = d.properties;
  Shutdown(c, now, true);
  disconnect_props_ = {};
}

}  // namespace mqb::engine::broker
