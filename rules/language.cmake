# Sources of the SQL language half of mqb_rules (included by rules/CMakeLists.txt).
set(MQB_RULES_LANGUAGE_SOURCES
  topic_match.cc
  event_catalog.cc
  lexer.cc
  parser.cc
  program.cc
  evaluator.cc
  evaluator_columns.cc
  evaluator_expr.cc
  sql_tester.cc
  template.cc
)
