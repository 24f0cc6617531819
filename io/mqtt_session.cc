#include "io/mqtt_session.h"

#include <algorithm>
#include <cstring>
#include <variant>

#include "codec/decoder.h"
#include "codec/encoder.h"

namespace mqb::io {

using codec::PacketType;
using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

namespace {

std::string Hex(uint8_t v) {
  static const char* kDigits = "0123456789abcdef";
  return std::string("0x") + kDigits[v >> 4] + kDigits[v & 15];
}

std::string Seconds(Millis ms) {
  return std::to_string(ms.count() / 1000) + "." + std::to_string((ms.count() % 1000) / 100) + " s";
}

}  // namespace

const char* MqttStateName(MqttSession::State state) {
  switch (state) {
    case MqttSession::State::kDisconnected:
      return "disconnected";
    case MqttSession::State::kConnecting:
      return "connecting";
    case MqttSession::State::kConnected:
      return "connected";
  }
  return "?";
}

std::string ConnackReason(ProtocolVersion version, uint8_t code) {
  if (version != ProtocolVersion::kV5) {
    switch (code) {
      case 1:
        return "unacceptable protocol version";
      case 2:
        return "client identifier rejected";
      case 3:
        return "server unavailable";
      case 4:
        return "bad username or password";
      case 5:
        return "not authorized";
      default:
        return "refused (" + Hex(code) + ")";
    }
  }
  switch (code) {
    case 0x80:
      return "unspecified error";
    case 0x81:
      return "malformed packet";
    case 0x82:
      return "protocol error";
    case 0x83:
      return "implementation specific error";
    case 0x84:
      return "unsupported protocol version";
    case 0x85:
      return "client identifier not valid";
    case 0x86:
      return "bad username or password";
    case 0x87:
      return "not authorized";
    case 0x88:
      return "server unavailable";
    case 0x89:
      return "server busy";
    case 0x8A:
      return "banned";
    case 0x8C:
      return "bad authentication method";
    case 0x90:
      return "topic name invalid";
    case 0x95:
      return "packet too large";
    case 0x97:
      return "quota exceeded";
    case 0x99:
      return "payload format invalid";
    case 0x9A:
      return "retain not supported";
    case 0x9B:
      return "QoS not supported";
    case 0x9C:
      return "use another server";
    case 0x9D:
      return "server moved";
    case 0x9F:
      return "connection rate exceeded";
    default:
      return std::string(codec::ReasonCodeName(static_cast<ReasonCode>(code))) + " (" + Hex(code) +
             ")";
  }
}

MqttSession::MqttSession(MqttClientOptions options, MqttSessionHandler* handler)
    : options_(std::move(options)), handler_(handler), keepalive_s_(options_.keepalive_s) {
  if (options_.max_inflight == 0) options_.max_inflight = 1;
  slots_.resize(options_.max_inflight);
  if (options_.version == ProtocolVersion::kV5) {
    in_aliases_.resize(size_t{options_.topic_alias_maximum} + 1);
    if (options_.maximum_packet_size != 0)
      framer_.set_max_packet_size(options_.maximum_packet_size);
  } else {
    options_.topic_alias_maximum = 0;
  }
}

size_t MqttSession::window() const {
  return std::min<size_t>(options_.max_inflight, broker_receive_max_);
}

void MqttSession::Fail(IoErrc code, std::string message, int detail) {
  if (close_requested_) return;
  close_requested_ = true;
  close_reason_ = IoError{code, detail, std::move(message)};
}

void MqttSession::ProtocolViolation(ReasonCode rc, std::string message) {
  if (options_.version == ProtocolVersion::kV5 && state_ != State::kDisconnected &&
      !close_requested_) {
    codec::Disconnect d;
    d.reason_code = rc;
    (void)Append(d);
  }
  Fail(IoErrc::kProtocol, std::move(message), static_cast<int>(rc));
}

bool MqttSession::Append(const codec::Packet& packet) {
  auto size = codec::EncodedSize(packet, options_.version);
  if (!size.ok()) return false;
  const size_t old = out_.size();
  out_.resize(old + size.value());
  auto n = codec::Encode(packet, options_.version, {out_.data() + old, size.value()});
  if (!n.ok()) {
    out_.resize(old);
    return false;
  }
  return true;
}

// --- Connection lifecycle ------------------------------------------------------------------------

void MqttSession::TransportOpen(SteadyTime now) {
  state_ = State::kConnecting;
  close_requested_ = false;
  close_reason_ = {};
  framer_.Reset();
  out_.clear();
  out_aliases_.clear();
  for (std::string& a : in_aliases_) a.clear();
  keepalive_s_ = options_.keepalive_s;
  broker_receive_max_ = 65535;
  broker_max_packet_ = 0;
  broker_alias_max_ = 0;
  broker_sub_ids_ = true;

  const bool v5 = options_.version == ProtocolVersion::kV5;
  codec::Connect c;
  c.version = options_.version;
  c.bridge = options_.bridge_mode && !v5;
  c.clean_start = options_.clean_start;
  c.keep_alive = options_.keepalive_s;
  c.client_id = options_.client_id;
  if (options_.username) c.user_name = std::string_view(*options_.username);
  if (options_.password) {
    c.password = std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(options_.password->data()), options_.password->size());
  }
  if (options_.will) {
    codec::Will w;
    w.qos = options_.will->qos;
    w.retain = options_.will->retain;
    w.topic = options_.will->topic;
    w.payload = {reinterpret_cast<const uint8_t*>(options_.will->payload.data()),
                 options_.will->payload.size()};
    c.will = w;
  }
  if (v5) {
    size_t need = 64;
    for (auto& [k, v] : options_.user_properties) need += k.size() + v.size() + 5;
    scratch_.assign(need, 0);
    codec::PropertyWriter w(scratch_);
    if (options_.session_expiry_s != 0) {
      w.AddInteger(PropertyId::kSessionExpiryInterval, options_.session_expiry_s);
    }
    if (options_.receive_maximum != 65535 && options_.receive_maximum != 0) {
      w.AddInteger(PropertyId::kReceiveMaximum, options_.receive_maximum);
    }
    if (options_.topic_alias_maximum != 0) {
      w.AddInteger(PropertyId::kTopicAliasMaximum, options_.topic_alias_maximum);
    }
    if (options_.maximum_packet_size != 0) {
      w.AddInteger(PropertyId::kMaximumPacketSize, options_.maximum_packet_size);
    }
    for (auto& [k, v] : options_.user_properties) w.AddUserProperty(k, v);
    auto props = w.Finish(codec::PropertyContext::kConnect);
    if (!props.ok()) {
      Fail(IoErrc::kProtocol, std::string("CONNECT properties: ") + codec::ErrcName(props.error()));
      return;
    }
    c.properties = props.value();
  }
  if (!Append(c)) {
    Fail(IoErrc::kProtocol, "cannot encode CONNECT (check client id, username, will)");
    return;
  }
  connect_deadline_ = now + options_.connect_timeout;
  next_ping_ = SteadyTime::max();
  pingresp_deadline_ = SteadyTime::max();
}

void MqttSession::TransportClosed(SteadyTime /*now*/) {
  state_ = State::kDisconnected;
  connect_deadline_ = next_ping_ = pingresp_deadline_ = SteadyTime::max();
  for (uint16_t id : pending_sub_ids_) ids_.Release(id);
  pending_sub_ids_.clear();
  framer_.Reset();
  // Sent-but-unacknowledged messages stay in their slots; ResumeAfterConnack resends them.
}

void MqttSession::Disconnect(ReasonCode reason) {
  if (state_ == State::kDisconnected) return;
  codec::Disconnect d;
  d.reason_code = reason;
  (void)Append(d);
  connect_deadline_ = next_ping_ = pingresp_deadline_ = SteadyTime::max();
}

SteadyTime MqttSession::next_deadline() const {
  SteadyTime t = std::min({connect_deadline_, next_ping_, pingresp_deadline_});
  if (state_ == State::kConnected && inflight_count_ > 0) {
    for (const Slot& s : slots_) {
      if (s.stage != Stage::kFree && s.stage != Stage::kUnsent) {
        t = std::min(t, s.sent_at + options_.retry_interval);
      }
    }
  }
  return t;
}

void MqttSession::Tick(SteadyTime now) {
  if (close_requested_) return;
  if (state_ == State::kConnecting && now >= connect_deadline_) {
    Fail(IoErrc::kTimeout, "CONNACK not received within " + Seconds(options_.connect_timeout));
    return;
  }
  if (state_ != State::kConnected) return;
  if (now >= pingresp_deadline_) {
    Millis t =
        options_.ping_timeout.count() > 0 ? options_.ping_timeout : Millis(keepalive_s_ * 1000);
    Fail(IoErrc::kTimeout, "no PINGRESP within " + Seconds(t) + ": broker unresponsive");
    return;
  }
  if (now >= next_ping_) {
    (void)Append(codec::Pingreq{});
    next_ping_ = now + std::chrono::seconds(keepalive_s_);
    if (pingresp_deadline_ == SteadyTime::max()) {
      Millis t =
          options_.ping_timeout.count() > 0 ? options_.ping_timeout : Millis(keepalive_s_ * 1000);
      pingresp_deadline_ = now + t;
    }
  }
  if (inflight_count_ > 0) {
    for (Slot& s : slots_) {
      if ((s.stage == Stage::kAwaitPuback || s.stage == Stage::kAwaitPubrec) &&
          now >= s.sent_at + options_.retry_interval) {
        SendPublishSlot(s, true, now);
      } else if (s.stage == Stage::kAwaitPubcomp && now >= s.sent_at + options_.retry_interval) {
        SendPubrel(s.packet_id);
        s.sent_at = now;
      }
    }
  }
}

// --- Inbound -------------------------------------------------------------------------------------

void MqttSession::Receive(std::span<const uint8_t> bytes, SteadyTime now) {
  if (close_requested_ || state_ == State::kDisconnected) return;
  framer_.Feed(bytes);
  while (!close_requested_) {
    auto frame = framer_.Next();
    if (!frame.ok()) {
      ProtocolViolation(codec::ToReasonCode(frame.error()),
                        std::string("bad packet from broker: ") + codec::ErrcName(frame.error()));
      return;
    }
    if (!frame.value()) break;
    auto packet = codec::Decode(**frame, options_.version);
    if (!packet.ok()) {
      ProtocolViolation(codec::ToReasonCode(packet.error()),
                        std::string("bad packet from broker: ") + codec::ErrcName(packet.error()));
      return;
    }
    HandlePacket(packet.value(), now);
  }
}

void MqttSession::HandlePacket(const codec::Packet& packet, SteadyTime now) {
  const PacketType type = codec::TypeOf(packet);
  if (state_ == State::kConnecting && type != PacketType::kConnack) {
    ProtocolViolation(ReasonCode::kProtocolError,
                      std::string("expected CONNACK, got ") + codec::PacketTypeName(type));
    return;
  }
  switch (type) {
    case PacketType::kConnack:
      if (state_ != State::kConnecting) {
        ProtocolViolation(ReasonCode::kProtocolError, "unexpected second CONNACK");
        return;
      }
      HandleConnack(std::get<codec::Connack>(packet), now);
      return;
    case PacketType::kPublish:
      HandlePublish(std::get<codec::Publish>(packet));
      return;
    case PacketType::kPuback: {
      const auto& a = std::get<codec::Puback>(packet);
      HandleAck(type, a.packet_id, a.reason_code, now);
      return;
    }
    case PacketType::kPubrec: {
      const auto& a = std::get<codec::Pubrec>(packet);
      HandleAck(type, a.packet_id, a.reason_code, now);
      return;
    }
    case PacketType::kPubcomp: {
      const auto& a = std::get<codec::Pubcomp>(packet);
      HandleAck(type, a.packet_id, a.reason_code, now);
      return;
    }
    case PacketType::kPubrel: {
      const auto& a = std::get<codec::Pubrel>(packet);
      codec::Pubcomp comp;
      comp.packet_id = a.packet_id;
      if (!InboundQos2(a.packet_id) && options_.version == ProtocolVersion::kV5) {
        comp.reason_code = ReasonCode::kPacketIdentifierNotFound;
      }
      SetInboundQos2(a.packet_id, false);
      (void)Append(comp);
      return;
    }
    case PacketType::kSuback: {
      const auto& a = std::get<codec::Suback>(packet);
      auto it = std::find(pending_sub_ids_.begin(), pending_sub_ids_.end(), a.packet_id);
      if (it != pending_sub_ids_.end()) {
        pending_sub_ids_.erase(it);
        ids_.Release(a.packet_id);
      }
      if (handler_ != nullptr) handler_->OnSubscribeDone(a.packet_id, a.reason_codes);
      return;
    }
    case PacketType::kUnsuback: {
      const auto& a = std::get<codec::Unsuback>(packet);
      auto it = std::find(pending_sub_ids_.begin(), pending_sub_ids_.end(), a.packet_id);
      if (it != pending_sub_ids_.end()) {
        pending_sub_ids_.erase(it);
        ids_.Release(a.packet_id);
      }
      if (handler_ != nullptr) handler_->OnUnsubscribeDone(a.packet_id, a.reason_codes);
      return;
    }
    case PacketType::kPingresp:
      pingresp_deadline_ = SteadyTime::max();
      return;
    case PacketType::kDisconnect: {
      const auto& d = std::get<codec::Disconnect>(packet);
      const auto code = static_cast<uint8_t>(d.reason_code);
      std::string msg =
          "broker sent DISCONNECT: " + std::string(codec::ReasonCodeName(d.reason_code));
      if (auto why = d.properties.GetString(PropertyId::kReasonString)) {
        msg += " (" + std::string(*why) + ")";
      }
      Fail(IoErrc::kDisconnected, msg, code);
      return;
    }
    default:
      ProtocolViolation(ReasonCode::kProtocolError,
                        std::string("unexpected ") + codec::PacketTypeName(type) + " from broker");
      return;
  }
}

void MqttSession::HandleConnack(const codec::Connack& connack, SteadyTime now) {
  if (!connack.accepted()) {
    Fail(IoErrc::kRefused, "CONNACK: " + ConnackReason(options_.version, connack.reason_code),
         connack.reason_code);
    return;
  }
  state_ = State::kConnected;
  connect_deadline_ = SteadyTime::max();
  if (options_.version == ProtocolVersion::kV5) {
    const codec::Properties& p = connack.properties;
    if (auto v = p.GetInteger(PropertyId::kServerKeepAlive))
      keepalive_s_ = static_cast<uint16_t>(*v);
    if (auto v = p.GetInteger(PropertyId::kReceiveMaximum)) {
      broker_receive_max_ = static_cast<uint16_t>(*v);
    }
    if (auto v = p.GetInteger(PropertyId::kMaximumPacketSize)) broker_max_packet_ = *v;
    if (auto v = p.GetInteger(PropertyId::kTopicAliasMaximum); v && options_.use_topic_aliases) {
      broker_alias_max_ = static_cast<uint16_t>(*v);
    }
    if (auto v = p.GetInteger(PropertyId::kSubscriptionIdentifierAvailable)) {
      broker_sub_ids_ = *v != 0;
    }
  }
  next_ping_ = keepalive_s_ > 0 ? now + std::chrono::seconds(keepalive_s_) : SteadyTime::max();
  ResumeAfterConnack(connack.session_present, now);
  if (handler_ != nullptr && !close_requested_) handler_->OnConnected(connack.session_present);
}

void MqttSession::ResumeAfterConnack(bool session_present, SteadyTime now) {
  if (!session_present) std::fill(qos2_in_.begin(), qos2_in_.end(), 0);
  if (!subscriptions_.empty()) (void)SendSubscribes(subscriptions_);
  if (inflight_count_ == 0) return;
  std::vector<Slot*> order;
  for (Slot& s : slots_) {
    if (s.stage != Stage::kFree) order.push_back(&s);
  }
  std::sort(order.begin(), order.end(), [](Slot* a, Slot* b) { return a->seq < b->seq; });
  for (Slot* s : order) {
    if (s->stage == Stage::kAwaitPubcomp) {
      SendPubrel(s->packet_id);
      s->sent_at = now;
    } else {
      SendPublishSlot(*s, s->stage != Stage::kUnsent, now);
    }
  }
}

void MqttSession::HandlePublish(const codec::Publish& publish) {
  codec::Publish resolved = publish;
  if (options_.version == ProtocolVersion::kV5) {
    if (auto alias = publish.properties.GetInteger(PropertyId::kTopicAlias)) {
      if (*alias == 0 || *alias > options_.topic_alias_maximum) {
        ProtocolViolation(ReasonCode::kTopicAliasInvalid,
                          "broker used topic alias " + std::to_string(*alias) +
                              " above our maximum " + std::to_string(options_.topic_alias_maximum));
        return;
      }
      std::string& slot = in_aliases_[*alias];
      if (!publish.topic.empty()) {
        slot.assign(publish.topic);
      } else if (slot.empty()) {
        ProtocolViolation(ReasonCode::kProtocolError,
                          "broker used unknown topic alias " + std::to_string(*alias));
        return;
      } else {
        resolved.topic = slot;
      }
    }
  }
  switch (publish.qos) {
    case QoS::kAtMostOnce:
      if (handler_ != nullptr) handler_->OnMessage(resolved);
      return;
    case QoS::kAtLeastOnce: {
      if (handler_ != nullptr) handler_->OnMessage(resolved);
      codec::Puback ack;
      ack.packet_id = publish.packet_id;
      (void)Append(ack);
      return;
    }
    case QoS::kExactlyOnce: {
      if (!InboundQos2(publish.packet_id)) {
        SetInboundQos2(publish.packet_id, true);
        if (handler_ != nullptr) handler_->OnMessage(resolved);
      }
      codec::Pubrec rec;
      rec.packet_id = publish.packet_id;
      (void)Append(rec);
      return;
    }
  }
}

void MqttSession::SetInboundQos2(uint16_t id, bool on) {
  if (on) {
    qos2_in_[id >> 6] |= uint64_t{1} << (id & 63);
  } else {
    qos2_in_[id >> 6] &= ~(uint64_t{1} << (id & 63));
  }
}

}  // namespace mqb::io
