#include "engine/api/auth_store.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/coding.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>

#include "engine/atomic_file.h"
#include "engine/password_hash.h"

namespace mqb::engine {
namespace {

constexpr size_t kMaxNameLength = 128;
constexpr uint32_t kMaxIterations = 10'000'000;
constexpr size_t kMaxCachedBasic = 1024;
constexpr std::string_view kBootstrapPrefix = "from_bootstrap_file_";
constexpr char kNameRule[] = "1..128 letters, digits, '_', '-', '.', '@'";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool RandomBytes(std::span<uint8_t> out) {
  WC_RNG rng;
  if (wc_InitRng(&rng) != 0) return false;
  const bool ok = wc_RNG_GenerateBlock(&rng, out.data(), static_cast<word32>(out.size())) == 0;
  wc_FreeRng(&rng);
  return ok;
}

// Lower-case hex of the SHA-256 of `data`.
std::string Sha256Hex(std::string_view data) {
  std::array<uint8_t, WC_SHA256_DIGEST_SIZE> digest{};
  wc_Sha256Hash(Bytes(data).data(), static_cast<word32>(data.size()), digest.data());
  return Hex(digest);
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '@';
  });
}

Result<void, std::string> CheckNewPassword(const std::string& password) {
  if (password.size() < AuthStore::kMinPasswordLength) {
    return Err("password must be at least " + std::to_string(AuthStore::kMinPasswordLength) +
               " characters");
  }
  return {};
}

// Percent-encodes '%', ':' and control bytes so that a description fits in one field.
std::string EncodeField(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto b = static_cast<uint8_t>(c);
    if (c == '%' || c == ':' || b < 0x20 || b == 0x7f) {
      out.push_back('%');
      out += Hex(std::span<const uint8_t>(&b, 1));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> DecodeField(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    std::vector<uint8_t> byte;
    if (i + 2 >= text.size() || !Unhex(text.substr(i + 1, 2), byte)) return std::nullopt;
    out.push_back(static_cast<char>(byte[0]));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = line.find(sep, start);
    fields.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

template <typename Int>
std::optional<Int> ParseDecimal(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

using LineHandler = std::function<Result<void, std::string>(std::string_view line)>;

// Calls `handle` for every line of `path` that is neither blank nor a '#' comment, trimmed of
// surrounding whitespace; its errors get a "path:line: " prefix. A missing file is empty unless
// `required`.
Result<void, std::string> ForEachLine(const std::string& path, bool required,
                                      const LineHandler& handle) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT && !required) return {};
    return Err("cannot read " + path + ": " + std::strerror(errno));
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    auto handled = handle(text);
    if (!handled.ok()) return Err(path + ":" + std::to_string(number) + ": " + handled.error());
  }
  if (in.bad()) return Err("cannot read " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

const char* RoleName(Role role) {
  return role == Role::kAdministrator ? "administrator" : "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "administrator") return Role::kAdministrator;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

// ---- hashing ----

Result<AuthStore::PasswordHash, std::string> AuthStore::Hash(std::string_view password) const {
  return HashPassword(password, options_.pbkdf2_iterations);
}

bool AuthStore::Verify(const std::optional<PasswordHash>& hash, std::string_view password) const {
  const bool match = VerifyPassword(
      hash ? *hash : UnmatchablePasswordHash(options_.pbkdf2_iterations), Bytes(password));
  return match && hash.has_value();
}

// ---- loading and saving ----

AuthStore::AuthStore(AuthOptions options) : options_(std::move(options)) {}
AuthStore::~AuthStore() = default;

Result<std::unique_ptr<AuthStore>, std::string> AuthStore::Open(AuthOptions options) {
  if (options.pbkdf2_iterations < kMinPbkdf2Iterations ||
      options.pbkdf2_iterations > kMaxIterations) {
    return Err("pbkdf2_iterations must be between " + std::to_string(kMinPbkdf2Iterations) +
               " and " + std::to_string(kMaxIterations));
  }
  if (options.max_failed_logins < 1) {
    return Err(std::string("max_failed_logins must be at least 1"));
  }
  std::unique_ptr<AuthStore> store(new AuthStore(std::move(options)));
  if (!store->options_.data_dir.empty()) {
    store->users_stamp_ = FileStamp::Of(store->options_.data_dir + "/users");
    store->keys_stamp_ = FileStamp::Of(store->options_.data_dir + "/api_keys");
  }
  MQB_RETURN_IF_ERROR(store->LoadUsers(&store->users_));
  MQB_RETURN_IF_ERROR(store->LoadKeys(&store->keys_));
  MQB_RETURN_IF_ERROR(store->LoadBootstrap());
  return store;
}

AuthStore::FileStamp AuthStore::FileStamp::Of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{true, st.st_dev, st.st_ino, st.st_size,
                   int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

bool AuthStore::FileStamp::Recent() const {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return exists && now_ns - mtime_ns < 1'000'000'000;
}

void AuthStore::Refresh() {
  if (options_.data_dir.empty()) return;
  // Whether `path` must be read again, remembering its stamp; `*changed` for a version not seen
  // before, so a file that does not parse is reported once, not at every request.
  bool changed = false;
  auto due = [&changed](const std::string& path, FileStamp* seen) {
    const FileStamp current = FileStamp::Of(path);
    changed = !(current == *seen);
    *seen = current;
    return changed || current.Recent();
  };
  if (due(options_.data_dir + "/users", &users_stamp_)) {
    UserMap next;
    if (auto r = LoadUsers(&next); !r.ok()) {
      if (changed) spdlog::warn("api: {}; the users as they were are kept", r.error());
    } else {
      for (const auto& [name, old] : users_) {
        const auto it = next.find(name);
        if (it == next.end() || it->second.password != old.password ||
            it->second.info.role != old.info.role) {
          DropTokens(name);
        }
      }
      users_ = std::move(next);
    }
  }
  if (due(options_.data_dir + "/api_keys", &keys_stamp_)) {
    KeyMap next;
    auto r = LoadKeys(&next);
    for (const auto& [name, k] : keys_) {
      if (k.bootstrap && r.ok() && !next.emplace(name, k).second) {
        r = Err("api key " + name + " in the api_keys file clashes with the bootstrap file");
      }
    }
    if (!r.ok()) {
      if (changed) spdlog::warn("api: {}; the API keys as they were are kept", r.error());
    } else {
      // The Basic cache stays: an entry is used only while its key's current record has the
      // secret it verified, and Admit reads that record's enable, expiry and role.
      keys_ = std::move(next);
    }
  }
}

Result<void, std::string> AuthStore::LoadUsers(UserMap* out) const {
  if (options_.data_dir.empty()) return {};
  auto parse = [out](std::string_view line) -> Result<void, std::string> {
    const auto f = Split(line, ':');
    if (f.size() != 4) return Err(std::string("expected username:role:hash:description"));
    if (!ValidName(f[0])) return Err(std::string("invalid user name"));
    UserRecord rec;
    rec.info.username = std::string(f[0]);
    const auto role = ParseRole(f[1]);
    if (!role) return Err(std::string("unknown role"));
    rec.info.role = *role;
    if (!IsPasswordHash(f[2])) return Err(std::string("malformed password hash"));
    rec.password = std::string(f[2]);
    auto description = DecodeField(f[3]);
    if (!description) return Err(std::string("malformed description"));
    rec.info.description = std::move(*description);
    const std::string name = rec.info.username;
    if (!out->emplace(name, std::move(rec)).second) {
      return Err("user " + name + " is listed twice");
    }
    return {};
  };
  return ForEachLine(options_.data_dir + "/users", false, parse);
}

Result<void, std::string> AuthStore::LoadKeys(KeyMap* out) const {
  if (options_.data_dir.empty()) return {};
  auto parse = [out](std::string_view line) -> Result<void, std::string> {
    const auto f = Split(line, ':');
    if (f.size() != 8) {
      return Err(std::string(
          "expected name:api_key:role:enable:expired_at_ms:created_at_ms:hash:description"));
    }
    KeyRecord rec;
    if (!ValidName(f[0])) return Err(std::string("invalid api key name"));
    rec.info.name = std::string(f[0]);
    if (!ValidName(f[1])) return Err(std::string("invalid api_key"));
    rec.info.api_key = std::string(f[1]);
    const auto role = ParseRole(f[2]);
    if (!role) return Err(std::string("unknown role"));
    rec.info.role = *role;
    if (f[3] != "0" && f[3] != "1") return Err(std::string("enable must be 0 or 1"));
    rec.info.enable = f[3] == "1";
    const auto expired_at = ParseDecimal<int64_t>(f[4]);
    const auto created_at = ParseDecimal<int64_t>(f[5]);
    if (!expired_at || *expired_at < 0 || !created_at) {
      return Err(std::string("malformed expired_at_ms or created_at_ms"));
    }
    rec.info.expired_at_ms = *expired_at;
    rec.info.created_at_ms = *created_at;
    if (!IsPasswordHash(f[6])) return Err(std::string("malformed secret hash"));
    rec.secret = std::string(f[6]);
    auto description = DecodeField(f[7]);
    if (!description) return Err(std::string("malformed description"));
    rec.info.description = std::move(*description);
    const bool twice = std::any_of(out->begin(), out->end(), [&](const auto& k) {
      return k.first == rec.info.name || k.second.info.api_key == rec.info.api_key;
    });
    if (twice) return Err("api key " + rec.info.name + " is listed twice");
    out->emplace(rec.info.name, std::move(rec));
    return {};
  };
  return ForEachLine(options_.data_dir + "/api_keys", false, parse);
}

Result<void, std::string> AuthStore::LoadBootstrap() {
  if (options_.bootstrap_file.empty()) return {};
  auto parse = [this](std::string_view line) -> Result<void, std::string> {
    // Nothing of the line is quoted in errors: a malformed line may hold a secret anywhere.
    const auto f = Split(line, ':');
    if (f.size() != 2 && f.size() != 3) {
      return Err(std::string("expected api_key:api_secret[:role]"));
    }
    if (!ValidName(f[0])) return Err(std::string("invalid api_key (") + kNameRule + ")");
    if (f[1].empty()) return Err(std::string("empty api_secret"));
    const auto role = f.size() == 3 ? ParseRole(f[2]) : std::optional(Role::kAdministrator);
    if (!role) return Err(std::string("role must be administrator or viewer"));
    KeyRecord rec;
    rec.bootstrap = true;
    rec.info.name = std::string(kBootstrapPrefix) + Sha256Hex(f[0]).substr(0, 16);
    rec.info.api_key = std::string(f[0]);
    rec.info.role = *role;
    rec.info.description = "bootstrap";
    rec.info.created_at_ms = NowMs();
    if (keys_.count(rec.info.name) != 0 || FindByApiKey(rec.info.api_key) != nullptr) {
      return Err("api_key " + rec.info.api_key + " is declared twice or already exists");
    }
    auto hash = Hash(f[1]);
    if (!hash.ok()) return Err(hash.error());
    rec.secret = std::move(hash.value());
    keys_.emplace(rec.info.name, std::move(rec));
    return {};
  };
  return ForEachLine(options_.bootstrap_file, true, parse);
}

void AuthStore::SetPublisher(Publisher publish) {
  std::lock_guard lock(mu_);
  publish_ = std::move(publish);
}

Result<void, std::string> AuthStore::ReplaceFile(const std::string& file, const std::string& text) {
  if (file != "users" && file != "api_keys") return Err("unknown file " + file);
  if (options_.data_dir.empty()) return Err("no data_dir to keep " + file + " in");
  std::lock_guard lock(mu_);
  MQB_RETURN_IF_ERROR(WriteFileAtomically(options_.data_dir + "/" + file, text, 0600));
  Refresh();
  return {};
}

std::string AuthStore::FileText(const std::string& file) const {
  if (options_.data_dir.empty()) return {};
  std::ifstream in(options_.data_dir + "/" + file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<void, std::string> AuthStore::CommitUsers(const std::function<void(UserMap&)>& edit) {
  UserMap next = users_;
  edit(next);
  if (!options_.data_dir.empty()) {
    std::string text = "# mqbridge API users: username:role:password hash:description\n";
    for (const auto& [name, u] : next) {
      text += name + ":" + RoleName(u.info.role) + ":" + u.password + ":" +
              EncodeField(u.info.description) + "\n";
    }
    if (publish_) MQB_RETURN_IF_ERROR(publish_("users", text));
    MQB_RETURN_IF_ERROR(WriteFileAtomically(options_.data_dir + "/users", text, 0600));
    users_stamp_ = FileStamp::Of(options_.data_dir + "/users");
  }
  users_ = std::move(next);
  return {};
}

Result<void, std::string> AuthStore::CommitKeys(const std::function<void(KeyMap&)>& edit) {
  KeyMap next = keys_;
  edit(next);
  if (!options_.data_dir.empty()) {
    std::string text =
        "# mqbridge API keys: "
        "name:api_key:role:enable:expired_at_ms:created_at_ms:secret hash:description\n";
    for (const auto& [name, k] : next) {
      if (k.bootstrap) continue;
      text += name + ":" + k.info.api_key + ":" + RoleName(k.info.role) + ":" +
              (k.info.enable ? "1" : "0") + ":" + std::to_string(k.info.expired_at_ms) + ":" +
              std::to_string(k.info.created_at_ms) + ":" + k.secret + ":" +
              EncodeField(k.info.description) + "\n";
    }
    if (publish_) MQB_RETURN_IF_ERROR(publish_("api_keys", text));
    MQB_RETURN_IF_ERROR(WriteFileAtomically(options_.data_dir + "/api_keys", text, 0600));
    keys_stamp_ = FileStamp::Of(options_.data_dir + "/api_keys");
  }
  keys_ = std::move(next);
  return {};
}

// ---- users ----

size_t AuthStore::Administrators() const {
  return static_cast<size_t>(std::count_if(users_.begin(), users_.end(), [](const auto& u) {
    return u.second.info.role == Role::kAdministrator;
  }));
}

Result<void, std::string> AuthStore::AddUser(const std::string& username,
                                             const std::string& password, Role role,
                                             const std::string& description) {
  if (!ValidName(username)) return Err(std::string("invalid user name: use ") + kNameRule);
  MQB_RETURN_IF_ERROR(CheckNewPassword(password));
  auto hash = Hash(password);
  if (!hash.ok()) return Err(hash.error());
  std::lock_guard lock(mu_);
  Refresh();
  if (users_.count(username) != 0) return Err("user " + username + " already exists");
  return CommitUsers([&](UserMap& users) {
    users[username] = UserRecord{UserInfo{username, description, role}, std::move(hash.value())};
  });
}

Result<void, std::string> AuthStore::ChangePassword(const std::string& username,
                                                    const std::string& new_password) {
  MQB_RETURN_IF_ERROR(CheckNewPassword(new_password));
  auto hash = Hash(new_password);
  if (!hash.ok()) return Err(hash.error());
  std::lock_guard lock(mu_);
  Refresh();
  if (users_.count(username) == 0) return Err("user " + username + " not found");
  MQB_RETURN_IF_ERROR(
      CommitUsers([&](UserMap& users) { users[username].password = std::move(hash.value()); }));
  DropTokens(username);
  return {};
}

Result<void, std::string> AuthStore::UpdateUser(const std::string& username,
                                                std::optional<Role> role,
                                                std::optional<std::string> description) {
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = users_.find(username);
  if (it == users_.end()) return Err("user " + username + " not found");
  const bool role_changes = role && *role != it->second.info.role;
  if (role_changes && *role == Role::kViewer && Administrators() == 1) {
    return Err(std::string("cannot demote the last administrator"));
  }
  MQB_RETURN_IF_ERROR(CommitUsers([&](UserMap& users) {
    UserInfo& info = users[username].info;
    if (role) info.role = *role;
    if (description) info.description = std::move(*description);
  }));
  if (role_changes) DropTokens(username);
  return {};
}

Result<void, std::string> AuthStore::DeleteUser(const std::string& username) {
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = users_.find(username);
  if (it == users_.end()) return Err("user " + username + " not found");
  if (it->second.info.role == Role::kAdministrator && Administrators() == 1) {
    return Err(std::string("cannot delete the last administrator"));
  }
  MQB_RETURN_IF_ERROR(CommitUsers([&](UserMap& users) { users.erase(username); }));
  DropTokens(username);
  return {};
}

std::vector<UserInfo> AuthStore::Users() {
  std::lock_guard lock(mu_);
  Refresh();
  std::vector<UserInfo> out;
  for (const auto& [name, u] : users_) out.push_back(u.info);
  return out;
}

bool AuthStore::HasUsers() {
  std::lock_guard lock(mu_);
  Refresh();
  return !users_.empty();
}

bool AuthStore::CheckPassword(const std::string& username, const std::string& password) {
  std::optional<PasswordHash> expected;
  {
    std::lock_guard lock(mu_);
    Refresh();
    const auto it = users_.find(username);
    if (it != users_.end()) expected = it->second.password;
  }
  return Verify(expected, password);
}

// ---- sessions and lockout ----

bool AuthStore::Locked(const std::string& peer, Clock::time_point now) const {
  const auto it = failures_.find(peer);
  return it != failures_.end() && it->second.failures >= options_.max_failed_logins &&
         now - it->second.last < options_.login_lockout;
}

void AuthStore::RecordFailure(const std::string& peer, Clock::time_point now) {
  auto it = failures_.find(peer);
  if (it == failures_.end()) {
    if (failures_.size() >= kMaxTrackedPeers) {
      std::erase_if(failures_,
                    [&](const auto& f) { return now - f.second.last >= options_.login_lockout; });
    }
    if (failures_.size() >= kMaxTrackedPeers) {
      failures_.erase(std::min_element(
          failures_.begin(), failures_.end(),
          [](const auto& a, const auto& b) { return a.second.last < b.second.last; }));
    }
    it = failures_.emplace(peer, FailureCount{0, now}).first;
  }
  if (now - it->second.last >= options_.login_lockout) it->second.failures = 0;
  ++it->second.failures;
  it->second.last = now;
}

void AuthStore::DropTokens(const std::string& username) {
  std::erase_if(sessions_, [&](const auto& s) { return s.second.username == username; });
}

Result<LoginResult, AuthFailure> AuthStore::Login(const std::string& username,
                                                  const std::string& password,
                                                  const std::string& peer_address) {
  const auto now = Clock::now();
  std::optional<PasswordHash> expected;
  {
    std::lock_guard lock(mu_);
    Refresh();
    if (Locked(peer_address, now)) return Err(AuthFailure::kLocked);
    const auto it = users_.find(username);
    if (it != users_.end()) expected = it->second.password;
  }
  const bool verified = Verify(expected, password);
  std::array<uint8_t, 32> raw{};
  const bool random = RandomBytes(raw);

  std::lock_guard lock(mu_);
  const auto it = users_.find(username);
  // The record must still be the one verified: the password may have changed meanwhile.
  if (!verified || it == users_.end() || !(it->second.password == *expected)) {
    RecordFailure(peer_address, now);
    return Err(AuthFailure::kBadCredentials);
  }
  if (!random) return Err(AuthFailure::kBadCredentials);  // no token can be issued
  std::erase_if(sessions_, [&](const auto& s) { return s.second.expires <= now; });
  LoginResult result{Hex(raw), it->second.info.role, NowMs() + options_.token_expiry.count()};
  sessions_[Sha256Hex(result.token)] = Session{username, result.role, now + options_.token_expiry};
  return result;
}

void AuthStore::Logout(const std::string& username) {
  std::lock_guard lock(mu_);
  Refresh();
  DropTokens(username);
}

// ---- API keys ----

const AuthStore::KeyRecord* AuthStore::FindByApiKey(std::string_view api_key) const {
  for (const auto& [name, k] : keys_) {
    if (k.info.api_key == api_key) return &k;
  }
  return nullptr;
}

void AuthStore::DropCachedBasic(const std::string& key_name) {
  std::erase_if(basic_cache_, [&](const auto& c) { return c.second.key_name == key_name; });
}

Result<AuthStore::CreatedKey, std::string> AuthStore::CreateApiKey(const std::string& name,
                                                                   Role role,
                                                                   const std::string& description,
                                                                   bool enable,
                                                                   int64_t expired_at_ms) {
  if (!ValidName(name)) return Err(std::string("invalid api key name: use ") + kNameRule);
  if (expired_at_ms < 0) return Err(std::string("expired_at must not be negative"));
  std::array<uint8_t, 8> key_raw{};
  std::array<uint8_t, 32> secret_raw{};
  if (!RandomBytes(key_raw) || !RandomBytes(secret_raw)) {
    return Err(std::string("cannot generate random bytes"));
  }
  CreatedKey created{
      ApiKeyInfo{name, Hex(key_raw), description, role, enable, expired_at_ms, NowMs()},
      Hex(secret_raw)};
  auto hash = Hash(created.api_secret);
  if (!hash.ok()) return Err(hash.error());
  std::lock_guard lock(mu_);
  Refresh();
  if (keys_.count(name) != 0) return Err("api key " + name + " already exists");
  if (FindByApiKey(created.info.api_key) != nullptr) {
    return Err(std::string("generated api_key is already in use; try again"));
  }
  MQB_RETURN_IF_ERROR(CommitKeys([&](KeyMap& keys) {
    keys[name] = KeyRecord{created.info, std::move(hash.value()), false};
  }));
  return created;
}

Result<ApiKeyInfo, std::string> AuthStore::UpdateApiKey(const std::string& name,
                                                        std::optional<bool> enable,
                                                        std::optional<std::string> description,
                                                        std::optional<int64_t> expired_at_ms,
                                                        std::optional<Role> role) {
  if (expired_at_ms && *expired_at_ms < 0) {
    return Err(std::string("expired_at must not be negative"));
  }
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = keys_.find(name);
  if (it == keys_.end()) return Err("API key " + name + " not found");
  if (it->second.bootstrap) {
    return Err("api key " + name + " comes from the bootstrap file; change it there");
  }
  MQB_RETURN_IF_ERROR(CommitKeys([&](KeyMap& keys) {
    ApiKeyInfo& info = keys[name].info;
    if (enable) info.enable = *enable;
    if (description) info.description = std::move(*description);
    if (expired_at_ms) info.expired_at_ms = *expired_at_ms;
    if (role) info.role = *role;
  }));
  DropCachedBasic(name);
  return keys_.at(name).info;
}

Result<void, std::string> AuthStore::DeleteApiKey(const std::string& name) {
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = keys_.find(name);
  if (it == keys_.end()) return Err("API key " + name + " not found");
  if (it->second.bootstrap) {
    return Err("api key " + name + " comes from the bootstrap file; remove it there");
  }
  MQB_RETURN_IF_ERROR(CommitKeys([&](KeyMap& keys) { keys.erase(name); }));
  DropCachedBasic(name);
  return {};
}

std::vector<ApiKeyInfo> AuthStore::ApiKeys() {
  std::lock_guard lock(mu_);
  Refresh();
  std::vector<ApiKeyInfo> out;
  for (const auto& [name, k] : keys_) out.push_back(k.info);
  return out;
}

std::optional<ApiKeyInfo> AuthStore::ApiKey(const std::string& name) {
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = keys_.find(name);
  if (it == keys_.end()) return std::nullopt;
  return it->second.info;
}

// ---- request authentication ----

Result<Principal, AuthFailure> AuthStore::Authenticate(std::string_view authorization,
                                                       const std::string& peer_address) {
  const std::string_view header = Trim(authorization);
  const size_t space = header.find(' ');
  if (space == std::string_view::npos) return Err(AuthFailure::kBadCredentials);
  const std::string_view scheme = header.substr(0, space);
  const std::string_view credentials = Trim(header.substr(space + 1));
  if (EqualsIgnoreCase(scheme, "Bearer")) return AuthenticateBearer(credentials);
  if (EqualsIgnoreCase(scheme, "Basic")) {
    return AuthenticateBasic(credentials, header, peer_address);
  }
  return Err(AuthFailure::kBadCredentials);
}

Result<Principal, AuthFailure> AuthStore::AuthenticateBearer(std::string_view token) {
  const auto now = Clock::now();
  const std::string digest = Sha256Hex(token);
  std::lock_guard lock(mu_);
  Refresh();
  const auto it = sessions_.find(digest);
  if (it == sessions_.end()) return Err(AuthFailure::kBadCredentials);
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return Err(AuthFailure::kExpired);
  }
  return Principal{it->second.username, it->second.role, false};
}

Result<Principal, AuthFailure> AuthStore::Admit(const KeyRecord& key,
                                                const std::string& peer_address,
                                                Clock::time_point now) {
  if (!key.info.enable) {
    RecordFailure(peer_address, now);
    return Err(AuthFailure::kBadCredentials);
  }
  if (key.info.expired_at_ms != 0 && NowMs() >= key.info.expired_at_ms) {
    RecordFailure(peer_address, now);
    return Err(AuthFailure::kExpired);
  }
  return Principal{key.info.name, key.info.role, true};
}

Result<Principal, AuthFailure> AuthStore::AuthenticateBasic(std::string_view credentials,
                                                            std::string_view header,
                                                            const std::string& peer_address) {
  const auto now = Clock::now();
  const std::string digest = Sha256Hex(header);
  {
    std::lock_guard lock(mu_);
    Refresh();
    if (Locked(peer_address, now)) return Err(AuthFailure::kLocked);
    const auto cached = basic_cache_.find(digest);
    if (cached != basic_cache_.end()) {
      const auto key = keys_.find(cached->second.key_name);
      if (cached->second.until > now && key != keys_.end() &&
          key->second.secret == cached->second.secret) {
        return Admit(key->second, peer_address, now);
      }
      basic_cache_.erase(cached);
    }
  }

  std::string decoded(credentials.size(), '\0');
  word32 decoded_size = static_cast<word32>(decoded.size());
  const bool well_formed =
      !credentials.empty() &&
      Base64_Decode(Bytes(credentials).data(), static_cast<word32>(credentials.size()),
                    reinterpret_cast<uint8_t*>(decoded.data()), &decoded_size) == 0;
  decoded.resize(well_formed ? decoded_size : 0);
  const size_t colon = decoded.find(':');
  const std::string_view api_key = std::string_view(decoded).substr(0, colon);
  const std::string_view secret =
      colon == std::string::npos ? std::string_view() : std::string_view(decoded).substr(colon + 1);

  std::optional<PasswordHash> expected;
  std::string name;
  if (colon != std::string::npos) {
    std::lock_guard lock(mu_);
    if (const KeyRecord* key = FindByApiKey(api_key)) {
      expected = key->secret;
      name = key->info.name;
    }
  }
  const bool verified = Verify(expected, secret);

  std::lock_guard lock(mu_);
  const auto key = keys_.find(name);
  // The record must still be the one verified: the key may have been deleted or re-created.
  if (!verified || key == keys_.end() || !(key->second.secret == *expected)) {
    RecordFailure(peer_address, now);
    return Err(AuthFailure::kBadCredentials);
  }
  auto admitted = Admit(key->second, peer_address, now);
  if (admitted.ok()) {
    if (basic_cache_.size() >= kMaxCachedBasic) {
      std::erase_if(basic_cache_, [&](const auto& c) { return c.second.until <= now; });
    }
    if (basic_cache_.size() >= kMaxCachedBasic) basic_cache_.clear();
    basic_cache_[digest] = CachedBasic{name, *expected, now + kBasicCacheTtl};
  }
  return admitted;
}

}  // namespace mqb::engine
