// MQTT topic-filter matching for FROM clauses, the =~ operator and the topic functions.
//
// MatchTopic(topic, filter): '+' matches exactly one level (possibly empty), '#' (last level
// only) matches any number of levels including none ("a/#" matches "a"); topics starting with '$'
// are not matched by a filter whose first level is a wildcard (MQTT 3.1.1 4.7.2). A malformed
// filter ('#' not last, wildcard mixed with other characters in a level) matches nothing.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace mqb::rules {

bool MatchTopic(std::string_view topic, std::string_view filter);
// True if `filter` contains '+' or '#'.
bool HasWildcard(std::string_view filter);

}  // namespace mqb::rules
