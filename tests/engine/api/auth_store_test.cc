// AuthStore: users, login tokens, API keys with HTTP Basic, the per-address lockout, the files in
// data_dir and the bootstrap file, and `mqbridge admins` as a user runs it.
#include "engine/api/auth_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/support/process.h"

namespace mqb::engine {
namespace {

using namespace std::chrono_literals;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPeer[] = "10.0.0.1";
constexpr char kOtherPeer[] = "10.0.0.2";

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string Basic(const std::string& key, const std::string& secret) {
  return "Basic " + Base64(key + ":" + secret);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class AuthStoreTest : public ::testing::Test {
 protected:
  AuthOptions Options() const {
    AuthOptions o;
    o.data_dir = dir_.File("data");
    o.pbkdf2_iterations = AuthStore::kMinPbkdf2Iterations;  // fast tests
    return o;
  }
  std::unique_ptr<AuthStore> Open(AuthOptions o) {
    auto store = AuthStore::Open(std::move(o));
    EXPECT_TRUE(store.ok()) << store.error();
    return store.ok() ? std::move(store.value()) : nullptr;
  }
  std::unique_ptr<AuthStore> Open() { return Open(Options()); }
  void AddAdmin(AuthStore& s, const std::string& name = "alice") {
    auto r = s.AddUser(name, "correct horse", Role::kAdministrator, "");
    ASSERT_TRUE(r.ok()) << r.error();
  }

  TempDir dir_;
};

TEST_F(AuthStoreTest, LoginGivesATokenThatAuthenticates) {
  auto s = Open();
  EXPECT_FALSE(s->HasUsers());
  AddAdmin(*s);
  EXPECT_TRUE(s->HasUsers());
  auto login = s->Login("alice", "correct horse", kPeer);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->token.size(), 64u);
  EXPECT_EQ(login->role, Role::kAdministrator);
  EXPECT_GT(login->expires_at_ms, NowMs());

  auto p = s->Authenticate("Bearer " + login->token, kPeer);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "alice");
  EXPECT_EQ(p->role, Role::kAdministrator);
  EXPECT_FALSE(p->api_key);
  EXPECT_TRUE(s->Authenticate("bearer " + login->token, kPeer).ok());

  s->Logout("alice");
  auto after = s->Authenticate("Bearer " + login->token, kPeer);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error(), AuthFailure::kBadCredentials);
}

TEST_F(AuthStoreTest, TokenExpires) {
  auto o = Options();
  // Long enough that the first use is inside it on a loaded machine (PBKDF2 under ASan).
  o.token_expiry = 500ms;
  auto s = Open(o);
  AddAdmin(*s);
  auto login = s->Login("alice", "correct horse", kPeer);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(s->Authenticate("Bearer " + login->token, kPeer).ok());
  std::this_thread::sleep_for(800ms);
  auto p = s->Authenticate("Bearer " + login->token, kPeer);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), AuthFailure::kExpired);
}

TEST_F(AuthStoreTest, WrongPasswordAndUnknownUserFail) {
  auto s = Open();
  AddAdmin(*s);
  auto wrong = s->Login("alice", "wrong horse", kPeer);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), AuthFailure::kBadCredentials);
  auto unknown = s->Login("mallory", "correct horse", kPeer);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error(), AuthFailure::kBadCredentials);
  EXPECT_TRUE(s->CheckPassword("alice", "correct horse"));
  EXPECT_FALSE(s->CheckPassword("alice", "wrong horse"));
  EXPECT_FALSE(s->CheckPassword("mallory", "correct horse"));
  // A user name is not accepted as Basic credentials: only API keys are.
  EXPECT_FALSE(s->Authenticate(Basic("alice", "correct horse"), kPeer).ok());
  EXPECT_FALSE(s->Authenticate("Bearer 00", kPeer).ok());
  EXPECT_FALSE(s->Authenticate("Digest abc", kPeer).ok());
  EXPECT_FALSE(s->Authenticate("", kPeer).ok());
}

TEST_F(AuthStoreTest, LockoutIsPerAddress) {
  auto o = Options();
  o.max_failed_logins = 3;
  auto s = Open(o);
  AddAdmin(*s);
  for (int i = 0; i < 3; ++i) {
    auto r = s->Login("alice", "wrong horse", kPeer);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), AuthFailure::kBadCredentials) << i;
  }
  auto locked = s->Login("alice", "correct horse", kPeer);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error(), AuthFailure::kLocked);
  auto key = s->CreateApiKey("ci", Role::kAdministrator, "", true, 0);
  ASSERT_TRUE(key.ok()) << key.error();
  auto basic = s->Authenticate(Basic(key->info.api_key, key->api_secret), kPeer);
  ASSERT_FALSE(basic.ok());
  EXPECT_EQ(basic.error(), AuthFailure::kLocked);

  EXPECT_TRUE(s->Login("alice", "correct horse", kOtherPeer).ok());
  EXPECT_TRUE(s->Authenticate(Basic(key->info.api_key, key->api_secret), kOtherPeer).ok());
}

TEST_F(AuthStoreTest, BasicFailuresCountAndTheLockoutEnds) {
  auto o = Options();
  o.max_failed_logins = 2;
  o.login_lockout = 150ms;
  auto s = Open(o);
  AddAdmin(*s);
  auto key = s->CreateApiKey("ci", Role::kAdministrator, "", true, 0);
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_FALSE(s->Authenticate(Basic(key->info.api_key, "not the secret"), kPeer).ok());
  EXPECT_FALSE(s->Authenticate("Basic !!!not base64", kPeer).ok());
  auto locked = s->Login("alice", "correct horse", kPeer);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error(), AuthFailure::kLocked);
  std::this_thread::sleep_for(250ms);
  EXPECT_TRUE(s->Login("alice", "correct horse", kPeer).ok());
}

TEST_F(AuthStoreTest, ApiKeyAuthenticatesWithItsRole) {
  auto s = Open();
  auto key = s->CreateApiKey("grafana", Role::kViewer, "dashboards", true, 0);
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ(key->info.name, "grafana");
  EXPECT_EQ(key->info.api_key.size(), 16u);
  EXPECT_EQ(key->api_secret.size(), 64u);
  EXPECT_GT(key->info.created_at_ms, 0);
  const std::string header = Basic(key->info.api_key, key->api_secret);
  for (int i = 0; i < 2; ++i) {  // the second time from the cache
    auto p = s->Authenticate(header, kPeer);
    ASSERT_TRUE(p.ok()) << i;
    EXPECT_EQ(p->name, "grafana");
    EXPECT_EQ(p->role, Role::kViewer);
    EXPECT_TRUE(p->api_key);
  }
  auto wrong = s->Authenticate(Basic(key->info.api_key, key->api_secret + "x"), kPeer);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), AuthFailure::kBadCredentials);

  auto promoted =
      s->UpdateApiKey("grafana", std::nullopt, std::nullopt, std::nullopt, Role::kAdministrator);
  ASSERT_TRUE(promoted.ok()) << promoted.error();
  EXPECT_EQ(promoted->role, Role::kAdministrator);
  EXPECT_EQ(promoted->description, "dashboards");
  EXPECT_EQ(s->Authenticate(header, kPeer)->role, Role::kAdministrator);

  ASSERT_TRUE(s->UpdateApiKey("grafana", false, std::nullopt, std::nullopt, std::nullopt).ok());
  EXPECT_FALSE(s->ApiKey("grafana")->enable);
  auto disabled = s->Authenticate(header, kOtherPeer);
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error(), AuthFailure::kBadCredentials);
  ASSERT_TRUE(s->UpdateApiKey("grafana", true, std::nullopt, std::nullopt, std::nullopt).ok());
  EXPECT_TRUE(s->Authenticate(header, kOtherPeer).ok());

  ASSERT_TRUE(
      s->UpdateApiKey("grafana", std::nullopt, std::nullopt, NowMs() - 1000, std::nullopt).ok());
  auto expired = s->Authenticate(header, kOtherPeer);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error(), AuthFailure::kExpired);

  ASSERT_TRUE(s->DeleteApiKey("grafana").ok());
  EXPECT_FALSE(s->ApiKey("grafana").has_value());
  EXPECT_FALSE(s->Authenticate(header, "10.0.0.3").ok());
  EXPECT_FALSE(s->DeleteApiKey("grafana").ok());
}

TEST_F(AuthStoreTest, ApiKeyCreatedExpiredFails) {
  auto s = Open();
  auto key = s->CreateApiKey("old", Role::kAdministrator, "", true, NowMs() - 1);
  ASSERT_TRUE(key.ok()) << key.error();
  auto p = s->Authenticate(Basic(key->info.api_key, key->api_secret), kPeer);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), AuthFailure::kExpired);
  auto future = s->CreateApiKey("new", Role::kAdministrator, "", true, NowMs() + 3'600'000);
  ASSERT_TRUE(future.ok());
  EXPECT_TRUE(s->Authenticate(Basic(future->info.api_key, future->api_secret), kPeer).ok());
  EXPECT_FALSE(s->CreateApiKey("new", Role::kViewer, "", true, 0).ok());
  EXPECT_FALSE(s->CreateApiKey("bad:name", Role::kViewer, "", true, 0).ok());
  EXPECT_FALSE(s->CreateApiKey("neg", Role::kViewer, "", true, -5).ok());
}

TEST_F(AuthStoreTest, UsersAndKeysPersistAsHashesOnly) {
  std::string api_key, secret;
  {
    auto s = Open();
    AddAdmin(*s);
    ASSERT_TRUE(s->AddUser("bob", "bobs password", Role::kViewer, "on call: 50%\nnights").ok());
    auto key = s->CreateApiKey("ci", Role::kViewer, "pipeline", false, 0);
    ASSERT_TRUE(key.ok()) << key.error();
    api_key = key->info.api_key;
    secret = key->api_secret;
  }
  const std::string data = dir_.File("data");
  EXPECT_EQ(Mode(data), 0700u);
  EXPECT_EQ(Mode(data + "/users"), 0600u);
  EXPECT_EQ(Mode(data + "/api_keys"), 0600u);
  const std::string files = ReadFile(data + "/users") + ReadFile(data + "/api_keys");
  EXPECT_EQ(files.find("correct horse"), std::string::npos);
  EXPECT_EQ(files.find("bobs password"), std::string::npos);
  EXPECT_EQ(files.find(secret), std::string::npos);
  EXPECT_NE(files.find("$pbkdf2-sha256$10000$"), std::string::npos);

  auto s = Open();
  const auto users = s->Users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "alice");
  EXPECT_EQ(users[1].username, "bob");
  EXPECT_EQ(users[1].role, Role::kViewer);
  EXPECT_EQ(users[1].description, "on call: 50%\nnights");
  EXPECT_TRUE(s->Login("bob", "bobs password", kPeer).ok());
  const auto keys = s->ApiKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].name, "ci");
  EXPECT_EQ(keys[0].api_key, api_key);
  EXPECT_EQ(keys[0].description, "pipeline");
  EXPECT_FALSE(keys[0].enable);
  ASSERT_TRUE(s->UpdateApiKey("ci", true, std::nullopt, std::nullopt, std::nullopt).ok());
  auto p = s->Authenticate(Basic(api_key, secret), kPeer);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kViewer);
}

TEST_F(AuthStoreTest, CorruptFileNamesFileAndLine) {
  {
    auto s = Open();
    AddAdmin(*s);
  }
  const std::string users = dir_.File("data/users");
  WriteFile(users, ReadFile(users) + "carol:superuser:$pbkdf2-sha256$1$00$00:\n");
  auto r = AuthStore::Open(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(users + ":3: "), std::string::npos) << r.error();

  WriteFile(users, "# header\nalice:administrator:not-a-hash:\n");
  r = AuthStore::Open(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(users + ":2: "), std::string::npos) << r.error();
}

// Two stores on one data_dir, as a running mqbridge and `mqbridge admins`: each sees the other's
// changes at its next call, and a change ends the sessions it invalidates.
TEST_F(AuthStoreTest, ChangesByAnotherProcessAreSeenAtTheNextCall) {
  auto running = Open();
  AddAdmin(*running);
  auto token = running->Login("alice", "correct horse", kPeer);
  ASSERT_TRUE(token.ok());
  auto key = running->CreateApiKey("ci", Role::kViewer, "", true, 0);
  ASSERT_TRUE(key.ok());
  const std::string key_header = Basic(key.value().info.api_key, key.value().api_secret);
  ASSERT_TRUE(running->Authenticate(key_header, kPeer).ok());

  auto shell = Open();  // reads the files as they are now
  ASSERT_TRUE(shell->AddUser("bob", "bob's password", Role::kViewer, "").ok());
  EXPECT_TRUE(running->Login("bob", "bob's password", kPeer).ok());
  ASSERT_TRUE(shell->ChangePassword("alice", "a new password").ok());
  EXPECT_FALSE(running->Authenticate("Bearer " + token.value().token, kPeer).ok());
  EXPECT_TRUE(running->Login("alice", "a new password", kPeer).ok());
  ASSERT_TRUE(shell->DeleteApiKey("ci").ok());
  EXPECT_FALSE(running->Authenticate(key_header, kPeer).ok());  // also when it was cached

  // A change on the running side starts from the file: bob stays.
  ASSERT_TRUE(running->AddUser("carol", "carol's password", Role::kViewer, "").ok());
  std::vector<std::string> names;
  for (const UserInfo& u : shell->Users()) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "carol"}));

  // A broken file keeps the previous users.
  WriteFile(dir_.File("data/users"), "garbage\n");
  EXPECT_EQ(running->Users().size(), 3u);
  EXPECT_TRUE(running->Login("carol", "carol's password", kPeer).ok());
}

TEST_F(AuthStoreTest, BootstrapKeys) {
  const std::string boot = dir_.File("bootstrap");
  WriteFile(boot,
            "# keys for automation\n"
            "\n"
            "viewerkey:viewer-secret-1:viewer\n"
            "adminkey:admin-secret-2\n");
  auto o = Options();
  o.bootstrap_file = boot;
  auto s = Open(o);
  const auto keys = s->ApiKeys();
  ASSERT_EQ(keys.size(), 2u);
  for (const auto& k : keys) {
    EXPECT_EQ(k.description, "bootstrap");
    EXPECT_EQ(k.name.rfind("from_bootstrap_file_", 0), 0u) << k.name;
  }
  auto viewer = s->Authenticate(Basic("viewerkey", "viewer-secret-1"), kPeer);
  ASSERT_TRUE(viewer.ok());
  EXPECT_EQ(viewer->role, Role::kViewer);
  auto admin = s->Authenticate(Basic("adminkey", "admin-secret-2"), kPeer);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->role, Role::kAdministrator);
  EXPECT_FALSE(s->Authenticate(Basic("viewerkey", "admin-secret-2"), kPeer).ok());

  auto del = s->DeleteApiKey(viewer->name);
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.error().find("bootstrap file"), std::string::npos) << del.error();
  EXPECT_FALSE(s->UpdateApiKey(viewer->name, false, std::nullopt, std::nullopt, std::nullopt).ok());

  ASSERT_TRUE(s->CreateApiKey("mine", Role::kViewer, "", true, 0).ok());
  const std::string stored = ReadFile(dir_.File("data/api_keys"));
  EXPECT_NE(stored.find("mine:"), std::string::npos);
  EXPECT_EQ(stored.find("viewerkey"), std::string::npos);
  EXPECT_EQ(stored.find("adminkey"), std::string::npos);
}

TEST_F(AuthStoreTest, BootstrapBadLineNamesFileAndLineButNotTheSecret) {
  const std::string boot = dir_.File("bootstrap");
  auto o = Options();
  o.bootstrap_file = boot;
  for (const std::string& bad :
       {std::string("key:supersecret99:superuser"), std::string("supersecret99"),
        std::string("k:supersecret99:viewer:x"), std::string("bad key:supersecret99")}) {
    WriteFile(boot, "# ok\ngood:secret-one:viewer\n" + bad + "\n");
    auto r = AuthStore::Open(o);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find(boot + ":3: "), std::string::npos) << r.error();
    EXPECT_EQ(r.error().find("supersecret99"), std::string::npos) << r.error();
  }
  o.bootstrap_file = dir_.File("missing");
  EXPECT_FALSE(AuthStore::Open(o).ok());
}

TEST_F(AuthStoreTest, UserRules) {
  auto s = Open();
  AddAdmin(*s);
  ASSERT_TRUE(s->AddUser("bob", "bobs password", Role::kViewer, "").ok());

  auto dup = s->AddUser("alice", "another password", Role::kViewer, "");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), "user alice already exists");
  auto shortpw = s->AddUser("carol", "short", Role::kViewer, "");
  ASSERT_FALSE(shortpw.ok());
  EXPECT_EQ(shortpw.error().find("short"), std::string::npos);  // never echoed
  EXPECT_NE(shortpw.error().find("at least 8"), std::string::npos);
  EXPECT_FALSE(s->AddUser("", "long enough", Role::kViewer, "").ok());
  EXPECT_FALSE(s->AddUser("a:b", "long enough", Role::kViewer, "").ok());
  EXPECT_FALSE(s->AddUser(std::string(129, 'a'), "long enough", Role::kViewer, "").ok());
  EXPECT_TRUE(s->AddUser("ops.team-1_x@example", "long enough", Role::kViewer, "").ok());

  auto last = s->DeleteUser("alice");
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.error().find("last administrator"), std::string::npos);
  EXPECT_FALSE(s->UpdateUser("alice", Role::kViewer, std::nullopt).ok());
  EXPECT_TRUE(s->DeleteUser("bob").ok());
  EXPECT_FALSE(s->DeleteUser("bob").ok());

  AddAdmin(*s, "carol");
  EXPECT_TRUE(s->UpdateUser("alice", std::nullopt, std::string("first admin")).ok());
  EXPECT_EQ(s->Users()[0].description, "first admin");
  EXPECT_TRUE(s->DeleteUser("alice").ok());
  EXPECT_EQ(s->Users().size(), 2u);
}

TEST_F(AuthStoreTest, PasswordChangeAndDemotionDropTokens) {
  auto s = Open();
  AddAdmin(*s);
  AddAdmin(*s, "carol");
  auto login = s->Login("alice", "correct horse", kPeer);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(s->ChangePassword("alice", "battery staple").ok());
  EXPECT_FALSE(s->Authenticate("Bearer " + login->token, kPeer).ok());
  EXPECT_FALSE(s->Login("alice", "correct horse", kPeer).ok());
  EXPECT_FALSE(s->ChangePassword("alice", "short").ok());
  EXPECT_FALSE(s->ChangePassword("nobody", "long enough").ok());

  login = s->Login("alice", "battery staple", kPeer);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(s->UpdateUser("alice", Role::kViewer, std::nullopt).ok());
  EXPECT_FALSE(s->Authenticate("Bearer " + login->token, kPeer).ok());
  login = s->Login("alice", "battery staple", kPeer);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->role, Role::kViewer);
}

TEST_F(AuthStoreTest, ConcurrentUse) {
  auto s = Open();
  AddAdmin(*s);
  auto key = s->CreateApiKey("ci", Role::kAdministrator, "", true, 0);
  ASSERT_TRUE(key.ok());
  const std::string header = Basic(key->info.api_key, key->api_secret);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (s->Authenticate(header, kPeer).ok()) ++ok;
        if (i % 10 == t) {
          auto login = s->Login("alice", "correct horse", kPeer);
          if (login.ok() && s->Authenticate("Bearer " + login->token, kPeer).ok()) ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4 * 20 + 4 * 2);
}

TEST_F(AuthStoreTest, MemoryOnlyWithoutDataDir) {
  AuthOptions o = Options();
  o.data_dir.clear();
  auto s = Open(o);
  AddAdmin(*s);
  EXPECT_TRUE(s->Login("alice", "correct horse", kPeer).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.File("data")));
}

// Single-quotes `s` for /bin/sh.
std::string Q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST_F(AuthStoreTest, AdminsCommand) {
  const std::string bin = MQBRIDGE_BIN;
  const std::string data = dir_.File("data");
  WriteFile(dir_.File("pw"), "from a file\n");
  auto r = testing::RunCommand(bin + " admins add bob --password-file " + Q(dir_.File("pw")) +
                               " --role viewer --description " + Q("the viewer") + " --data-dir " +
                               Q(data));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("from a file"), std::string::npos) << r.output;
  {
    auto s = AuthStore::Open(AuthOptions{data});
    ASSERT_TRUE(s.ok()) << s.error();
    const auto users = s.value()->Users();
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].username, "bob");
    EXPECT_EQ(users[0].role, Role::kViewer);
    EXPECT_EQ(users[0].description, "the viewer");
    EXPECT_TRUE(s.value()->Login("bob", "from a file", kPeer).ok());
  }

  // The data directory from a configuration file; the password from stdin.
  WriteFile(dir_.File("mqbridge.toml"), "[node]\ndata_dir = " + Q(data) + "\n");
  const std::string cfg = " -c " + Q(dir_.File("mqbridge.toml"));
  r = testing::RunCommand("printf 'admin password\\n' | " + bin + " admins add root" + cfg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = testing::RunCommand("printf 'new password\\n' | " + bin + " admins passwd bob" + cfg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = testing::RunCommand(bin + " admins list" + cfg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("bob\tviewer\tthe viewer"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("root\tadministrator"), std::string::npos) << r.output;
  {
    auto s = AuthStore::Open(AuthOptions{data});
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_TRUE(s.value()->Login("root", "admin password", kPeer).ok());
    EXPECT_TRUE(s.value()->Login("bob", "new password", kPeer).ok());
  }

  r = testing::RunCommand(bin + " admins del root" + cfg);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("last administrator"), std::string::npos) << r.output;
  r = testing::RunCommand(bin + " admins add root --password " + Q("long enough") + cfg);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("user root already exists"), std::string::npos) << r.output;
  r = testing::RunCommand(bin + " admins add carol --password short" + cfg);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = testing::RunCommand(bin + " admins del bob" + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = testing::RunCommand(bin + " admins add dave --password " + Q("long enough"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = testing::RunCommand(bin + " admins add dave --role root --password x" + cfg);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = testing::RunCommand(bin + " admins add erin" + cfg + " < /dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

}  // namespace
}  // namespace mqb::engine
