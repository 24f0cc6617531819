// Template: `${path}` placeholders rendered against a rule output (REFERENCE.md section 8 and
// "mqbridge decisions").
//
// Syntax: every `${...}` (non-empty, no '}' inside) is a placeholder, everything else literal
// text. The path inside is split on '.', a leading '.' is ignored, `${.}` is the whole data map;
// quotes are not special and there is no index syntax. Lookup walks the data: at each step a
// non-map value is JSON-decoded first (so `${payload.a}` works when payload is a JSON string); a
// missing key or undecodable value makes the placeholder missing.
//
// Rendering to text (topic, payload): strings as is, integers in decimal, floats with at most
// 10 decimals (compact), booleans "true"/"false", null "null", maps and lists as JSON. A missing
// placeholder renders as the EMPTY string (mqbridge decision, for sink and republish alike) and
// is counted: Render returns the number of missing placeholders so the engine can report them.
//
// qos/retain: when the template is exactly one placeholder, RawValue gives the raw value
// (no string->int conversion; undefined if missing: the caller applies its default).
//
// A Template is immutable after Parse and may be shared by threads; rendering uses the caller's
// Arena and JsonDecoder (e.g. the Evaluator's, see Evaluator::scratch_arena()/json_decoder())
// only when a string must be decoded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/arena.h"
#include "rules/value.h"

namespace mqb::rules {

class Template {
 public:
  Template() = default;
  // Never fails: text that is not a placeholder is literal.
  static Template Parse(std::string_view text);

  // Appends the rendering to *out; returns the number of missing placeholders.
  size_t Render(const Value& data, Arena& arena, JsonDecoder& json, std::string* out) const;

  // True if the template is exactly one placeholder ("${qos}").
  bool IsSinglePlaceholder() const { return parts_.size() == 1 && parts_[0].is_placeholder; }
  // REQUIRES: IsSinglePlaceholder(). The raw value of the placeholder, undefined if missing.
  Value RawValue(const Value& data, Arena& arena, JsonDecoder& json) const;

  bool empty() const { return parts_.empty(); }
  bool has_placeholders() const { return has_placeholders_; }
  const std::string& source() const { return source_; }

 private:
  struct Part {
    bool is_placeholder = false;
    std::string text;               // literal text
    std::vector<std::string> path;  // placeholder path; empty = the whole data
  };
  Value Lookup(const Part& p, const Value& data, Arena& arena, JsonDecoder& json) const;

  std::vector<Part> parts_;
  bool has_placeholders_ = false;
  std::string source_;
};

}  // namespace mqb::rules
