// Iteration over SUBSCRIBE / UNSUBSCRIBE payloads, and TypeOf(Packet).
#include <type_traits>

#include "codec/packet.h"
#include "codec/subscribe.h"
#include "codec/unsubscribe.h"

namespace mqb::codec {
namespace {

// Length-prefixed string at `offset` of a validated payload.
std::string_view StringAt(std::span<const uint8_t> b, size_t offset) {
  const size_t n = (size_t{b[offset]} << 8) | b[offset + 1];
  return {reinterpret_cast<const char*>(b.data() + offset + 2), n};
}

SubscriptionOptions OptionsFromByte(uint8_t o, bool v5) {
  SubscriptionOptions opt;
  opt.qos = static_cast<QoS>(o & 0x03);
  if (v5) {
    opt.no_local = (o & 0x04) != 0;
    opt.retain_as_published = (o & 0x08) != 0;
    opt.retain_handling = static_cast<uint8_t>((o >> 4) & 0x03);
  }
  return opt;
}

}  // namespace

Subscription SubscriptionList::Iterator::operator*() const {
  if (list_->encoded_.empty()) return list_->items_[index_];
  Subscription s;
  s.filter = StringAt(list_->encoded_, offset_);
  s.options = OptionsFromByte(list_->encoded_[offset_ + 2 + s.filter.size()], list_->v5_);
  return s;
}

SubscriptionList::Iterator& SubscriptionList::Iterator::operator++() {
  if (!list_->encoded_.empty()) offset_ += 2 + StringAt(list_->encoded_, offset_).size() + 1;
  ++index_;
  return *this;
}

SubscriptionList::Iterator SubscriptionList::begin() const {
  Iterator it;
  it.list_ = this;
  return it;
}

SubscriptionList::Iterator SubscriptionList::end() const {
  Iterator it;
  it.list_ = this;
  it.index_ = count_;
  return it;
}

std::string_view TopicFilterList::Iterator::operator*() const {
  if (list_->encoded_.empty()) return list_->items_[index_];
  return StringAt(list_->encoded_, offset_);
}

TopicFilterList::Iterator& TopicFilterList::Iterator::operator++() {
  if (!list_->encoded_.empty()) offset_ += 2 + StringAt(list_->encoded_, offset_).size();
  ++index_;
  return *this;
}

TopicFilterList::Iterator TopicFilterList::begin() const {
  Iterator it;
  it.list_ = this;
  return it;
}

TopicFilterList::Iterator TopicFilterList::end() const {
  Iterator it;
  it.list_ = this;
  it.index_ = count_;
  return it;
}

PacketType TypeOf(const Packet& packet) {
  return std::visit(
      [](const auto& p) -> PacketType {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Connect>)
          return PacketType::kConnect;
        else if constexpr (std::is_same_v<T, Connack>)
          return PacketType::kConnack;
        else if constexpr (std::is_same_v<T, Publish>)
          return PacketType::kPublish;
        else if constexpr (std::is_same_v<T, Subscribe>)
          return PacketType::kSubscribe;
        else if constexpr (std::is_same_v<T, Suback>)
          return PacketType::kSuback;
        else if constexpr (std::is_same_v<T, Unsubscribe>)
          return PacketType::kUnsubscribe;
        else if constexpr (std::is_same_v<T, Unsuback>)
          return PacketType::kUnsuback;
        else if constexpr (std::is_same_v<T, Pingreq>)
          return PacketType::kPingreq;
        else if constexpr (std::is_same_v<T, Pingresp>)
          return PacketType::kPingresp;
        else if constexpr (std::is_same_v<T, Disconnect>)
          return PacketType::kDisconnect;
        else if constexpr (std::is_same_v<T, Auth>)
          return PacketType::kAuth;
        else
          return T::kPacketType;
      },
      packet);
}

}  // namespace mqb::codec
