// A small streaming JSON writer for control-plane output (API responses, status logs). Not used
// on the data path.
//
// Thread-safety: none; one writer per response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mqb::engine {

class JsonWriter {
 public:
  JsonWriter& BeginObject() {
    Sep();
    out_ += '{';
    first_ = true;
    return *this;
  }
  JsonWriter& EndObject() {
    out_ += '}';
    first_ = false;
    return *this;
  }
  JsonWriter& BeginArray() {
    Sep();
    out_ += '[';
    first_ = true;
    return *this;
  }
  JsonWriter& EndArray() {
    out_ += ']';
    first_ = false;
    return *this;
  }
  JsonWriter& Key(std::string_view k) {
    Sep();
    Quote(k);
    out_ += ':';
    first_ = true;  // the value follows without a comma
    return *this;
  }
  JsonWriter& String(std::string_view s) {
    Sep();
    Quote(s);
    return *this;
  }
  JsonWriter& Uint(uint64_t v) {
    Sep();
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& Int(int64_t v) {
    Sep();
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v) {
    Sep();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonWriter& Null() {
    Sep();
    out_ += "null";
    return *this;
  }

  // A value that is already JSON text (e.g. another writer's str()); not checked.
  JsonWriter& Raw(std::string_view json) {
    Sep();
    out_ += json;
    return *this;
  }

  const std::string& str() const { return out_; }

 private:
  void Sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void Quote(std::string_view s);

  std::string out_;
  bool first_ = true;
};

}  // namespace mqb::engine
