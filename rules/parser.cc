#include "rules/parser.h"

#include <charconv>
#include <cstdlib>

#include "rules/lexer.h"

namespace mqb::rules {

std::string CompileError::ToString() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return r;
}

constexpr std::string_view kReserved[] = {"select", "from",    "where", "and",    "or",   "not",
                                          "as",     "case",    "when",  "then",   "else", "end",
                                          "in",     "foreach", "do",    "incase", "if",   "elsif"};

bool IsReserved(std::string_view word) {
  for (std::string_view k : kReserved) {
    if (IEquals(word, k)) {
      return true;
    }
  }
  return false;
}

constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(std::string_view sql, const FunctionRegistry& registry, Arena& arena)
      : lexer_(sql), registry_(registry), arena_(arena) {
    Shift();
    Shift();
  }

  Result<std::unique_ptr<Statement>, CompileError> Parse() {
    auto stmt = std::make_unique<Statement>();
    if (IsKeyword(cur_, "select")) {
      Shift();
      if (!ParseFields(&stmt->fields)) return Fail();
    } else if (IsKeyword(cur_, "foreach")) {
      Shift();
      stmt->foreach = true;
      if (!ParseFields(&stmt->fields)) return Fail();
      if (IsKeyword(cur_, "do")) {
        Shift();
        if (!ParseFields(&stmt->do_fields)) return Fail();
      }
      if (IsKeyword(cur_, "incase")) {
        Shift();
        stmt->incase = ParseExpr();
        if (!stmt->incase) return Fail();
      }
    } else {
      Expected("SELECT or FOREACH");
      return Fail();
    }
    if (!IsKeyword(cur_, "from")) {
      Expected(stmt->foreach ? "',', DO, INCASE or FROM" : "',' or FROM");
      return Fail();
    }
    Shift();
    for (;;) {
      if (cur_.kind != TokenKind::kString && cur_.kind != TokenKind::kQuotedIdent) {
        Expected("a quoted topic filter after FROM");
        return Fail();
      }
      if (cur_.text.empty()) {
        Error(cur_, "empty topic in FROM");
        return Fail();
      }
      stmt->from.push_back(cur_.text);
      Shift();
      if (cur_.kind != TokenKind::kComma) {
        break;
      }
      Shift();
    }
    if (IsKeyword(cur_, "where")) {
      Shift();
      stmt->where = ParseExpr();
      if (!stmt->where) return Fail();
    }
    if (cur_.kind != TokenKind::kEnd) {
      Expected(stmt->where ? "end of statement" : "WHERE or end of statement");
      return Fail();
    }
    return stmt;
  }

 private:
  Err<CompileError> Fail() { return Err(error_); }

  void Shift() {
    cur_ = std::move(next_);
    next_ = lexer_.Next();
  }

  static bool IsKeyword(const Token& t, std::string_view kw) {
    return t.kind == TokenKind::kIdent && IEquals(t.text, kw);
  }

  void Error(const Token& at, std::string message) {
    if (failed_) {
      return;
    }
    failed_ = true;
    error_.line = at.line;
    error_.column = at.column;
    error_.message = std::move(message);
  }

  std::string DescribeToken(const Token& t) {
    switch (t.kind) {
      case TokenKind::kIdent:
        return "'" + t.text + "'";
      case TokenKind::kQuotedIdent:
        return "\"" + t.text + "\"";
      case TokenKind::kString:
        return "string '" + t.text + "'";
      case TokenKind::kInt:
      case TokenKind::kFloat:
        return "number " + t.text;
      case TokenKind::kError:
        return t.text;
      default:
        return Lexer::Describe(t.kind);
    }
  }

  void Expected(const std::string& what) {
    if (cur_.kind == TokenKind::kError) {
      Error(cur_, cur_.text);
    } else {
      Error(cur_, "expected " + what + " but found " + DescribeToken(cur_));
    }
  }

  bool Expect(TokenKind kind, const char* what) {
    if (cur_.kind != kind) {
      Expected(what);
      return false;
    }
    Shift();
    return true;
  }

  std::string_view Intern(std::string_view s) { return arena_.CopyString(s); }

  std::unique_ptr<Expr> NewExpr(ExprKind kind, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    return e;
  }

  // fields := field {, field}
  bool ParseFields(std::vector<Field>* fields) {
    for (;;) {
      Field f;
      if (cur_.kind == TokenKind::kStar) {
        f.star = true;
        Shift();
      } else {
        f.expr = ParseExpr();
        if (!f.expr) return false;
        bool has_as = IsKeyword(cur_, "as");
        if (has_as) {
          Shift();
        }
        if (has_as || cur_.kind == TokenKind::kQuotedIdent ||
            (cur_.kind == TokenKind::kIdent && !IsReserved(cur_.text))) {
          if (!ParseAlias(&f)) return false;
          f.explicit_alias = true;
        } else {
          DeriveAlias(&f, fields->size());
        }
      }
      fields->push_back(std::move(f));
      if (cur_.kind != TokenKind::kComma) {
        return true;
      }
      Shift();
    }
  }

  bool ParseAlias(Field* f) {
    if ((cur_.kind != TokenKind::kIdent && cur_.kind != TokenKind::kQuotedIdent &&
         cur_.kind != TokenKind::kString) ||
        (cur_.kind == TokenKind::kIdent && IsReserved(cur_.text))) {
      Expected("an alias name after AS");
      return false;
    }
    f->alias.root = Intern(cur_.text);
    Shift();
    for (;;) {
      if (cur_.kind == TokenKind::kDot) {
        Shift();
        if (cur_.kind != TokenKind::kIdent && cur_.kind != TokenKind::kQuotedIdent &&
            cur_.kind != TokenKind::kString) {
          Expected("a key after '.'");
          return false;
        }
        PathStep s;
        s.key = Intern(cur_.text);
        f->alias.steps.push_back(s);
        Shift();
      } else if (cur_.kind == TokenKind::kLBracket) {
        Shift();
        PathStep s;
        s.kind = PathStep::Kind::kIndex;
        bool neg = false;
        if (cur_.kind == TokenKind::kMinus) {
          neg = true;
          Shift();
        }
        if (cur_.kind != TokenKind::kInt) {
          Expected("an integer index");
          return false;
        }
        int64_t v = 0;
        if (!ParseInt(cur_.text, &v)) return false;
        s.index = neg ? -v : v;
        s.negative_zero = neg && v == 0;
        f->alias.steps.push_back(s);
        Shift();
        if (!Expect(TokenKind::kRBracket, "']'")) return false;
      } else {
        return true;
      }
    }
  }

  // EMQX's alias(): vars and paths keep their path, string constants become keys, anything
  // else gets a generated `_v_<kind>_<name>_<n>` key (n = the field's position).
  void DeriveAlias(Field* f, size_t position) {
    const Expr* e = f->expr.get();
    std::string gen;
    switch (e->kind) {
      case ExprKind::kPath:
        f->alias.root = e->path.root;
        for (const PathStep& s : e->path.steps) {
          if (s.kind == PathStep::Kind::kIndexExpr) {
            break;  // a computed index cannot be a write target: keep the prefix
          }
          f->alias.steps.push_back(s);
        }
        return;
      case ExprKind::kGetRange:
        if (e->args[0]->kind == ExprKind::kPath) {
          f->alias.root = e->args[0]->path.root;
          f->alias.steps = e->args[0]->path.steps;
          return;
        }
        gen = "_v_get_range";
        break;
      case ExprKind::kConst:
        if (e->value.is_string()) {
          f->alias.root = e->value.AsString();
          return;
        }
        gen = "_v_const_" + ToJson(e->value);
        break;
      case ExprKind::kList:
        gen = "_v_list_" + std::to_string(e->args.size());
        break;
      case ExprKind::kRange:
        gen = "_v_range_" + std::to_string(e->range_begin) + "_" + std::to_string(e->range_end);
        break;
      case ExprKind::kCall:
        gen = "_v_fun_" + std::string(e->fn_name);
        break;
      case ExprKind::kArith:
        gen = std::string("_v_op_") + ArithOpName(e->arith);
        break;
      case ExprKind::kCompare:
      case ExprKind::kTopicMatch:
        gen = "_v_op_compare";
        break;
      case ExprKind::kCase:
        gen = "_v_case";
        break;
      default:
        gen = "_v_expr";
        break;
    }
    gen += "_" + std::to_string(position + 1);
    f->alias.root = Intern(gen);
  }

  bool ParseInt(const std::string& text, int64_t* out) {
    auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
      Error(cur_, "integer out of range: " + text);
      return false;
    }
    return true;
  }

  std::unique_ptr<Expr> ParseExpr() {
    if (++depth_ > kMaxDepth) {
      Error(cur_, "expression nested too deeply");
      return nullptr;
    }
    auto e = ParseOr();
    --depth_;
    return e;
  }

  std::unique_ptr<Expr> Binary(ExprKind kind, const Token& at, std::unique_ptr<Expr> l,
                               std::unique_ptr<Expr> r) {
    auto e = NewExpr(kind, at);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  std::unique_ptr<Expr> ParseOr() {
    auto l = ParseAnd();
    while (l && IsKeyword(cur_, "or")) {
      Token at = cur_;
      Shift();
      auto r = ParseAnd();
      if (!r) return nullptr;
      l = Binary(ExprKind::kOr, at, std::move(l), std::move(r));
    }
    return l;
  }

  std::unique_ptr<Expr> ParseAnd() {
    auto l = ParseNot();
    while (l && IsKeyword(cur_, "and")) {
      Token at = cur_;
      Shift();
      auto r = ParseNot();
      if (!r) return nullptr;
      l = Binary(ExprKind::kAnd, at, std::move(l), std::move(r));
    }
    return l;
  }

  std::unique_ptr<Expr> ParseNot() {
    if (IsKeyword(cur_, "not")) {
      Token at = cur_;
      Shift();
      if (++depth_ > kMaxDepth) {
        Error(at, "expression nested too deeply");
        return nullptr;
      }
      auto inner = ParseNot();
      --depth_;
      if (!inner) return nullptr;
      auto e = NewExpr(ExprKind::kNot, at);
      e->args.push_back(std::move(inner));
      return e;
    }
    return ParseComparison();
  }

  std::unique_ptr<Expr> ParseComparison() {
    auto l = ParseAdditive();
    if (!l) return nullptr;
    Token at = cur_;
    CompareOp op;
    switch (cur_.kind) {
      case TokenKind::kEq:
        op = CompareOp::kEq;
        break;
      case TokenKind::kNe:
        op = CompareOp::kNe;
        break;
      case TokenKind::kLt:
        op = CompareOp::kLt;
        break;
      case TokenKind::kGt:
        op = CompareOp::kGt;
        break;
      case TokenKind::kLe:
        op = CompareOp::kLe;
        break;
      case TokenKind::kGe:
        op = CompareOp::kGe;
        break;
      case TokenKind::kMatch: {
        Shift();
        auto r = ParseAdditive();
        if (!r) return nullptr;
        return Binary(ExprKind::kTopicMatch, at, std::move(l), std::move(r));
      }
      default: {
        bool negated = false;
        if (IsKeyword(cur_, "not") && IsKeyword(next_, "in")) {
          negated = true;
          Shift();
        }
        if (!IsKeyword(cur_, "in")) {
          return l;
        }
        Shift();
        if (!Expect(TokenKind::kLParen, "'(' after IN")) return nullptr;
        auto e = NewExpr(ExprKind::kIn, at);
        e->negated = negated;
        e->args.push_back(std::move(l));
        for (;;) {
          auto v = ParseExpr();
          if (!v) return nullptr;
          e->args.push_back(std::move(v));
          if (cur_.kind == TokenKind::kComma) {
            Shift();
            continue;
          }
          if (!Expect(TokenKind::kRParen, "',' or ')' in IN list")) return nullptr;
          return e;
        }
      }
    }
    Shift();
    auto r = ParseAdditive();
    if (!r) return nullptr;
    auto e = Binary(ExprKind::kCompare, at, std::move(l), std::move(r));
    e->compare = op;
    return e;
  }

  std::unique_ptr<Expr> ParseAdditive() {
    auto l = ParseMultiplicative();
    while (l && (cur_.kind == TokenKind::kPlus || cur_.kind == TokenKind::kMinus)) {
      Token at = cur_;
      ArithOp op = cur_.kind == TokenKind::kPlus ? ArithOp::kAdd : ArithOp::kSub;
      Shift();
      auto r = ParseMultiplicative();
      if (!r) return nullptr;
      l = Binary(ExprKind::kArith, at, std::move(l), std::move(r));
      l->arith = op;
    }
    return l;
  }

  std::unique_ptr<Expr> ParseMultiplicative() {
    auto l = ParseUnary();
    for (;;) {
      if (!l) return nullptr;
      ArithOp op;
      if (cur_.kind == TokenKind::kStar) {
        op = ArithOp::kMul;
      } else if (cur_.kind == TokenKind::kSlash) {
        op = ArithOp::kDiv;
      } else if (IsKeyword(cur_, "div")) {
        op = ArithOp::kIntDiv;
      } else if (IsKeyword(cur_, "mod")) {
        op = ArithOp::kMod;
      } else {
        return l;
      }
      Token at = cur_;
      Shift();
      auto r = ParseUnary();
      if (!r) return nullptr;
      l = Binary(ExprKind::kArith, at, std::move(l), std::move(r));
      l->arith = op;
    }
  }

  std::unique_ptr<Expr> ParseUnary() {
    if (cur_.kind == TokenKind::kPlus || cur_.kind == TokenKind::kMinus) {
      Token at = cur_;
      bool neg = cur_.kind == TokenKind::kMinus;
      Shift();
      if (++depth_ > kMaxDepth) {
        Error(at, "expression nested too deeply");
        return nullptr;
      }
      auto inner = ParseUnary();
      --depth_;
      if (!inner) return nullptr;
      if (!neg) {
        return inner;
      }
      // Fold negative numeric literals so `-1` is a constant (and usable as an index).
      if (inner->kind == ExprKind::kConst && inner->value.is_int() &&
          inner->value.AsInt() != INT64_MIN) {
        inner->value = Value::Int(-inner->value.AsInt());
        return inner;
      }
      if (inner->kind == ExprKind::kConst && inner->value.is_float()) {
        inner->value = Value::Float(-inner->value.AsFloat());
        return inner;
      }
      auto e = NewExpr(ExprKind::kNeg, at);
      e->args.push_back(std::move(inner));
      return e;
    }
    return ParsePostfix();
  }

  // Path steps after a primary that is a path (or any expression: then it becomes a path over
  // the value is not supported by EMQX; we only allow steps on names).
  bool ParsePathSteps(Expr* e) {
    for (;;) {
      if (cur_.kind == TokenKind::kDot) {
        Shift();
        if (cur_.kind != TokenKind::kIdent && cur_.kind != TokenKind::kQuotedIdent &&
            cur_.kind != TokenKind::kString) {
          Expected("a key after '.'");
          return false;
        }
        PathStep s;
        s.key = Intern(cur_.text);
        e->path.steps.push_back(s);
        Shift();
      } else if (cur_.kind == TokenKind::kLBracket) {
        // Slice [b..e] ends the path (handled by the caller).
        if ((next_.kind == TokenKind::kInt || next_.kind == TokenKind::kMinus) && IsSliceAhead()) {
          return true;
        }
        Shift();
        auto idx = ParseExpr();
        if (!idx) return false;
        PathStep s;
        if (idx->kind == ExprKind::kConst && idx->value.is_int()) {
          s.kind = PathStep::Kind::kIndex;
          s.index = idx->value.AsInt();
        } else if (idx->kind == ExprKind::kPath) {
          s.kind = PathStep::Kind::kIndexExpr;
          s.index_expr = idx.get();
          e->owned.push_back(std::move(idx));
        } else {
          Error(cur_, "index must be an integer or a variable");
          return false;
        }
        e->path.steps.push_back(s);
        if (!Expect(TokenKind::kRBracket, "']'")) return false;
      } else {
        return true;
      }
    }
  }

  // With cur_ == '[': is this `[int..int]` / `[-int..` ?
  bool IsSliceAhead() {
    Lexer probe = lexer_;  // copy: cheap, the lexer is a view plus a position
    // Tokens: cur_='[' next_=int or '-'; look at the token after the number.
    Token t = next_.kind == TokenKind::kMinus ? probe.Next() : next_;
    if (t.kind != TokenKind::kInt) {
      return false;
    }
    Token after = next_.kind == TokenKind::kMinus ? probe.Next() : probe.Next();
    return after.kind == TokenKind::kDotDot;
  }

  bool ParseSignedInt(int64_t* out) {
    bool neg = false;
    if (cur_.kind == TokenKind::kMinus) {
      neg = true;
      Shift();
    }
    if (cur_.kind != TokenKind::kInt) {
      Expected("an integer");
      return false;
    }
    if (!ParseInt(cur_.text, out)) return false;
    if (neg) {
      *out = -*out;
    }
    Shift();
    return true;
  }

  std::unique_ptr<Expr> ParsePostfix() {
    auto e = ParsePrimary();
    if (!e) return nullptr;
    if (e->kind == ExprKind::kPath) {
      if (!ParsePathSteps(e.get())) return nullptr;
    }
    if (cur_.kind == TokenKind::kLBracket && e->kind == ExprKind::kPath) {
      // [b..e] slice
      Token at = cur_;
      Shift();
      auto g = NewExpr(ExprKind::kGetRange, at);
      if (!ParseSignedInt(&g->range_begin)) return nullptr;
      if (!Expect(TokenKind::kDotDot, "'..'")) return nullptr;
      if (!ParseSignedInt(&g->range_end)) return nullptr;
      if (!Expect(TokenKind::kRBracket, "']'")) return nullptr;
      g->args.push_back(std::move(e));
      return g;
    }
    return e;
  }

  std::unique_ptr<Expr> ParsePrimary() {
    Token at = cur_;
    switch (cur_.kind) {
      case TokenKind::kInt: {
        auto e = NewExpr(ExprKind::kConst, at);
        int64_t v = 0;
        auto r = std::from_chars(cur_.text.data(), cur_.text.data() + cur_.text.size(), v);
        if (r.ec == std::errc() && r.ptr == cur_.text.data() + cur_.text.size()) {
          e->value = Value::Int(v);
        } else {
          e->value = Value::Float(std::strtod(cur_.text.c_str(), nullptr));
        }
        Shift();
        return e;
      }
      case TokenKind::kFloat: {
        auto e = NewExpr(ExprKind::kConst, at);
        e->value = Value::Float(std::strtod(cur_.text.c_str(), nullptr));
        Shift();
        return e;
      }
      case TokenKind::kString: {
        auto e = NewExpr(ExprKind::kConst, at);
        e->value = Value::StringRef(Intern(cur_.text));
        Shift();
        return e;
      }
      case TokenKind::kQuotedIdent: {
        auto e = NewExpr(ExprKind::kPath, at);
        e->path.root = Intern(cur_.text);
        e->path.root_is_payload = cur_.text == "payload";
        Shift();
        return e;
      }
      case TokenKind::kLParen: {
        Shift();
        auto e = ParseExpr();
        if (!e) return nullptr;
        if (!Expect(TokenKind::kRParen, "')'")) return nullptr;
        return e;
      }
      case TokenKind::kLBracket:
        return ParseListOrRange();
      case TokenKind::kIdent:
        break;
      default:
        Expected("an expression");
        return nullptr;
    }
    // Identifier.
    if (IsKeyword(cur_, "case")) {
      return ParseCase();
    }
    if (IsKeyword(cur_, "true") || IsKeyword(cur_, "false")) {
      auto e = NewExpr(ExprKind::kConst, at);
      e->value = Value::Bool(IsKeyword(cur_, "true"));
      Shift();
      return e;
    }
    if (next_.kind == TokenKind::kLParen) {
      std::string name = Lower(cur_.text);
      Shift();
      return ParseCall(at, name);
    }
    if (IsReserved(cur_.text)) {
      Expected("an expression");
      return nullptr;
    }
    std::string root = cur_.text;
    Shift();
    // module.func(...)
    if (cur_.kind == TokenKind::kDot && next_.kind == TokenKind::kIdent) {
      Lexer probe = lexer_;
      Token after = probe.Next();
      if (after.kind == TokenKind::kLParen) {
        Shift();
        std::string name = Lower(root) + "." + Lower(cur_.text);
        Shift();
        return ParseCall(at, name);
      }
    }
    auto e = NewExpr(ExprKind::kPath, at);
    e->path.root = Intern(root);
    e->path.root_is_payload = root == "payload";
    return e;
  }

  // cur_ == '('
  std::unique_ptr<Expr> ParseCall(const Token& at, const std::string& name) {
    auto e = NewExpr(ExprKind::kCall, at);
    e->fn_name = Intern(name);
    Shift();  // '('
    if (cur_.kind != TokenKind::kRParen) {
      for (;;) {
        auto a = ParseExpr();
        if (!a) return nullptr;
        e->args.push_back(std::move(a));
        if (cur_.kind == TokenKind::kComma) {
          Shift();
          continue;
        }
        break;
      }
    }
    if (!Expect(TokenKind::kRParen, "',' or ')' in function arguments")) return nullptr;
    e->fn = registry_.Find(e->fn_name);
    if (e->fn == nullptr) {
      Error(at, "sql_function_not_supported: " + name);
      return nullptr;
    }
    int n = static_cast<int>(e->args.size());
    if (n < e->fn->min_args || (e->fn->max_args != kVariadic && n > e->fn->max_args)) {
      std::string want = e->fn->min_args == e->fn->max_args
                             ? std::to_string(e->fn->min_args)
                             : std::to_string(e->fn->min_args) + ".." +
                                   (e->fn->max_args == kVariadic ? std::string("n")
                                                                 : std::to_string(e->fn->max_args));
      Error(at,
            "function " + name + " takes " + want + " arguments, " + std::to_string(n) + " given");
      return nullptr;
    }
    return e;
  }

  std::unique_ptr<Expr> ParseListOrRange() {
    Token at = cur_;
    Shift();  // '['
    auto list = NewExpr(ExprKind::kList, at);
    if (cur_.kind == TokenKind::kRBracket) {
      Shift();
      return list;
    }
    auto first = ParseExpr();
    if (!first) return nullptr;
    if (cur_.kind == TokenKind::kDotDot) {
      if (first->kind != ExprKind::kConst || !first->value.is_int()) {
        Error(at, "range bounds must be integers");
        return nullptr;
      }
      Shift();
      auto r = NewExpr(ExprKind::kRange, at);
      r->range_begin = first->value.AsInt();
      if (!ParseSignedInt(&r->range_end)) return nullptr;
      if (!Expect(TokenKind::kRBracket, "']'")) return nullptr;
      return r;
    }
    list->args.push_back(std::move(first));
    while (cur_.kind == TokenKind::kComma) {
      Shift();
      auto v = ParseExpr();
      if (!v) return nullptr;
      list->args.push_back(std::move(v));
    }
    if (!Expect(TokenKind::kRBracket, "',' or ']' in list")) return nullptr;
    return list;
  }

  std::unique_ptr<Expr> ParseCase() {
    Token at = cur_;
    Shift();  // CASE
    auto e = NewExpr(ExprKind::kCase, at);
    if (!IsKeyword(cur_, "when")) {
      auto on = ParseExpr();
      if (!on) return nullptr;
      e->has_case_on = true;
      e->args.push_back(std::move(on));
    }
    if (!IsKeyword(cur_, "when")) {
      Expected("WHEN");
      return nullptr;
    }
    while (IsKeyword(cur_, "when")) {
      Shift();
      auto cond = ParseExpr();
      if (!cond) return nullptr;
      if (!IsKeyword(cur_, "then")) {
        Expected("THEN");
        return nullptr;
      }
      Shift();
      auto val = ParseExpr();
      if (!val) return nullptr;
      e->args.push_back(std::move(cond));
      e->args.push_back(std::move(val));
    }
    if (IsKeyword(cur_, "else")) {
      Shift();
      auto val = ParseExpr();
      if (!val) return nullptr;
      e->has_else = true;
      e->args.push_back(std::move(val));
    }
    if (!IsKeyword(cur_, "end")) {
      Expected(e->has_else ? "END" : "WHEN, ELSE or END");
      return nullptr;
    }
    Shift();
    return e;
  }

  Lexer lexer_;
  const FunctionRegistry& registry_;
  Arena& arena_;
  Token cur_;
  Token next_;
  bool failed_ = false;
  CompileError error_;
  int depth_ = 0;
};

}  // namespace

Result<std::unique_ptr<Statement>, CompileError> ParseStatement(std::string_view sql,
                                                                const FunctionRegistry& registry,
                                                                Arena& arena) {
  Parser p(sql, registry, arena);
  return p.Parse();
}

}  // namespace mqb::rules
