#include "rules/functions/calendar.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace mqb::rules::functions {
namespace {

// Seconds from 0000-01-01 to 1970-01-01 and to 10000-01-01 (OTP calendar's limits).
constexpr int64_t kSecondsFrom0To1970 = 62167219200;
constexpr int64_t kSecondsFrom1970To10000 = 253402300800;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses exactly the digits of `s` (no sign). nullopt if empty or any non-digit.
std::optional<int64_t> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

// Erlang string:to_integer/1 that must consume the whole string: optional sign, then digits.
std::optional<int64_t> WholeInteger(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto v = Digits(s);
  if (!v) {
    return std::nullopt;
  }
  return neg ? -*v : *v;
}

void Pad(std::string* out, int64_t value, size_t width) {
  // EMQX's padding/2: prepend zeros to the decimal text (a minus sign counts as a character).
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  size_t len = static_cast<size_t>(end - buf);
  if (len < width) {
    out->append(width - len, '0');
  }
  out->append(buf, len);
}

void AppendOffset(std::string* out, int64_t offset, int parts, bool colons) {
  int64_t a = offset < 0 ? -offset : offset;
  out->push_back(offset < 0 ? '-' : '+');
  Pad(out, a / 3600, 2);
  if (colons) out->push_back(':');
  Pad(out, (a % 3600) / 60, 2);
  if (parts == 3) {
    out->push_back(':');
    Pad(out, a % 60, 2);
  }
}

enum class Tok {
  kLiteral,
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kNano,
  kMilli,
  kMicro,
  kTz,
  kTz1,
  kTz2
};

// Reads one formatter token at the start of `f`; literal runs stop before the next placeholder.
Tok NextToken(std::string_view* f, std::string_view* literal) {
  struct Spec {
    std::string_view text;
    Tok tok;
  };
  static constexpr Spec kSpecs[] = {
      {"%Y", Tok::kYear},   {"%m", Tok::kMonth},  {"%d", Tok::kDay},  {"%H", Tok::kHour},
      {"%M", Tok::kMinute}, {"%S", Tok::kSecond}, {"%N", Tok::kNano}, {"%3N", Tok::kMilli},
      {"%6N", Tok::kMicro}, {"%z", Tok::kTz},     {"%:z", Tok::kTz1}, {"%::z", Tok::kTz2},
  };
  auto match = [&](std::string_view s) -> const Spec* {
    for (const Spec& spec : kSpecs) {
      if (s.substr(0, spec.text.size()) == spec.text) {
        return &spec;
      }
    }
    return nullptr;
  };
  if (const Spec* spec = match(*f)) {
    f->remove_prefix(spec->text.size());
    return spec->tok;
  }
  size_t n = 1;
  while (n < f->size() && match(f->substr(n)) == nullptr) {
    ++n;
  }
  *literal = f->substr(0, n);
  f->remove_prefix(n);
  return Tok::kLiteral;
}

size_t TokenSize(Tok t, std::string_view literal) {
  switch (t) {
    case Tok::kLiteral:
      return literal.size();
    case Tok::kYear:
      return 4;
    case Tok::kMonth:
    case Tok::kDay:
    case Tok::kHour:
    case Tok::kMinute:
    case Tok::kSecond:
      return 2;
    case Tok::kNano:
      return 9;
    case Tok::kMilli:
      return 3;
    case Tok::kMicro:
      return 6;
    case Tok::kTz:
      return 5;
    case Tok::kTz1:
      return 6;
    case Tok::kTz2:
      return 9;
  }
  return 0;
}

}  // namespace

std::optional<TimeUnit> ParseTimeUnit(std::string_view name) {
  if (name == "second") return TimeUnit::kSecond;
  if (name == "millisecond") return TimeUnit::kMillisecond;
  if (name == "microsecond") return TimeUnit::kMicrosecond;
  if (name == "nanosecond") return TimeUnit::kNanosecond;
  return std::nullopt;
}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1;
    case TimeUnit::kMillisecond:
      return 1000;
    case TimeUnit::kMicrosecond:
      return 1000000;
    case TimeUnit::kNanosecond:
      return 1000000000;
  }
  return 1;
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 0;
    case TimeUnit::kMillisecond:
      return 3;
    case TimeUnit::kMicrosecond:
      return 6;
    case TimeUnit::kNanosecond:
      return 9;
  }
  return 0;
}

int64_t NowIn(TimeUnit unit) {
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  return FloorDiv(ns, 1000000000 / UnitsPerSecond(unit));
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime CivilFromUnixSeconds(int64_t secs) {
  int64_t days = FloorDiv(secs, 86400);
  int64_t rem = secs - days * 86400;
  int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  CivilTime t;
  t.year = yoe + era * 400 + (m <= 2);
  t.month = m;
  t.day = d;
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>((rem % 3600) / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

bool IsValidDate(int64_t year, int month, int day) {
  return year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

int64_t LocalOffsetSeconds(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm local;
  if (localtime_r(&t, &local) == nullptr) {
    return 0;
  }
  return local.tm_gmtoff;
}

std::optional<int64_t> ParseOffset(std::string_view text) {
  if (text == "Z" || text == "z") {
    return 0;
  }
  if (text == "local") {
    return LocalOffsetSeconds(static_cast<int64_t>(std::time(nullptr)));
  }
  if (text.empty() || (text[0] != '+' && text[0] != '-')) {
    return std::nullopt;
  }
  const int64_t sign = text[0] == '-' ? -1 : 1;
  std::string_view rest = text.substr(1);
  // string:tokens(HM, ":") drops empty tokens.
  std::string_view parts[4];
  int n = 0;
  size_t i = 0;
  while (i < rest.size()) {
    size_t j = rest.find(':', i);
    if (j == std::string_view::npos) j = rest.size();
    if (j > i) {
      if (n == 4) return std::nullopt;
      parts[n++] = rest.substr(i, j - i);
    }
    i = j + 1;
  }
  std::string_view h, m, s = "0";
  if (n == 2) {
    h = parts[0], m = parts[1];
  } else if (n == 3) {
    h = parts[0], m = parts[1], s = parts[2];
  } else if (n == 1 && parts[0].size() == 4) {
    h = parts[0].substr(0, 2), m = parts[0].substr(2, 2);
  } else {
    return std::nullopt;
  }
  auto hv = WholeInteger(h), mv = WholeInteger(m), sv = WholeInteger(s);
  if (!hv || !mv || !sv || *hv > 23 || *mv > 59 || *sv > 59) {
    return std::nullopt;
  }
  return sign * (*hv * 3600 + *mv * 60 + *sv);
}

bool FormatRfc3339(int64_t time, TimeUnit unit, int64_t offset_seconds, std::string* out) {
  const int64_t factor = UnitsPerSecond(unit);
  int64_t adjusted;
  if (__builtin_mul_overflow(offset_seconds, factor, &adjusted) ||
      __builtin_add_overflow(time, adjusted, &adjusted)) {
    return false;
  }
  const int64_t secs = FloorDiv(adjusted, factor);
  if (secs < -kSecondsFrom0To1970 || secs >= kSecondsFrom1970To10000) {
    return false;
  }
  CivilTime c = CivilFromUnixSeconds(secs);
  Pad(out, c.year, 4);
  out->push_back('-');
  Pad(out, c.month, 2);
  out->push_back('-');
  Pad(out, c.day, 2);
  out->push_back('T');
  Pad(out, c.hour, 2);
  out->push_back(':');
  Pad(out, c.minute, 2);
  out->push_back(':');
  Pad(out, c.second, 2);
  if (factor > 1) {
    out->push_back('.');
    Pad(out, adjusted - secs * factor, FractionDigits(unit));
  }
  AppendOffset(out, offset_seconds, 2, true);
  return true;
}

std::optional<int64_t> ParseRfc3339(std::string_view s, TimeUnit unit) {
  // YYYY-MM-DD?HH:MM:SS
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto year = Digits(s.substr(0, 4));
  auto month = Digits(s.substr(5, 2));
  auto day = Digits(s.substr(8, 2));
  auto hour = Digits(s.substr(11, 2));
  auto minute = Digits(s.substr(14, 2));
  auto second = Digits(s.substr(17, 2));
  if (!year || !month || !day || !hour || !minute || !second ||
      !IsValidDate(*year, static_cast<int>(*month), static_cast<int>(*day))) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(19);
  size_t frac_len = 0;
  while (frac_len < rest.size() &&
         ((rest[frac_len] >= '0' && rest[frac_len] <= '9') || rest[frac_len] == '.')) {
    ++frac_len;
  }
  std::string_view frac = rest.substr(0, frac_len);
  std::string_view tz = rest.substr(frac_len);
  int64_t offset;
  if (tz == "Z" || tz == "z") {
    offset = 0;
  } else if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    auto oh = Digits(tz.substr(1, 2));
    auto om = Digits(tz.substr(4, 2));
    if (!oh || !om) return std::nullopt;
    offset = (tz[0] == '-' ? -1 : 1) * (*oh * 3600 + *om * 60);
  } else {
    return std::nullopt;
  }
  int64_t secs = (DaysFromCivil(*year, static_cast<int>(*month), static_cast<int>(*day)) * 86400 +
                  *hour * 3600 + *minute * 60 + *second) -
                 offset;
  if (secs < -kSecondsFrom0To1970 || secs >= kSecondsFrom1970To10000) {
    return std::nullopt;
  }
  const int64_t factor = UnitsPerSecond(unit);
  int64_t scaled;
  if (__builtin_mul_overflow(secs, factor, &scaled)) {
    return std::nullopt;  // nanoseconds after 2262 do not fit in 64 bits
  }
  int64_t fraction = 0;
  if (!frac.empty()) {
    // "." followed by digits only (list_to_float("0." ++ Digits) must succeed).
    if (frac[0] != '.' || frac.size() < 2 || frac.substr(1).find('.') != std::string_view::npos) {
      return std::nullopt;
    }
    if (unit != TimeUnit::kSecond) {
      std::string_view digits = frac.substr(1);
      const size_t want = static_cast<size_t>(FractionDigits(unit));
      for (size_t i = 0; i < want; ++i) {
        fraction = fraction * 10 + (i < digits.size() ? digits[i] - '0' : 0);
      }
      if (digits.size() > want && digits[want] >= '5') {
        ++fraction;  // round half away from zero, as erlang:round/1
      }
    }
  }
  return scaled < 0 ? scaled - fraction : scaled + fraction;
}

bool FormatDate(int64_t time, TimeUnit unit, int64_t offset_seconds, std::string_view format,
                std::string* out) {
  const int64_t factor = UnitsPerSecond(unit);
  int64_t adjusted;
  if (__builtin_mul_overflow(offset_seconds, factor, &adjusted) ||
      __builtin_add_overflow(time, adjusted, &adjusted)) {
    return false;
  }
  // EMQX divides with `div` (truncation) and takes sub-second parts of the unshifted time with
  // `rem` (sign of the dividend); mirror both.
  const int64_t secs = adjusted / factor;
  if (secs < -kSecondsFrom0To1970 || secs > (int64_t{1} << 45)) {
    return false;
  }
  CivilTime c = CivilFromUnixSeconds(secs);
  auto sub = [&](int64_t per_second) -> int64_t {
    // The sub-second part of `time` expressed in 1/per_second units.
    if (unit == TimeUnit::kSecond) return 0;
    int64_t r = time % factor;
    return per_second >= factor ? r * (per_second / factor) : r / (factor / per_second);
  };
  while (!format.empty()) {
    std::string_view literal;
    const Tok tok = NextToken(&format, &literal);
    if (tok == Tok::kTz || tok == Tok::kTz1 || tok == Tok::kTz2) {
      if (offset_seconds <= -86400 || offset_seconds >= 86400) {
        return false;
      }
      AppendOffset(out, offset_seconds, tok == Tok::kTz2 ? 3 : 2, tok != Tok::kTz);
      continue;
    }
    switch (tok) {
      case Tok::kLiteral:
        out->append(literal);
        break;
      case Tok::kYear:
        Pad(out, c.year, 4);
        break;
      case Tok::kMonth:
        Pad(out, c.month, 2);
        break;
      case Tok::kDay:
        Pad(out, c.day, 2);
        break;
      case Tok::kHour:
        Pad(out, c.hour, 2);
        break;
      case Tok::kMinute:
        Pad(out, c.minute, 2);
        break;
      case Tok::kSecond:
        Pad(out, c.second, 2);
        break;
      case Tok::kMilli:
        Pad(out, sub(1000), 3);
        break;
      case Tok::kMicro:
        Pad(out, sub(1000000), 6);
        break;
      case Tok::kNano:
        Pad(out, sub(1000000000), 9);
        break;
      default:
        break;
    }
  }
  return true;
}

std::optional<int64_t> ParseFormattedDate(std::string_view input, std::string_view format,
                                          TimeUnit unit, std::string* error) {
  int64_t part[9] = {};
  bool have[9] = {};
  int64_t parsed_offset = 0;
  enum { kY, kMo, kD, kH, kMi, kS, kMs, kUs, kNs };
  while (!input.empty() && !format.empty()) {
    std::string_view literal;
    Tok tok = NextToken(&format, &literal);
    size_t size = TokenSize(tok, literal);
    if (input.size() < size) {
      *error = "bad_formatter_or_date";
      return std::nullopt;
    }
    std::string_view piece = input.substr(0, size);
    input.remove_prefix(size);
    int idx = -1;
    switch (tok) {
      case Tok::kLiteral:
        continue;  // EMQX skips literal bytes without comparing them
      case Tok::kTz:
      case Tok::kTz1:
      case Tok::kTz2: {
        auto off = ParseOffset(piece);
        if (!off) {
          *error = "bad_time_offset";
          return std::nullopt;
        }
        parsed_offset = *off;
        continue;
      }
      case Tok::kYear:
        idx = kY;
        break;
      case Tok::kMonth:
        idx = kMo;
        break;
      case Tok::kDay:
        idx = kD;
        break;
      case Tok::kHour:
        idx = kH;
        break;
      case Tok::kMinute:
        idx = kMi;
        break;
      case Tok::kSecond:
        idx = kS;
        break;
      case Tok::kMilli:
        idx = kMs;
        break;
      case Tok::kMicro:
        idx = kUs;
        break;
      case Tok::kNano:
        idx = kNs;
        break;
    }
    auto v = WholeInteger(piece);
    if (!v) {
      *error = "bad_formatter_or_date";
      return std::nullopt;
    }
    part[idx] = *v;
    have[idx] = true;
  }
  static constexpr const char* kNames[] = {"year", "month", "day", "hour", "minute", "second"};
  for (int i = kY; i <= kS; ++i) {
    if (!have[i]) {
      *error = std::string("missing_date_part ") + kNames[i];
      return std::nullopt;
    }
  }
  if (!IsValidDate(part[kY], static_cast<int>(part[kMo]), static_cast<int>(part[kD]))) {
    *error = "bad_formatter_or_date";
    return std::nullopt;
  }
  int64_t secs =
      DaysFromCivil(part[kY], static_cast<int>(part[kMo]), static_cast<int>(part[kD])) * 86400 +
      part[kH] * 3600 + part[kMi] * 60 + part[kS] - parsed_offset;
  if (secs < -kSecondsFrom0To1970 || secs >= kSecondsFrom1970To10000) {
    *error = "bad_format";
    return std::nullopt;
  }
  // Sum everything in nanoseconds (128-bit: year 9999 in ns exceeds int64), then convert once,
  // flooring like erlang:convert_time_unit/3.
  __int128 ns = static_cast<__int128>(secs) * 1000000000;
  if (have[kMs]) ns += part[kMs] * 1000000;
  if (have[kUs]) ns += part[kUs] * 1000;
  if (have[kNs]) ns += part[kNs];
  const __int128 div = 1000000000 / UnitsPerSecond(unit);
  __int128 q = ns / div;
  if (ns % div != 0 && ns < 0) --q;
  if (q > INT64_MAX || q < INT64_MIN) {
    *error = "bad_format";
    return std::nullopt;
  }
  return static_cast<int64_t>(q);
}

}  // namespace mqb::rules::functions
