target_sources(mqb_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/collector.cc
  ${CMAKE_CURRENT_LIST_DIR}/plan.cc
  ${CMAKE_CURRENT_LIST_DIR}/event_columns.cc
  ${CMAKE_CURRENT_LIST_DIR}/reload.cc
  ${CMAKE_CURRENT_LIST_DIR}/sink_queue.cc
  ${CMAKE_CURRENT_LIST_DIR}/connector_pool.cc
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cc
  ${CMAKE_CURRENT_LIST_DIR}/bridge.cc
  ${CMAKE_CURRENT_LIST_DIR}/run.cc)
target_link_libraries(mqb_engine PUBLIC TBB::tbb PRIVATE spdlog::spdlog)
# oneTBB's flow graph downcasts tasks whose vtables live in the (uninstrumented) TBB library;
# UBSan's vptr check reports those as false positives, so it is off for the graph's translation
# unit (every other check stays on).
if(MQB_SANITIZE OR MQB_FUZZ)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/pipeline.cc
    PROPERTIES COMPILE_OPTIONS "-fno-sanitize=vptr")
endif()
# `mqbridge run` joins a cluster through engine/cluster. A tree configured before the cluster
# existed keeps its cached MQB_ENGINE_AREAS, which lacks it.
if(NOT "cluster" IN_LIST MQB_ENGINE_AREAS)
  message(FATAL_ERROR "engine/bridge needs the cluster area; reconfigure with "
                      "-DMQB_ENGINE_AREAS=\"${MQB_ENGINE_AREAS};cluster\"")
endif()
