# io benchmarks: the reactor's loopback echo throughput, and MQTT publish throughput (QoS 0 and 1)
# over one connection to a mosquitto started by the benchmark (tests/support helpers are compiled
# in, since the Release tree does not build the test support library).
mqb_add_benchmark(io_echo_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/io_echo_bench.cc LIBS mqb_io)
mqb_add_benchmark(io_mqtt_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/io_mqtt_bench.cc
          ${PROJECT_SOURCE_DIR}/tests/support/process.cc
          ${PROJECT_SOURCE_DIR}/tests/support/mosquitto.cc
  LIBS mqb_io)
