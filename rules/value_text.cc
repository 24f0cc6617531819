// Value to text: JSON encoding, EMQX str() formatting, number parsing (see value.h).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "rules/value.h"

namespace mqb::rules {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) { out->append(s.data() + run_start, end - run_start); };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    flush(i);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, 6);
      }
    }
    ++i;
    run_start = i;
  }
  flush(i);
  out->push_back('"');
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr - buf);
}

void AppendJsonFloat(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[64];
  double mag = std::fabs(d);
  bool fixed = mag == 0 || (mag >= 1e-5 && mag < 1e16);
  auto r = std::to_chars(buf, buf + sizeof(buf), d,
                         fixed ? std::chars_format::fixed : std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  out->append(s);
  if (s.find_first_of(".en") == std::string_view::npos) {
    out->append(".0");
  }
}

}  // namespace

void AppendFloatCompact(double d, int decimals, std::string* out) {
  if (!std::isfinite(d)) {
    out->append(std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf"));
    return;
  }
  if (decimals < 0) {
    decimals = 0;
  }
  if (decimals > 253) {
    decimals = 253;
  }
  char buf[512];
  int n = std::snprintf(buf, sizeof(buf), "%.*f", decimals, d);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) {
    AppendJsonFloat(d, out);
    return;
  }
  std::string_view s(buf, n);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) {
    out->append(s);
    out->append(".0");
    return;
  }
  size_t end = s.size();
  while (end > dot + 2 && s[end - 1] == '0') {
    --end;
  }
  out->append(s.substr(0, end));
}

void AppendJson(const Value& v, std::string* out) {
  switch (v.type()) {
    case Value::Type::kUndefined:
      out->append("\"undefined\"");
      return;
    case Value::Type::kNull:
      out->append("null");
      return;
    case Value::Type::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return;
    case Value::Type::kInt:
      AppendInt(v.AsInt(), out);
      return;
    case Value::Type::kFloat:
      AppendJsonFloat(v.AsFloat(), out);
      return;
    case Value::Type::kString:
      AppendJsonString(v.AsString(), out);
      return;
    case Value::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.AsArray()) {
        if (!first) {
          out->push_back(',');
        }
        first = false;
        AppendJson(e, out);
      }
      out->push_back(']');
      return;
    }
    case Value::Type::kMap: {
      out->push_back('{');
      bool first = true;
      for (const MapEntry& e : v.AsMap()) {
        if (!first) {
          out->push_back(',');
        }
        first = false;
        AppendJsonString(e.key, out);
        out->push_back(':');
        AppendJson(e.value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string ToJson(const Value& v) {
  std::string s;
  AppendJson(v, &s);
  return s;
}

namespace {
std::string& Scratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}
}  // namespace

Value JsonEncode(Arena& arena, const Value& v) {
  std::string& s = Scratch();
  AppendJson(v, &s);
  return Value::String(arena, s);
}

void AppendText(const Value& v, std::string* out) {
  switch (v.type()) {
    case Value::Type::kUndefined:
      out->append("undefined");
      return;
    case Value::Type::kNull:
      out->append("null");
      return;
    case Value::Type::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return;
    case Value::Type::kInt:
      AppendInt(v.AsInt(), out);
      return;
    case Value::Type::kFloat:
      AppendFloatCompact(v.AsFloat(), 10, out);
      return;
    case Value::Type::kString:
      out->append(v.AsString());
      return;
    case Value::Type::kArray:
    case Value::Type::kMap:
      AppendJson(v, out);
      return;
  }
}

Value ToText(Arena& arena, const Value& v) {
  if (v.is_string()) {
    return v;
  }
  std::string& s = Scratch();
  AppendText(v, &s);
  return Value::String(arena, s);
}

std::optional<Value> ParseNumber(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) {
    return std::nullopt;
  }
  bool all_digits = true;
  for (char c : body) {
    if (c < '0' || c > '9') {
      all_digits = false;
      break;
    }
  }
  if (all_digits) {
    int64_t v = 0;
    std::string_view digits = s[0] == '+' ? s.substr(1) : s;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
      return Value::Int(v);
    }
    // Out of int64 range: fall through to float.
  }
  // Float: digits with '.', exponent, or both; no hex, inf or nan.
  bool seen_digit = false;
  for (char c : body) {
    if (c >= '0' && c <= '9') {
      seen_digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      return std::nullopt;
    }
  }
  if (!seen_digit) {
    return std::nullopt;
  }
  double d = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), d);
  if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return std::nullopt;
  }
  return Value::Float(neg ? -d : d);
}

}  // namespace mqb::rules
