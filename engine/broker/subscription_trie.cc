#include "engine/broker/subscription_trie.h"

#include <algorithm>

namespace mqb::engine::broker {

SubscriptionTrie::SubscriptionTrie() : root_(std::make_unique<Node>()) {}
SubscriptionTrie::~SubscriptionTrie() = default;

bool SubscriptionTrie::Add(std::string_view group, std::string_view filter,
                           const SubscriptionEntry& entry) {
  Node* node = root_.get();
  while (true) {
    size_t slash = filter.find('/');
    std::string_view level = filter.substr(0, slash);
    auto it = node->children.find(level);
    if (it == node->children.end()) {
      it = node->children.emplace(std::string(level), std::make_unique<Node>()).first;
      if (level == "+") node->plus = it->second.get();
      if (level == "#") node->hash = it->second.get();
    }
    node = it->second.get();
    if (slash == std::string_view::npos) break;
    filter.remove_prefix(slash + 1);
  }
  std::vector<SubscriptionEntry>* list = &node->subscribers;
  if (!group.empty()) {
    auto g = std::find_if(node->groups.begin(), node->groups.end(),
                          [&](const Group& x) { return x.name == group; });
    if (g == node->groups.end()) {
      node->groups.push_back(Group{std::string(group), {}, 0});
      g = node->groups.end() - 1;
    }
    list = &g->members;
  }
  for (SubscriptionEntry& e : *list) {
    if (e.session == entry.session) {
      e = entry;
      return false;
    }
  }
  list->push_back(entry);
  ++size_;
  return true;
}

bool SubscriptionTrie::RemoveFrom(Node* node, std::string_view group, std::string_view rest,
                                  const Session* session, bool* removed) {
  size_t slash = rest.find('/');
  std::string_view level = rest.substr(0, slash);
  auto it = node->children.find(level);
  if (it == node->children.end()) return false;
  Node* child = it->second.get();
  if (slash == std::string_view::npos) {
    auto drop = [&](std::vector<SubscriptionEntry>& list) {
      auto e = std::find_if(list.begin(), list.end(),
                            [&](const SubscriptionEntry& x) { return x.session == session; });
      if (e == list.end()) return;
      list.erase(e);
      *removed = true;
    };
    if (group.empty()) {
      drop(child->subscribers);
    } else {
      for (auto g = child->groups.begin(); g != child->groups.end(); ++g) {
        if (g->name != group) continue;
        drop(g->members);
        if (g->next >= g->members.size()) g->next = 0;
        if (g->members.empty()) child->groups.erase(g);
        break;
      }
    }
  } else {
    RemoveFrom(child, group, rest.substr(slash + 1), session, removed);
  }
  if (child->empty()) {
    if (node->plus == child) node->plus = nullptr;
    if (node->hash == child) node->hash = nullptr;
    node->children.erase(it);
  }
  return *removed;
}

bool SubscriptionTrie::Remove(std::string_view group, std::string_view filter,
                              const Session* session) {
  bool removed = false;
  RemoveFrom(root_.get(), group, filter, session, &removed);
  if (removed) --size_;
  return removed;
}

}  // namespace mqb::engine::broker
