// Map functions (emqx_rule_funcs_SUITE t_map_get, t_map_put, t_mget, t_mput, t_map_to_entries,
// t_map_size and the EMQX SQL function reference).
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(MapFns, MapGet) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("map_new", {}), ctx.J("{}"));
  EXPECT_VAL(ctx.Call("map_get", {S("a"), ctx.J(R"({"a": 1})")}), I(1));
  EXPECT_VAL(ctx.Call("map_get", {S("a"), ctx.J("{}")}), U());
  EXPECT_VAL(ctx.Call("map_get", {S("a.b"), ctx.J(R"({"a": {"b": 1}})")}), I(1));
  EXPECT_VAL(ctx.Call("map_get", {S("a.c"), ctx.J(R"({"a": {"b": 1}})")}), U());
  EXPECT_VAL(ctx.Call("map_get", {S("b"), ctx.J(R"({"a": 1})"), I(2)}), I(2));
  EXPECT_STR(ctx.Call("map_get", {S("msg"), ctx.J(R"({"msg": "hello"})")}), "hello");
  EXPECT_STR(ctx.Call("map_get", {S("data"), ctx.J(R"({"msg": "hello"})"), S("")}), "");
  EXPECT_VAL(ctx.Call("map_get", {S("value"), ctx.J(R"({"data": [1.2, 1.3]})"), ctx.J("[]")}),
             ctx.J("[]"));
  // JSON strings are decoded on the way (map_get on a raw payload).
  EXPECT_VAL(ctx.Call("map_get", {S("key"), S(R"({"key" : []})")}), ctx.J("[]"));
  EXPECT_VAL(ctx.Call("map_get", {S("a.b"), ctx.J(R"({"a": "{\"b\": 7}"})")}), I(7));
  EXPECT_VAL(ctx.Call("map_get", {S("a"), S("not json")}), U());
  EXPECT_VAL(ctx.Call("map_get", {S("a"), I(5), S("d")}), S("d"));
  EXPECT_FN_ERROR(ctx.Call("map_get", {I(1), ctx.J("{}")}), kBadArgument);
}

TEST(MapFns, MapPut) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("map_put", {S("a"), I(1), ctx.J("{}")}), ctx.J(R"({"a": 1})"));
  EXPECT_VAL(ctx.Call("map_put", {S("a"), I(2), ctx.J(R"({"a": 1})")}), ctx.J(R"({"a": 2})"));
  EXPECT_VAL(ctx.Call("map_put", {S("a.b"), I(1), ctx.J("{}")}), ctx.J(R"({"a": {"b": 1}})"));
  EXPECT_VAL(ctx.Call("map_put", {S("a.c"), I(1), ctx.J(R"({"a": {"b": 1}})")}),
             ctx.J(R"({"a": {"b": 1, "c": 1}})"));
  EXPECT_VAL(ctx.Call("map_put", {S("User-Property.k"), S("v"), U()}),
             ctx.J(R"({"User-Property": {"k": "v"}})"));
  EXPECT_VAL(ctx.Call("map_put", {S("a"), I(1), S(R"({"b": 2})")}), ctx.J(R"({"b": 2, "a": 1})"));
  auto nested = ctx.Call("map_put", {S("a"), I(2), ctx.J(R"({"a": 1})")});
  ASSERT_TRUE(nested.ok());
  EXPECT_VAL(ctx.Call("map_get", {S("a"), nested.value()}), I(2));
  EXPECT_FN_ERROR(ctx.Call("map_put", {S("a"), I(1), I(3)}), kBadArgument);
  std::string deep(200, '.');
  EXPECT_FN_ERROR(ctx.Call("map_put", {ctx.S(deep), I(1), ctx.J("{}")}), kBadArgument);
}

TEST(MapFns, KeysValuesEntriesSize) {
  TestContext ctx;
  Value m = ctx.J(R"({"a": 1, "b": 2})");
  EXPECT_VAL(ctx.Call("map_keys", {m}), ctx.J(R"(["a", "b"])"));
  EXPECT_VAL(ctx.Call("map_values", {m}), ctx.J("[1, 2]"));
  EXPECT_VAL(ctx.Call("map_to_entries", {m}),
             ctx.J(R"([{"key": "a", "value": 1}, {"key": "b", "value": 2}])"));
  EXPECT_VAL(ctx.Call("map_to_entries", {ctx.J("{}")}), ctx.J("[]"));
  EXPECT_VAL(ctx.Call("map_to_entries", {S(R"({"a":1,"b":"b"})")}),
             ctx.J(R"([{"key": "a", "value": 1}, {"key": "b", "value": "b"}])"));
  EXPECT_VAL(ctx.Call("map_size", {ctx.J("{}")}), I(0));
  EXPECT_VAL(ctx.Call("map_size", {ctx.J(R"({"msg": "hello"})")}), I(1));
  EXPECT_VAL(ctx.Call("map_size", {ctx.J("[]")}), I(0));
  EXPECT_VAL(ctx.Call("map_size", {ctx.J(R"([["a", "b"]])")}), I(1));
  EXPECT_VAL(ctx.Call("map_size", {S("{}")}), I(0));
  EXPECT_VAL(ctx.Call("map_size", {S(R"({"a" : "b"})")}), I(1));
  EXPECT_FN_ERROR(ctx.Call("map_keys", {I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("map_size", {S("[1]")}), kBadArgument);
}

TEST(MapFns, MgetMput) {
  TestContext ctx;
  EXPECT_VAL(ctx.Call("mget", {S("a"), ctx.J(R"({"a": 1})")}), I(1));
  EXPECT_VAL(ctx.Call("mget", {S("a"), S(R"({"a" : 1})")}), I(1));
  EXPECT_VAL(ctx.Call("mget", {S("a.b"), ctx.J(R"({"a.b": 1})")}), I(1));  // no path split
  EXPECT_VAL(ctx.Call("mget", {S("a"), ctx.J("{}")}), U());
  EXPECT_VAL(ctx.Call("mget", {S("c"), ctx.J(R"({"a": {"b": 1}})")}), U());
  EXPECT_VAL(ctx.Call("mget", {ctx.A({S("a"), S("b")}), ctx.J(R"({"a": {"b": 1}})")}), I(1));
  EXPECT_VAL(ctx.Call("mget", {S("x"), ctx.J("{}"), I(9)}), I(9));
  EXPECT_VAL(ctx.Call("mput", {S("a"), I(1), ctx.J("{}")}), ctx.J(R"({"a": 1})"));
  EXPECT_VAL(ctx.Call("mput", {S("a"), I(2), ctx.J(R"({"a": 1})")}), ctx.J(R"({"a": 2})"));
  EXPECT_VAL(ctx.Call("mput", {S("a"), I(2), S(R"({"a" : 1})")}), ctx.J(R"({"a": 2})"));
  EXPECT_VAL(ctx.Call("mput", {S("a.b"), I(2), ctx.J(R"({"a.b": 1})")}), ctx.J(R"({"a.b": 2})"));
  auto put = ctx.Call("mput", {ctx.A({S("a"), S("b")}), I(2), ctx.J(R"({"c": 1})")});
  ASSERT_TRUE(put.ok());
  EXPECT_VAL(ctx.Call("mget", {ctx.A({S("a"), S("b")}), put.value()}), I(2));
  EXPECT_FN_ERROR(ctx.Call("mget", {I(1), ctx.J("{}")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("mput", {ctx.J("[]"), I(1), ctx.J("{}")}), kBadArgument);
}

}  // namespace
}  // namespace mqb::rules::testing
