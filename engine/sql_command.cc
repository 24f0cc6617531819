#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/commands.h"
#include "rules/sql_tester.h"

namespace mqb::engine {

int RunSql(const SqlCommand& cmd) {
  std::string context = cmd.context;
  if (!cmd.context_file.empty()) {
    std::ifstream in(cmd.context_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "error: cannot read context file %s\n", cmd.context_file.c_str());
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    context = ss.str();
  }
  rules::SqlTestResult r = rules::RunSqlTester(cmd.sql, context);
  std::FILE* out = r.exit_code == 2 ? stderr : stdout;
  std::fprintf(out, "%s%s\n", r.exit_code == 2 ? "error: " : "", r.output.c_str());
  return r.exit_code;
}

}  // namespace mqb::engine
