// Templates (REFERENCE.md section 8 and the mqbridge decisions).
#include "rules/template.h"

#include <gtest/gtest.h>

namespace mqb::rules {
namespace {

class TemplateTest : public ::testing::Test {
 protected:
  Value Json(std::string_view text) {
    auto r = json_.Decode(text, arena_);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? r.value() : Value();
  }
  std::string Render(std::string_view tmpl, const Value& data, size_t* missing = nullptr) {
    std::string out;
    size_t m = Template::Parse(tmpl).Render(data, arena_, json_, &out);
    if (missing != nullptr) {
      *missing = m;
    }
    return out;
  }
  Arena arena_;
  JsonDecoder json_;
};

TEST_F(TemplateTest, LiteralOnly) {
  Template t = Template::Parse("a/b");
  EXPECT_FALSE(t.has_placeholders());
  EXPECT_EQ(Render("a/b", Value::EmptyMap()), "a/b");
}

TEST_F(TemplateTest, TopicPlaceholder) {
  Value data = Json(R"({"topic": "temp_hum/emqx", "qos": 1})");
  EXPECT_EQ(Render("pub/${topic}", data), "pub/temp_hum/emqx");
  EXPECT_EQ(Render("${topic}/${qos}/x", data), "temp_hum/emqx/1/x");
}

TEST_F(TemplateTest, LeadingDotAndWholeData) {
  Value data = Json(R"({"a": 1})");
  EXPECT_EQ(Render("${.a}", data), "1");
  EXPECT_EQ(Render("${.}", data), R"({"a":1})");
}

TEST_F(TemplateTest, NestedAndJsonStringPayload) {
  Value data = Json(R"({"payload": "{\"a\": {\"b\": 2.5}}"})");
  EXPECT_EQ(Render("${payload.a.b}", data), "2.5");
  EXPECT_EQ(Render("${payload.a}", data), R"({"b":2.5})");
  EXPECT_EQ(Render("${payload}", data), R"({"a": {"b": 2.5}})");
}

TEST_F(TemplateTest, ValueFormatting) {
  Value data = Json(R"({"i": -3, "f": 0.1, "g": 2.0, "t": true, "n": null, "l": [1, "x"],
                       "s": "str", "third": 0.3333333333333333})");
  EXPECT_EQ(Render("${i}|${f}|${g}|${t}|${n}|${l}|${s}|${third}", data),
            R"(-3|0.1|2.0|true|null|[1,"x"]|str|0.3333333333)");
}

TEST_F(TemplateTest, MissingRendersEmptyAndIsCounted) {
  Value data = Json(R"({"payload": "not json", "a": 1})");
  size_t missing = 0;
  EXPECT_EQ(Render("x/${nothing}/${a}/${payload.k}/${a.b}", data, &missing), "x//1//");
  EXPECT_EQ(missing, 3u);
  EXPECT_EQ(Render("${a}", data, &missing), "1");
  EXPECT_EQ(missing, 0u);
}

TEST_F(TemplateTest, NoIndexSyntaxAndQuotesNotSpecial) {
  Value data = Json(R"({"l": [1, 2], "'q'": 5})");
  size_t missing = 0;
  EXPECT_EQ(Render("${l[1]}", data, &missing), "");
  EXPECT_EQ(missing, 1u);
  EXPECT_EQ(Render("${'q'}", data), "5");
}

TEST_F(TemplateTest, UnclosedAndEmptyPlaceholdersAreLiteral) {
  Value data = Json(R"({"a": 1})");
  EXPECT_EQ(Render("${a", data), "${a");
  EXPECT_EQ(Render("x${}y${a}", data), "x${}y1");
  EXPECT_EQ(Render("$a {a}", data), "$a {a}");
}

TEST_F(TemplateTest, RawValueForQosAndRetain) {
  Value data = Json(R"({"qos": 2, "flags": {"retain": true}, "payload": "{\"q\": \"1\"}"})");
  Template q = Template::Parse("${qos}");
  ASSERT_TRUE(q.IsSinglePlaceholder());
  EXPECT_TRUE(q.RawValue(data, arena_, json_) == Value::Int(2));
  Template r = Template::Parse("${flags.retain}");
  EXPECT_TRUE(r.RawValue(data, arena_, json_) == Value::Bool(true));
  // Raw: no string -> int conversion.
  Template pq = Template::Parse("${payload.q}");
  EXPECT_TRUE(pq.RawValue(data, arena_, json_) == Value::StringRef("1"));
  Template missing = Template::Parse("${qos_missing}");
  EXPECT_TRUE(missing.RawValue(data, arena_, json_).is_undefined());
  EXPECT_FALSE(Template::Parse("q${qos}").IsSinglePlaceholder());
}

}  // namespace
}  // namespace mqb::rules
