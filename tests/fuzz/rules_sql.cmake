# libFuzzer target for the rule SQL parser, and for evaluating whatever parses.
mqb_add_fuzzer(rules_sql_fuzzer rules_sql_fuzzer.cc CORPUS corpus/rules_sql LIBS mqb_rules)
