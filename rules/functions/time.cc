// Date and time functions: now_timestamp now_rfc3339 unix_ts_to_rfc3339 rfc3339_to_unix_ts
// format_date date_to_unix_ts timezone_to_second timezone_to_offset_seconds mongo_date.
//
// Units are 'second' (default), 'millisecond', 'microsecond', 'nanosecond'. RFC 3339 output uses
// the system's local offset (as EMQX); offsets given to format_date/date_to_unix_ts are an
// integer number of seconds or "Z", "local", "+HH:MM", "+HHMM", "+HH:MM:SS". The clock comes
// from EvalContext::NowNanos. Calendar rules: see calendar.h.
#include "rules/functions/calendar.h"
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;
using functions::TimeUnit;

Result<TimeUnit, EvalError> UnitArg(std::string_view fn, const Value& v) {
  if (v.is_string()) {
    if (auto u = functions::ParseTimeUnit(v.AsString())) return *u;
  }
  return Err(BadArg(fn, "unit must be 'second', 'millisecond', 'microsecond' or 'nanosecond'"));
}

Result<int64_t, EvalError> OffsetArg(std::string_view fn, const Value& v) {
  if (v.is_int()) return v.AsInt();
  if (v.is_undefined()) return int64_t{0};
  if (v.is_string()) {
    if (auto o = functions::ParseOffset(v.AsString())) return *o;
  }
  return Err(BadArg(fn, "bad time offset (use seconds, 'Z', 'local' or '+HH:MM')"));
}

int64_t NowIn(EvalContext& ctx, TimeUnit unit) {
  const int64_t ns = ctx.NowNanos();
  const int64_t div = 1000000000 / functions::UnitsPerSecond(unit);
  return ns >= 0 ? ns / div : -((-ns + div - 1) / div);
}

FnResult NowTimestamp(std::span<const Value> args, EvalContext& ctx) {
  TimeUnit unit = TimeUnit::kSecond;
  if (!args.empty()) {
    auto u = UnitArg("now_timestamp", args[0]);
    if (!u.ok()) return Err(u.error());
    unit = u.value();
  }
  return Value::Int(NowIn(ctx, unit));
}

FnResult Rfc3339(std::string_view fn, int64_t time, TimeUnit unit, EvalContext& ctx) {
  const int64_t secs = time / functions::UnitsPerSecond(unit);
  std::string& s = functions::Scratch();
  if (!functions::FormatRfc3339(time, unit, functions::LocalOffsetSeconds(secs), &s)) {
    return Err(BadArg(fn, "time out of range (years 0..9999)"));
  }
  return functions::ArenaString(ctx, s);
}

FnResult NowRfc3339(std::span<const Value> args, EvalContext& ctx) {
  TimeUnit unit = TimeUnit::kSecond;
  if (!args.empty()) {
    auto u = UnitArg("now_rfc3339", args[0]);
    if (!u.ok()) return Err(u.error());
    unit = u.value();
  }
  return Rfc3339("now_rfc3339", NowIn(ctx, unit), unit, ctx);
}

FnResult UnixTsToRfc3339(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "unix_ts_to_rfc3339";
  if (!args[0].is_int()) return Err(BadType(fn, args[0], "an integer timestamp"));
  TimeUnit unit = TimeUnit::kSecond;
  if (args.size() > 1) {
    auto u = UnitArg(fn, args[1]);
    if (!u.ok()) return Err(u.error());
    unit = u.value();
  }
  return Rfc3339(fn, args[0].AsInt(), unit, ctx);
}

FnResult Rfc3339ToUnixTs(std::span<const Value> args, EvalContext&) {
  constexpr std::string_view fn = "rfc3339_to_unix_ts";
  if (!args[0].is_string()) return Err(BadType(fn, args[0], "an RFC 3339 string"));
  TimeUnit unit = TimeUnit::kSecond;
  if (args.size() > 1) {
    auto u = UnitArg(fn, args[1]);
    if (!u.ok()) return Err(u.error());
    unit = u.value();
  }
  auto t = functions::ParseRfc3339(args[0].AsString(), unit);
  if (!t) return Err(BadArg(fn, "not an RFC 3339 date-time in years 0..9999"));
  return Value::Int(*t);
}

// format_date(Unit, Offset, Format[, Time]).
FnResult FormatDate(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "format_date";
  auto unit = UnitArg(fn, args[0]);
  if (!unit.ok()) return Err(unit.error());
  auto offset = OffsetArg(fn, args[1]);
  if (!offset.ok()) return Err(offset.error());
  if (!args[2].is_string()) return Err(BadType(fn, args[2], "a format string"));
  int64_t time;
  if (args.size() > 3) {
    if (!args[3].is_int()) return Err(BadType(fn, args[3], "an integer timestamp"));
    time = args[3].AsInt();
  } else {
    time = NowIn(ctx, unit.value());
  }
  std::string& s = functions::Scratch();
  if (!functions::FormatDate(time, unit.value(), offset.value(), args[2].AsString(), &s)) {
    return Err(BadArg(fn, "time or offset out of range"));
  }
  return functions::ArenaString(ctx, s);
}

// date_to_unix_ts(Unit, [Offset,] Format, DateString).
FnResult DateToUnixTs(std::span<const Value> args, EvalContext&) {
  constexpr std::string_view fn = "date_to_unix_ts";
  auto unit = UnitArg(fn, args[0]);
  if (!unit.ok()) return Err(unit.error());
  int64_t offset = 0;
  if (args.size() == 4) {
    auto o = OffsetArg(fn, args[1]);
    if (!o.ok()) return Err(o.error());
    offset = o.value();
  }
  const Value& format = args[args.size() - 2];
  const Value& input = args[args.size() - 1];
  if (!format.is_string()) return Err(BadType(fn, format, "a format string"));
  if (!input.is_string()) return Err(BadType(fn, input, "a date string"));
  std::string error;
  auto t = functions::ParseFormattedDate(input.AsString(), format.AsString(), unit.value(), &error);
  if (!t) return Err(BadArg(fn, error));
  int64_t delta;
  if (__builtin_mul_overflow(offset, functions::UnitsPerSecond(unit.value()), &delta) ||
      __builtin_sub_overflow(*t, delta, &delta)) {
    return Err(BadArg(fn, "offset out of range"));
  }
  return Value::Int(delta);
}

// timezone_to_offset_seconds(TZ) (alias timezone_to_second): integer seconds as is, undefined
// -> 0, "Z" / "local" / "+HH:MM" / "+HHMM" / "+HH:MM:SS" parsed.
FnResult TimezoneToOffsetSeconds(std::span<const Value> args, EvalContext&) {
  auto o = OffsetArg("timezone_to_offset_seconds", args[0]);
  if (!o.ok()) return Err(o.error());
  return Value::Int(o.value());
}

// mongo_date([Time[, Unit]]): "ISODate(YYYY-MM-DDTHH:MM:SS.mmmZ)", the text form EMQX's SQL
// tester shows (Time in milliseconds unless Unit says otherwise; now if omitted).
FnResult MongoDate(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "mongo_date";
  int64_t ms;
  if (args.empty()) {
    ms = NowIn(ctx, TimeUnit::kMillisecond);
  } else {
    if (!args[0].is_int()) return Err(BadType(fn, args[0], "an integer timestamp"));
    TimeUnit unit = TimeUnit::kMillisecond;
    if (args.size() > 1) {
      auto u = UnitArg(fn, args[1]);
      if (!u.ok()) return Err(u.error());
      unit = u.value();
    }
    const int64_t t = args[0].AsInt();
    const int64_t per = functions::UnitsPerSecond(unit);
    if (per >= 1000) {
      const int64_t div = per / 1000;
      ms = t >= 0 ? t / div : -((-(t + 1)) / div) - 1;
    } else if (__builtin_mul_overflow(t, int64_t{1000}, &ms)) {
      return Err(BadArg(fn, "time out of range"));
    }
  }
  std::string& s = functions::Scratch();
  s.append("ISODate(");
  if (!functions::FormatRfc3339(ms, TimeUnit::kMillisecond, 0, &s)) {
    return Err(BadArg(fn, "time out of range (years 0..9999)"));
  }
  s.resize(s.size() - 6);  // "+00:00" -> "Z"
  s.append("Z)");
  return functions::ArenaString(ctx, s);
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry& r) {
  r.Register("now_timestamp", 0, 1, NowTimestamp, false);
  r.Register("now_rfc3339", 0, 1, NowRfc3339, false);
  r.Register("unix_ts_to_rfc3339", 1, 2, UnixTsToRfc3339, false);  // local time zone
  r.Register("rfc3339_to_unix_ts", 1, 2, Rfc3339ToUnixTs);
  r.Register("format_date", 3, 4, FormatDate, false);
  r.Register("date_to_unix_ts", 3, 4, DateToUnixTs, false);  // 'local' offset
  r.Register("timezone_to_second", 1, 1, TimezoneToOffsetSeconds, false);
  r.Register("timezone_to_offset_seconds", 1, 1, TimezoneToOffsetSeconds, false);
  r.Register("mongo_date", 0, 2, MongoDate, false);
}

}  // namespace mqb::rules
