#include "rules/program.h"

#include "rules/event_catalog.h"
#include "rules/topic_match.h"

namespace mqb::rules {

// Defined with the columns (rules/evaluator_columns.cc).
uint8_t ColumnIdOf(std::string_view name);

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
  program->Bind();
  program->rule_id_ = options.rule_id;
  program->sql_.assign(sql);
  return std::shared_ptr<const RuleProgram>(std::move(program));
}

bool RuleProgram::MatchesFrom(std::string_view topic, bool is_event) const {
  for (const Statement::FromEntry& f : stmt_->from_entries) {
    if (f.event_name != is_event) {
      continue;
    }
    if (!f.wildcard) {
      if (f.filter == topic) return true;
    } else if (!f.event_name) {
      if (MatchTopic(topic, f.filter)) return true;
    } else if (const EventInfo* e = FindEventByTopic(topic)) {
      // "$events/#", "$events/session/+": over the namespaced event names.
      if (MatchTopic(e->topic_v2, f.filter)) return true;
    }
  }
  return false;
}

namespace {

// Adds a payload path's keys to the projection trie; the value at the end of the key steps
// (or where an index step starts) is needed whole.
void Project(const Path& p, JsonProjection* proj) {
  std::vector<JsonProjection::Node>* level = &proj->roots;
  JsonProjection::Node* node = nullptr;
  for (const PathStep& s : p.steps) {
    if (s.kind != PathStep::Kind::kKey) {
      break;
    }
    JsonProjection::Node* next = nullptr;
    for (JsonProjection::Node& n : *level) {
      if (n.key == s.key) {
        next = &n;
      }
    }
    if (next == nullptr) {
      level->push_back(JsonProjection::Node{std::string(s.key), false, {}});
      next = &level->back();
    }
    node = next;
    level = &node->children;
  }
  if (node != nullptr) {
    node->full = true;
  }
}

void MarkPaths(Expr* e, const std::vector<std::string_view>& bound, JsonProjection* proj) {
  if (e == nullptr) {
    return;
  }
  if (e->kind == ExprKind::kPath && e->path.root_is_payload && !e->path.steps.empty() &&
      e->path.steps[0].kind == PathStep::Kind::kKey) {
    e->path.projected = true;
    Project(e->path, proj);
  }
  if (e->kind == ExprKind::kPath) {
    e->path.column = ColumnIdOf(e->path.root);
    e->path.may_be_shadowed = false;
    for (std::string_view b : bound) {
      if (b == e->path.root) {
        e->path.may_be_shadowed = true;
      }
    }
  }
  for (auto& a : e->args) {
    MarkPaths(a.get(), bound, proj);
  }
  for (auto& o : e->owned) {
    MarkPaths(o.get(), bound, proj);
  }
}

// A level wider than 32 keys is converted whole (marked full on the parent, or dropped here:
// an empty root list means "no projection").
void TrimProjection(std::vector<JsonProjection::Node>* level) {
  for (JsonProjection::Node& n : *level) {
    if (n.children.size() > 32) {
      n.children.clear();
      n.full = true;
    }
    TrimProjection(&n.children);
  }
}

}  // namespace

void RuleProgram::Bind() {
  Statement& st = *stmt_;
  for (const std::string& f : st.from) {
    Statement::FromEntry e;
    e.filter = f;
    e.event_name = f.rfind("$events/", 0) == 0 || f.rfind("$bridges/", 0) == 0;
    // Either name of an event matches the name the engine raises it under.
    if (const EventInfo* ev = FindEventByTopic(f)) e.filter = ev->topic;
    e.wildcard = HasWildcard(f);
    st.from_entries.push_back(std::move(e));
  }
  // Names any field can bind: aliases (explicit or derived) and the FOREACH element name.
  std::vector<std::string_view> bound;
  bound.push_back("item");
  for (const auto* fields : {&st.fields, &st.do_fields}) {
    for (const Field& f : *fields) {
      if (f.star) {
        continue;
      }
      bound.push_back(f.alias.root);
    }
  }
  for (auto* fields : {&st.fields, &st.do_fields}) {
    for (Field& f : *fields) {
      MarkPaths(f.expr.get(), bound, &projection_);
      for (auto& o : f.owned) {
        MarkPaths(o.get(), bound, &projection_);
      }
    }
  }
  MarkPaths(st.incase.get(), bound, &projection_);
  MarkPaths(st.where.get(), bound, &projection_);
  // Nodes were pushed into vectors while pointers to them were held only transiently, so the
  // trie is consistent; cap its width (ConvertProjected handles at most 32 keys per level).
  TrimProjection(&projection_.roots);
}

}  // namespace mqb::rules
