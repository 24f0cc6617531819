// Data-driven SQL tests (sqllogictest style, as in DuckDB's test/sql/*.test).
//
// Every tests/rules/cases/*.test and tests/rules/functions/cases/*.test file holds cases of the
// form
//
//   test <name> [requires fn1,fn2]      (skipped unless these functions are registered)
//   <SQL, one or more lines>
//   ====
//   <context JSON for the SQL tester, zero or more lines>
//   ----
//   <expected>
//   <blank line ends the case>
//
// <expected> is one of
//   no match             the tester exits 1
//   error <substring>    the tester exits 2 and its message contains <substring>
//   exact <text>         the tester exits 0 and prints exactly <text>
//   <JSON>               the tester exits 0 and its output equals <JSON> (JSON-decoded; map
//                        order ignored, 1 and 1.0 differ), possibly over several lines
// Lines starting with '#' outside a case are comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/function.h"
#include "rules/sql_tester.h"
#include "rules/value.h"

namespace mqb::rules {
namespace {

struct SqlCase {
  std::string file;
  int line = 0;
  std::string name;
  std::vector<std::string> requires_fns;
  std::string sql;
  std::string context;
  std::string expected;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<SqlCase> LoadCases(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<SqlCase> cases;
  std::string line;
  int lineno = 0;
  enum { kOutside, kSql, kContext, kExpected } state = kOutside;
  SqlCase cur;
  auto finish = [&] {
    if (state != kOutside) {
      cur.expected = Trim(cur.expected);
      cases.push_back(cur);
    }
    state = kOutside;
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (state == kOutside) {
      if (line.rfind("test ", 0) == 0) {
        cur = SqlCase();
        cur.file = path.filename().string();
        cur.line = lineno;
        std::istringstream words(line.substr(5));
        words >> cur.name;
        std::string word;
        if (words >> word && word == "requires") {
          std::string list;
          words >> list;
          std::stringstream ls(list);
          std::string fn;
          while (std::getline(ls, fn, ',')) {
            cur.requires_fns.push_back(fn);
          }
        }
        state = kSql;
      } else if (!Trim(line).empty() && line[0] != '#') {
        ADD_FAILURE() << path << ":" << lineno << ": expected 'test <name>', got: " << line;
      }
      continue;
    }
    if (state == kSql) {
      if (line == "====") {
        state = kContext;
      } else if (line == "----") {
        state = kExpected;
      } else {
        cur.sql += line + "\n";
      }
    } else if (state == kContext) {
      if (line == "----") {
        state = kExpected;
      } else {
        cur.context += line + "\n";
      }
    } else if (state == kExpected) {
      if (Trim(line).empty()) {
        finish();
      } else {
        cur.expected += line + "\n";
      }
    }
  }
  finish();
  return cases;
}

// Case files of the language (tests/rules/cases) and of the function library
// (tests/rules/functions/cases), as paths relative to tests/rules.
std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  const std::filesystem::path root = std::filesystem::path(MQB_SOURCE_DIR) / "tests/rules";
  for (const char* sub : {"cases", "functions/cases"}) {
    if (!std::filesystem::is_directory(root / sub)) {
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(root / sub)) {
      if (entry.path().extension() == ".test") {
        files.push_back(std::filesystem::relative(entry.path(), root).string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void RunCase(const SqlCase& c) {
  SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " test " + c.name);
  SqlTestResult r = RunSqlTester(c.sql, c.context);
  const std::string& want = c.expected;
  if (want == "no match") {
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.output, "no match");
  } else if (want.rfind("error", 0) == 0) {
    EXPECT_EQ(r.exit_code, 2) << r.output;
    std::string needle = Trim(want.substr(5));
    EXPECT_NE(r.output.find(needle), std::string::npos)
        << "error text: " << r.output << "\nexpected to contain: " << needle;
  } else if (want.rfind("exact ", 0) == 0) {
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, want.substr(6));
  } else {
    ASSERT_EQ(r.exit_code, 0) << r.output;
    Arena arena;
    JsonDecoder json;
    auto got = json.Decode(r.output, arena);
    auto expected = json.Decode(want, arena);
    ASSERT_TRUE(got.ok()) << "output is not JSON: " << r.output;
    ASSERT_TRUE(expected.ok()) << "expected is not JSON: " << want;
    EXPECT_TRUE(got.value() == expected.value())
        << "output:   " << r.output << "\nexpected: " << ToJson(expected.value());
  }
}

class SqlCasesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlCasesTest, File) {
  std::filesystem::path path = std::filesystem::path(MQB_SOURCE_DIR) / "tests/rules" / GetParam();
  std::vector<SqlCase> cases = LoadCases(path);
  ASSERT_FALSE(cases.empty()) << "no cases in " << path;
  int skipped = 0;
  for (const SqlCase& c : cases) {
    bool missing = false;
    for (const std::string& fn : c.requires_fns) {
      if (FunctionRegistry::Default().Find(fn) == nullptr) {
        missing = true;
      }
    }
    if (missing) {
      ++skipped;
      continue;
    }
    RunCase(c);
  }
  if (skipped > 0) {
    std::cout << "[   NOTE   ] " << GetParam() << ": " << skipped
              << " case(s) skipped: function(s) not compiled in\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SqlCasesTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.size() - 5);
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) {
                               ch = '_';
                             }
                           }
                           return n;
                         });

}  // namespace
}  // namespace mqb::rules
