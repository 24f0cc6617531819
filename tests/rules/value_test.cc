// Value: JSON encode/decode, EMQX text formatting, comparison and builders.
#include "rules/value.h"

#include <gtest/gtest.h>

namespace mqb::rules {
namespace {

TEST(ValueTest, SizeAndTrivial) {
  static_assert(sizeof(Value) == 16);
  static_assert(std::is_trivially_copyable_v<Value>);
  EXPECT_TRUE(Value().is_undefined());
}

TEST(ValueTest, JsonRoundTrip) {
  Arena arena;
  JsonDecoder json;
  auto v = json.Decode(R"({"a": [1, -2.5, "x\ny", true, null, {}], "b": {"c": 1e300},
                          "big": 18446744073709551615, "u": "\u00e9"})",
                       arena);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToJson(v.value()),
            "{\"a\":[1,-2.5,\"x\\ny\",true,null,{}],\"b\":{\"c\":1e+300},"
            "\"big\":1.8446744073709552e+19,\"u\":\"\xc3\xa9\"}");
  auto bad = json.Decode("{\"a\":", arena);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, EvalError::Kind::kDecodeJson);
  EXPECT_FALSE(json.Decode("", arena).ok());
}

TEST(ValueTest, DuplicateKeysKeepLast) {
  Arena arena;
  JsonDecoder json;
  auto v = json.Decode(R"({"a": 1, "b": 2, "a": 3})", arena);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToJson(v.value()), R"({"a":3,"b":2})");
  std::string many = "{";
  for (int i = 0; i < 40; ++i) {
    many += "\"k" + std::to_string(i % 20) + "\":" + std::to_string(i) + ",";
  }
  many.back() = '}';
  auto m = json.Decode(many, arena);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().size(), 20u);
  EXPECT_EQ(m.value().Get("k3").AsInt(), 23);
}

TEST(ValueTest, JsonEscapesInvalidUtf8AndControls) {
  Arena arena;
  EXPECT_EQ(ToJson(Value::StringRef(std::string_view("a\x01\"\\\xff", 5))),
            "\"a\\u0001\\\"\\\\\\u00ff\"");
  EXPECT_EQ(ToJson(Value::Float(1.0)), "1.0");
  EXPECT_EQ(ToJson(Value::Float(0.1)), "0.1");
  EXPECT_EQ(ToJson(Value::Undefined()), "\"undefined\"");
  EXPECT_EQ(ToJson(Value::Float(1.0 / 0.0)), "null");
}

TEST(ValueTest, TextFormatting) {
  Arena arena;
  std::string s;
  AppendText(Value::Float(1.0 / 3.0), &s);
  EXPECT_EQ(s, "0.3333333333");
  s.clear();
  AppendText(Value::Float(2.0), &s);
  EXPECT_EQ(s, "2.0");
  s.clear();
  AppendText(Value::Float(0.1 + 0.2), &s);
  EXPECT_EQ(s, "0.3");
  s.clear();
  AppendText(Value::Int(-42), &s);
  EXPECT_EQ(s, "-42");
  EXPECT_EQ(ToText(arena, Value::Bool(true)).AsString(), "true");
  EXPECT_EQ(ToText(arena, Value::Null()).AsString(), "null");
  EXPECT_EQ(ToText(arena, Value::Undefined()).AsString(), "undefined");
}

TEST(ValueTest, ParseNumber) {
  EXPECT_TRUE(*ParseNumber("42") == Value::Int(42));
  EXPECT_TRUE(*ParseNumber("-7") == Value::Int(-7));
  EXPECT_TRUE(*ParseNumber("+3") == Value::Int(3));
  EXPECT_TRUE(*ParseNumber("1.5") == Value::Float(1.5));
  EXPECT_TRUE(*ParseNumber("-2e3") == Value::Float(-2000));
  EXPECT_TRUE(ParseNumber("99999999999999999999")->is_float());
  EXPECT_FALSE(ParseNumber(""));
  EXPECT_FALSE(ParseNumber("abc"));
  EXPECT_FALSE(ParseNumber(" 1"));
  EXPECT_FALSE(ParseNumber("1x"));
  EXPECT_FALSE(ParseNumber("inf"));
  EXPECT_FALSE(ParseNumber("-"));
}

TEST(ValueTest, ExactEqualityAndSqlCompare) {
  Arena arena;
  EXPECT_FALSE(Value::Int(1) == Value::Float(1.0));
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, Value::Int(1), Value::Float(1.0)));
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, Value::Int(2), Value::StringRef("2")));
  EXPECT_FALSE(SqlCompare(CompareOp::kEq, Value::Int(2), Value::StringRef("x")).ok());
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, Value(), Value()));
  EXPECT_TRUE(*SqlCompare(CompareOp::kLe, Value(), Value()));
  EXPECT_FALSE(*SqlCompare(CompareOp::kNe, Value(), Value::Int(1)));
  EXPECT_FALSE(*SqlCompare(CompareOp::kEq, Value::Int(1), Value()));
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, Value::Bool(true), Value::StringRef("true")));
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, Value::Null(), Value::StringRef("null")));
  // Erlang term order across types: number < atom < map < list < binary.
  EXPECT_TRUE(*SqlCompare(CompareOp::kLt, Value::Int(5), Value::Bool(false)));
  EXPECT_TRUE(*SqlCompare(CompareOp::kLt, Value::EmptyMap(), Value::EmptyArray()));
  EXPECT_FALSE(*SqlCompare(CompareOp::kEq, Value::Bool(true), Value::Int(1)));
  // Maps compare regardless of order.
  MapBuilder a(arena);
  a.Put("x", Value::Int(1));
  a.Put("y", Value::Int(2));
  MapBuilder b(arena);
  b.Put("y", Value::Int(2));
  b.Put("x", Value::Float(1.0));
  EXPECT_FALSE(a.Finish() == b.Finish());
  EXPECT_TRUE(*SqlCompare(CompareOp::kEq, a.Finish(), b.Finish()));
}

TEST(ValueTest, BuildersAndPaths) {
  Arena arena(64);  // small blocks: exercise growth across blocks
  ArrayBuilder arr(arena, 1);
  for (int i = 0; i < 100; ++i) {
    arr.Push(Value::Int(i));
  }
  Value a = arr.Finish();
  ASSERT_EQ(a.size(), 100u);
  EXPECT_EQ(a.At(1).AsInt(), 0);
  EXPECT_EQ(a.At(-1).AsInt(), 99);
  EXPECT_TRUE(a.At(0).is_undefined());
  EXPECT_TRUE(a.At(101).is_undefined());
  StringBuilder sb(arena, 1);
  for (int i = 0; i < 50; ++i) {
    sb.Append("ab");
  }
  EXPECT_EQ(sb.Finish().size(), 100u);
  MapBuilder m(arena, 1);
  m.Put("a", Value::Int(1));
  m.Put("b", Value::Int(2));
  m.Put("a", Value::Int(3));
  m.Erase("b");
  EXPECT_EQ(ToJson(m.Finish()), R"({"a":3})");
  std::string_view keys[] = {"x", "y"};
  Value nested = MapPutPath(arena, m.Finish(), keys, Value::Bool(true));
  EXPECT_EQ(ToJson(nested), R"({"a":3,"x":{"y":true}})");
  arena.Reset();
  EXPECT_EQ(arena.BytesUsed(), 0u);
}

}  // namespace
}  // namespace mqb::rules
