// Message/context functions (emqx_rule_funcs_SUITE t_msgid, t_qos, t_flags, t_topic, t_payload,
// t_coalesce, t_coalesce_ne ...).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

class ContextFns : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx.SetColumn("id", S("0005F8F84FFFAFB9F44200000BB10000"));
    ctx.SetColumn("qos", I(1));
    ctx.SetColumn("topic", S("topic/#"));
    ctx.SetColumn("clientid", S("clientid"));
    ctx.SetColumn("username", S("feng"));
    ctx.SetColumn("peerhost", S("127.0.0.1"));
    ctx.SetColumn("flags", ctx.J(R"({"dup": false, "retain": true})"));
    ctx.SetColumn("payload", S(R"({"a": {"b": {"c": "c"}}})"));
  }
  TestContext ctx;
};

TEST_F(ContextFns, Columns) {
  EXPECT_STR(ctx.Call("msgid", {}), "0005F8F84FFFAFB9F44200000BB10000");
  EXPECT_VAL(ctx.Call("qos", {}), I(1));
  EXPECT_STR(ctx.Call("topic", {}), "topic/#");
  EXPECT_STR(ctx.Call("clientid", {}), "clientid");
  EXPECT_STR(ctx.Call("username", {}), "feng");
  EXPECT_STR(ctx.Call("clientip", {}), "127.0.0.1");
  EXPECT_STR(ctx.Call("peerhost", {}), "127.0.0.1");
  EXPECT_VAL(ctx.Call("flags", {}), ctx.J(R"({"dup": false, "retain": true})"));
  EXPECT_VAL(ctx.Call("flag", {S("dup")}), B(false));
  EXPECT_VAL(ctx.Call("flag", {S("retain")}), B(true));
  EXPECT_VAL(ctx.Call("flag", {S("nope")}), U());
  EXPECT_VAL(ctx.Call("null", {}), U());
}

TEST_F(ContextFns, MissingColumnsAreUndefined) {
  TestContext empty;
  EXPECT_VAL(empty.Call("msgid", {}), U());
  EXPECT_VAL(empty.Call("qos", {}), U());
  EXPECT_VAL(empty.Call("clientid", {}), U());
  EXPECT_VAL(empty.Call("peerhost", {}), U());
  EXPECT_VAL(empty.Call("flags", {}), empty.J("{}"));
  EXPECT_VAL(empty.Call("flag", {S("dup")}), U());
  EXPECT_VAL(empty.Call("topic", {I(1)}), U());
}

TEST_F(ContextFns, TopicLevel) {
  EXPECT_STR(ctx.Call("topic", {I(1)}), "topic");
  EXPECT_STR(ctx.Call("topic", {I(2)}), "#");
  ctx.SetColumn("topic", S("a//c"));
  EXPECT_STR(ctx.Call("topic", {I(2)}), "");
  EXPECT_STR(ctx.Call("topic", {I(3)}), "c");
  EXPECT_FN_ERROR(ctx.Call("topic", {I(4)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("topic", {I(0)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("topic", {S("1")}), kBadArgument);
}

TEST_F(ContextFns, Payload) {
  EXPECT_STR(ctx.Call("payload", {}), R"({"a": {"b": {"c": "c"}}})");
  EXPECT_STR(ctx.Call("payload", {S("a.b.c")}), "c");
  EXPECT_VAL(ctx.Call("payload", {S("a.b")}), ctx.J(R"({"c": "c"})"));
  EXPECT_VAL(ctx.Call("payload", {S("a.x")}), U());
  ctx.SetColumn("payload", S("not json"));
  EXPECT_VAL(ctx.Call("payload", {S("a")}), U());
  EXPECT_FN_ERROR(ctx.Call("payload", {I(1)}), kBadArgument);
}

TEST_F(ContextFns, ContainsTopic) {
  Value filters = ctx.J(R"([{"topic": "t/a", "qos": 1}, {"topic": "t/#", "qos": 2}])");
  EXPECT_VAL(ctx.Call("contains_topic", {filters, S("t/a")}), B(true));
  EXPECT_VAL(ctx.Call("contains_topic", {filters, S("t/b")}), B(false));
  EXPECT_VAL(ctx.Call("contains_topic", {filters, S("t/a"), I(1)}), B(true));
  EXPECT_VAL(ctx.Call("contains_topic", {filters, S("t/a"), I(2)}), B(false));
  // _match: an element's topic is matched against the given filter (emqx_topic:match(T, F)).
  EXPECT_VAL(ctx.Call("contains_topic_match", {filters, S("t/+")}), B(true));
  EXPECT_VAL(ctx.Call("contains_topic_match", {filters, S("x/#")}), B(false));
  EXPECT_VAL(ctx.Call("contains_topic_match", {filters, S("#"), I(1)}), B(true));
  EXPECT_FN_ERROR(ctx.Call("contains_topic", {S("t/a"), S("t/a")}), kBadArgument);
}

TEST_F(ContextFns, Coalesce) {
  EXPECT_VAL(ctx.Call("coalesce", {ctx.J("[]")}), U());
  EXPECT_VAL(ctx.Call("coalesce", {ctx.A({U(), U(), U()})}), U());
  EXPECT_VAL(ctx.Call("coalesce", {ctx.A({U(), I(42), U()})}), I(42));
  EXPECT_STR(ctx.Call("coalesce", {ctx.A({S("hello"), U()})}), "hello");
  EXPECT_STR(ctx.Call("coalesce", {ctx.A({S("world")})}), "world");
  EXPECT_STR(ctx.Call("coalesce", {S("hello"), S("world")}), "hello");
  EXPECT_STR(ctx.Call("coalesce", {U(), S("world")}), "world");
  EXPECT_VAL(ctx.Call("coalesce", {N(), I(1)}), N());  // JSON null is a value
  EXPECT_FN_ERROR(ctx.Call("coalesce", {I(1)}), kBadArgument);
}

TEST_F(ContextFns, CoalesceNe) {
  EXPECT_VAL(ctx.Call("coalesce_ne", {ctx.J("[]")}), U());
  EXPECT_VAL(ctx.Call("coalesce_ne", {ctx.A({S(""), U(), S("")})}), U());
  EXPECT_VAL(ctx.Call("coalesce_ne", {ctx.A({S(""), I(42), U()})}), I(42));
  EXPECT_STR(ctx.Call("coalesce_ne", {ctx.A({S("hello"), S("")})}), "hello");
  EXPECT_STR(ctx.Call("coalesce_ne", {S("hello"), S("world")}), "hello");
  EXPECT_STR(ctx.Call("coalesce_ne", {S(""), S("world")}), "world");
}

}  // namespace
}  // namespace mqb::rules::testing
