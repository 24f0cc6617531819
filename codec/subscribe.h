// SUBSCRIBE: one or more topic filters with their subscription options.
//
// Wire format: docs/codec.md, "SUBSCRIBE". The list of subscriptions is a SubscriptionList: for a
// decoded packet, a validated view over the payload bytes (iterated without allocation); for
// encoding, a view over the caller's std::span<const Subscription>.
//
// Thread-safety: plain values; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <type_traits>

#include "codec/properties.h"
#include "codec/protocol.h"

namespace mqb::codec {

struct SubscriptionOptions {
  QoS qos = QoS::kAtMostOnce;        // maximum QoS (the "requested QoS" of 3.x)
  bool no_local = false;             // 5.0 only
  bool retain_as_published = false;  // 5.0 only
  uint8_t retain_handling = 0;       // 5.0 only: 0 send retained, 1 only if new, 2 never

  bool operator==(const SubscriptionOptions&) const = default;
};

struct Subscription {
  std::string_view filter;  // a valid topic filter, possibly "$share/group/filter"
  SubscriptionOptions options;
};

// The payload of a SUBSCRIBE: either encoded bytes (decoded packets) or caller items (encoding).
class SubscriptionList {
 public:
  SubscriptionList() = default;
  // From caller items; the span must outlive the list.
  SubscriptionList(std::span<const Subscription> items)  // NOLINT: implicit on purpose
      : items_(items), count_(items.size()) {}
  // From any contiguous range of items (std::array, std::vector); it must outlive the list.
  template <typename R>
  requires std::is_convertible_v<const R&, std::span<const Subscription>> SubscriptionList(
      const R& items)  // NOLINT: implicit on purpose
      : SubscriptionList(std::span<const Subscription>(items)) {}
  // From a payload validated by the decoder. REQUIRES: well-formed for `version`, `count` items.
  static SubscriptionList FromValidatedPayload(std::span<const uint8_t> payload, size_t count,
                                               ProtocolVersion version) {
    SubscriptionList l;
    l.encoded_ = payload;
    l.count_ = count;
    l.v5_ = version == ProtocolVersion::kV5;
    return l;
  }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  class Iterator {
   public:
    using value_type = Subscription;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;
    using reference = value_type;
    using pointer = void;
    Iterator() = default;
    Subscription operator*() const;
    Iterator& operator++();
    bool operator==(const Iterator& o) const { return index_ == o.index_; }

   private:
    friend class SubscriptionList;
    const SubscriptionList* list_ = nullptr;
    size_t index_ = 0;
    size_t offset_ = 0;  // into encoded_, for the encoded form
  };
  Iterator begin() const;
  Iterator end() const;

 private:
  std::span<const Subscription> items_;
  std::span<const uint8_t> encoded_;
  size_t count_ = 0;
  bool v5_ = false;
};

struct Subscribe {
  uint16_t packet_id = 0;          // non-zero
  Properties properties;           // 5.0 only; PropertyContext::kSubscribe
  SubscriptionList subscriptions;  // at least one
};

}  // namespace mqb::codec
