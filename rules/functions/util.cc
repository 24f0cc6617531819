#include "rules/functions/util.h"

#include <charconv>
#include <cmath>

#include "rules/topic_match.h"

namespace mqb::rules::functions {

EvalError BadArg(std::string_view fn, std::string_view why) {
  std::string msg(fn);
  msg.append(": ");
  msg.append(why);
  return EvalError::BadArgument(std::move(msg));
}

EvalError BadType(std::string_view fn, const Value& v, std::string_view expected) {
  std::string msg(fn);
  msg.append(": expected ");
  msg.append(expected);
  msg.append(", got ");
  msg.append(TypeName(v.type()));
  return EvalError::BadArgument(std::move(msg));
}

EvalError Failed(std::string_view fn, std::string_view why) {
  std::string msg(fn);
  msg.append(": ");
  msg.append(why);
  return EvalError::Exception(std::move(msg));
}

std::string& Scratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<int64_t> StrictInt(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    digits.remove_prefix(1);
  }
  if (!AllDigits(digits)) {
    return std::nullopt;
  }
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> StrictFloat(std::string_view s) {
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    rest.remove_prefix(1);
  }
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view mantissa_int = rest.substr(0, dot);
  std::string_view after = rest.substr(dot + 1);
  size_t e = after.find_first_of("eE");
  std::string_view frac = after.substr(0, e);
  if (!AllDigits(mantissa_int) || !AllDigits(frac)) {
    return std::nullopt;
  }
  if (e != std::string_view::npos) {
    std::string_view exp = after.substr(e + 1);
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
      exp.remove_prefix(1);
    }
    if (!AllDigits(exp)) {
      return std::nullopt;
    }
  }
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::optional<int64_t> FloorToInt(double d) {
  if (!std::isfinite(d)) {
    return std::nullopt;
  }
  double f = std::floor(d);
  // 2^63 is exactly representable; anything >= it does not fit.
  if (f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(f);
}

uint32_t NextCodePoint(std::string_view s, size_t* i, bool* valid) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) {
    ++*i;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07;
  } else {
    *valid = false;
    ++*i;
    return c;
  }
  if (*i + n > s.size()) {
    *valid = false;
    ++*i;
    return c;
  }
  for (size_t k = 1; k < n; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[*i + k]);
    if ((d & 0xC0) != 0x80) {
      *valid = false;
      ++*i;
      return c;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *valid = false;
    ++*i;
    return c;
  }
  *i += n;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view s) {
  bool valid = true;
  size_t i = 0;
  while (i < s.size() && valid) {
    NextCodePoint(s, &i, &valid);
  }
  return valid;
}

void AppendHex(std::string_view bytes, bool upper, std::string* out) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (unsigned char c : bytes) {
    out->push_back(digits[c >> 4]);
    out->push_back(digits[c & 15]);
  }
}

FnResult ToMap(std::string_view fn, const Value& v, EvalContext& ctx) {
  if (v.is_map()) {
    return v;
  }
  if (v.is_string()) {
    auto decoded = ctx.json().Decode(v.AsString(), ctx.arena());
    if (!decoded.ok() || !decoded.value().is_map()) {
      return Err(BadArg(fn, "the string is not a JSON object"));
    }
    return decoded.value();
  }
  if (v.is_array()) {
    MapBuilder b(ctx.arena(), v.size());
    for (const Value& pair : v.AsArray()) {
      if (!pair.is_array() || pair.size() != 2 || !pair.AsArray()[0].is_string()) {
        return Err(BadArg(fn, "an array must hold [key, value] pairs"));
      }
      b.Put(pair.AsArray()[0].AsString(), pair.AsArray()[1]);
    }
    return b.Finish();
  }
  return Err(BadType(fn, v, "a map"));
}

std::optional<Value> NestedGet(const Value& v, std::string_view path, EvalContext& ctx) {
  Value cur = v;
  size_t start = 0;
  while (true) {
    if (cur.is_string()) {
      auto decoded = ctx.json().Decode(cur.AsString(), ctx.arena());
      if (!decoded.ok()) {
        return std::nullopt;
      }
      cur = decoded.value();
    }
    if (!cur.is_map()) {
      return std::nullopt;
    }
    size_t dot = path.find('.', start);
    std::string_view key =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    bool found = false;
    for (const MapEntry& e : cur.AsMap()) {
      if (e.key == key) {
        cur = e.value;
        found = true;
        break;
      }
    }
    if (!found) {
      return std::nullopt;
    }
    if (dot == std::string_view::npos) {
      return cur;
    }
    start = dot + 1;
  }
}

bool TopicMatch(std::string_view name, std::string_view filter) { return MatchTopic(name, filter); }

}  // namespace mqb::rules::functions
