// Parser: syntax errors name the line, the column and what was expected; the tree shape.
#include "rules/parser.h"

#include <gtest/gtest.h>

namespace mqb::rules {
namespace {

std::string ErrorOf(std::string_view sql) {
  Arena arena;
  auto r = ParseStatement(sql, FunctionRegistry::Default(), arena);
  return r.ok() ? std::string("OK") : r.error().ToString();
}

TEST(ParserTest, SyntaxErrorsNamePositionAndExpectation) {
  EXPECT_EQ(ErrorOf(""), "line 1, column 1: expected SELECT or FOREACH but found end of input");
  EXPECT_EQ(ErrorOf("UPDATE x"), "line 1, column 1: expected SELECT or FOREACH but found 'UPDATE'");
  EXPECT_EQ(ErrorOf("SELECT FROM \"t\""),
            "line 1, column 8: expected an expression but found 'FROM'");
  EXPECT_EQ(ErrorOf("SELECT a b c FROM \"t\""),
            "line 1, column 12: expected ',' or FROM but found 'c'");
  EXPECT_EQ(ErrorOf("SELECT a\nFROM \"t\"\nWHERE"),
            "line 3, column 6: expected an expression but found end of input");
  EXPECT_EQ(ErrorOf("SELECT a FROM \"t\" WHERE a = 1 b"),
            "line 1, column 31: expected end of statement but found 'b'");
  EXPECT_EQ(ErrorOf("SELECT f(1 FROM \"t\""),
            "line 1, column 12: expected ',' or ')' in function arguments but found 'FROM'");
  EXPECT_EQ(ErrorOf("SELECT [1, 2 FROM \"t\""),
            "line 1, column 14: expected ',' or ']' in list but found 'FROM'");
  EXPECT_EQ(ErrorOf("SELECT 'abc FROM \"t\""), "line 1, column 8: unterminated string literal");
  EXPECT_EQ(ErrorOf("SELECT a # b FROM \"t\""), "line 1, column 10: unexpected character '#'");
  EXPECT_EQ(ErrorOf("SELECT a as FROM \"t\""),
            "line 1, column 13: expected an alias name after AS but found 'FROM'");
  EXPECT_EQ(ErrorOf("SELECT a FROM \"t\", "),
            "line 1, column 20: expected a quoted topic filter after FROM but found end of input");
  EXPECT_EQ(ErrorOf("SELECT 12abc FROM \"t\""), "line 1, column 8: malformed number");
  EXPECT_EQ(ErrorOf("SELECT a IN 1 FROM \"t\""),
            "line 1, column 13: expected '(' after IN but found number 1");
  EXPECT_EQ(ErrorOf("FOREACH a WHERE 1"),
            "line 1, column 11: expected ',', DO, INCASE or FROM but found 'WHERE'");
}

TEST(ParserTest, UnknownFunctionAndArity) {
  EXPECT_EQ(ErrorOf("SELECT no_such_fn(1) FROM \"t\""),
            "line 1, column 8: sql_function_not_supported: no_such_fn");
  EXPECT_EQ(ErrorOf("SELECT Mod.Fn(1) FROM \"t\""),
            "line 1, column 8: sql_function_not_supported: mod.fn");
  EXPECT_EQ(ErrorOf("SELECT div(1) FROM \"t\""),
            "line 1, column 8: function div takes 2 arguments, 1 given");
  EXPECT_EQ(ErrorOf("SELECT DIV(4, 2) FROM \"t\""), "OK");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string sql =
      "SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')') + " FROM \"t\"";
  EXPECT_NE(ErrorOf(sql).find("nested too deeply"), std::string::npos);
  std::string minus = "SELECT ";
  for (int i = 0; i < 5000; ++i) {
    minus += "- ";
  }
  minus += "1 FROM \"t\"";
  EXPECT_NE(ErrorOf(minus).find("nested too deeply"), std::string::npos);
  std::string nots = "SELECT 1 FROM \"t\" WHERE ";
  for (int i = 0; i < 5000; ++i) {
    nots += "NOT ";
  }
  nots += "true";
  EXPECT_NE(ErrorOf(nots).find("nested too deeply"), std::string::npos);
}

TEST(ParserTest, TreeShape) {
  Arena arena;
  auto r = ParseStatement(
      "FOREACH payload.list as x DO x.a as a, 'k' INCASE x.v > 1 FROM 'a/#', \"b\" WHERE qos IN "
      "(1, 2)",
      FunctionRegistry::Default(), arena);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Statement& st = *r.value();
  EXPECT_TRUE(st.foreach);
  ASSERT_EQ(st.fields.size(), 1u);
  EXPECT_EQ(st.fields[0].alias.root, "x");
  EXPECT_TRUE(st.fields[0].explicit_alias);
  ASSERT_EQ(st.do_fields.size(), 2u);
  EXPECT_EQ(st.do_fields[1].alias.root, "k");
  ASSERT_NE(st.incase, nullptr);
  EXPECT_EQ(st.incase->kind, ExprKind::kCompare);
  EXPECT_EQ(st.from, (std::vector<std::string>{"a/#", "b"}));
  ASSERT_NE(st.where, nullptr);
  EXPECT_EQ(st.where->kind, ExprKind::kIn);
  EXPECT_EQ(st.where->args.size(), 3u);
}

TEST(ParserTest, PathsAndAliases) {
  Arena arena;
  auto r = ParseStatement("SELECT payload.a[1].'b-c'[-2] as out.x[-0] FROM \"t\"",
                          FunctionRegistry::Default(), arena);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Field& f = r.value()->fields[0];
  ASSERT_EQ(f.expr->kind, ExprKind::kPath);
  const Path& p = f.expr->path;
  EXPECT_EQ(p.root, "payload");
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0].key, "a");
  EXPECT_EQ(p.steps[1].index, 1);
  EXPECT_EQ(p.steps[2].key, "b-c");
  EXPECT_EQ(p.steps[3].index, -2);
  ASSERT_EQ(f.alias.steps.size(), 2u);
  EXPECT_EQ(f.alias.steps[0].key, "x");
  EXPECT_TRUE(f.alias.steps[1].negative_zero);
}

}  // namespace
}  // namespace mqb::rules
