#include "rules/program.h"

#include "rules/topic_match.h"

namespace mqb::rules {

Result<std::shared_ptr<const RuleProgram>, CompileError> RuleProgram::Compile(
    std::string_view sql, const CompileOptions& options) {
  auto program = std::make_shared<RuleProgram>();
  const FunctionRegistry& registry =
      options.registry != nullptr ? *options.registry : FunctionRegistry::Default();
  auto stmt = ParseStatement(sql, registry, program->arena_);
  if (!stmt.ok()) {
    return Err(stmt.error());
  }
  program->stmt_ = std::move(stmt).value();
  program->rule_id_ = options.rule_id;
  program->sql_.assign(sql);
  return std::shared_ptr<const RuleProgram>(std::move(program));
}

bool RuleProgram::MatchesFrom(std::string_view topic, bool is_bridge_event) const {
  for (const std::string& f : stmt_->from) {
    bool event_name = f.rfind("$events/", 0) == 0 || f.rfind("$bridges/", 0) == 0;
    if (is_bridge_event ? (event_name && f == topic) : (!event_name && MatchTopic(topic, f))) {
      return true;
    }
  }
  return false;
}

}  // namespace mqb::rules
