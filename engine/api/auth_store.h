// AuthStore: who may use the management API, as EMQX's dashboard users and API keys.
//
// Users log in with a password (Login) and get a bearer token; API keys authenticate every
// request with HTTP Basic "api_key:api_secret". Each principal has a role: an administrator may
// do everything, a viewer only read (the routes enforce this; the store only reports the role).
//
// Secrets. Passwords and API secrets are kept only as PBKDF2-HMAC-SHA256 hashes (wolfCrypt) over
// a random 16-byte salt, with the iteration count stored in each record so it can be raised for
// new records without invalidating old ones; hashes are compared in constant time. A new API
// secret is returned once, by CreateApiKey. No secret or token ever appears in an error message.
// Because PBKDF2 is deliberately slow, a successful Basic verification is remembered in memory for
// kBasicCacheTtl, keyed by the SHA-256 of the whole Authorization header; the entry is dropped
// when its key is updated or deleted, and a disabled or expired key is refused even when cached.
//
// Tokens are 32 random bytes in hex, kept only in memory (as their SHA-256) with the user's role
// at issue time and an expiry of AuthOptions::token_expiry; restarting the process invalidates
// every token. ChangePassword, DeleteUser, Logout, and UpdateUser with a new role drop that
// user's tokens.
//
// Lockout. Failed logins and failed Basic authentications are counted per peer address; a
// failure more than login_lockout after the address's previous failure starts the count again.
// Once an address has max_failed_logins failures, its Login and Basic attempts are refused with
// kLocked, unverified and uncounted, until login_lockout has passed since its last failure. A
// success does not clear the count (so one valid credential cannot be used to reset it) and never
// affects other addresses. Bearer tokens are not subject to the lockout. The table holds at most
// kMaxTrackedPeers addresses; the one with the oldest failure is evicted first.
//
// Files, in AuthOptions::data_dir (created with mode 0700 on the first write; files are 0600 and
// replaced atomically: temporary file, fsync, rename, fsync of the directory). Blank lines and
// lines starting with '#' are ignored; every other line is one record of ':'-separated fields:
//   users:     <username>:<role>:<password hash>:<description>
//   api_keys:  <name>:<api_key>:<role>:<enable 0|1>:<expired_at_ms>:<created_at_ms>:<secret hash>:
//              <description>
// where <role> is "administrator" or "viewer", a hash is
// "$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>", times are milliseconds since the Unix
// epoch (expired_at_ms 0: never), and <description> is percent-encoded ('%', ':', and bytes below
// 0x20 or 0x7f become %XX). Names (user names, API key names and api_key values) are 1..128 of
// letters, digits, '_', '-', '.', '@', so they need no escaping. A malformed line makes Open fail
// with "file:line: why". Changes made by another process (`mqbridge admins`) are seen at the next
// call that takes the store's lock (every request authenticates, so at the next request): the
// store compares each file's inode, size and modification time with the version it last read or
// wrote and reads it again when they differ. Every change starts from the current file, so a
// change through the API does not undo one made with `mqbridge admins` just before.
//
// Bootstrap file (EMQX's api_key.bootstrap_file): lines "api_key:api_secret[:role]", '#' comments
// and blank lines ignored, role "administrator" (the default) or "viewer". Its keys are loaded at
// every Open, named "from_bootstrap_file_<16 hex digits derived from the api_key>", described as
// "bootstrap", enabled and never expiring; they are never written to the api_keys file and can be
// neither updated nor deleted through the store (edit the file instead).
//
// Thread-safety: every public method is safe to call from any thread. One mutex guards the state;
// it is not held while PBKDF2 runs, but it is held while a file is written.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace mqb::engine {

enum class Role { kAdministrator, kViewer };
// "administrator" / "viewer".
const char* RoleName(Role role);
// The inverse of RoleName; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// Who made a request: a user (through a token) or an API key (name is the key's name).
struct Principal {
  std::string name;
  Role role = Role::kViewer;
  bool api_key = false;
};

struct UserInfo {
  std::string username, description;
  Role role = Role::kViewer;
};

struct ApiKeyInfo {
  std::string name, api_key, description;
  Role role = Role::kAdministrator;
  bool enable = true;
  int64_t expired_at_ms = 0;  // 0: never
  int64_t created_at_ms = 0;
};

struct LoginResult {
  std::string token;
  Role role = Role::kViewer;
  int64_t expires_at_ms = 0;  // wall clock, milliseconds since the Unix epoch
};

struct AuthOptions {
  std::string data_dir;        // empty: nothing is persisted (users and keys live in memory)
  std::string bootstrap_file;  // empty: none
  std::chrono::milliseconds token_expiry{3'600'000};
  int max_failed_logins = 5;
  std::chrono::milliseconds login_lockout{60'000};
  uint32_t pbkdf2_iterations = 100'000;  // for new hashes; at least kMinPbkdf2Iterations
};

enum class AuthFailure {
  kBadCredentials,  // unknown user, key or token, wrong secret, malformed header, disabled key
  kLocked,          // too many failures from this peer address
  kExpired,         // an expired token, or an expired API key presented with its right secret
};

class AuthStore {
 public:
  static constexpr uint32_t kMinPbkdf2Iterations = 10'000;
  static constexpr size_t kMinPasswordLength = 8;
  static constexpr size_t kMaxTrackedPeers = 10'000;
  static constexpr std::chrono::seconds kBasicCacheTtl{60};

  // Loads <data_dir>/users and <data_dir>/api_keys if present, then the bootstrap file (which must
  // exist if named). Errors name "file:line: why" and never quote a line.
  static Result<std::unique_ptr<AuthStore>, std::string> Open(AuthOptions options);
  ~AuthStore();
  AuthStore(const AuthStore&) = delete;
  AuthStore& operator=(const AuthStore&) = delete;

  // Cluster mode (engine/cluster): every change of the users or api_keys file is first handed to
  // `publish` with the file's name ("users", "api_keys") and new text, under the store's lock;
  // an error refuses the change and is returned as the change's error. Set before serving.
  using Publisher =
      std::function<Result<void, std::string>(const std::string& file, const std::string& text)>;
  void SetPublisher(Publisher publish);
  // Replaces the users or api_keys file with `text` (another node's version) and reads it.
  Result<void, std::string> ReplaceFile(const std::string& file, const std::string& text);
  // The users or api_keys file's text ("" when there is none).
  std::string FileText(const std::string& file) const;

  // Users. Every change is written to the users file before it takes effect; on a write error
  // nothing changes. Errors: "invalid user name ...", "password must be at least 8 characters",
  // "user X already exists", "user X not found", "cannot delete the last administrator",
  // "cannot demote the last administrator".
  Result<void, std::string> AddUser(const std::string& username, const std::string& password,
                                    Role role, const std::string& description);
  Result<void, std::string> ChangePassword(const std::string& username,
                                           const std::string& new_password);
  Result<void, std::string> UpdateUser(const std::string& username, std::optional<Role> role,
                                       std::optional<std::string> description);
  Result<void, std::string> DeleteUser(const std::string& username);
  std::vector<UserInfo> Users();  // sorted by name
  bool HasUsers();
  // True if the user exists and the password is right (not counted for the lockout).
  bool CheckPassword(const std::string& username, const std::string& password);

  // Sessions.
  Result<LoginResult, AuthFailure> Login(const std::string& username, const std::string& password,
                                         const std::string& peer_address);
  void Logout(const std::string& username);

  // API keys. The api_key (16 hex digits) and the secret (64 hex digits) are generated.
  // Errors: "invalid api key name ...", "api key X already exists", "API key X not found",
  // "api key X comes from the bootstrap file ...", "expired_at must not be negative".
  struct CreatedKey {
    ApiKeyInfo info;
    std::string api_secret;  // returned once only
  };
  Result<CreatedKey, std::string> CreateApiKey(const std::string& name, Role role,
                                               const std::string& description, bool enable,
                                               int64_t expired_at_ms);
  Result<ApiKeyInfo, std::string> UpdateApiKey(const std::string& name, std::optional<bool> enable,
                                               std::optional<std::string> description,
                                               std::optional<int64_t> expired_at_ms,
                                               std::optional<Role> role);
  Result<void, std::string> DeleteApiKey(const std::string& name);
  std::vector<ApiKeyInfo> ApiKeys();  // sorted by name, bootstrap keys included
  std::optional<ApiKeyInfo> ApiKey(const std::string& name);

  // Authenticates an HTTP Authorization header value: "Basic base64(api_key:api_secret)" (API keys
  // only, as EMQX) or "Bearer <token>" (from Login); the scheme is case-insensitive.
  Result<Principal, AuthFailure> Authenticate(std::string_view authorization,
                                              const std::string& peer_address);

 private:
  using Clock = std::chrono::steady_clock;
  // engine/password_hash.h's "$pbkdf2-sha256$..." text.
  using PasswordHash = std::string;
  struct UserRecord {
    UserInfo info;
    PasswordHash password;
  };
  struct KeyRecord {
    ApiKeyInfo info;
    PasswordHash secret;
    bool bootstrap = false;
  };
  struct Session {
    std::string username;
    Role role = Role::kViewer;
    Clock::time_point expires;
  };
  struct FailureCount {
    int failures = 0;
    Clock::time_point last;
  };
  struct CachedBasic {
    std::string key_name;
    PasswordHash secret;  // the record verified; a key re-created under the name does not match
    Clock::time_point until;
  };
  using UserMap = std::map<std::string, UserRecord>;
  using KeyMap = std::map<std::string, KeyRecord>;

  explicit AuthStore(AuthOptions options);

  // Parse <data_dir>/users (api_keys) into `out`; errors "file:line: why".
  Result<void, std::string> LoadUsers(UserMap* out) const;
  Result<void, std::string> LoadKeys(KeyMap* out) const;

  // Identifies one version of a file: replaced (rename) or rewritten, it differs.
  struct FileStamp {
    bool exists = false;
    uint64_t dev = 0, ino = 0;
    int64_t size = 0, mtime_ns = 0;
    static FileStamp Of(const std::string& path);
    bool operator==(const FileStamp&) const = default;
    // Modified within the last second. File times are coarse (a few ms) and a replaced file's
    // inode number may be reused, so two versions written in quick succession can carry the
    // same stamp; a recent file is therefore read again even when its stamp is unchanged.
    bool Recent() const;
  };
  // REQUIRES: mu_ held. Reads the users and api_keys files again if another process (`mqbridge
  // admins`) changed them since they were last read or written here. Tokens of users whose
  // password or role changed, or who are gone, are dropped. A file that no longer parses is
  // logged once and the previous state is kept.
  void Refresh();
  Result<void, std::string> LoadBootstrap();
  // REQUIRES: mu_ held. Applies `edit` to a copy of the users (keys), writes the copy to its file
  // (unless there is no data_dir), and only then makes it current.
  Result<void, std::string> CommitUsers(const std::function<void(UserMap&)>& edit);
  Result<void, std::string> CommitKeys(const std::function<void(KeyMap&)>& edit);

  // REQUIRES: mu_ held.
  bool Locked(const std::string& peer, Clock::time_point now) const;
  void RecordFailure(const std::string& peer, Clock::time_point now);
  void DropTokens(const std::string& username);
  void DropCachedBasic(const std::string& key_name);
  size_t Administrators() const;
  const KeyRecord* FindByApiKey(std::string_view api_key) const;

  Result<Principal, AuthFailure> AuthenticateBasic(std::string_view credentials,
                                                   std::string_view header,
                                                   const std::string& peer_address);
  Result<Principal, AuthFailure> AuthenticateBearer(std::string_view token);
  // REQUIRES: mu_ held. The principal for a key whose secret was verified, or the failure (which
  // is counted) for a disabled or expired one.
  Result<Principal, AuthFailure> Admit(const KeyRecord& key, const std::string& peer_address,
                                       Clock::time_point now);

  // Hashes `password` with a fresh salt and the configured iteration count. Call without mu_.
  Result<PasswordHash, std::string> Hash(std::string_view password) const;
  // Verifies against `hash`; without one, spends the same time on a dummy and returns false.
  // Call without mu_.
  bool Verify(const std::optional<PasswordHash>& hash, std::string_view password) const;

  const AuthOptions options_;
  mutable std::mutex mu_;
  UserMap users_;
  KeyMap keys_;
  FileStamp users_stamp_, keys_stamp_;                      // the versions users_ and keys_ reflect
  std::unordered_map<std::string, Session> sessions_;       // by SHA-256 of the token
  std::unordered_map<std::string, FailureCount> failures_;  // by peer address
  std::unordered_map<std::string, CachedBasic> basic_cache_;  // by SHA-256 of the header
  Publisher publish_;
};

}  // namespace mqb::engine
