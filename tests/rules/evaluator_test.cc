// Evaluator API: compile once / evaluate many, statuses, outputs, payload laziness, sharing a
// program between threads, and no heap allocation per message for a simple rule.
#include "rules/evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "rules/program.h"

// Counts heap allocations made by this process through the sanitizer allocator's hooks (the
// test suite runs under ASan); without a sanitizer the allocation test is skipped.
#if defined(__SANITIZE_ADDRESS__)
#define MQB_COUNT_ALLOCATIONS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MQB_COUNT_ALLOCATIONS 1
#endif
#endif
#ifdef MQB_COUNT_ALLOCATIONS
// From <sanitizer/allocator_interface.h> (shipped with clang only; libasan exports it for gcc too).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             size_t),
                                                         void (*free_hook)(const volatile void*));
static std::atomic<long> g_allocations{0};
static void CountMalloc(const volatile void*, size_t) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
}
static void IgnoreFree(const volatile void*) {}
static const int g_hooks_installed =
    __sanitizer_install_malloc_and_free_hooks(CountMalloc, IgnoreFree);
#endif

namespace mqb::rules {
namespace {

std::shared_ptr<const RuleProgram> Compile(std::string_view sql) {
  auto r = RuleProgram::Compile(sql, CompileOptions{"rule-1"});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? r.value() : nullptr;
}

// A payload buffer followed by simdjson padding, as the engine provides it.
struct PaddedPayload {
  explicit PaddedPayload(std::string_view text) : buf(text.size() + kJsonPadding, '\0') {
    buf.replace(0, text.size(), text);
    view = std::string_view(buf.data(), text.size());
  }
  std::string buf;
  std::string_view view;
};

MessageInput Publish(std::string_view topic, std::string_view payload) {
  MessageInput in;
  in.topic = topic;
  in.payload = payload;
  in.qos = 1;
  in.clientid = "dev1";
  in.username = "user";
  in.peerhost = "10.0.0.1";
  in.node = "mqbridge@host";
  in.timestamp_ms = 1000;
  in.received_at_ms = 999;
  return in;
}

TEST(EvaluatorTest, SelectProducesOneOutput) {
  auto p = Compile(R"(SELECT topic, payload.temp as t FROM "temp/#" WHERE payload.temp > 20)");
  PaddedPayload pl(R"({"temp": 25})");
  MessageInput in = Publish("temp/room1", pl.view);
  in.payload_padded = true;
  Evaluator ev;
  ASSERT_EQ(ev.Evaluate(*p, in), EvalStatus::kOutput);
  ASSERT_EQ(ev.outputs().size(), 1u);
  EXPECT_EQ(ToJson(ev.outputs()[0]), R"({"topic":"temp/room1","t":25})");
}

TEST(EvaluatorTest, StatusesMapToMetrics) {
  auto p = Compile(R"(SELECT 1 FROM "a/#" WHERE payload.x = 1)");
  Evaluator ev;
  EXPECT_EQ(ev.Evaluate(*p, Publish("b/c", R"({"x":1})")), EvalStatus::kNoMatch);
  EXPECT_EQ(ev.Evaluate(*p, Publish("a/c", R"({"x":2})")), EvalStatus::kNoResult);
  EXPECT_TRUE(ev.where_rejected());
  EXPECT_EQ(ev.Evaluate(*p, Publish("a/c", R"(not json)")), EvalStatus::kException);
  EXPECT_EQ(ev.error().kind, EvalError::Kind::kDecodeJson);
  EXPECT_NE(ev.error().ToString().find("decode_json_failed"), std::string::npos);
  EXPECT_EQ(ev.Evaluate(*p, Publish("a/c", R"({"x":1})")), EvalStatus::kOutput);
}

TEST(EvaluatorTest, ForeachProducesOneOutputPerElement) {
  auto p = Compile(R"(FOREACH payload.l as x DO x * 2 as y FROM "t")");
  Evaluator ev;
  ASSERT_EQ(ev.Evaluate(*p, Publish("t", R"({"l": [1, 2, 3]})")), EvalStatus::kOutput);
  ASSERT_EQ(ev.outputs().size(), 3u);
  EXPECT_EQ(ToJson(ev.outputs()[2]), R"({"y":6})");
  EXPECT_EQ(ev.Evaluate(*p, Publish("t", R"({"l": []})")), EvalStatus::kNoResult);
  EXPECT_FALSE(ev.where_rejected());
}

TEST(EvaluatorTest, PayloadIsNotParsedUnlessRead) {
  // Invalid JSON is fine when no rule reads payload fields.
  auto p = Compile(R"(SELECT payload, topic FROM "t")");
  Evaluator ev;
  ASSERT_EQ(ev.Evaluate(*p, Publish("t", "\x01\x02 binary")), EvalStatus::kOutput);
  EXPECT_EQ(ev.outputs()[0].Get("payload").AsString(), "\x01\x02 binary");
}

TEST(EvaluatorTest, PayloadDecodedOncePerMessageAcrossRules) {
  auto a = Compile(R"(SELECT payload.x as x FROM "t" WHERE payload.x > 0)");
  auto b = Compile(R"(SELECT payload.y as y, payload.x + payload.y as s FROM "t")");
  auto c = Compile(R"(SELECT topic FROM "t")");
  MessageInput in = Publish("t", R"({"x": 1, "y": 2})");
  Evaluator ev;
  ev.BeginMessage(in);
  ASSERT_EQ(ev.EvaluateRule(*a), EvalStatus::kOutput);
  Value out_a = ev.outputs()[0];
  ASSERT_EQ(ev.EvaluateRule(*b), EvalStatus::kOutput);
  ASSERT_EQ(ev.EvaluateRule(*c), EvalStatus::kOutput);
  EXPECT_EQ(ev.payload_decodes(), 1u);
  // Earlier rules' outputs stay valid until the next message.
  EXPECT_EQ(ToJson(out_a), R"({"x":1})");
  EXPECT_EQ(ToJson(ev.outputs()[0]), R"({"topic":"t"})");
  // A rule that does not read payload fields never decodes it.
  ASSERT_EQ(ev.Evaluate(*c, in), EvalStatus::kOutput);
  EXPECT_EQ(ev.payload_decodes(), 1u);
  ASSERT_EQ(ev.Evaluate(*a, in), EvalStatus::kOutput);
  EXPECT_EQ(ev.payload_decodes(), 2u);
}

TEST(EvaluatorTest, BridgeSourceEventColumns) {
  auto p = Compile(R"(SELECT * FROM "$bridges/mqtt:src")");
  MessageInput in = Publish("remote/t", "hi");
  in.event = EventKind::kBridgeSource;
  in.hookpoint = "$bridges/mqtt:src";
  in.server = "broker:1883";
  in.id = "ABC";
  in.retain = true;
  Evaluator ev;
  ASSERT_EQ(ev.Evaluate(*p, in), EvalStatus::kOutput);
  EXPECT_EQ(ToJson(ev.outputs()[0]),
            R"({"event":"$bridges/mqtt:src","id":"ABC","server":"broker:1883",)"
            R"("topic":"remote/t","qos":1,"dup":false,"retain":true,"pub_props":{},)"
            R"("payload":"hi","message_received_at":999,"timestamp":1000,)"
            R"("node":"mqbridge@host","metadata":{"rule_id":"rule-1"}})");
  // A message.publish with the same topic does not trigger a bridge rule.
  EXPECT_EQ(ev.Evaluate(*p, Publish("$bridges/mqtt:src", "x")), EvalStatus::kNoMatch);
}

TEST(EvaluatorTest, PubPropsAndUserProperties) {
  auto p = Compile(R"(SELECT pub_props FROM "t")");
  PubProp props[] = {{"Content-Type", "json", 0, false}, {"Message-Expiry-Interval", "", 30, true}};
  std::pair<std::string_view, std::string_view> ups[] = {{"k", "v1"}, {"k2", "v2"}};
  MessageInput in = Publish("t", "");
  in.pub_props = props;
  in.user_properties = ups;
  Evaluator ev;
  ASSERT_EQ(ev.Evaluate(*p, in), EvalStatus::kOutput);
  EXPECT_EQ(ToJson(ev.outputs()[0]),
            R"({"pub_props":{"Content-Type":"json","Message-Expiry-Interval":30,)"
            R"("User-Property":{"k":"v1","k2":"v2"},"User-Property-Pairs":)"
            R"([{"key":"k","value":"v1"},{"key":"k2","value":"v2"}]}})");
}

TEST(EvaluatorTest, SimpleRuleDoesNotAllocatePerMessage) {
#ifndef MQB_COUNT_ALLOCATIONS
  GTEST_SKIP() << "allocation counting needs the sanitizer allocator";
#else
  ASSERT_NE(g_hooks_installed, 0);
  auto p = Compile(
      R"(SELECT topic, payload.sensor.temp as t, clientid FROM "s/#" WHERE payload.sensor.temp > 10)");
  PaddedPayload pl(R"({"sensor": {"temp": 21.5, "hum": 40}, "id": "abc", "list": [1, 2, 3]})");
  MessageInput in = Publish("s/1", pl.view);
  in.payload_padded = true;
  Evaluator ev;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(ev.Evaluate(*p, in), EvalStatus::kOutput);
  }
  long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(ev.Evaluate(*p, in), EvalStatus::kOutput);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(ev.outputs()[0].Get("t").AsFloat(), 21.5);
#endif
}

TEST(EvaluatorTest, ProgramSharedByThreads) {
  auto p = Compile(R"(SELECT payload.n * 2 as d, topic FROM "t/+" WHERE payload.n mod 2 = 0)");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::atomic<int> outputs{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Evaluator ev;  // per-thread scratch state
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        std::string payload = "{\"n\": " + std::to_string(n) + "}";
        std::string topic = "t/" + std::to_string(t);
        EvalStatus s = ev.Evaluate(*p, Publish(topic, payload));
        if (n % 2 == 0) {
          if (s != EvalStatus::kOutput || ev.outputs()[0].Get("d").AsInt() != 2 * n ||
              ev.outputs()[0].Get("topic").AsString() != topic) {
            wrong.fetch_add(1);
          }
          outputs.fetch_add(1);
        } else if (s != EvalStatus::kNoResult) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(outputs.load(), kThreads * kPerThread / 2);
}

TEST(EvaluatorTest, CompileErrorsNameLineAndColumn) {
  auto r = RuleProgram::Compile("SELECT a,\n  b +\nFROM \"t\"");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().column, 1);
  EXPECT_EQ(r.error().ToString(), "line 3, column 1: expected an expression but found 'FROM'");
}

}  // namespace
}  // namespace mqb::rules
