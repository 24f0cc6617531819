// Rule engine benchmarks: per-message cost of evaluating compiled rules on one core, and of
// rendering templates. Targets (Release): a filter+projection rule on a ~100-byte JSON payload
// < 300 ns/message; a template render < 100 ns.
//
//   ./rules_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <string>

#include "rules/evaluator.h"
#include "rules/program.h"
#include "rules/template.h"

namespace mqb::rules {
namespace {

// Payload bytes followed by simdjson padding, as the engine's receive buffers provide them.
struct Padded {
  explicit Padded(std::string_view text)
      : buf(std::string(text) + std::string(kJsonPadding, '\0')), view(buf.data(), text.size()) {}
  std::string buf;
  std::string_view view;
};

MessageInput Message(std::string_view topic, const Padded& payload) {
  MessageInput in;
  in.topic = topic;
  in.payload = payload.view;
  in.payload_padded = true;
  in.qos = 1;
  in.clientid = "test_client";
  in.username = "u";
  in.peerhost = "10.0.0.7";
  in.node = "mqbridge@127.0.0.1";
  in.timestamp_ms = 1711017793000;
  in.received_at_ms = 1711017793000;
  return in;
}

std::shared_ptr<const RuleProgram> MustCompile(std::string_view sql) {
  auto r = RuleProgram::Compile(sql);
  if (!r.ok()) {
    std::abort();
  }
  return r.value();
}

void RunRule(benchmark::State& state, std::string_view sql, std::string_view topic,
             std::string_view payload) {
  auto program = MustCompile(sql);
  Padded pl(payload);
  MessageInput in = Message(topic, pl);
  Evaluator ev;
  size_t outputs = 0;
  for (auto _ : state) {
    EvalStatus s = ev.Evaluate(*program, in);
    benchmark::DoNotOptimize(s);
    outputs += ev.outputs().size();
  }
  if (outputs == 0) {
    state.SkipWithError("rule produced no output");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}

// The seed guide's sink rule on its temperature/humidity payload.
void BM_SeedRule(benchmark::State& state) {
  RunRule(state, R"(SELECT topic, payload FROM "temp_hum/emqx")", "temp_hum/emqx",
          R"({"temp": "27.5", "hum": "41.8"})");
}
BENCHMARK(BM_SeedRule);

// Filter + projection on a nested field of a ~100-byte JSON payload.
constexpr std::string_view kPayload100 =
    R"({"device":"sensor-0042","site":"plant-7","sensor":{"temp":31.5,"hum":40.2},"seq":12345})";

void BM_WhereNestedField(benchmark::State& state) {
  RunRule(
      state,
      R"(SELECT payload.device as device, payload.sensor.temp as temp, topic FROM "factory/#" WHERE payload.sensor.temp > 30)",
      "factory/line1/sensor", kPayload100);
}
BENCHMARK(BM_WhereNestedField);

// Same rule whose WHERE rejects the message (failed.no_result path).
void BM_WhereNestedFieldRejected(benchmark::State& state) {
  auto program = MustCompile(
      R"(SELECT payload.device as device FROM "factory/#" WHERE payload.sensor.temp > 50)");
  Padded pl(kPayload100);
  MessageInput in = Message("factory/line1/sensor", pl);
  Evaluator ev;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ev.Evaluate(*program, in));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WhereNestedFieldRejected);

// FOREACH over 10 elements with DO and INCASE.
void BM_Foreach10(benchmark::State& state) {
  RunRule(
      state,
      R"(FOREACH payload.values as v DO v.id as id, v.x * 2 as x2, clientid INCASE v.x >= 0 FROM "t/#")",
      "t/a",
      R"({"values":[{"id":1,"x":1},{"id":2,"x":2},{"id":3,"x":3},{"id":4,"x":4},{"id":5,"x":5},)"
      R"({"id":6,"x":6},{"id":7,"x":7},{"id":8,"x":8},{"id":9,"x":9},{"id":10,"x":10}]})");
}
BENCHMARK(BM_Foreach10);

// A topic template against a rule output (the sink's `pub/${topic}`).
void BM_TemplateRenderTopic(benchmark::State& state) {
  auto program = MustCompile(R"(SELECT topic, payload, qos FROM "temp_hum/emqx")");
  Padded pl(R"({"temp": "27.5", "hum": "41.8"})");
  MessageInput in = Message("temp_hum/emqx", pl);
  Evaluator ev;
  if (ev.Evaluate(*program, in) != EvalStatus::kOutput) {
    state.SkipWithError("no output");
    return;
  }
  Value output = ev.outputs()[0];
  Template t = Template::Parse("pub/${topic}");
  std::string out;
  out.reserve(128);
  for (auto _ : state) {
    out.clear();
    size_t missing = t.Render(output, ev.scratch_arena(), ev.json_decoder(), &out);
    benchmark::DoNotOptimize(missing);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TemplateRenderTopic);

// A payload template with several placeholders, one of them nested in a map.
void BM_TemplateRenderPayload(benchmark::State& state) {
  auto program = MustCompile(
      R"(SELECT payload.sensor as sensor, payload.device as device, qos FROM "factory/#")");
  Padded pl(kPayload100);
  MessageInput in = Message("factory/line1/sensor", pl);
  Evaluator ev;
  if (ev.Evaluate(*program, in) != EvalStatus::kOutput) {
    state.SkipWithError("no output");
    return;
  }
  Value output = ev.outputs()[0];
  Template t = Template::Parse(R"({"d":"${device}","t":${sensor.temp},"q":${qos}})");
  std::string out;
  out.reserve(128);
  for (auto _ : state) {
    out.clear();
    size_t missing = t.Render(output, ev.scratch_arena(), ev.json_decoder(), &out);
    benchmark::DoNotOptimize(missing);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TemplateRenderPayload);

// JSON decoding of the ~100-byte payload alone (simdjson DOM + conversion to Values), the
// floor under any rule that reads payload fields.
void BM_DecodePayload100(benchmark::State& state) {
  Padded pl(kPayload100);
  Arena arena;
  JsonDecoder json;
  for (auto _ : state) {
    arena.Reset();
    auto r = json.DecodeInPlace(pl.view, arena, true);
    benchmark::DoNotOptimize(r.ok());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPayload100.size()));
}
BENCHMARK(BM_DecodePayload100);

// Compilation cost (once per rule, not per message), for reference.
void BM_Compile(benchmark::State& state) {
  for (auto _ : state) {
    auto r = RuleProgram::Compile(
        R"(SELECT payload.device as device, payload.sensor.temp as temp, topic FROM "factory/#" WHERE payload.sensor.temp > 30)");
    benchmark::DoNotOptimize(r.ok());
  }
}
BENCHMARK(BM_Compile);

}  // namespace
}  // namespace mqb::rules
