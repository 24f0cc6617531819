// Data-driven cases for the function library through the SQL tester (rules/sql_tester.h), in
// the same format as tests/rules/cases/*.test (see tests/rules/sql_cases_test.cc):
//
//   test <name>
//   <SQL>
//   ====                 (optional) context JSON
//   ----
//   <expected JSON> | exact <text> | error <substring> | no match
//   <blank line>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/sql_tester.h"
#include "rules/value.h"

namespace mqb::rules {
namespace {

struct Case {
  int line = 0;
  std::string name, sql, context, expected;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<Case> Load(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<Case> cases;
  enum { kOut, kSql, kCtx, kExp } st = kOut;
  Case cur;
  std::string line;
  int n = 0;
  auto finish = [&] {
    if (st != kOut) {
      cur.expected = Trim(cur.expected);
      cases.push_back(cur);
    }
    st = kOut;
  };
  while (std::getline(in, line)) {
    ++n;
    if (st == kOut) {
      if (line.rfind("test ", 0) == 0) {
        cur = Case();
        cur.line = n;
        cur.name = Trim(line.substr(5));
        st = kSql;
      } else if (!Trim(line).empty() && line[0] != '#') {
        ADD_FAILURE() << path << ":" << n << ": expected 'test <name>'";
      }
    } else if (st == kSql) {
      if (line == "====") st = kCtx;
      else if (line == "----") st = kExp;
      else cur.sql += line + "\n";
    } else if (st == kCtx) {
      if (line == "----") st = kExp;
      else cur.context += line + "\n";
    } else if (Trim(line).empty()) {
      finish();
    } else {
      cur.expected += line + "\n";
    }
  }
  finish();
  return cases;
}

std::vector<std::string> Files() {
  std::vector<std::string> files;
  auto dir = std::filesystem::path(MQB_SOURCE_DIR) / "tests/rules/functions/cases";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class FunctionCases : public ::testing::TestWithParam<std::string> {};

TEST_P(FunctionCases, File) {
  auto path = std::filesystem::path(MQB_SOURCE_DIR) / "tests/rules/functions/cases" / GetParam();
  std::vector<Case> cases = Load(path);
  ASSERT_FALSE(cases.empty());
  for (const Case& c : cases) {
    SCOPED_TRACE(GetParam() + ":" + std::to_string(c.line) + " test " + c.name);
    SqlTestResult r = RunSqlTester(c.sql, c.context);
    const std::string& want = c.expected;
    if (want == "no match") {
      EXPECT_EQ(r.exit_code, 1) << r.output;
    } else if (want.rfind("error", 0) == 0) {
      EXPECT_EQ(r.exit_code, 2) << r.output;
      EXPECT_NE(r.output.find(Trim(want.substr(5))), std::string::npos) << r.output;
    } else if (want.rfind("exact ", 0) == 0) {
      EXPECT_EQ(r.exit_code, 0) << r.output;
      EXPECT_EQ(r.output, want.substr(6));
    } else {
      ASSERT_EQ(r.exit_code, 0) << r.output;
      Arena arena;
      JsonDecoder json;
      auto got = json.Decode(r.output, arena);
      auto expected = json.Decode(want, arena);
      ASSERT_TRUE(got.ok()) << r.output;
      ASSERT_TRUE(expected.ok()) << want;
      EXPECT_TRUE(got.value() == expected.value())
          << "output:   " << r.output << "\nexpected: " << want;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, FunctionCases, ::testing::ValuesIn(Files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(0, info.param.size() - 5);
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace mqb::rules
