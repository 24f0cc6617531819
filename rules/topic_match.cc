#include "rules/topic_match.h"

namespace mqb::rules {

namespace {

// Next level of `s` starting at *pos; advances *pos past the separator. *done set after last.
// (A plain loop: levels are short, a memchr call per level costs more.)
std::string_view NextLevel(std::string_view s, size_t* pos, bool* done) {
  size_t start = *pos;
  size_t i = start;
  while (i < s.size() && s[i] != '/') {
    ++i;
  }
  std::string_view level = s.substr(start, i - start);
  if (i == s.size()) {
    *done = true;
    *pos = s.size();
  } else {
    *pos = i + 1;
  }
  return level;
}

}  // namespace

bool HasWildcard(std::string_view filter) {
  return filter.find_first_of("+#") != std::string_view::npos;
}

bool MatchTopic(std::string_view topic, std::string_view filter) {
  if (filter.empty()) {
    return false;
  }
  if (!topic.empty() && topic[0] == '$' && (filter[0] == '+' || filter[0] == '#')) {
    return false;
  }
  size_t tpos = 0;
  size_t fpos = 0;
  bool tdone = false;
  bool fdone = false;
  while (!fdone) {
    std::string_view f = NextLevel(filter, &fpos, &fdone);
    if (f.size() == 1 && f[0] == '#') {
      return fdone;  // '#' must be the last level; matches the rest, including nothing
    }
    bool plus = f.size() == 1 && f[0] == '+';
    if (!plus) {
      for (char c : f) {
        if (c == '+' || c == '#') {
          return false;  // malformed level
        }
      }
    }
    if (tdone) {
      return false;  // topic has fewer levels than the filter
    }
    std::string_view t = NextLevel(topic, &tpos, &tdone);
    if (!plus && f != t) {
      return false;
    }
  }
  return tdone;
}

}  // namespace mqb::rules
