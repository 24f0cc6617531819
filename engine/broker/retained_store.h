// RetainedStore: the last retained message per topic name.
//
// Lookup for a subscription: an exact filter is one hash lookup; a wildcard filter scans the
// store (linear in the number of retained topics; subscriptions are rare next to publishes).
//
// Thread-safety: not thread-safe (broker reactor thread).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "codec/topic.h"
#include "engine/broker/message.h"

namespace mqb::engine::broker {

class RetainedStore {
 public:
  // Stores `m` under its topic, or clears the topic when the payload is empty (spec 3.3.1.3).
  void Set(const MessageRef& m) {
    if (m->payload.empty()) {
      auto it = map_.find(m->topic);
      if (it != map_.end()) map_.erase(it);
      return;
    }
    auto it = map_.find(m->topic);
    if (it != map_.end()) {
      it->second = m;
    } else {
      map_.emplace(m->topic, m);
    }
  }
  // Calls fn(message) for each retained message matching `filter`; drops expired ones.
  template <typename Fn>
  void ForEachMatch(std::string_view filter, TimePoint now, Fn&& fn) {
    if (!codec::HasWildcard(filter)) {
      auto it = map_.find(filter);
      if (it == map_.end()) return;
      if (it->second->Expired(now)) {
        map_.erase(it);
        return;
      }
      fn(it->second);
      return;
    }
    for (auto it = map_.begin(); it != map_.end();) {
      if (it->second->Expired(now)) {
        it = map_.erase(it);
        continue;
      }
      if (codec::TopicMatches(filter, it->first)) fn(it->second);
      ++it;
    }
  }
  size_t size() const { return map_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, MessageRef, Hash, std::equal_to<>> map_;
};

}  // namespace mqb::engine::broker
