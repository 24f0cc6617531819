#include "rules/topic_match.h"

namespace mqb::rules {

namespace {

// Next level of `s` starting at *pos; advances *pos past the separator. *done set after last.
std::string_view NextLevel(std::string_view s, size_t* pos, bool* done) {
  size_t slash = s.find('/', *pos);
  std::string_view level;
  if (slash == std::string_view::npos) {
    level = s.substr(*pos);
    *done = true;
    *pos = s.size();
  } else {
    level = s.substr(*pos, slash - *pos);
    *pos = slash + 1;
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
    if (f == "#") {
      return fdone;  // '#' must be the last level; matches the rest, including nothing
    }
    if (f.find_first_of("+#") != std::string_view::npos && f != "+") {
      return false;  // malformed level
    }
    if (tdone) {
      return false;  // topic has fewer levels than the filter
    }
    std::string_view t = NextLevel(topic, &tpos, &tdone);
    if (f != "+" && f != t) {
      return false;
    }
  }
  return tdone;
}

}  // namespace mqb::rules
