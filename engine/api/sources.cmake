target_sources(mqb_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api_server.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/auth_store.cc)
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
