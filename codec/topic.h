// Topic names and topic filters: validation, wildcard matching, shared subscriptions.
//
// Rules (3.1.1 section 4.7, 5.0 section 4.7 and 4.8.2):
//  - Names and filters are non-empty UTF-8 strings of at most 65535 bytes without U+0000.
//  - Names contain no '+' or '#'.
//  - In filters '+' occupies a whole level; '#' occupies a whole level and is the last one.
//  - A leading wildcard ('+' or '#' as the first level) does not match a name starting with '$'.
//  - "$share/{group}/{filter}": group non-empty, no '/', '+' or '#'; filter a valid filter.
//
// Matching is allocation-free and linear in the lengths of the inputs.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// Validates a topic name (PUBLISH, Will). Errors: kEmptyTopicName, kFieldTooLong,
// kWildcardInTopicName, kUtf8NullCharacter, kInvalidUtf8.
Result<void, Errc> ValidateTopicName(std::string_view name);

// Validates a topic filter, including "$share/group/filter". Errors: kEmptyTopicFilter,
// kFieldTooLong, kInvalidWildcard, kInvalidSharedSubscription, kUtf8NullCharacter, kInvalidUtf8.
Result<void, Errc> ValidateTopicFilter(std::string_view filter);

// True if the topic name matches the topic filter. Shared-subscription prefixes are NOT stripped
// (match against SharedSubscription::filter). REQUIRES: both valid (validated earlier).
bool TopicMatches(std::string_view filter, std::string_view name);

// True if the filter contains '+' or '#'.
bool HasWildcard(std::string_view filter);

struct SharedSubscription {
  std::string_view group;   // share name
  std::string_view filter;  // the topic filter after the group
};
// Splits "$share/group/filter". nullopt if `filter` does not start with "$share/"; an error
// (kInvalidSharedSubscription) if it does but is not well formed.
Result<std::optional<SharedSubscription>, Errc> ParseSharedSubscription(std::string_view filter);

// The "$share/" prefix.
inline constexpr std::string_view kSharePrefix = "$share/";

}  // namespace mqb::codec
