// JsonDecoder: JSON text -> Value tree in the arena, with simdjson's DOM parser (see value.h).
#include <simdjson.h>

#include <cstring>
#include <unordered_map>

#include "rules/value.h"

namespace mqb::rules {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

struct JsonDecoder::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // copy of unpadded input, capacity reused
};

JsonDecoder::JsonDecoder() : impl_(std::make_unique<Impl>()) {}
JsonDecoder::~JsonDecoder() = default;

namespace {

template <bool kCopy>
Value Convert(simdjson::dom::element e, Arena& arena);

template <bool kCopy>
Value ConvertObject(simdjson::dom::object obj, Arena& arena) {
  size_t n = obj.size();
  MapEntry* entries = arena.AllocateArray<MapEntry>(n);
  size_t count = 0;
  if (n <= 16) {
    for (auto field : obj) {
      std::string_view key = kCopy ? arena.CopyString(field.key) : field.key;
      Value v = Convert<kCopy>(field.value, arena);
      size_t i = 0;
      for (; i < count; ++i) {
        if (entries[i].key == key) {
          entries[i].value = v;  // duplicate key: the last one wins
          break;
        }
      }
      if (i == count) {
        entries[count++] = MapEntry{key, v};
      }
    }
  } else {
    std::unordered_map<std::string_view, size_t> index;
    index.reserve(n);
    for (auto field : obj) {
      std::string_view key = kCopy ? arena.CopyString(field.key) : field.key;
      Value v = Convert<kCopy>(field.value, arena);
      auto [it, inserted] = index.emplace(key, count);
      if (inserted) {
        entries[count++] = MapEntry{key, v};
      } else {
        entries[it->second].value = v;
      }
    }
  }
  return Value::MapRef(entries, count);
}

template <bool kCopy>
Value Convert(simdjson::dom::element e, Arena& arena) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr = e.get_array().value_unsafe();
      size_t n = arr.size();
      Value* items = arena.AllocateArray<Value>(n);
      size_t i = 0;
      for (simdjson::dom::element child : arr) {
        items[i++] = Convert<kCopy>(child, arena);
      }
      return Value::ArrayRef(items, i);
    }
    case simdjson::dom::element_type::OBJECT:
      return ConvertObject<kCopy>(e.get_object().value_unsafe(), arena);
    case simdjson::dom::element_type::INT64:
      return Value::Int(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::Float(static_cast<double>(e.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Float(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      if constexpr (kCopy) {
        return Value::String(arena, e.get_string().value_unsafe());
      } else {
        return Value::StringRef(e.get_string().value_unsafe());
      }
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::Null();
  }
  return Value();
}

}  // namespace

Result<Value, EvalError> JsonDecoder::Decode(std::string_view text, Arena& arena, bool padded) {
  return DecodeImpl(text, arena, padded, true);
}

Result<Value, EvalError> JsonDecoder::DecodeInPlace(std::string_view text, Arena& arena,
                                                    bool padded) {
  return DecodeImpl(text, arena, padded, false);
}

Result<Value, EvalError> JsonDecoder::DecodeImpl(std::string_view text, Arena& arena, bool padded,
                                                 bool copy_strings) {
  const char* buf = text.data();
  if (!padded) {
    std::string& p = impl_->padded;
    if (p.size() < text.size() + simdjson::SIMDJSON_PADDING) {
      p.resize(text.size() + simdjson::SIMDJSON_PADDING);
    }
    if (!text.empty()) {
      std::memcpy(p.data(), text.data(), text.size());
    }
    std::memset(p.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    buf = p.data();
  }
  simdjson::dom::element doc;
  auto error = impl_->parser.parse(buf, text.size(), false).get(doc);
  if (error) {
    return Err(EvalError{EvalError::Kind::kDecodeJson, simdjson::error_message(error)});
  }
  return copy_strings ? Convert<true>(doc, arena) : Convert<false>(doc, arena);
}

}  // namespace mqb::rules
