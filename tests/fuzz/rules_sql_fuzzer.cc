// Fuzzes the rule SQL parser and the evaluator.
//
// Input: "<SQL>\0<payload>" (no NUL: the whole input is SQL and the payload is a fixed JSON
// document). Whatever compiles is evaluated on a message.publish and on a bridge source event
// with that payload, its outputs are JSON-encoded and a template made of the SQL text is
// rendered against them. Nothing may crash, leak or trip a sanitizer; errors are values.
//
// SQL that calls jq is skipped: a jq program's time is bounded only by its timeout (10 s by
// default) and its memory not at all (`[range(1e9)]`), so the fuzzer would find libjq's
// resource use instead of our bugs. libjq is fuzzed upstream; the jq() wrapper has unit tests.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/evaluator.h"
#include "rules/program.h"
#include "rules/sql_tester.h"
#include "rules/template.h"

namespace {

std::optional<std::string_view> NoEnv(std::string_view) { return std::nullopt; }
int64_t FixedClock() { return 1700000000000000000; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mqb::rules;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view sql = in.substr(0, nul);
  for (size_t i = 0; i + 1 < sql.size(); ++i) {
    if ((sql[i] | 0x20) == 'j' && (sql[i + 1] | 0x20) == 'q') return 0;
  }
  std::string payload_text = nul == std::string_view::npos
                                 ? std::string(R"({"a": {"b": [1, 2.5, "x"]}, "s": "{\"k\": 1}"})")
                                 : std::string(in.substr(nul + 1));
  std::string padded = payload_text + std::string(kJsonPadding, '\0');

  CompileOptions copts;
  copts.rule_id = "fuzz";
  auto program = RuleProgram::Compile(sql, copts);
  if (!program.ok()) {
    (void)program.error().ToString();
    return 0;
  }
  EvaluatorOptions eopts;
  eopts.getenv = NoEnv;
  eopts.clock_ns = FixedClock;
  Evaluator ev(eopts);

  MessageInput msg;
  msg.topic = "t/a";
  msg.payload = std::string_view(padded.data(), payload_text.size());
  msg.payload_padded = true;
  msg.qos = 1;
  msg.clientid = "c";
  msg.username = "u";
  msg.node = "n@h";
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      msg.event = EventKind::kBridgeSource;
      msg.hookpoint = program.value()->from().front();
      msg.topic = msg.hookpoint;
    }
    EvalStatus s = ev.Evaluate(*program.value(), msg);
    if (s == EvalStatus::kOutput) {
      Template t = Template::Parse(sql);
      for (const Value& out : ev.outputs()) {
        std::string json = ToJson(out);
        std::string rendered;
        (void)t.Render(out, ev.scratch_arena(), ev.json_decoder(), &rendered);
      }
    } else if (s == EvalStatus::kException) {
      (void)ev.error().ToString();
    }
  }
  return 0;
}
