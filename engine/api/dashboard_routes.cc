// The web console's files on the API's HTTP server: GET / and /index.html (the page),
// /assets/app.js and /assets/app.css (esbuild's bundles), from the copies embedded in the binary
// (engine/dashboard/dashboard_assets.h).
//
// They are public: the page holds no data and signs in through POST /api/v5/login. They are
// registered on the server directly, not in the API's route table, so /api/v5/openapi.json does
// not list them. Every answer carries no-cache and a Content-Security-Policy that allows only
// the server's own scripts, styles and API (styles may also be inline: CodeMirror injects
// <style> elements). Any other path is the API's JSON 404.
//
// cpp-httplib gzips the answer for a client that accepts it (about a third of the script's size).
//
// Thread-safety: the handlers read only the immutable embedded table.
#include <httplib.h>

#include <string>
#include <string_view>

#include "engine/api/api_routes.h"
#include "engine/dashboard/dashboard_assets.h"

namespace mqb::engine::api {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// `path` as an httplib route pattern (a regular expression) that matches only itself.
std::string ExactPattern(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (std::string_view(".[]{}()*+?^$|\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

void Serve(httplib::Server& s, std::string_view url, const DashboardAsset& asset) {
  s.Get(ExactPattern(url), [&asset](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
  });
}

}  // namespace

void AddDashboardRoutes(httplib::Server& s) {
  for (const DashboardAsset& asset : DashboardAssets()) {
    Serve(s, asset.path, asset);
    if (asset.path == "/index.html") Serve(s, "/", asset);
  }
}

}  // namespace mqb::engine::api
