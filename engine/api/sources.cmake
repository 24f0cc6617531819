target_sources(mqb_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api_server.cc)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
target_link_libraries(mqb_engine PRIVATE PkgConfig::HTTPLIB Threads::Threads)
