# Helper sources and libraries of the SQL function library (included by rules/CMakeLists.txt
# after mqb_rules exists; the family files themselves are added there, see families.h).
set(_mqb_fn_dir ${CMAKE_CURRENT_SOURCE_DIR}/functions)
foreach(helper util calendar erl_format regex_cache string_text jq)
  if(EXISTS ${_mqb_fn_dir}/${helper}.cc)
    target_sources(mqb_rules PRIVATE ${_mqb_fn_dir}/${helper}.cc)
  endif()
endforeach()
target_link_libraries(mqb_rules PRIVATE PkgConfig::RE2 ZLIB::ZLIB)

# Hashes use wolfCrypt. The fuzz tree does not look wolfSSL up, so look it up here; without it
# hash.cc answers "not supported".
if(NOT TARGET PkgConfig::WOLFSSL)
  pkg_check_modules(WOLFSSL QUIET IMPORTED_TARGET wolfssl)
endif()
if(TARGET PkgConfig::WOLFSSL)
  target_link_libraries(mqb_rules PRIVATE PkgConfig::WOLFSSL)
  target_compile_definitions(mqb_rules PRIVATE MQB_RULES_HAVE_WOLFSSL=1)
endif()

# jq() runs programs with libjq (Debian's libjq-dev has no pkg-config file). Without it, jq
# answers "not supported".
find_path(MQB_JQ_INCLUDE_DIR jq.h)
find_library(MQB_JQ_LIBRARY jq)
if(MQB_JQ_INCLUDE_DIR AND MQB_JQ_LIBRARY)
  target_include_directories(mqb_rules PRIVATE ${MQB_JQ_INCLUDE_DIR})
  target_link_libraries(mqb_rules PRIVATE ${MQB_JQ_LIBRARY})
  target_compile_definitions(mqb_rules PRIVATE MQB_RULES_HAVE_JQ=1)
endif()
