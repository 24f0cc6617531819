# Helper sources and libraries of the SQL function library (included by rules/CMakeLists.txt
# after mqb_rules exists; the family files themselves are added there, see families.h).
set(_mqb_fn_dir ${CMAKE_CURRENT_SOURCE_DIR}/functions)
foreach(helper util calendar erl_format regex_cache string_text)
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
