// JsonDecoder: JSON text -> Value tree in the arena, with simdjson's DOM parser (see value.h).
#include <simdjson.h>

#include <cstring>
#include <unordered_map>

#include "rules/value.h"

namespace mqb::rules {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

struct JsonDecoder::Impl {
  simdjson::dom::parser parser;
  std::string padded;               // copy of unpadded input, capacity reused
  simdjson::dom::element last_doc;  // valid until the next parse
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

// Converts the projection's subtrees of `e` (in place: no string copies). Fields are visited
// once; a repeated key is converted again and replaces the earlier value (the last one wins).
Value ConvertProjected(simdjson::dom::element e, const std::vector<JsonProjection::Node>& nodes,
                       Arena& arena) {
  if (e.type() != simdjson::dom::element_type::OBJECT) {
    return Convert<false>(e, arena);
  }
  MapBuilder b(arena, nodes.size());
  simdjson::dom::object obj = e.get_object().value_unsafe();
  for (auto field : obj) {
    for (const JsonProjection::Node& n : nodes) {
      if (KeyEquals(field.key, n.key)) {
        b.Put(n.key, n.full || n.children.empty()
                         ? Convert<false>(field.value, arena)
                         : ConvertProjected(field.value, n.children, arena));
        break;
      }
    }
  }
  return b.Finish();
}

}  // namespace

Value JsonDecoder::ConvertLastInPlace(Arena& arena) {
  return Convert<false>(impl_->last_doc, arena);
}

Value JsonDecoder::ConvertLastProjected(Arena& arena, const JsonProjection& projection) {
  return ConvertProjected(impl_->last_doc, projection.roots, arena);
}

Result<void, EvalError> JsonDecoder::ParseInPlace(std::string_view text, bool padded) {
  auto r = DecodeImpl(text, nullptr, padded, false, nullptr, true);
  if (!r.ok()) {
    return Err(r.error());
  }
  return Ok<EvalError>();
}

Result<Value, EvalError> JsonDecoder::DecodeProjected(std::string_view text, Arena& arena,
                                                      bool padded,
                                                      const JsonProjection& projection) {
  return DecodeImpl(text, &arena, padded, false, &projection);
}

Result<Value, EvalError> JsonDecoder::Decode(std::string_view text, Arena& arena, bool padded) {
  return DecodeImpl(text, &arena, padded, true, nullptr);
}

Result<Value, EvalError> JsonDecoder::DecodeInPlace(std::string_view text, Arena& arena,
                                                    bool padded) {
  return DecodeImpl(text, &arena, padded, false, nullptr);
}

Result<Value, EvalError> JsonDecoder::DecodeImpl(std::string_view text, Arena* arena, bool padded,
                                                 bool copy_strings,
                                                 const JsonProjection* projection,
                                                 bool parse_only) {
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
  impl_->last_doc = doc;
  if (parse_only) {
    return Value();
  }
  if (projection != nullptr) {
    return ConvertProjected(doc, projection->roots, *arena);
  }
  return copy_strings ? Convert<true>(doc, *arena) : Convert<false>(doc, *arena);
}

}  // namespace mqb::rules
