#include "rules/template.h"

namespace mqb::rules {

Template Template::Parse(std::string_view text) {
  Template t;
  t.source_.assign(text);
  size_t pos = 0;
  std::string literal;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open + 2);
    if (open == std::string_view::npos || close == std::string_view::npos || close == open + 2) {
      if (open != std::string_view::npos && close == open + 2) {
        // "${}" is literal text; continue after it.
        literal.append(text.substr(pos, close + 1 - pos));
        pos = close + 1;
        continue;
      }
      literal.append(text.substr(pos));
      break;
    }
    literal.append(text.substr(pos, open - pos));
    if (!literal.empty()) {
      t.parts_.push_back(Part{false, std::move(literal), {}});
      literal.clear();
    }
    std::string_view inner = text.substr(open + 2, close - open - 2);
    if (!inner.empty() && inner[0] == '.') {
      inner.remove_prefix(1);
    }
    Part p;
    p.is_placeholder = true;
    while (!inner.empty()) {
      size_t dot = inner.find('.');
      p.path.emplace_back(inner.substr(0, dot));
      if (dot == std::string_view::npos) {
        break;
      }
      inner.remove_prefix(dot + 1);
    }
    t.parts_.push_back(std::move(p));
    t.has_placeholders_ = true;
    pos = close + 1;
  }
  if (!literal.empty()) {
    t.parts_.push_back(Part{false, std::move(literal), {}});
  }
  return t;
}

Value Template::Lookup(const Part& p, const Value& data, Arena& arena, JsonDecoder& json) const {
  Value v = data;
  for (const std::string& key : p.path) {
    if (v.is_string()) {
      auto d = json.Decode(v.AsString(), arena);
      if (!d.ok()) {
        return Value();
      }
      v = d.value();
    }
    v = v.Get(key);
    if (v.is_undefined()) {
      return v;
    }
  }
  return v;
}

size_t Template::Render(const Value& data, Arena& arena, JsonDecoder& json,
                        std::string* out) const {
  size_t missing = 0;
  for (const Part& p : parts_) {
    if (!p.is_placeholder) {
      out->append(p.text);
      continue;
    }
    Value v = Lookup(p, data, arena, json);
    if (v.is_undefined()) {
      ++missing;
      continue;
    }
    AppendText(v, out);
  }
  return missing;
}

Value Template::RawValue(const Value& data, Arena& arena, JsonDecoder& json) const {
  return Lookup(parts_[0], data, arena, json);
}

}  // namespace mqb::rules
