target_sources(mqb_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api_server.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/auth_store.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/dashboard_routes.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/cluster_merge.cc)
# The API serves the web console's embedded files (engine/dashboard). A tree configured before
# the console existed keeps its cached MQB_ENGINE_AREAS, which lacks it.
if(NOT "dashboard" IN_LIST MQB_ENGINE_AREAS)
  message(FATAL_ERROR "engine/api needs the dashboard area (the web console it serves); "
                      "reconfigure with -DMQB_ENGINE_AREAS=\"${MQB_ENGINE_AREAS};dashboard\"")
endif()
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# cpp-httplib serves HTTPS with OpenSSL; the API sets up its TLS context (client CA, peer
# verification) with OpenSSL's own calls, so it links OpenSSL directly.
find_package(OpenSSL REQUIRED)
target_link_libraries(mqb_engine PRIVATE PkgConfig::HTTPLIB OpenSSL::SSL OpenSSL::Crypto
                                         Threads::Threads)
target_sources(mqb_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/object_json.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/management.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/api_rules.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/api_objects.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/api_access.cc)
target_link_libraries(mqb_engine PRIVATE simdjson::simdjson)
