// UNSUBSCRIBE: one or more topic filters to remove.
//
// Wire format: docs/codec.md, "UNSUBSCRIBE". TopicFilterList is a view: over the validated
// payload (decode) or over the caller's std::span<const std::string_view> (encode).
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

namespace mqb::codec {

class TopicFilterList {
 public:
  TopicFilterList() = default;
  TopicFilterList(std::span<const std::string_view> items)  // NOLINT: implicit on purpose
      : items_(items), count_(items.size()) {}
  // From any contiguous range of items (std::array, std::vector); it must outlive the list.
  template <typename R>
  requires std::is_convertible_v<const R&, std::span<const std::string_view>> TopicFilterList(
      const R& items)  // NOLINT: implicit on purpose
      : TopicFilterList(std::span<const std::string_view>(items)) {}
  // REQUIRES: `payload` is a sequence of `count` well-formed length-prefixed strings.
  static TopicFilterList FromValidatedPayload(std::span<const uint8_t> payload, size_t count) {
    TopicFilterList l;
    l.encoded_ = payload;
    l.count_ = count;
    return l;
  }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  class Iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;
    using reference = value_type;
    using pointer = void;
    Iterator() = default;
    std::string_view operator*() const;
    Iterator& operator++();
    bool operator==(const Iterator& o) const { return index_ == o.index_; }

   private:
    friend class TopicFilterList;
    const TopicFilterList* list_ = nullptr;
    size_t index_ = 0;
    size_t offset_ = 0;
  };
  Iterator begin() const;
  Iterator end() const;

 private:
  std::span<const std::string_view> items_;
  std::span<const uint8_t> encoded_;
  size_t count_ = 0;
};

struct Unsubscribe {
  uint16_t packet_id = 0;   // non-zero
  Properties properties;    // 5.0 only; PropertyContext::kUnsubscribe
  TopicFilterList filters;  // at least one
};

}  // namespace mqb::codec
