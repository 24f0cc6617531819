#include "engine/units.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace mqb::engine {

namespace {

// Splits "123abc" into the number 123 and the suffix "abc"; false when there is no number.
bool SplitNumber(std::string_view text, uint64_t& number, std::string_view& suffix) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr == text.data()) return false;
  suffix = text.substr(static_cast<size_t>(ptr - text.data()));
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (Lower(text) == "infinity") return Duration::max();
  uint64_t n = 0;
  std::string_view suffix;
  if (!SplitNumber(text, n, suffix)) return std::nullopt;
  const std::string unit = Lower(suffix);
  uint64_t factor = 0;
  if (unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else if (unit == "d") {
    factor = 86'400'000;
  } else {
    return std::nullopt;
  }
  if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / factor) return std::nullopt;
  return Duration(static_cast<int64_t>(n * factor));
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  uint64_t n = 0;
  std::string_view suffix;
  if (!SplitNumber(text, n, suffix)) return std::nullopt;
  const std::string unit = Lower(suffix);
  uint64_t factor = 0;
  if (unit.empty() || unit == "b") {
    factor = 1;
  } else if (unit == "kb" || unit == "k") {
    factor = 1ull << 10;
  } else if (unit == "mb" || unit == "m") {
    factor = 1ull << 20;
  } else if (unit == "gb" || unit == "g") {
    factor = 1ull << 30;
  } else {
    return std::nullopt;
  }
  if (n > std::numeric_limits<uint64_t>::max() / factor) return std::nullopt;
  return n * factor;
}

}  // namespace mqb::engine
