// RunSqlTester: the contract behind `mqbridge sql` (exit codes, output format, defaults).
#include "rules/sql_tester.h"

#include <gtest/gtest.h>

namespace mqb::rules {
namespace {

TEST(SqlTesterTest, OutputIsJson) {
  SqlTestResult r = RunSqlTester(R"(SELECT clientid, payload.msg as m FROM "t/#")", "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, R"({"clientid":"c_emqx","m":"hello"})");
}

TEST(SqlTesterTest, ForeachOutputIsAList) {
  SqlTestResult r = RunSqlTester(R"(FOREACH [1, 2] as x DO x FROM "t/#")", "{}");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, R"([{"x":1},{"x":2}])");
}

TEST(SqlTesterTest, NoMatch) {
  SqlTestResult from = RunSqlTester(R"(SELECT 1 FROM "x/#")", "");
  EXPECT_EQ(from.exit_code, 1);
  EXPECT_EQ(from.output, "no match");
  SqlTestResult where = RunSqlTester(R"(SELECT 1 FROM "t/#" WHERE qos = 0)", "");
  EXPECT_EQ(where.exit_code, 1);
  EXPECT_EQ(where.output, "no match");
}

TEST(SqlTesterTest, Errors) {
  SqlTestResult syntax = RunSqlTester("SELECT a FROM", "");
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_EQ(syntax.output,
            "SQL error: line 1, column 14: expected a quoted topic filter after FROM but found end "
            "of input");
  SqlTestResult eval = RunSqlTester(R"(SELECT payload.x FROM "t/#")", R"({"payload": "nope"})");
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_EQ(eval.output.rfind("evaluation error: decode_json_failed: SELECT: ", 0), 0u)
      << eval.output;
  SqlTestResult context = RunSqlTester(R"(SELECT 1 FROM "t/#")", "[1, 2]");
  EXPECT_EQ(context.exit_code, 2);
  EXPECT_NE(context.output.find("context must be a JSON object"), std::string::npos);
  SqlTestResult bad_json = RunSqlTester(R"(SELECT 1 FROM "t/#")", "{\"a\": ");
  EXPECT_EQ(bad_json.exit_code, 2);
}

TEST(SqlTesterTest, DefaultsAndFreshIds) {
  SqlTestResult r = RunSqlTester(
      R"(SELECT id, timestamp, publish_received_at as p, peerhost, flags, pub_props FROM "t/#")",
      "");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(R"("peerhost":"127.0.0.1","flags":{},"pub_props":{"User-Property":{}})"),
            std::string::npos)
      << r.output;
  SqlTestResult again = RunSqlTester(R"(SELECT id FROM "t/#")", "");
  EXPECT_NE(r.output.substr(0, 42), again.output) << "ids must differ per run";
  EXPECT_EQ(again.output.size(), std::string(R"({"id":""})").size() + 32);
}

}  // namespace
}  // namespace mqb::rules
