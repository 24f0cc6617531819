// The compiled form of a rule: expression trees, fields and the statement (REFERENCE.md 7).
//
// Produced by the parser (rules/parser.h) and owned by a RuleProgram; immutable afterwards, so a
// program can be evaluated by many threads at once. String constants and path keys point into
// the program's own Arena (never reset), which lives exactly as long as the program.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/function.h"
#include "rules/operators.h"
#include "rules/value.h"

namespace mqb::rules {

struct Expr;

// One step of a path after its root name: `.key`, `[3]`, `[-1]`, `[i]` (an expression).
// In an alias (write) path, index 0 means "prepend" and negative zero (`[-0]`) "append".
struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kIndexExpr };
  Kind kind = Kind::kKey;
  bool negative_zero = false;        // `[-0]`
  std::string_view key;              // kKey
  int64_t index = 0;                 // kIndex: 1-based, negative from the end
  const Expr* index_expr = nullptr;  // kIndexExpr, owned by the enclosing Expr/Field
};

// A variable or path: root name plus steps. `payload.a[1]` = {root "payload", [.a, [1]]}.
struct Path {
  std::string_view root;
  std::vector<PathStep> steps;
  bool root_is_payload = false;  // root == "payload" (set by the parser)
  // False when no field alias (nor a FOREACH element name) of the statement can bind `root`, so
  // a read goes straight to the event columns (set by RuleProgram::Compile).
  bool may_be_shadowed = true;
  // A payload path covered by the program's JSON projection: reading it needs only the
  // projected part of the payload (set by RuleProgram::Compile).
  bool projected = false;
  // The event column `root` names, resolved at compile time (kNone: not a built-in column).
  uint8_t column = 0;
};

enum class ExprKind : uint8_t {
  kConst,       // value
  kPath,        // path
  kList,        // [a, b, ...]: args
  kRange,       // [b..e] literal: range_begin..range_end
  kGetRange,    // args[0][b..e]
  kCall,        // fn(args)
  kArith,       // args[0] <arith> args[1]
  kNeg,         // -args[0]
  kCompare,     // args[0] <cmp> args[1]
  kTopicMatch,  // args[0] =~ args[1]
  kAnd,
  kOr,    // args[0], args[1]
  kNot,   // args[0]
  kIn,    // args[0] [NOT] IN (args[1..])
  kCase,  // [case_on] WHEN/THEN pairs [ELSE]
};

struct Expr {
  ExprKind kind = ExprKind::kConst;
  int line = 0;
  int column = 0;
  Value value;  // kConst
  Path path;    // kPath
  std::vector<std::unique_ptr<Expr>> args;
  ArithOp arith = ArithOp::kAdd;
  CompareOp compare = CompareOp::kEq;
  bool negated = false;  // NOT IN
  const FunctionDef* fn = nullptr;
  std::string_view fn_name;  // as written, lower-cased (with module prefix if any)
  int64_t range_begin = 0;
  int64_t range_end = 0;
  // kCase: args = [case_on?] + (when, then)* + [else]
  bool has_case_on = false;
  bool has_else = false;
  // Index expressions used by path steps (owned here).
  std::vector<std::unique_ptr<Expr>> owned;
};

// One SELECT/FOREACH/DO field: `*`, or expr with an explicit or derived alias path.
struct Field {
  bool star = false;
  std::unique_ptr<Expr> expr;
  Path alias;  // where the value goes in the output map
  bool explicit_alias = false;
  std::vector<std::unique_ptr<Expr>> owned;  // alias index expressions
};

struct Statement {
  // A FROM entry, classified once at compile time.
  struct FromEntry {
    std::string filter;
    bool event_name = false;  // "$events/..." or "$bridges/...": matched by name, events only
    bool wildcard = false;    // contains + or #
  };
  bool foreach = false;
  std::vector<Field> fields;     // SELECT fields, or FOREACH fields (last = collection)
  std::vector<Field> do_fields;  // FOREACH ... DO
  std::unique_ptr<Expr> incase;  // FOREACH ... INCASE
  std::unique_ptr<Expr> where;
  std::vector<std::string> from;
  std::vector<FromEntry> from_entries;  // filled by RuleProgram::Compile
};

}  // namespace mqb::rules
