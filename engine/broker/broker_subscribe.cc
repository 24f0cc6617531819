// BrokerCore: SUBSCRIBE / UNSUBSCRIBE, and retained messages for new subscriptions.
#include <vector>

#include "codec/topic.h"
#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

namespace {

struct SplitFilter {
  std::string_view group;
  std::string_view filter;
};

SplitFilter Split(std::string_view full) {
  auto shared = codec::ParseSharedSubscription(full);
  if (shared.ok() && shared.value().has_value()) {
    return {shared.value()->group, shared.value()->filter};
  }
  return {{}, full};
}

}  // namespace

void BrokerCore::HandleSubscribe(Client& c, const codec::Subscribe& sub, TimePoint now) {
  Session& s = *c.session;
  const bool v5 = c.version == ProtocolVersion::kV5;
  uint32_t sub_id =
      v5 ? sub.properties.GetInteger(PropertyId::kSubscriptionIdentifier).value_or(0) : 0;
  std::vector<uint8_t> codes;
  codes.reserve(sub.subscriptions.size());
  struct RetainedWork {
    std::string filter;
    codec::SubscriptionOptions options;
  };
  std::vector<RetainedWork> retained;
  for (codec::Subscription item : sub.subscriptions) {
    SplitFilter f = Split(item.filter);
    bool acl_rule = false;
    const bool allowed = auth_ == nullptr || auth_->Allowed(AclAction::kSubscribe, c.client_id,
                                                            c.username, f.filter, &acl_rule);
    EmitAuthz(c, item.filter, true, allowed, acl_rule, now);
    if (!allowed) {
      if (c.version == ProtocolVersion::kV31) {
        // 3.1 has no SUBACK failure code: the only honest answer is to close.
        ++counters_.protocol_errors;
        c.disconnect_reason = "not_authorized";
        Shutdown(c, now, true);
        return;
      }
      codes.push_back(v5 ? static_cast<uint8_t>(ReasonCode::kNotAuthorized)
                         : codec::kSubackFailureV311);
      continue;
    }
    codec::SubscriptionOptions options = item.options;
    if (!v5) options = codec::SubscriptionOptions{item.options.qos, false, false, 0};
    bool is_new = trie_.Add(f.group, f.filter, SubscriptionEntry{&s, options, sub_id});
    s.subscriptions[std::string(item.filter)] =
        SessionSubscription{std::string(f.group), std::string(f.filter), options, sub_id};
    codes.push_back(static_cast<uint8_t>(options.qos));
    // Shared subscriptions get no retained messages (spec 4.8.2).
    if (f.group.empty() &&
        (options.retain_handling == 0 || (options.retain_handling == 1 && is_new))) {
      retained.push_back({std::string(f.filter), options});
    }
  }
  codec::Suback ack;
  ack.packet_id = sub.packet_id;
  ack.reason_codes = codes;
  Send(c, ack);
  if (Wants(rules::BrokerEventType::kSessionSubscribed)) {
    size_t i = 0;
    for (codec::Subscription item : sub.subscriptions) {
      const uint8_t code = codes[i++];
      if (code >= 0x80) continue;
      EmitSubscription(c, true, item.filter, static_cast<QoS>(code), sub.properties, now);
    }
  }
  for (const RetainedWork& w : retained) {
    retained_.ForEachMatch(w.filter, now, [&](const MessageRef& m) {
      Delivery d;
      d.message = m;
      d.qos = std::min(m->qos, w.options.qos);
      d.retain = true;
      d.AddId(sub_id);
      Deliver(s, std::move(d), now);
    });
  }
}

void BrokerCore::HandleUnsubscribe(Client& c, const codec::Unsubscribe& u, TimePoint now) {
  Session& s = *c.session;
  std::vector<uint8_t> codes;
  codes.reserve(u.filters.size());
  for (std::string_view full : u.filters) {
    SplitFilter f = Split(full);
    bool removed = trie_.Remove(f.group, f.filter, &s);
    auto it = s.subscriptions.find(std::string(full));
    if (it != s.subscriptions.end()) {
      EmitSubscription(c, false, full, it->second.options.qos, u.properties, now);
      s.subscriptions.erase(it);
    }
    codes.push_back(
        static_cast<uint8_t>(removed ? ReasonCode::kSuccess : ReasonCode::kNoSubscriptionExisted));
  }
  codec::Unsuback ack;
  ack.packet_id = u.packet_id;
  ack.reason_codes = codes;
  Send(c, ack);
}

}  // namespace mqb::engine::broker
