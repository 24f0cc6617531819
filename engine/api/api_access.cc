// Access management: login and logout, dashboard users, API keys.
#include <ctime>

#include "engine/api/api_routes.h"
#include "engine/commands.h"
#include "engine/json_writer.h"

namespace mqb::engine::api {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Rfc3339(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "infinity", RFC 3339 ("2027-01-31T00:00:00Z", "...+02:00") or milliseconds since the epoch.
std::optional<int64_t> ParseExpiry(const JsonBody& b) {
  if (auto ms = b.Int("expired_at")) return *ms;
  auto text = b.String("expired_at");
  if (!text || *text == "infinity" || text->empty()) return 0;
  std::tm tm{};
  const char* end = strptime(text->c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) return std::nullopt;
  int64_t offset = 0;
  if (*end == '+' || *end == '-') {
    int h = 0, m = 0;
    if (std::sscanf(end + 1, "%d:%d", &h, &m) != 2) return std::nullopt;
    offset = (*end == '+' ? 1 : -1) * (h * 3600 + m * 60);
  } else if (*end != 'Z' && *end != '\0') {
    return std::nullopt;
  }
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1000;
}

void WriteKey(JsonWriter& w, const ApiKeyInfo& k) {
  w.BeginObject()
      .Key("name")
      .String(k.name)
      .Key("api_key")
      .String(k.api_key)
      .Key("desc")
      .String(k.description)
      .Key("role")
      .String(RoleName(k.role))
      .Key("enable")
      .Bool(k.enable)
      .Key("expired_at")
      .String(k.expired_at_ms == 0 ? "infinity" : Rfc3339(k.expired_at_ms))
      .Key("created_at")
      .String(Rfc3339(k.created_at_ms))
      .Key("expired")
      .Bool(k.expired_at_ms != 0 && k.expired_at_ms < NowMs())
      .EndObject();
}

void WriteUser(JsonWriter& w, const UserInfo& u) {
  w.BeginObject()
      .Key("username")
      .String(u.username)
      .Key("role")
      .String(RoleName(u.role))
      .Key("description")
      .String(u.description)
      .EndObject();
}

// Parses the body or answers 400; null on error.
std::optional<JsonBody> Body(const httplib::Request& req, httplib::Response& res) {
  auto b = JsonBody::Parse(req.body);
  if (!b.ok()) {
    Error(res, 400, "BAD_REQUEST", b.error());
    return std::nullopt;
  }
  return std::move(b.value());
}

// The role field, or answers 400; `fallback` when absent.
bool RoleOf(const JsonBody& b, httplib::Response& res, std::optional<Role>* out) {
  auto text = b.String("role");
  if (!text) return true;
  *out = ParseRole(*text);
  if (!*out) {
    Error(res, 400, "BAD_REQUEST", "role must be administrator or viewer, not \"" + *text + "\"");
    return false;
  }
  return true;
}

// Answers an AuthStore error: 404 for "not found", 409 for "already exists" and for a change
// another node made at the same moment, 503 when the cluster store cannot be reached, else 400.
void StoreError(httplib::Response& res, const std::string& e) {
  auto has = [&e](const char* s) { return e.find(s) != std::string::npos; };
  if (has("cluster store is unreachable")) {
    Error(res, 503, "SERVICE_UNAVAILABLE", e);
  } else if (has("changed on another node")) {
    Error(res, 409, "CONFLICT", e);
  } else if (has("already exists")) {
    Error(res, 409, "ALREADY_EXISTS", e);
  } else if (has("not found")) {
    Error(res, 404, "NOT_FOUND", e);
  } else {
    Error(res, 400, "BAD_REQUEST", e);
  }
}

void Done(httplib::Response& res, const Result<void, std::string>& r, int status = 204) {
  if (r.ok()) {
    res.status = status;
  } else {
    StoreError(res, r.error());
  }
}

}  // namespace

void AddAccessRoutes(RouteTable& t, const Shared& s) {
  AuthStore* auth = s.context.auth;
  t.Add("POST", "/api/v5/login", Access::kPublic,
        "Log in with {username, password}: a bearer token that expires",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto b = Body(req, res);
          if (!b) return;
          auto user = b->String("username");
          auto pass = b->String("password");
          if (!user || !pass) {
            Error(res, 400, "BAD_REQUEST", "username and password are required");
            return;
          }
          auto r = auth->Login(*user, *pass, req.remote_addr);
          if (!r.ok()) {
            if (r.error() == AuthFailure::kLocked) {
              Error(res, 429, "TOO_MANY_REQUESTS",
                    "too many failed logins from " + req.remote_addr + "; try again later");
            } else {
              Error(res, 401, "BAD_USERNAME_OR_PWD", "Auth failed");
            }
            return;
          }
          JsonWriter w;
          w.BeginObject()
              .Key("token")
              .String(r.value().token)
              .Key("role")
              .String(RoleName(r.value().role))
              .Key("version")
              .String(kVersion)
              .Key("expires_at")
              .String(Rfc3339(r.value().expires_at_ms))
              .EndObject();
          Json(res, w.str());
        });
  t.Add("POST", "/api/v5/logout", Access::kRead, "Drop the user's tokens",
        [auth](const httplib::Request&, httplib::Response& res, const Principal& who) {
          if (!who.api_key) auth->Logout(who.name);
          res.status = 204;
        });
  t.Add("GET", "/api/v5/users", Access::kRead, "Dashboard users",
        [auth](const httplib::Request&, httplib::Response& res, const Principal&) {
          JsonWriter w;
          w.BeginArray();
          for (const UserInfo& u : auth->Users()) WriteUser(w, u);
          w.EndArray();
          Json(res, w.str());
        });
  t.Add("POST", "/api/v5/users", Access::kWrite,
        "Create a user {username, password, role, description}",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto b = Body(req, res);
          if (!b) return;
          std::optional<Role> role = Role::kAdministrator;
          if (!RoleOf(*b, res, &role)) return;
          auto user = b->String("username").value_or("");
          auto r = auth->AddUser(user, b->String("password").value_or(""), *role,
                                 b->String("description").value_or(""));
          if (!r.ok()) {
            StoreError(res, r.error());
            return;
          }
          JsonWriter w;
          WriteUser(w, UserInfo{user, b->String("description").value_or(""), *role});
          Json(res, w.str());
        });
  t.Add("PUT", "/api/v5/users/{username}", Access::kWrite, "Change a user's role or description",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto b = Body(req, res);
          if (!b) return;
          std::optional<Role> role;
          if (!RoleOf(*b, res, &role)) return;
          Done(res, auth->UpdateUser(req.matches[1], role, b->String("description")), 200);
        });
  t.Add("DELETE", "/api/v5/users/{username}", Access::kWrite, "Delete a user",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          Done(res, auth->DeleteUser(req.matches[1]));
        });
  t.Add("POST", "/api/v5/users/{username}/change_pwd", Access::kRead,
        "Change a password {old_pwd, new_pwd} (one's own, or any as administrator)",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal& who) {
          const std::string user = req.matches[1];
          if (who.role != Role::kAdministrator && (who.api_key || who.name != user)) {
            Error(res, 403, "FORBIDDEN", "a viewer may change only their own password");
            return;
          }
          auto b = Body(req, res);
          if (!b) return;
          if (!auth->CheckPassword(user, b->String("old_pwd").value_or(""))) {
            Error(res, 400, "BAD_REQUEST", "old_pwd: wrong password");
            return;
          }
          Done(res, auth->ChangePassword(user, b->String("new_pwd").value_or("")));
        });
  t.Add("GET", "/api/v5/api_key", Access::kRead, "API keys (never their secrets)",
        [auth](const httplib::Request&, httplib::Response& res, const Principal&) {
          JsonWriter w;
          w.BeginArray();
          for (const ApiKeyInfo& k : auth->ApiKeys()) WriteKey(w, k);
          w.EndArray();
          Json(res, w.str());
        });
  t.Add("POST", "/api/v5/api_key", Access::kWrite,
        "Create an API key {name, desc, enable, expired_at, role}: the secret is shown once",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto b = Body(req, res);
          if (!b) return;
          std::optional<Role> role = Role::kAdministrator;
          if (!RoleOf(*b, res, &role)) return;
          auto expiry = ParseExpiry(*b);
          if (!expiry) {
            Error(res, 400, "BAD_REQUEST",
                  "expired_at: expected \"infinity\" or a time such as 2027-01-31T00:00:00Z");
            return;
          }
          auto r = auth->CreateApiKey(b->String("name").value_or(""), *role,
                                      b->String("desc").value_or(""),
                                      b->Bool("enable").value_or(true), *expiry);
          if (!r.ok()) {
            StoreError(res, r.error());
            return;
          }
          JsonWriter w;
          w.BeginObject()
              .Key("name")
              .String(r.value().info.name)
              .Key("api_key")
              .String(r.value().info.api_key)
              .Key("api_secret")
              .String(r.value().api_secret)
              .Key("role")
              .String(RoleName(r.value().info.role))
              .Key("enable")
              .Bool(r.value().info.enable)
              .Key("desc")
              .String(r.value().info.description)
              .EndObject();
          Json(res, w.str());
        });
  t.Add("GET", "/api/v5/api_key/{name}", Access::kRead, "One API key",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto k = auth->ApiKey(req.matches[1]);
          if (!k) {
            Error(res, 404, "NOT_FOUND", "API key " + std::string(req.matches[1]) + " not found");
            return;
          }
          JsonWriter w;
          WriteKey(w, *k);
          Json(res, w.str());
        });
  t.Add("PUT", "/api/v5/api_key/{name}", Access::kWrite,
        "Change an API key's enable, desc, expired_at or role",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          auto b = Body(req, res);
          if (!b) return;
          std::optional<Role> role;
          if (!RoleOf(*b, res, &role)) return;
          std::optional<int64_t> expiry;
          if (b->Has("expired_at")) {
            expiry = ParseExpiry(*b);
            if (!expiry) {
              Error(res, 400, "BAD_REQUEST", "expired_at: expected \"infinity\" or RFC 3339");
              return;
            }
          }
          auto r = auth->UpdateApiKey(req.matches[1], b->Bool("enable"), b->String("desc"), expiry,
                                      role);
          if (!r.ok()) {
            Done(res, Err(r.error()));
            return;
          }
          JsonWriter w;
          WriteKey(w, r.value());
          Json(res, w.str());
        });
  t.Add("DELETE", "/api/v5/api_key/{name}", Access::kWrite, "Delete an API key",
        [auth](const httplib::Request& req, httplib::Response& res, const Principal&) {
          Done(res, auth->DeleteApiKey(req.matches[1]));
        });
}

}  // namespace mqb::engine::api
