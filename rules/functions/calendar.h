// Calendar arithmetic for the time functions (now_rfc3339, unix_ts_to_rfc3339, rfc3339_to_unix_ts,
// format_date, date_to_unix_ts, timezone_to_offset_seconds), with EMQX's semantics
// (emqx_utils_calendar and OTP's calendar module): proleptic Gregorian calendar, years 0..9999,
// no leap seconds, UTC offsets in whole seconds.
//
// Everything here is pure std code: no allocation except into the caller's buffer, no locale.
// Thread-safety: all functions are reentrant (LocalOffsetSeconds calls localtime_r).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqb::rules::functions {

enum class TimeUnit { kSecond, kMillisecond, kMicrosecond, kNanosecond };

// "second" | "millisecond" | "microsecond" | "nanosecond" (exact, case-sensitive, as EMQX).
std::optional<TimeUnit> ParseTimeUnit(std::string_view name);
// 1, 1000, 1000000, 1000000000.
int64_t UnitsPerSecond(TimeUnit unit);
// Number of fraction digits printed for the unit: 0, 3, 6, 9.
int FractionDigits(TimeUnit unit);
// Current system time in `unit`.
int64_t NowIn(TimeUnit unit);

struct CivilTime {
  int64_t year;
  int month;   // 1..12
  int day;     // 1..31
  int hour;    // 0..23
  int minute;  // 0..59
  int second;  // 0..59
};

// Days since 1970-01-01 of a proleptic Gregorian date (any year; month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t year, int month, int day);
// Splits seconds since the epoch into a civil UTC date/time (floor semantics for negatives).
CivilTime CivilFromUnixSeconds(int64_t secs);
// True if (year, month, day) names a real day (years 0..9999).
bool IsValidDate(int64_t year, int month, int day);

// The offset of the system's local time zone from UTC at `unix_seconds`, in seconds.
int64_t LocalOffsetSeconds(int64_t unix_seconds);

// EMQX offset_second/1 on a string: "Z"/"z" -> 0, "local" -> local offset now,
// "+HH:MM", "-HH:MM:SS", "+HHMM" (hour <= 23, minute and second <= 59). nullopt if malformed.
std::optional<int64_t> ParseOffset(std::string_view text);

// calendar:system_time_to_rfc3339(Time, [{unit, Unit}]) with the local offset:
// "YYYY-MM-DDTHH:MM:SS[.fff]+hh:mm". Returns false if the date falls outside years 0..9999.
bool FormatRfc3339(int64_t time, TimeUnit unit, int64_t offset_seconds, std::string* out);

// calendar:rfc3339_to_system_time(S, [{unit, Unit}]): "YYYY-MM-DD[T|t|
// ]HH:MM:SS[.frac](Z|z|+hh:mm)". Fractions are rounded to the unit (ignored for seconds). nullopt
// if malformed or out of range.
std::optional<int64_t> ParseRfc3339(std::string_view text, TimeUnit unit);

// format_date: renders `time` (in `unit`) shifted by `offset_seconds` with the EMQX placeholders
// %Y %m %d %H %M %S %N %6N %3N %z %:z %::z; every other byte is copied. Returns false on a date
// outside the supported range or an offset of a day or more.
bool FormatDate(int64_t time, TimeUnit unit, int64_t offset_seconds, std::string_view format,
                std::string* out);

// date_to_unix_ts/3: parses `input` against `format` (same placeholders; literal format bytes
// skip as many input bytes without comparing them, as EMQX does). The result is in `unit`,
// corrected by an offset parsed from %z/%:z/%::z. On failure returns nullopt and sets *error
// to a short reason ("bad_formatter_or_date", "missing_date_part year", ...).
std::optional<int64_t> ParseFormattedDate(std::string_view input, std::string_view format,
                                          TimeUnit unit, std::string* error);

}  // namespace mqb::rules::functions
