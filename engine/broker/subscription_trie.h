// SubscriptionTrie: the broker's topic-filter index. Filters are split into levels; each trie
// node holds the plain subscribers of the filter ending there and its shared-subscription groups
// ($share/group/filter), each group dispatching round-robin to one member per message.
//
// Matching walks the topic name level by level, following the exact child, '+' and '#'; a
// leading wildcard never matches a topic starting with '$' (spec 4.7.2). Matching allocates
// nothing: the topic is split on the fly and results are reported through a callback.
//
// Subscribers are identified by an opaque `Subscriber*` owner pointer (the broker's Session);
// one owner has at most one subscription per (filter, group).
//
// Thread-safety: not thread-safe; the broker uses it from its single reactor thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/subscribe.h"

namespace mqb::engine::broker {

struct Session;

struct SubscriptionEntry {
  Session* session = nullptr;
  codec::SubscriptionOptions options;
  uint32_t subscription_id = 0;  // 0: none
};

class SubscriptionTrie {
 public:
  SubscriptionTrie();
  ~SubscriptionTrie();
  SubscriptionTrie(const SubscriptionTrie&) = delete;
  SubscriptionTrie& operator=(const SubscriptionTrie&) = delete;

  // Adds or replaces the subscription of `entry.session` on `filter` (in `group`, empty for a
  // plain subscription). Returns true if it is new (no previous one for this session/filter).
  // REQUIRES: `filter` valid without the $share prefix.
  bool Add(std::string_view group, std::string_view filter, const SubscriptionEntry& entry);
  // Removes it; false if there was none.
  bool Remove(std::string_view group, std::string_view filter, const Session* session);

  // Calls `plain(entry)` for every plain subscription matching `topic` and
  // `shared(members, next_index)` once per matching shared group; the callee picks a member and
  // updates the round-robin cursor. REQUIRES: `topic` is a valid topic name.
  template <typename Plain, typename Shared>
  void Match(std::string_view topic, Plain&& plain, Shared&& shared);

  size_t size() const { return size_; }

 private:
  struct Group {
    std::string name;
    std::vector<SubscriptionEntry> members;
    size_t next = 0;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>, Hash, std::equal_to<>> children;
    Node* plus = nullptr;  // children["+"]
    Node* hash = nullptr;  // children["#"]
    std::vector<SubscriptionEntry> subscribers;
    std::vector<Group> groups;
    bool empty() const { return children.empty() && subscribers.empty() && groups.empty(); }
  };
  template <typename Plain, typename Shared>
  static void Visit(Node* node, Plain& plain, Shared& shared);
  template <typename Plain, typename Shared>
  static void MatchFrom(Node* node, std::string_view rest, bool at_end, bool first, Plain& plain,
                        Shared& shared);
  static bool RemoveFrom(Node* node, std::string_view group, std::string_view rest,
                         const Session* session, bool* removed);

  std::unique_ptr<Node> root_;
  size_t size_ = 0;
};

// ---- implementation of the template -----------------------------------------------------------

template <typename Plain, typename Shared>
void SubscriptionTrie::Visit(Node* node, Plain& plain, Shared& shared) {
  for (const SubscriptionEntry& e : node->subscribers) plain(e);
  for (Group& g : node->groups) {
    if (!g.members.empty()) shared(g.members, g.next);
  }
}

// `rest`: the topic levels still to match; `at_end`: no level left (rest consumed entirely).
template <typename Plain, typename Shared>
void SubscriptionTrie::MatchFrom(Node* node, std::string_view rest, bool at_end, bool first,
                                 Plain& plain, Shared& shared) {
  const bool dollar = first && !rest.empty() && rest.front() == '$';
  // '#' matches the parent level too ("a/#" matches "a") and everything below.
  if (node->hash != nullptr && !dollar) Visit(node->hash, plain, shared);
  if (at_end) {
    Visit(node, plain, shared);
    return;
  }
  size_t slash = rest.find('/');
  std::string_view level = rest.substr(0, slash);
  std::string_view next =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  bool next_end = slash == std::string_view::npos;
  auto it = node->children.find(level);
  if (it != node->children.end()) MatchFrom(it->second.get(), next, next_end, false, plain, shared);
  if (node->plus != nullptr && !dollar) MatchFrom(node->plus, next, next_end, false, plain, shared);
}

template <typename Plain, typename Shared>
void SubscriptionTrie::Match(std::string_view topic, Plain&& plain, Shared&& shared) {
  MatchFrom(root_.get(), topic, false, true, plain, shared);
}

}  // namespace mqb::engine::broker
