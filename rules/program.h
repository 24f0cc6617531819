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
  std::string rule_id;  // metadata.rule_id
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

  // True if `topic` (a message topic, or an event/bridge hookpoint) matches a FROM entry:
  // MQTT wildcard match for filters, exact match for "$events/..." and "$bridges/..." names.
  bool MatchesFrom(std::string_view topic) const;

  RuleProgram(const RuleProgram&) = delete;
  RuleProgram& operator=(const RuleProgram&) = delete;
  RuleProgram() = default;

 private:
  Arena arena_{1024};  // string constants and keys; never reset
  std::unique_ptr<Statement> stmt_;
  std::string rule_id_;
  std::string sql_;
};

}  // namespace mqb::rules
