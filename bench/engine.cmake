# Bridge data-path structures: the per-connection TTL queue and the in-flight table
# (see bench/engine_bench.cc).
mqb_add_benchmark(engine_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/engine_bench.cc LIBS mqb_engine)
# Broker events' cost on the embedded broker's fan-out (bench/broker_events_bench.cc).
mqb_add_benchmark(broker_events_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/broker_events_bench.cc
                  LIBS mqb_engine)
