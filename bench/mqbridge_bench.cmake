# mqbridge-bench: the MQTT load tool (modes conn, pub, sub, bridge). See docs/benchmarks.md.
include(${CMAKE_CURRENT_LIST_DIR}/mqbridge_bench/sources.cmake)
add_library(mqb_benchtool STATIC ${MQB_BENCHTOOL_SOURCES})
target_link_libraries(mqb_benchtool PUBLIC ${MQB_BENCHTOOL_LIBS} PRIVATE mqb_warnings)
add_executable(mqbridge-bench ${CMAKE_CURRENT_LIST_DIR}/mqbridge_bench/main.cc)
target_link_libraries(mqbridge-bench PRIVATE mqb_benchtool mqb_warnings)
