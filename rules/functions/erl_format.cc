// sprintf: a subset of Erlang's io_lib:format/2 (see string_text.h), and Erlang term printing.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "rules/functions/string_text.h"
#include "rules/functions/util.h"

namespace mqb::rules::functions {
namespace {

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr - buf);
}

bool PrintableBinary(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 || c >= 0x7F) && c != '\n' && c != '\r' && c != '\t' && c != '\v' && c != '\b' &&
        c != '\f' && c != 0x1B) {
      return false;
    }
  }
  return true;
}

void AppendErlBinary(std::string_view s, std::string* out) {
  out->append("<<");
  if (PrintableBinary(s)) {
    out->push_back('"');
    for (char c : s) {
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
        case '\v':
          out->append("\\v");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case 0x1B:
          out->append("\\e");
          break;
        default:
          out->push_back(c);
      }
    }
    out->push_back('"');
  } else {
    for (size_t i = 0; i < s.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendInt(static_cast<unsigned char>(s[i]), out);
    }
  }
  out->append(">>");
}

}  // namespace

void AppendErlFloat(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append(std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf"));
    return;
  }
  // Shortest round-trip digits and decimal exponent, then Erlang's choice between the fixed and
  // the exponent form (io_lib_format, whichever is shorter).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);  // "-1.2345e+06"
  bool neg = !sci.empty() && sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  if (neg) out->push_back('-');
  if (d == 0) {
    out->append("0.0");
    return;
  }
  const int place = exp10 + 1;  // position of the decimal point in `digits`
  const int len = static_cast<int>(digits.size());
  std::string exp_text = std::to_string(place - 1);
  auto with_exp = [&]() {
    out->push_back(digits[0]);
    out->push_back('.');
    if (len == 1) {
      out->push_back('0');
    } else {
      out->append(digits, 1, std::string::npos);
    }
    out->push_back('e');
    out->append(exp_text);
  };
  if (place == 0) {
    out->append("0.");
    out->append(digits);
  } else if (place < 0 || place >= len) {
    const int exp_cost = static_cast<int>(exp_text.size()) + 1 + (len == 1 ? 2 : 1);
    if (place < 0) {
      if (2 - place <= exp_cost) {
        out->append("0.");
        out->append(static_cast<size_t>(-place), '0');
        out->append(digits);
      } else {
        with_exp();
      }
    } else if (place - len + 2 <= exp_cost) {
      out->append(digits);
      out->append(static_cast<size_t>(place - len), '0');
      out->append(".0");
    } else {
      with_exp();
    }
  } else {
    out->append(digits, 0, place);
    out->push_back('.');
    out->append(digits, place, std::string::npos);
  }
}

void AppendErlTerm(const Value& v, bool spaced, std::string* out) {
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
      AppendErlFloat(v.AsFloat(), out);
      return;
    case Value::Type::kString:
      AppendErlBinary(v.AsString(), out);
      return;
    case Value::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.AsArray()) {
        if (!first) out->push_back(',');
        first = false;
        AppendErlTerm(item, spaced, out);
      }
      out->push_back(']');
      return;
    }
    case Value::Type::kMap: {
      out->append("#{");
      bool first = true;
      for (const MapEntry& e : v.AsMap()) {
        if (!first) out->append(spaced ? "," : ",");
        first = false;
        AppendErlBinary(e.key, out);
        out->append(spaced ? " => " : "=>");
        AppendErlTerm(e.value, spaced, out);
      }
      out->push_back('}');
      return;
    }
  }
}

namespace {

struct Spec {
  bool has_width = false;
  int64_t width = 0;
  bool has_precision = false;
  int64_t precision = 0;
  char pad = ' ';
  bool unicode = false;
};

EvalError FormatError(std::string_view why) { return BadArg("sprintf", why); }

// Pads `text` to the field width (right-justified unless the width is negative).
Result<void, EvalError> Emit(const Spec& spec, std::string_view text, std::string* out) {
  if (!spec.has_width) {
    out->append(text);
    return Ok<EvalError>();
  }
  const int64_t w = spec.width < 0 ? -spec.width : spec.width;
  if (w > static_cast<int64_t>(kMaxResultBytes)) {
    return Err(FormatError("field width too large"));
  }
  const size_t n = text.size() >= static_cast<size_t>(w) ? 0 : static_cast<size_t>(w) - text.size();
  if (spec.width < 0) {
    out->append(text);
    out->append(n, spec.pad);
  } else {
    out->append(n, spec.pad);
    out->append(text);
  }
  return Ok<EvalError>();
}

}  // namespace

Result<void, EvalError> ErlFormat(std::string_view fmt, std::span<const Value> args,
                                  std::string* out) {
  size_t next_arg = 0;
  auto take = [&]() -> const Value* {
    return next_arg < args.size() ? &args[next_arg++] : nullptr;
  };
  thread_local std::string text;  // reused: no allocation once warm
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (out->size() > kMaxResultBytes) {
      return Err(FormatError("result too large"));
    }
    if (fmt[i] != '~') {
      out->push_back(fmt[i]);
      continue;
    }
    Spec spec;
    ++i;
    // Field width, precision, pad: numbers, '*' (from the arguments) or '-'.
    auto read_num = [&](int64_t* dst, bool* has) -> bool {
      if (i < fmt.size() && fmt[i] == '*') {
        const Value* a = take();
        if (a == nullptr || !a->is_int()) return false;
        *dst = a->AsInt();
        *has = true;
        ++i;
        return true;
      }
      bool neg = false;
      if (i < fmt.size() && fmt[i] == '-') {
        neg = true;
        ++i;
      }
      int64_t n = 0;
      bool any = false;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9' && n < 100000000) {
        n = n * 10 + (fmt[i++] - '0');
        any = true;
      }
      if (any) {
        *dst = neg ? -n : n;
        *has = true;
      }
      return any || !neg;
    };
    if (!read_num(&spec.width, &spec.has_width)) return Err(FormatError("bad field width"));
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      if (!read_num(&spec.precision, &spec.has_precision)) return Err(FormatError("bad precision"));
      if (i < fmt.size() && fmt[i] == '.') {
        ++i;
        if (i >= fmt.size()) return Err(FormatError("truncated control sequence"));
        spec.pad = fmt[i++];
      }
    }
    while (i < fmt.size() && (fmt[i] == 't' || fmt[i] == 'l')) {
      spec.unicode = spec.unicode || fmt[i] == 't';
      ++i;
    }
    if (i >= fmt.size()) return Err(FormatError("truncated control sequence"));
    const char control = fmt[i];
    text.clear();
    switch (control) {
      case '~':
        text = "~";
        break;
      case 'n':
        text = "\n";
        break;
      case 'i':
        if (take() == nullptr) return Err(FormatError("too few arguments"));
        continue;
      case 's': {
        const Value* a = take();
        if (a == nullptr) return Err(FormatError("too few arguments"));
        if (a->is_string()) {
          text.assign(a->AsString());
        } else if (a->is_bool() || a->is_undefined() || a->is_null()) {
          AppendErlTerm(*a, true, &text);
        } else if (a->is_array()) {
          for (const Value& c : a->AsArray()) {
            if (!c.is_int() || c.AsInt() < 0 || c.AsInt() > 0x10FFFF) {
              return Err(FormatError("~s needs a string"));
            }
            AppendUtf8(static_cast<uint32_t>(c.AsInt()), &text);
          }
        } else {
          return Err(FormatError("~s needs a string"));
        }
        if (spec.has_precision && spec.precision >= 0 &&
            static_cast<size_t>(spec.precision) < text.size()) {
          text.resize(static_cast<size_t>(spec.precision));
        }
        break;
      }
      case 'p':
      case 'w':
      case 'P':
      case 'W': {
        const Value* a = take();
        if (a == nullptr) return Err(FormatError("too few arguments"));
        if (control == 'P' || control == 'W') {
          if (take() == nullptr) return Err(FormatError("too few arguments"));  // depth
        }
        AppendErlTerm(*a, control == 'p' || control == 'P', &text);
        break;
      }
      case 'c': {
        const Value* a = take();
        if (a == nullptr || !a->is_int() || a->AsInt() < 0 || a->AsInt() > 0x10FFFF) {
          return Err(FormatError("~c needs a character code"));
        }
        int64_t count = spec.has_precision ? spec.precision : 1;
        if (count < 0 || count > static_cast<int64_t>(kMaxResultBytes)) {
          return Err(FormatError("bad repeat count"));
        }
        std::string one;
        AppendUtf8(static_cast<uint32_t>(a->AsInt()), &one);
        for (int64_t k = 0; k < count; ++k) text.append(one);
        break;
      }
      case 'B':
      case 'b':
      case '#':
      case '+': {
        const Value* a = take();
        if (a == nullptr || !a->is_int()) return Err(FormatError("~B needs an integer"));
        int64_t base = spec.has_precision ? spec.precision : 10;
        if (base < 2 || base > 36) return Err(FormatError("base must be 2..36"));
        char buf[72];
        int64_t v = a->AsInt();
        auto r = std::to_chars(buf, buf + sizeof(buf), v, static_cast<int>(base));
        std::string digits(buf, r.ptr - buf);
        if (control == 'B' || control == '#') {
          for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (control == '#' || control == '+') {
          bool neg = !digits.empty() && digits[0] == '-';
          text = (neg ? "-" : "") + std::to_string(base) + "#" + digits.substr(neg ? 1 : 0);
        } else {
          text = digits;
        }
        break;
      }
      case 'f':
      case 'e':
      case 'g': {
        const Value* a = take();
        if (a == nullptr || !a->is_number()) return Err(FormatError("~f/~e/~g need a number"));
        int64_t p = spec.has_precision ? spec.precision : 6;
        if (p < (control == 'e' ? 2 : 0) || p > 253) return Err(FormatError("bad precision"));
        double d = a->AsDouble();
        char buf[600];
        int n;
        char conv = control;
        if (control == 'g') {
          double ad = std::fabs(d);
          conv = (ad >= 0.1 && ad < 10000.0) ? 'f' : 'e';
          if (conv == 'f') {
            // Erlang ~g: P significant digits in the ~f form.
            int int_digits = ad >= 1.0 ? static_cast<int>(std::floor(std::log10(ad))) + 1 : 0;
            p = std::max<int64_t>(p - int_digits, 0);
          }
        }
        if (conv == 'f') {
          n = std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(p), d);
        } else {
          n = std::snprintf(buf, sizeof(buf), "%.*e", static_cast<int>(p - 1), d);
        }
        if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) {
          return Err(FormatError("number too large to format"));
        }
        text.assign(buf, n);
        if (conv == 'e') {
          // "1.5e+07" -> Erlang "1.5e+7".
          size_t epos = text.find('e');
          size_t k = epos + 2;
          while (k + 1 < text.size() && text[k] == '0') text.erase(k, 1);
        }
        break;
      }
      default:
        return Err(FormatError(std::string("unsupported control ~") + control));
    }
    auto r = Emit(spec, text, out);
    if (!r.ok()) return r;
  }
  if (next_arg != args.size()) {
    return Err(FormatError("too many arguments for the format"));
  }
  return Ok<EvalError>();
}

}  // namespace mqb::rules::functions
