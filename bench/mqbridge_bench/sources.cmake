# Sources of mqbridge-bench except main.cc, shared by the executable (bench/mqbridge_bench.cmake)
# and the Debug tree's tests (tests/benchtool/CMakeLists.txt).
set(MQB_BENCHTOOL_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/bench_options.cc
  ${CMAKE_CURRENT_LIST_DIR}/latency_histogram.cc
  ${CMAKE_CURRENT_LIST_DIR}/report.cc
  ${CMAKE_CURRENT_LIST_DIR}/runner.cc
  ${CMAKE_CURRENT_LIST_DIR}/stream_tracker.cc
  ${CMAKE_CURRENT_LIST_DIR}/tune.cc
  ${CMAKE_CURRENT_LIST_DIR}/tune_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/worker.cc
)
set(MQB_BENCHTOOL_LIBS mqb_engine mqb_io mqb_codec CLI11::CLI11 fmt::fmt simdjson::simdjson)
