// MqttSession, outbound half: PUBLISH with the in-flight window, acks, SUBSCRIBE/UNSUBSCRIBE.
#include <algorithm>
#include <cstring>

#include "codec/encoder.h"
#include "io/mqtt_session.h"

namespace mqb::io {

using codec::PacketType;
using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

MqttSession::Slot* MqttSession::FindSlot(uint16_t id) {
  for (Slot& s : slots_) {
    if (s.stage != Stage::kFree && s.packet_id == id) return &s;
  }
  return nullptr;
}

MqttSession::Slot* MqttSession::FreeSlotFor() {
  for (Slot& s : slots_) {
    if (s.stage == Stage::kFree) return &s;
  }
  return nullptr;
}

PublishStatus MqttSession::Publish(const OutboundMessage& message, SteadyTime now,
                                   uint16_t* packet_id) {
  const bool v5 = options_.version == ProtocolVersion::kV5;
  codec::Publish p;
  p.qos = message.qos;
  p.retain = message.retain;
  p.topic = message.topic;
  p.payload = message.payload;
  if (v5) p.properties = message.properties;

  if (message.qos == QoS::kAtMostOnce && state_ != State::kConnected) {
    return PublishStatus::kNotConnected;
  }
  Slot* slot = nullptr;
  if (message.qos != QoS::kAtMostOnce) {
    if (inflight_count_ >= window() || (slot = FreeSlotFor()) == nullptr) {
      window_was_full_ = true;
      return PublishStatus::kWindowFull;
    }
    p.packet_id = ids_.Allocate();
    if (p.packet_id == 0) {
      window_was_full_ = true;
      return PublishStatus::kWindowFull;
    }
    // Keep the full-topic encoding for resends (aliases do not survive a reconnect).
    auto size = codec::EncodedSize(p, options_.version);
    if (!size.ok()) {
      ids_.Release(p.packet_id);
      return PublishStatus::kInvalid;
    }
    if (broker_max_packet_ != 0 && size.value() > broker_max_packet_) {
      ids_.Release(p.packet_id);
      return PublishStatus::kTooLarge;
    }
    slot->packet.resize(size.value());
    if (!codec::Encode(p, options_.version, slot->packet).ok()) {
      ids_.Release(p.packet_id);
      return PublishStatus::kInvalid;
    }
    slot->packet_id = p.packet_id;
    slot->seq = next_seq_++;
    slot->stage = Stage::kUnsent;
    ++inflight_count_;
    if (packet_id != nullptr) *packet_id = p.packet_id;
    if (state_ != State::kConnected) return PublishStatus::kOk;  // sent after CONNACK
  }

  // Outgoing topic alias (5.0): the first message on a topic carries topic + alias, later ones
  // only the alias.
  if (v5 && broker_alias_max_ > 0 && !message.topic.empty()) {
    uint16_t alias = 0;
    bool known = false;
    if (auto it = out_aliases_.find(message.topic); it != out_aliases_.end()) {
      alias = it->second;
      known = true;
    } else if (out_aliases_.size() < broker_alias_max_) {
      alias = static_cast<uint16_t>(out_aliases_.size() + 1);
      out_aliases_.emplace(std::string(message.topic), alias);
    }
    if (alias != 0) {
      const auto props = message.properties.bytes();
      scratch_.resize(props.size() + 3);
      if (!props.empty()) std::memcpy(scratch_.data(), props.data(), props.size());
      scratch_[props.size()] = static_cast<uint8_t>(PropertyId::kTopicAlias);
      scratch_[props.size() + 1] = static_cast<uint8_t>(alias >> 8);
      scratch_[props.size() + 2] = static_cast<uint8_t>(alias & 0xFF);
      p.properties = codec::Properties::FromValidated(scratch_);
      if (known) p.topic = {};
    }
  }
  auto size = codec::EncodedSize(p, options_.version);
  if (!size.ok()) {
    if (slot != nullptr) FreeSlot(*slot);
    return PublishStatus::kInvalid;
  }
  if (broker_max_packet_ != 0 && size.value() > broker_max_packet_) {
    if (slot != nullptr) FreeSlot(*slot);
    return PublishStatus::kTooLarge;
  }
  const size_t old = out_.size();
  out_.resize(old + size.value());
  if (!codec::Encode(p, options_.version, {out_.data() + old, size.value()}).ok()) {
    out_.resize(old);
    if (slot != nullptr) FreeSlot(*slot);
    return PublishStatus::kInvalid;
  }
  if (slot != nullptr) {
    slot->stage = message.qos == QoS::kAtLeastOnce ? Stage::kAwaitPuback : Stage::kAwaitPubrec;
    slot->sent_at = now;
  }
  return PublishStatus::kOk;
}

void MqttSession::SendPublishSlot(Slot& slot, bool dup, SteadyTime now) {
  const size_t old = out_.size();
  out_.insert(out_.end(), slot.packet.begin(), slot.packet.end());
  if (dup) out_[old] |= 0x08;
  const auto qos = static_cast<QoS>((slot.packet[0] >> 1) & 3);
  slot.stage = qos == QoS::kAtLeastOnce ? Stage::kAwaitPuback : Stage::kAwaitPubrec;
  slot.sent_at = now;
}

void MqttSession::SendPubrel(uint16_t id) {
  codec::Pubrel rel;
  rel.packet_id = id;
  (void)Append(rel);
}

void MqttSession::FreeSlot(Slot& slot) {
  ids_.Release(slot.packet_id);
  slot.stage = Stage::kFree;
  slot.packet.clear();
  --inflight_count_;
}

void MqttSession::HandleAck(PacketType type, uint16_t id, ReasonCode rc, SteadyTime now) {
  Slot* slot = FindSlot(id);
  if (slot == nullptr) {
    // A late duplicate ack (e.g. after our DUP resend); PUBREC still needs its PUBREL.
    if (type == PacketType::kPubrec) SendPubrel(id);
    return;
  }
  bool done = false;
  switch (type) {
    case PacketType::kPuback:
      done = slot->stage == Stage::kAwaitPuback;
      break;
    case PacketType::kPubrec:
      if (slot->stage == Stage::kAwaitPubrec || slot->stage == Stage::kAwaitPubcomp) {
        if (!codec::IsSuccess(rc)) {
          done = true;
        } else {
          slot->stage = Stage::kAwaitPubcomp;
          slot->sent_at = now;
          SendPubrel(id);
        }
      }
      break;
    case PacketType::kPubcomp:
      done = slot->stage == Stage::kAwaitPubcomp;
      break;
    default:
      break;
  }
  if (!done) return;
  FreeSlot(*slot);
  if (handler_ != nullptr) handler_->OnPublishDone(id, rc);
  if (window_was_full_ && inflight_count_ < window()) {
    window_was_full_ = false;
    if (handler_ != nullptr) handler_->OnWindowOpen();
  }
}

uint32_t MqttSession::EffectiveSubscriptionId(const SubscriptionRequest& s) const {
  return subscription_ids_available() ? s.subscription_id : 0;
}

uint16_t MqttSession::SendSubscribes(std::span<const SubscriptionRequest> subs) {
  // Control path (subscribe, reconnect): allocations are fine here.
  std::vector<uint32_t> done;  // subscription ids already sent
  std::vector<codec::Subscription> items;
  uint8_t props[8];
  uint16_t first = 0;
  for (size_t i = 0; i < subs.size() && !close_requested_; ++i) {
    const uint32_t sid = EffectiveSubscriptionId(subs[i]);
    if (std::find(done.begin(), done.end(), sid) != done.end()) continue;
    done.push_back(sid);
    items.clear();
    for (size_t j = i; j < subs.size(); ++j) {
      if (EffectiveSubscriptionId(subs[j]) == sid)
        items.push_back({subs[j].filter, subs[j].options});
    }
    codec::Subscribe sub;
    if (sid != 0) {
      codec::PropertyWriter w(props);
      w.AddInteger(PropertyId::kSubscriptionIdentifier, sid);
      auto p = w.Finish(codec::PropertyContext::kSubscribe);
      if (!p.ok()) {
        Fail(IoErrc::kProtocol, "invalid subscription identifier " + std::to_string(sid) + ": " +
                                    codec::ErrcName(p.error()));
        break;
      }
      sub.properties = p.value();
    }
    const uint16_t id = ids_.Allocate();
    if (id == 0) break;
    sub.packet_id = id;
    sub.subscriptions = codec::SubscriptionList(std::span<const codec::Subscription>(items));
    if (!Append(sub)) {
      ids_.Release(id);
      Fail(IoErrc::kProtocol, "cannot encode SUBSCRIBE (invalid topic filter?)");
      break;
    }
    pending_sub_ids_.push_back(id);
    if (first == 0) first = id;
  }
  return first;
}

uint16_t MqttSession::Subscribe(std::span<const SubscriptionRequest> subscriptions,
                                SteadyTime /*now*/) {
  for (const SubscriptionRequest& s : subscriptions) {
    auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                           [&](const SubscriptionRequest& r) { return r.filter == s.filter; });
    if (it != subscriptions_.end()) {
      *it = s;
    } else {
      subscriptions_.push_back(s);
    }
  }
  if (state_ != State::kConnected || subscriptions.empty()) return 0;
  return SendSubscribes(subscriptions);
}

uint16_t MqttSession::Unsubscribe(std::span<const std::string> filters, SteadyTime /*now*/) {
  for (const std::string& f : filters) {
    std::erase_if(subscriptions_, [&](const SubscriptionRequest& r) { return r.filter == f; });
  }
  if (state_ != State::kConnected || filters.empty()) return 0;
  uint16_t id = ids_.Allocate();
  if (id == 0) return 0;
  std::vector<std::string_view> views(filters.begin(), filters.end());
  codec::Unsubscribe u;
  u.packet_id = id;
  u.filters = codec::TopicFilterList(std::span<const std::string_view>(views));
  if (!Append(u)) {
    ids_.Release(id);
    return 0;
  }
  pending_sub_ids_.push_back(id);
  return id;
}

}  // namespace mqb::io
