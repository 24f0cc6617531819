#include "codec/topic.h"

#include <cstring>

#include "base/macros.h"
#include "codec/protocol.h"
#include "codec/utf8.h"

namespace mqb::codec {

Result<void, Errc> ValidateTopicName(std::string_view name) {
  if (name.empty()) return Err(Errc::kEmptyTopicName);
  if (name.size() > kMaxStringSize) return Err(Errc::kFieldTooLong);
  if (name.find_first_of("+#") != std::string_view::npos) return Err(Errc::kWildcardInTopicName);
  return ValidateMqttUtf8(name);
}

namespace {

// Wildcard placement in a plain (non-shared) filter. REQUIRES: non-empty.
Result<void, Errc> ValidateFilterLevels(std::string_view f) {
  const size_t n = f.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = f[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || f[i - 1] == '/';
    if (!starts_level) return Err(Errc::kInvalidWildcard);
    if (c == '#') {
      if (i + 1 != n) return Err(Errc::kInvalidWildcard);
    } else if (i + 1 != n && f[i + 1] != '/') {
      return Err(Errc::kInvalidWildcard);
    }
  }
  return Ok<Errc>();
}

}  // namespace

Result<std::optional<SharedSubscription>, Errc> ParseSharedSubscription(std::string_view filter) {
  if (filter.substr(0, kSharePrefix.size()) != kSharePrefix) {
    return std::optional<SharedSubscription>();
  }
  std::string_view rest = filter.substr(kSharePrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return Err(Errc::kInvalidSharedSubscription);
  SharedSubscription s;
  s.group = rest.substr(0, slash);
  s.filter = rest.substr(slash + 1);
  if (s.group.find_first_of("+#") != std::string_view::npos || s.filter.empty()) {
    return Err(Errc::kInvalidSharedSubscription);
  }
  return std::optional<SharedSubscription>(s);
}

Result<void, Errc> ValidateTopicFilter(std::string_view filter) {
  if (filter.empty()) return Err(Errc::kEmptyTopicFilter);
  if (filter.size() > kMaxStringSize) return Err(Errc::kFieldTooLong);
  MQB_RETURN_IF_ERROR(ValidateMqttUtf8(filter));
  auto shared = ParseSharedSubscription(filter);
  if (!shared.ok()) return Err(shared.error());
  if (*shared) {
    auto r = ValidateFilterLevels((*shared)->filter);
    if (!r.ok()) return Err(Errc::kInvalidSharedSubscription);
    return Ok<Errc>();
  }
  return ValidateFilterLevels(filter);
}

bool HasWildcard(std::string_view filter) {
  return filter.find_first_of("+#") != std::string_view::npos;
}

bool TopicMatches(std::string_view filter, std::string_view name) {
  const char* f = filter.data();
  const char* const fe = f + filter.size();
  const char* t = name.data();
  const char* const te = t + name.size();
  // [MQTT-4.7.2-1]: a filter starting with a wildcard does not match a name starting with '$'.
  if (t != te && *t == '$' && f != fe && (*f == '+' || *f == '#')) return false;
  while (f != fe) {
    if (*f == '#') return true;  // matches the parent level and everything below
    if (*f == '+') {
      // Consume one level of the name (possibly empty).
      while (t != te && *t != '/') ++t;
      ++f;
    } else {
      // Literal level: compare up to the next '/'.
      const char* fl = static_cast<const char*>(std::memchr(f, '/', static_cast<size_t>(fe - f)));
      if (fl == nullptr) fl = fe;
      const size_t len = static_cast<size_t>(fl - f);
      if (static_cast<size_t>(te - t) < len || std::memcmp(f, t, len) != 0) return false;
      f += len;
      t += len;
      if (t != te && *t != '/') return false;
    }
    // Both at a level end. f is at '/' or fe; t is at '/' or te.
    if (f == fe) return t == te;
    // f at '/'.
    if (t == te) {
      // Name ended; only "/#" can still match ("a/#" matches "a").
      return fe - f == 2 && f[1] == '#';
    }
    ++f;
    ++t;
  }
  return t == te;
}

}  // namespace mqb::codec
