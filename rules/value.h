// Value: the runtime value of the rule engine (EMQX's Erlang terms, as SQL rules see them).
//
// A Value is 16 bytes, trivially copyable and trivially destructible: a type tag, a length and
// one 8-byte payload. Strings, arrays and maps are NOT owned: they point into
//   - the evaluator's Arena (rules/arena.h), valid until the next message, or
//   - the message input (topic, payload bytes, ...), valid while the message is evaluated, or
//   - the compiled program (string literals), valid as long as the program.
// So a Value must never outlive the evaluation that produced it; copy it out (e.g. JSON-encode it)
// to keep it. Building a Value never allocates on the heap; builders use the Arena.
//
// Types (Erlang mapping): kUndefined (the atom `undefined`: missing column/field, function
// result "nothing"), kNull (JSON null), kBool, kInt (int64; integers beyond int64 are not
// supported), kFloat (double), kString (an Erlang binary: UTF-8 text or arbitrary bytes; there is
// no separate binary type, like EMQX where SQL strings are binaries), kArray (Erlang list), kMap
// (Erlang map with string keys). Arrays and maps are immutable once built; "modifying" functions
// build a new one in the arena (sharing the unchanged element Values is fine).
//
// Maps keep insertion order (JSON output follows it; the SELECT output follows field order),
// keys are unique, lookup is a linear scan (maps in rules are small). Equality of maps ignores
// order.
//
// Thread-safety: a Value is a plain value; what it points to is immutable, so Values may be read
// from several threads as long as the memory they point to is alive.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/macros.h"
#include "base/result.h"
#include "rules/arena.h"
#include "rules/eval_error.h"

namespace mqb::rules {

struct MapEntry;

// Key equality tuned for short keys (a byte loop: cheaper than a memcmp call for map keys).
inline bool KeyEquals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

class Value {
 public:
  enum class Type : uint8_t { kUndefined, kNull, kBool, kInt, kFloat, kString, kArray, kMap };

  constexpr Value() noexcept : type_(Type::kUndefined), size_(0), i_(0) {}

  static constexpr Value Undefined() noexcept { return Value(); }
  static constexpr Value Null() noexcept {
    Value v;
    v.type_ = Type::kNull;
    return v;
  }
  static constexpr Value Bool(bool b) noexcept {
    Value v;
    v.type_ = Type::kBool;
    v.i_ = b;
    return v;
  }
  static constexpr Value Int(int64_t i) noexcept {
    Value v;
    v.type_ = Type::kInt;
    v.i_ = i;
    return v;
  }
  static constexpr Value Float(double d) noexcept {
    Value v;
    v.type_ = Type::kFloat;
    v.d_ = d;
    return v;
  }
  // A string that points at `s` without copying. REQUIRES: `s` outlives every use of the Value
  // (arena, input message or program memory) and s.size() < 4 GiB.
  static Value StringRef(std::string_view s) noexcept {
    Value v;
    v.type_ = Type::kString;
    v.size_ = static_cast<uint32_t>(s.size());
    v.s_ = s.data();
    return v;
  }
  // A string copied into `arena`.
  static Value String(Arena& arena, std::string_view s) { return StringRef(arena.CopyString(s)); }
  // Array/map over `n` elements at `items` (arena or static memory). REQUIRES: map keys unique.
  static Value ArrayRef(const Value* items, size_t n) noexcept {
    Value v;
    v.type_ = Type::kArray;
    v.size_ = static_cast<uint32_t>(n);
    v.a_ = items;
    return v;
  }
  static Value MapRef(const MapEntry* entries, size_t n) noexcept {
    Value v;
    v.type_ = Type::kMap;
    v.size_ = static_cast<uint32_t>(n);
    v.m_ = entries;
    return v;
  }
  static Value EmptyArray() noexcept { return ArrayRef(nullptr, 0); }
  static Value EmptyMap() noexcept { return MapRef(nullptr, 0); }

  Type type() const noexcept { return type_; }
  bool is_undefined() const noexcept { return type_ == Type::kUndefined; }
  bool is_null() const noexcept { return type_ == Type::kNull; }
  bool is_bool() const noexcept { return type_ == Type::kBool; }
  bool is_int() const noexcept { return type_ == Type::kInt; }
  bool is_float() const noexcept { return type_ == Type::kFloat; }
  bool is_number() const noexcept { return type_ == Type::kInt || type_ == Type::kFloat; }
  bool is_string() const noexcept { return type_ == Type::kString; }
  bool is_array() const noexcept { return type_ == Type::kArray; }
  bool is_map() const noexcept { return type_ == Type::kMap; }

  // Accessors. REQUIRES: the matching type.
  bool AsBool() const noexcept { return i_ != 0; }
  int64_t AsInt() const noexcept { return i_; }
  double AsFloat() const noexcept { return d_; }
  // REQUIRES: is_number(). Int converted to double.
  double AsDouble() const noexcept { return type_ == Type::kInt ? static_cast<double>(i_) : d_; }
  std::string_view AsString() const noexcept { return std::string_view(s_, size_); }
  std::span<const Value> AsArray() const noexcept { return std::span<const Value>(a_, size_); }
  std::span<const MapEntry> AsMap() const noexcept;
  // Number of elements of an array or entries of a map, bytes of a string.
  uint32_t size() const noexcept { return size_; }

  // Map lookup by key; undefined if this is not a map or has no such key.
  Value Get(std::string_view key) const noexcept;
  // Array element by EMQX index: 1-based, negative counts from the end (-1 = last); 0 or out of
  // range gives undefined. Undefined if this is not an array.
  Value At(int64_t index) const noexcept;

  // Exact term equality (Erlang =:=): same type and same value; 1 and 1.0 differ; maps compare
  // regardless of entry order. Used by simple CASE, contains(), IN lists of literal terms.
  friend bool operator==(const Value& a, const Value& b) noexcept;

 private:
  Type type_;
  uint32_t size_;
  union {
    int64_t i_;
    double d_;
    const char* s_;
    const Value* a_;
    const MapEntry* m_;
  };
};
static_assert(sizeof(Value) == 16);

struct MapEntry {
  std::string_view key;
  Value value;
};

inline std::span<const MapEntry> Value::AsMap() const noexcept {
  return std::span<const MapEntry>(m_, size_);
}

// ---------------------------------------------------------------------------------------------
// Builders. Append elements, then Finish() once; the builder must not be used after Finish().
// Storage grows inside the arena (doubling; amortised O(1)). Not thread-safe.

class ArrayBuilder {
 public:
  explicit ArrayBuilder(Arena& arena, size_t reserve = 4);
  void Push(Value v);
  size_t size() const { return size_; }
  Value Finish() { return Value::ArrayRef(items_, size_); }

 private:
  Arena& arena_;
  Value* items_;
  size_t size_ = 0;
  size_t capacity_;
};

class MapBuilder {
 public:
  explicit MapBuilder(Arena& arena, size_t reserve = 4);
  // Starts from the entries of `map` (which must be a map or undefined/empty).
  MapBuilder(Arena& arena, const Value& map);
  // Sets key -> v, replacing an existing entry in place (order kept) or appending. The key's
  // bytes are NOT copied: they must live as long as the map (use arena.CopyString if needed).
  void Put(std::string_view key, Value v);
  // Appends key -> v without looking for an existing entry: the caller guarantees `key` is not
  // in the map yet (e.g. building from distinct names). O(1).
  void Append(std::string_view key, Value v);
  // Removes the key if present.
  void Erase(std::string_view key);
  Value Get(std::string_view key) const;
  size_t size() const { return size_; }
  Value Finish() { return Value::MapRef(entries_, size_); }

 private:
  Arena& arena_;
  MapEntry* entries_;
  size_t size_ = 0;
  size_t capacity_;
};

// Appends bytes in the arena and yields a string Value. Not thread-safe.
class StringBuilder {
 public:
  explicit StringBuilder(Arena& arena, size_t reserve = 32);
  void Append(std::string_view s);
  void Append(char c) { Append(std::string_view(&c, 1)); }
  std::string_view view() const { return std::string_view(data_, size_); }
  Value Finish() { return Value::StringRef(view()); }

 private:
  Arena& arena_;
  char* data_;
  size_t size_ = 0;
  size_t capacity_;
};

// ---------------------------------------------------------------------------------------------
// Nested-map helpers (map_get/map_put with dotted keys, alias paths, templates).

// Put `v` under the path keys[0].keys[1]... of `map` (undefined/non-map parents are replaced by
// new maps), returning the new map. Keys are not copied.
Value MapPutPath(Arena& arena, const Value& map, std::span<const std::string_view> keys, Value v);

// ---------------------------------------------------------------------------------------------
// Text and JSON.

// JSON text of `v`, appended to *out. Strings are escaped (invalid UTF-8 bytes are emitted as
// \u00XX escapes of the byte, never producing invalid JSON); ints in decimal; floats in the
// shortest round-trip form with at least one fractional digit or an exponent ("1.0", "0.1",
// "1.0e+21"); non-finite floats as null; undefined as "undefined" (a string, as EMQX encodes
// the atom); map entries in insertion order.
void AppendJson(const Value& v, std::string* out);
std::string ToJson(const Value& v);
// The same, as a string Value in the arena.
Value JsonEncode(Arena& arena, const Value& v);

// EMQX's str(): the text of a value for concatenation, templates and str().
//   string -> as is; int -> decimal; float -> at most 10 decimals, trailing zeros removed but at
//   least one kept ("1.5", "2.0", "0.3333333333"); bool -> "true"/"false"; null -> "null";
//   undefined -> "undefined"; map/array -> JSON.
void AppendText(const Value& v, std::string* out);
Value ToText(Arena& arena, const Value& v);
// Float formatting with `decimals` (<= 253) decimals, compact (trailing zeros removed, one kept).
void AppendFloatCompact(double d, int decimals, std::string* out);

// Parses a whole string as a number: an integer ("-12", "+3") gives kInt (out of int64 range: a
// float), a float ("1.5", "2e3", ".5", "1.") gives kFloat; surrounding whitespace is not allowed.
// nullopt if not a number.
std::optional<Value> ParseNumber(std::string_view s);

// Converts a value to a number the way comparisons do: numbers as is, strings via ParseNumber;
// nullopt otherwise.
std::optional<Value> ToNumber(const Value& v);

// A set of key paths into a JSON document, as a trie (the payload fields a rule reads).
// JsonDecoder::DecodeProjected converts only these: the value at a leaf (or at a node marked
// `full`) is converted with its whole subtree, and so is any value where the trie goes deeper
// but that is not an object. Walking the trie's key paths on the result gives exactly the Values
// a full decode gives (duplicate keys: the last one wins in both).
struct JsonProjection {
  struct Node {
    std::string key;
    bool full = false;
    std::vector<Node> children;
  };
  std::vector<Node> roots;
};

// JSON decoding into Values (simdjson). Holds a reusable parser and padding buffer, so decoding
// allocates no heap memory once warmed up; the result lives in the arena (strings copied there).
// JSON null -> kNull; integers beyond int64 -> kFloat; objects with duplicate keys keep the last.
//
// Thread-safety: not thread-safe; one JsonDecoder per evaluator (per thread).
class JsonDecoder {
 public:
  JsonDecoder();
  ~JsonDecoder();
  MQB_NO_COPY(JsonDecoder);

  // Decodes `text`. If `padded` is true, the caller guarantees that simdjson's padding
  // (SIMDJSON_PADDING = 64 readable bytes) follows text.end(), and no copy is made; otherwise the
  // text is copied into an internal padded buffer. Error: EvalError kind kDecodeJson.
  Result<Value, EvalError> Decode(std::string_view text, Arena& arena, bool padded = false);
  // Like Decode, but strings and keys point into this decoder's internal buffers instead of
  // being copied into the arena: they stay valid only until the next Decode*/DecodeInPlace call
  // on this decoder (or its destruction). Arrays and maps still live in the arena. Faster; the
  // evaluator uses a dedicated decoder this way for the message payload.
  Result<Value, EvalError> DecodeInPlace(std::string_view text, Arena& arena, bool padded = false);
  // DecodeInPlace restricted to `projection` (the document must still be entirely valid JSON).
  Result<Value, EvalError> DecodeProjected(std::string_view text, Arena& arena, bool padded,
                                           const JsonProjection& projection);
  // Converts the whole document parsed by the last successful DecodeInPlace/DecodeProjected on
  // this decoder, in place, without parsing it again. REQUIRES: such a call, and no other
  // decode on this decoder since.
  Value ConvertLastInPlace(Arena& arena);
  // The same, restricted to `projection`.
  Value ConvertLastProjected(Arena& arena, const JsonProjection& projection);
  // Only parses (in place), for a later ConvertLastInPlace/ConvertLastProjected.
  Result<void, EvalError> ParseInPlace(std::string_view text, bool padded);

 private:
  struct Impl;
  Result<Value, EvalError> DecodeImpl(std::string_view text, Arena* arena, bool padded,
                                      bool copy_strings, const JsonProjection* projection,
                                      bool parse_only = false);
  std::unique_ptr<Impl> impl_;
};

// Bytes of padding JsonDecoder::Decode(..., padded=true) needs after the text.
inline constexpr size_t kJsonPadding = 64;

// ---------------------------------------------------------------------------------------------
// SQL comparison (REFERENCE.md section 7).
//
//   undefined vs undefined: equal; undefined vs anything else: every comparison false (no error);
//   number vs number: numeric (1 = 1.0); number vs string: the string is parsed as a number
//   (non-numeric string => EvalError kBadType); string vs string: byte-wise; bool vs bool,
//   null vs null, maps and arrays: = and != by exact term equality, ordering by Erlang term order;
//   other mixes: = false, != true, ordering by Erlang term order
//   (number < atom(bool/null/undefined) < map < list < binary).
enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
Result<bool, EvalError> SqlCompare(CompareOp op, const Value& a, const Value& b);

// Erlang term order: negative/zero/positive. Numbers compare numerically (1 == 1.0 here).
int TermCompare(const Value& a, const Value& b);

// Type name for error messages: "undefined", "null", "bool", "int", "float", "string", "array",
// "map".
std::string_view TypeName(Value::Type t);

}  // namespace mqb::rules
