# Rule engine benchmarks (see bench/rules_bench.cc).
mqb_add_benchmark(rules_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/rules_bench.cc LIBS mqb_rules)
