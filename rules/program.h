// RuleProgram: a compiled rule. Compile once, evaluate many.
//
// A RuleProgram is immutable after Compile(), so one program (held by shared_ptr) is evaluated
// by any number of threads at once, each through its own Evaluator (rules/evaluator.h), which
// holds all per-message scratch state.
//
// Thread-safety: all const methods are safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "rules/arena.h"
#include "rules/expr.h"
#include "rules/function.h"
#include "rules/parser.h"

namespace mqb::rules {

struct CompileOptions {
  std::string rule_id;                         // metadata.rule_id
  const FunctionRegistry* registry = nullptr;  // nullptr: FunctionRegistry::Default()
};

class RuleProgram {
 public:
  static Result<std::shared_ptr<const RuleProgram>, CompileError> Compile(
      std::string_view sql, const CompileOptions& options = {});

  const Statement& statement() const { return *stmt_; }
  bool is_foreach() const { return stmt_->foreach; }
  const std::vector<std::string>& from() const { return stmt_->from; }
  const std::string& rule_id() const { return rule_id_; }
  const std::string& sql() const { return sql_; }
  // The payload fields the rule's `payload.<key>...` paths read (see JsonProjection).
  const JsonProjection& payload_projection() const { return projection_; }

  // True if the message triggers this rule. A message.publish matches the FROM topic filters
  // (MQTT wildcards; entries naming "$events/..." or "$bridges/..." never match a publish); a
  // bridge source event matches a FROM entry equal to its hookpoint ("$bridges/mqtt:<name>"); a
  // broker event (hookpoint "$events/client_connected") matches either of its names or a
  // wildcard entry over the namespaced names ("$events/#"; rules/event_catalog.h).
  bool MatchesFrom(std::string_view topic_or_hookpoint, bool is_event) const;

  RuleProgram(const RuleProgram&) = delete;
  RuleProgram& operator=(const RuleProgram&) = delete;
  RuleProgram() = default;

 private:
  // Compile-time analysis: classifies FROM entries and marks paths no alias can shadow.
  void Bind();
  Arena arena_{1024};  // string constants and keys; never reset
  std::unique_ptr<Statement> stmt_;
  std::string rule_id_;
  std::string sql_;
  JsonProjection projection_;
};

}  // namespace mqb::rules
