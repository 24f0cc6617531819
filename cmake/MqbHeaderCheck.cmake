# Header self-containment check (MQB_HEADER_CHECK=ON): every header of the project compiles on
# its own, as the first include of a translation unit, and twice in a row (#pragma once). One
# generated .cc per header in an object library built with the project's warnings (-Werror), at
# -O0 since nothing runs. Built by `cmake --build` like any target; CI turns it on in the Release
# tree.
file(GLOB_RECURSE _mqb_headers RELATIVE ${PROJECT_SOURCE_DIR} CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/base/*.h ${PROJECT_SOURCE_DIR}/codec/*.h ${PROJECT_SOURCE_DIR}/io/*.h
     ${PROJECT_SOURCE_DIR}/rules/*.h ${PROJECT_SOURCE_DIR}/engine/*.h
     ${PROJECT_SOURCE_DIR}/bench/*.h)
# The web console's npm packages (engine/dashboard/node_modules) are not the project's headers.
list(FILTER _mqb_headers EXCLUDE REGEX "(^|/)node_modules/")
set(_mqb_header_units "")
foreach(h ${_mqb_headers})
  string(MAKE_C_IDENTIFIER ${h} _id)
  set(_unit ${PROJECT_BINARY_DIR}/header_check/${_id}.cc)
  set(_text "#include \"${h}\"\n#include \"${h}\"\n")
  if(EXISTS ${_unit})
    file(READ ${_unit} _old)
  else()
    set(_old "")
  endif()
  if(NOT _old STREQUAL _text)
    file(WRITE ${_unit} ${_text})
  endif()
  list(APPEND _mqb_header_units ${_unit})
endforeach()
add_library(mqb_header_check OBJECT ${_mqb_header_units})
target_include_directories(mqb_header_check PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(mqb_header_check PRIVATE mqb_engine CLI11::CLI11 spdlog::spdlog
                                               simdjson::simdjson mqb_warnings)
target_compile_options(mqb_header_check PRIVATE -O0 -g0)
list(LENGTH _mqb_headers _n)
message(STATUS "header check: ${_n} headers")
