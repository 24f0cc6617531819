# The web console (engine/dashboard): esbuild bundles src/main.jsx (and the CSS it imports) into
# app.js and app.css, embed.cmake turns them and src/index.html into a C++ source, and mqb_engine
# compiles it (dashboard_assets.h; engine/api serves the files). esbuild and the packages it
# bundles come from node_modules, which scripts/bootstrap installs from package-lock.json with
# `npm ci`; the build itself downloads nothing.
set(_dash ${CMAKE_CURRENT_LIST_DIR})
set(_dash_out ${CMAKE_CURRENT_BINARY_DIR}/dashboard)
set(MQB_ESBUILD ${_dash}/node_modules/.bin/esbuild)
if(NOT EXISTS ${MQB_ESBUILD})
  message(FATAL_ERROR "engine/dashboard: ${MQB_ESBUILD} is missing; run scripts/bootstrap "
                      "(it runs `npm ci` in engine/dashboard)")
endif()

file(GLOB_RECURSE _dash_sources CONFIGURE_DEPENDS ${_dash}/src/*)
set(_dash_packages ${_dash}/package-lock.json)
if(EXISTS ${_dash}/node_modules/.package-lock.json)  # npm ci rewrites it with every install
  list(APPEND _dash_packages ${_dash}/node_modules/.package-lock.json)
endif()

# The old bundles are removed first, so a CSS file esbuild no longer writes is not embedded.
add_custom_command(
  OUTPUT ${_dash_out}/app.js ${_dash_out}/app.css
  COMMAND ${CMAKE_COMMAND} -E rm -f ${_dash_out}/app.js ${_dash_out}/app.css
  COMMAND ${MQB_ESBUILD} src/main.jsx --bundle --minify --format=iife --jsx=automatic
          --jsx-import-source=preact --target=es2020 --log-level=warning
          --outfile=${_dash_out}/app.js
  WORKING_DIRECTORY ${_dash}
  DEPENDS ${_dash_sources} ${_dash_packages}
  COMMENT "Bundling the web console (esbuild)"
  VERBATIM)

add_custom_command(
  OUTPUT ${_dash_out}/dashboard_assets_data.cc
  COMMAND ${CMAKE_COMMAND} -DINDEX_HTML=${_dash}/src/index.html -DAPP_JS=${_dash_out}/app.js
          -DAPP_CSS=${_dash_out}/app.css -DOUTPUT=${_dash_out}/dashboard_assets_data.cc
          -P ${_dash}/embed.cmake
  DEPENDS ${_dash}/embed.cmake ${_dash}/src/index.html ${_dash_out}/app.js ${_dash_out}/app.css
  COMMENT "Embedding the web console"
  VERBATIM)

target_sources(mqb_engine PRIVATE ${_dash}/dashboard_assets.cc
                                  ${_dash_out}/dashboard_assets_data.cc)
