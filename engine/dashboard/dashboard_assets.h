// The web console's files (engine/dashboard/src/index.html and esbuild's bundles of
// engine/dashboard/src/main.jsx), embedded in the binary at build time (embed.cmake writes the
// table; engine/api serves it).
//
// Each asset is one URL path ("/index.html", "/assets/app.js", "/assets/app.css"), the
// Content-Type to serve it with and its bytes. The table and every view into it are immutable
// and live for the whole program, so they are safe to read from any thread, also during static
// initialization.
#pragma once

#include <span>
#include <string_view>

namespace mqb::engine {

struct DashboardAsset {
  std::string_view path;          // the URL path, "/index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;          // the file's bytes
};

// Every embedded file, in no particular order.
std::span<const DashboardAsset> DashboardAssets();

// The asset served at `path` (exact match, "/index.html"), or null when there is none.
const DashboardAsset* FindDashboardAsset(std::string_view path);

}  // namespace mqb::engine
