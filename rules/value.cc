// Value core: lookup, equality, builders, comparison (see value.h).
#include "rules/value.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mqb::rules {

Value Value::Get(std::string_view key) const noexcept {
  if (type_ != Type::kMap) {
    return Value();
  }
  for (const MapEntry& e : AsMap()) {
    if (KeyEquals(e.key, key)) {
      return e.value;
    }
  }
  return Value();
}

Value Value::At(int64_t index) const noexcept {
  if (type_ != Type::kArray || index == 0) {
    return Value();
  }
  int64_t n = size_;
  int64_t i = index > 0 ? index - 1 : n + index;
  if (i < 0 || i >= n) {
    return Value();
  }
  return a_[i];
}

bool operator==(const Value& a, const Value& b) noexcept {
  if (a.type_ != b.type_) {
    return false;
  }
  switch (a.type_) {
    case Value::Type::kUndefined:
    case Value::Type::kNull:
      return true;
    case Value::Type::kBool:
    case Value::Type::kInt:
      return a.i_ == b.i_;
    case Value::Type::kFloat:
      return a.d_ == b.d_;
    case Value::Type::kString:
      return a.AsString() == b.AsString();
    case Value::Type::kArray: {
      if (a.size_ != b.size_) {
        return false;
      }
      for (uint32_t i = 0; i < a.size_; ++i) {
        if (!(a.a_[i] == b.a_[i])) {
          return false;
        }
      }
      return true;
    }
    case Value::Type::kMap: {
      if (a.size_ != b.size_) {
        return false;
      }
      for (const MapEntry& e : a.AsMap()) {
        bool found = false;
        for (const MapEntry& f : b.AsMap()) {
          if (f.key == e.key) {
            found = e.value == f.value;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Builders.

namespace {

template <typename T>
T* Grow(Arena& arena, T* old, size_t size, size_t* capacity) {
  size_t new_cap = *capacity < 4 ? 8 : *capacity * 2;
  if (old != nullptr && arena.TryExtend(old, *capacity * sizeof(T), new_cap * sizeof(T))) {
    *capacity = new_cap;
    return old;
  }
  T* fresh = arena.AllocateArray<T>(new_cap);
  if (size > 0) {
    std::memcpy(static_cast<void*>(fresh), old, size * sizeof(T));
  }
  *capacity = new_cap;
  return fresh;
}

}  // namespace

ArrayBuilder::ArrayBuilder(Arena& arena, size_t reserve)
    : arena_(arena),
      items_(reserve ? arena.AllocateArray<Value>(reserve) : nullptr),
      capacity_(reserve) {}

void ArrayBuilder::Push(Value v) {
  if (size_ == capacity_) {
    items_ = Grow(arena_, items_, size_, &capacity_);
  }
  items_[size_++] = v;
}

MapBuilder::MapBuilder(Arena& arena, size_t reserve)
    : arena_(arena),
      entries_(reserve ? arena.AllocateArray<MapEntry>(reserve) : nullptr),
      capacity_(reserve) {}

MapBuilder::MapBuilder(Arena& arena, const Value& map)
    : MapBuilder(arena, map.is_map() ? map.size() + 4 : 4) {
  if (map.is_map()) {
    for (const MapEntry& e : map.AsMap()) {
      entries_[size_++] = e;
    }
  }
}

void MapBuilder::Put(std::string_view key, Value v) {
  for (size_t i = 0; i < size_; ++i) {
    if (KeyEquals(entries_[i].key, key)) {
      entries_[i].value = v;
      return;
    }
  }
  if (size_ == capacity_) {
    entries_ = Grow(arena_, entries_, size_, &capacity_);
  }
  entries_[size_++] = MapEntry{key, v};
}

void MapBuilder::Append(std::string_view key, Value v) {
  if (size_ == capacity_) {
    entries_ = Grow(arena_, entries_, size_, &capacity_);
  }
  entries_[size_++] = MapEntry{key, v};
}

void MapBuilder::Erase(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (entries_[i].key == key) {
      for (size_t j = i + 1; j < size_; ++j) {
        entries_[j - 1] = entries_[j];
      }
      --size_;
      return;
    }
  }
}

Value MapBuilder::Get(std::string_view key) const {
  for (size_t i = 0; i < size_; ++i) {
    if (KeyEquals(entries_[i].key, key)) {
      return entries_[i].value;
    }
  }
  return Value();
}

StringBuilder::StringBuilder(Arena& arena, size_t reserve)
    : arena_(arena),
      data_(static_cast<char*>(arena.Allocate(reserve ? reserve : 1, 1))),
      capacity_(reserve ? reserve : 1) {}

void StringBuilder::Append(std::string_view s) {
  if (size_ + s.size() > capacity_) {
    size_t new_cap = std::max(capacity_ * 2, size_ + s.size());
    if (!arena_.TryExtend(data_, capacity_, new_cap)) {
      char* fresh = static_cast<char*>(arena_.Allocate(new_cap, 1));
      std::memcpy(fresh, data_, size_);
      data_ = fresh;
    }
    capacity_ = new_cap;
  }
  if (!s.empty()) {
    std::memcpy(data_ + size_, s.data(), s.size());
  }
  size_ += s.size();
}

Value MapPutPath(Arena& arena, const Value& map, std::span<const std::string_view> keys, Value v) {
  if (keys.empty()) {
    return v;
  }
  MapBuilder b(arena, map);
  Value child = keys.size() > 1 ? b.Get(keys[0]) : Value();
  b.Put(keys[0], MapPutPath(arena, child, keys.subspan(1), v));
  return b.Finish();
}

// ---------------------------------------------------------------------------------------------
// Comparison.

std::string_view TypeName(Value::Type t) {
  switch (t) {
    case Value::Type::kUndefined:
      return "undefined";
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return "bool";
    case Value::Type::kInt:
      return "int";
    case Value::Type::kFloat:
      return "float";
    case Value::Type::kString:
      return "string";
    case Value::Type::kArray:
      return "array";
    case Value::Type::kMap:
      return "map";
  }
  return "unknown";
}

namespace {

// Erlang term order classes: number < atom < map < list < binary.
int TypeRank(Value::Type t) {
  switch (t) {
    case Value::Type::kInt:
    case Value::Type::kFloat:
      return 0;
    case Value::Type::kUndefined:
    case Value::Type::kNull:
    case Value::Type::kBool:
      return 1;
    case Value::Type::kMap:
      return 2;
    case Value::Type::kArray:
      return 3;
    case Value::Type::kString:
      return 4;
  }
  return 5;
}

std::string_view AtomName(const Value& v) {
  switch (v.type()) {
    case Value::Type::kUndefined:
      return "undefined";
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return v.AsBool() ? "true" : "false";
    default:
      return "";
  }
}

int Sign(int64_t x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    return a.AsInt() < b.AsInt() ? -1 : (a.AsInt() > b.AsInt() ? 1 : 0);
  }
  double x = a.AsDouble();
  double y = b.AsDouble();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool IsAtom(const Value& v) { return TypeRank(v.type()) == 1; }

}  // namespace

int TermCompare(const Value& a, const Value& b) {
  int ra = TypeRank(a.type());
  int rb = TypeRank(b.type());
  if (ra != rb) {
    return ra < rb ? -1 : 1;
  }
  switch (ra) {
    case 0:
      return CompareNumbers(a, b);
    case 1:
      return Sign(AtomName(a).compare(AtomName(b)));
    case 2: {
      // Maps: by size, then sorted keys, then values in key order.
      if (a.size() != b.size()) {
        return a.size() < b.size() ? -1 : 1;
      }
      auto sorted_keys = [](const Value& m) {
        std::vector<std::string_view> keys;
        for (const MapEntry& e : m.AsMap()) {
          keys.push_back(e.key);
        }
        std::sort(keys.begin(), keys.end());
        return keys;
      };
      std::vector<std::string_view> ka = sorted_keys(a);
      std::vector<std::string_view> kb = sorted_keys(b);
      for (size_t i = 0; i < ka.size(); ++i) {
        int c = Sign(ka[i].compare(kb[i]));
        if (c != 0) {
          return c;
        }
      }
      for (std::string_view k : ka) {
        int c = TermCompare(a.Get(k), b.Get(k));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
    case 3: {
      std::span<const Value> x = a.AsArray();
      std::span<const Value> y = b.AsArray();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = TermCompare(x[i], y[i]);
        if (c != 0) {
          return c;
        }
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
    default:
      return Sign(a.AsString().compare(b.AsString()));
  }
}

namespace {

// Erlang ==: like =:= but numbers compare numerically, also inside containers.
bool LooseEquals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    return CompareNumbers(a, b) == 0;
  }
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (uint32_t i = 0; i < a.size(); ++i) {
      if (!LooseEquals(a.AsArray()[i], b.AsArray()[i])) {
        return false;
      }
    }
    return true;
  }
  if (a.is_map()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (const MapEntry& e : a.AsMap()) {
      bool found = false;
      for (const MapEntry& f : b.AsMap()) {
        if (f.key == e.key) {
          found = LooseEquals(e.value, f.value);
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

bool ApplyOrder(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
  }
  return false;
}

bool CompareTerms(CompareOp op, const Value& a, const Value& b) {
  if (op == CompareOp::kEq) {
    return LooseEquals(a, b);
  }
  if (op == CompareOp::kNe) {
    return !LooseEquals(a, b);
  }
  return ApplyOrder(op, TermCompare(a, b));
}

}  // namespace

Result<bool, EvalError> SqlCompare(CompareOp op, const Value& a, const Value& b) {
  if (a.is_undefined() && b.is_undefined()) {
    return ApplyOrder(op, 0);
  }
  if (a.is_undefined() || b.is_undefined()) {
    return false;
  }
  if (a.is_number() && b.is_string()) {
    std::optional<Value> n = ParseNumber(b.AsString());
    if (!n) {
      return Err(EvalError::BadType("cannot compare number with non-numeric string '" +
                                    std::string(b.AsString()) + "'"));
    }
    return ApplyOrder(op, CompareNumbers(a, *n));
  }
  if (a.is_string() && b.is_number()) {
    std::optional<Value> n = ParseNumber(a.AsString());
    if (!n) {
      return Err(EvalError::BadType("cannot compare non-numeric string '" +
                                    std::string(a.AsString()) + "' with number"));
    }
    return ApplyOrder(op, CompareNumbers(*n, b));
  }
  if (IsAtom(a) && b.is_string()) {
    return ApplyOrder(op, Sign(AtomName(a).compare(b.AsString())));
  }
  if (a.is_string() && IsAtom(b)) {
    return ApplyOrder(op, Sign(a.AsString().compare(AtomName(b))));
  }
  return CompareTerms(op, a, b);
}

std::optional<Value> ToNumber(const Value& v) {
  if (v.is_number()) {
    return v;
  }
  if (v.is_string()) {
    return ParseNumber(v.AsString());
  }
  return std::nullopt;
}

}  // namespace mqb::rules
