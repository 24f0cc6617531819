// Test support for the function library: an EvalContext with settable columns, clock and
// environment, and helpers to call registered functions and build/compare Values.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/function.h"
#include "rules/value.h"

namespace mqb::rules::testing {

// An EvalContext over a fixed set of columns. Not thread-safe (one per test).
class TestContext : public EvalContext {
 public:
  Arena& arena() override { return arena_; }
  Value Column(std::string_view name) override {
    auto it = columns_.find(std::string(name));
    return it == columns_.end() ? Value::Undefined() : it->second;
  }
  Result<Value, EvalError> DecodedPayload() override {
    Value p = Column("payload");
    if (!p.is_string()) return p;
    return json_.Decode(p.AsString(), arena_);
  }
  JsonDecoder& json() override { return json_; }
  int64_t NowNanos() override { return now_ns_; }
  std::string_view NodeName() override { return "mqbridge@127.0.0.1"; }
  std::optional<std::string_view> GetEnv(std::string_view name) override {
    auto it = env_.find(std::string(name));
    if (it == env_.end()) return std::nullopt;
    return std::string_view(it->second);
  }

  void SetColumn(const std::string& name, Value v) { columns_[name] = v; }
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }
  void SetNowNanos(int64_t ns) { now_ns_ = ns; }

  // Parses JSON into a Value living in this context's arena (test input/expectations).
  Value J(std::string_view json) {
    auto r = json_.Decode(json, arena_);
    EXPECT_TRUE(r.ok()) << "bad JSON in test: " << json;
    return r.ok() ? r.value() : Value();
  }
  // The same, in memory that survives arena().Reset() (for columns of long tests).
  Value JPersistent(std::string_view json) {
    auto r = json_.Decode(json, persistent_);
    EXPECT_TRUE(r.ok()) << "bad JSON in test: " << json;
    return r.ok() ? r.value() : Value();
  }
  // A string Value copied into the arena (may hold any bytes).
  Value S(std::string_view s) { return Value::String(arena_, s); }
  Value A(std::initializer_list<Value> items) {
    ArrayBuilder b(arena_, items.size());
    for (const Value& v : items) b.Push(v);
    return b.Finish();
  }

  // Calls the registered function `name` with `args`; fails the test if it is unknown or the
  // arity is outside its declared range.
  Result<Value, EvalError> Call(std::string_view name, std::initializer_list<Value> args) {
    std::vector<Value> v(args);
    return CallVec(name, v);
  }
  Result<Value, EvalError> CallVec(std::string_view name, const std::vector<Value>& args) {
    const FunctionDef* def = FunctionRegistry::Default().Find(name);
    if (def == nullptr) {
      ADD_FAILURE() << "function not registered: " << name;
      return Err(EvalError::NotSupported("unregistered"));
    }
    const int n = static_cast<int>(args.size());
    if (n < def->min_args || (def->max_args != kVariadic && n > def->max_args)) {
      ADD_FAILURE() << name << ": arity " << n << " outside [" << def->min_args << ", "
                    << def->max_args << "]";
      return Err(EvalError::NotSupported("arity"));
    }
    return def->fn(std::span<const Value>(args.data(), args.size()), *this);
  }

 private:
  Arena arena_;
  Arena persistent_;
  JsonDecoder json_;
  std::map<std::string, Value> columns_;
  std::map<std::string, std::string> env_;
  int64_t now_ns_ = 1708933353472123456;  // 2024-02-26T07:42:33.472123456Z
};

// Shorthands for scalar Values.
inline Value I(int64_t i) { return Value::Int(i); }
inline Value F(double d) { return Value::Float(d); }
inline Value B(bool b) { return Value::Bool(b); }
inline Value U() { return Value::Undefined(); }
inline Value N() { return Value::Null(); }
inline Value S(std::string_view literal) { return Value::StringRef(literal); }

// EXPECT_CLOSE(result, expected double): ok, a float, within a few ulps (libm implementations
// differ in the last bit for transcendental functions).
#define EXPECT_CLOSE(result_expr, expected)                                                       \
  do {                                                                                            \
    auto mqb_r_ = (result_expr);                                                                  \
    ASSERT_TRUE(mqb_r_.ok() && mqb_r_.value().is_float()) << ::mqb::rules::testing::Show(mqb_r_); \
    EXPECT_NEAR(mqb_r_.value().AsFloat(), (expected), 4e-16 * std::fabs(expected))                \
        << #result_expr;                                                                          \
  } while (0)

inline std::string Show(const Result<Value, EvalError>& r) {
  return r.ok() ? ToJson(r.value()) : "error " + r.error().ToString();
}

}  // namespace mqb::rules::testing

// EXPECT_VAL(result, expected Value): ok and exactly equal (1 and 1.0 differ).
#define EXPECT_VAL(result_expr, expected_expr)                                     \
  do {                                                                             \
    auto mqb_r_ = (result_expr);                                                   \
    ::mqb::rules::Value mqb_e_ = (expected_expr);                                  \
    EXPECT_TRUE(mqb_r_.ok() && mqb_r_.value() == mqb_e_)                           \
        << #result_expr << "\n  got:      " << ::mqb::rules::testing::Show(mqb_r_) \
        << "\n  expected: " << ::mqb::rules::ToJson(mqb_e_);                       \
  } while (0)

// EXPECT_STR(result, "text"): ok and a string equal to text (any bytes).
#define EXPECT_STR(result_expr, text)                                              \
  do {                                                                             \
    auto mqb_r_ = (result_expr);                                                   \
    EXPECT_TRUE(mqb_r_.ok() && mqb_r_.value().is_string() &&                       \
                mqb_r_.value().AsString() == std::string_view(text))               \
        << #result_expr << "\n  got:      " << ::mqb::rules::testing::Show(mqb_r_) \
        << "\n  expected: \"" << std::string_view(text) << "\"";                   \
  } while (0)

// EXPECT_FN_ERROR(result, Kind): failed with that EvalError kind.
#define EXPECT_FN_ERROR(result_expr, err_kind)                                                  \
  do {                                                                                          \
    auto mqb_r_ = (result_expr);                                                                \
    EXPECT_TRUE(!mqb_r_.ok() && mqb_r_.error().kind == ::mqb::rules::EvalError::Kind::err_kind) \
        << #result_expr << "\n  got: " << ::mqb::rules::testing::Show(mqb_r_);                  \
  } while (0)
