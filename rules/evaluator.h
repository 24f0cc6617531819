// Evaluator: runs compiled rules (RuleProgram) on messages, with per-thread scratch state.
//
// One Evaluator per worker thread; it owns the Arena where every value of the current message
// lives, a JSON decoder (the payload is decoded at most once per message, and only if the rule
// reads a payload field), and reusable output storage, so evaluating a simple rule performs no
// heap allocation once warmed up.
//
//   Evaluator ev;                                   // per thread
//   EvalStatus s = ev.Evaluate(*program, input);    // program shared by all threads
//   if (s == EvalStatus::kOutput) for (const Value& out : ev.outputs()) ...  // one per action call
//
// Results (outputs(), Columns(), error()) stay valid until the next Evaluate() call on this
// Evaluator, and only while the MessageInput's views are alive (output strings may point into
// the input).
//
// Metrics mapping (REFERENCE.md section 6): kNoMatch = FROM did not match (not `matched`);
// kNoResult = failed.no_result (WHERE false, empty FOREACH); kException = failed.exception.
//
// Thread-safety: an Evaluator is used by one thread at a time; the RuleProgram is shared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/arena.h"
#include "rules/eval_error.h"
#include "rules/function.h"
#include "rules/message.h"
#include "rules/program.h"
#include "rules/value.h"

namespace mqb::rules {

enum class EvalStatus : uint8_t { kOutput, kNoMatch, kNoResult, kException };

struct EvaluatorOptions {
  // getenv() lookup; default: the process environment.
  std::optional<std::string_view> (*getenv)(std::string_view name) = nullptr;
  // Wall clock in ns since the epoch; default: std::chrono::system_clock.
  int64_t (*clock_ns)() = nullptr;
};

class Evaluator final : private EvalContext {
 public:
  explicit Evaluator(EvaluatorOptions options = {});
  ~Evaluator() override;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  EvalStatus Evaluate(const RuleProgram& program, const MessageInput& input);

  // Several rules on one message: BeginMessage once, then EvaluateRule per rule. The payload is
  // decoded at most once for all of them, and the outputs of every rule stay valid until the
  // next BeginMessage/Evaluate (outputs() shows the last rule's). Evaluate(p, in) is
  // BeginMessage(in) + EvaluateRule(p). REQUIRES: `input` outlives the evaluations.
  void BeginMessage(const MessageInput& input);
  EvalStatus EvaluateRule(const RuleProgram& program);

  // SELECT: one output map; FOREACH: one map per element that passed INCASE.
  std::span<const Value> outputs() const { return outputs_; }
  // REQUIRES: the last Evaluate returned kException.
  const EvalError& error() const { return error_; }
  // True if the last kNoResult came from WHERE (false) rather than an empty FOREACH result.
  bool where_rejected() const { return where_rejected_; }
  // All event columns of the last message as a map (for actions' environment).
  Value Columns();
  // Number of payload JSON decodes this Evaluator has performed (tests and statistics).
  uint64_t payload_decodes() const { return payload_decodes_; }
  Arena& scratch_arena() { return arena_; }
  JsonDecoder& json_decoder() { return json_; }

 private:
  struct Frame {
    const MapBuilder* builder = nullptr;
    Value map;
  };
  class FrameScope;

  // EvalContext
  Arena& arena() override { return arena_; }
  Value Column(std::string_view name) override;
  Result<Value, EvalError> DecodedPayload() override;
  JsonDecoder& json() override { return json_; }
  int64_t NowNanos() override;
  std::string_view NodeName() override { return input_->node; }
  std::optional<std::string_view> GetEnv(std::string_view name) override;

  EvalStatus RunSelect(const Statement& st);
  EvalStatus RunForeach(const Statement& st);
  EvalStatus Fail(EvalError e, const char* clause);

  Result<Value, EvalError> Eval(const Expr& e);
  Result<Value, EvalError> EvalPath(const Path& p);
  Result<Value, EvalError> EvalCall(const Expr& e);
  Result<Value, EvalError> EvalCase(const Expr& e);
  Result<bool, EvalError> EvalCondition(const Expr& e);  // WHERE/INCASE/WHEN semantics
  Result<Value, EvalError> EvalBoolExpr(const Expr& e);  // AND/OR/NOT/IN as values
  Value Lookup(std::string_view name);
  // Column(name) of a broker event, past its extra columns.
  Value EventColumn(std::string_view name);
  // Column(name) with the column resolved at compile time (Path::column).
  Value ColumnOf(const Path& p);
  Result<Value, EvalError> Descend(Value v, const Path* payload_path);
  // The payload restricted to the current program's projection (see JsonProjection).
  Result<Value, EvalError> ProjectedPayload();
  Result<void, EvalError> ParsePayload();
  Result<void, EvalError> PutAlias(MapBuilder& out, const Path& alias, Value v);
  Result<Value, EvalError> PutSteps(Value cur, const Path& alias, size_t i, Value v);
  bool IsPayloadString(const Value& v) const;
  Result<void, EvalError> SelectFields(const std::vector<Field>& fields, MapBuilder& out);

  EvaluatorOptions options_;
  Arena arena_;
  JsonDecoder json_;
  JsonDecoder payload_json_;  // the payload only, decoded in place once per message
  std::vector<Value> outputs_;
  EvalError error_;
  const RuleProgram* program_ = nullptr;
  const MessageInput* input_ = nullptr;
  Frame frames_[4];
  int nframes_ = 0;
  Value payload_raw_;
  Value payload_decoded_;
  bool payload_done_ = false;
  bool payload_parsed_ = false;  // payload_json_ holds this message's parsed payload
  bool payload_failed_ = false;  // and parsing failed: payload_error_
  EvalError payload_error_;
  Value payload_projected_;
  bool payload_projected_done_ = false;  // per rule
  Value all_columns_;
  bool all_columns_done_ = false;
  bool where_rejected_ = false;
  uint64_t payload_decodes_ = 0;
};

}  // namespace mqb::rules
