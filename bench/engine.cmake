# Bridge data-path structures: the per-connection TTL queue and the in-flight table
# (see bench/engine_bench.cc).
mqb_add_benchmark(engine_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/engine_bench.cc LIBS mqb_engine)
