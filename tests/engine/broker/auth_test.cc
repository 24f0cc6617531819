// Password hashing (PBKDF2 via wolfCrypt), the password file, ACL parsing and coverage.
#include "engine/broker/auth.h"

#include "engine/broker/passwd.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"

namespace mqb::engine::broker {
namespace {

std::span<const uint8_t> B(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(PasswdTest, HashIsSaltedAndVerifies) {
  auto a = HashPassword("pw", 1000);
  auto b = HashPassword("pw", 1000);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value(), b.value());
  EXPECT_EQ(a.value().rfind("$pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(a.value(), B("pw")));
  EXPECT_FALSE(VerifyPassword(a.value(), B("pW")));
  EXPECT_FALSE(VerifyPassword("$pbkdf2-sha256$x$00$00", B("pw")));
  EXPECT_FALSE(VerifyPassword("garbage", B("pw")));
}

TEST(PasswdTest, KnownVector) {
  // RFC 7914 section 11 PBKDF2-HMAC-SHA256 test vector: P="passwd", S="salt", c=1, dkLen=64.
  EXPECT_TRUE(VerifyPassword(
      "$pbkdf2-sha256$1$73616c74$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
      "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
      B("passwd")));
}

TEST(PasswdTest, FileAddReplaceRemove) {
  mqb::testing::TempDir dir;
  std::string path = dir.File("passwd");
  ASSERT_TRUE(AddPasswordFileUser(path, "alice", "one", 1000).ok());
  ASSERT_TRUE(AddPasswordFileUser(path, "bob", "two", 1000).ok());
  ASSERT_TRUE(AddPasswordFileUser(path, "alice", "three", 1000).ok());
  EXPECT_FALSE(AddPasswordFileUser(path, "a:b", "x", 1000).ok());
  BrokerOptions o;
  o.allow_anonymous = false;
  o.password_file = path;
  auto auth = Authenticator::Create(o);
  ASSERT_TRUE(auth.ok()) << auth.error();
  using codec::ReasonCode;
  EXPECT_EQ(auth.value()->Authenticate("alice", B("three")), ReasonCode::kSuccess);
  EXPECT_EQ(auth.value()->Authenticate("alice", B("one")), ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(auth.value()->Authenticate("bob", B("two")), ReasonCode::kSuccess);
  EXPECT_EQ(auth.value()->Authenticate("bob", std::nullopt), ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(auth.value()->Authenticate(std::nullopt, std::nullopt), ReasonCode::kNotAuthorized);
  ASSERT_TRUE(RemovePasswordFileUser(path, "bob").ok());
  EXPECT_FALSE(RemovePasswordFileUser(path, "bob").ok());
  auth = Authenticator::Create(o);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth.value()->Authenticate("bob", B("two")), ReasonCode::kBadUserNameOrPassword);
}

TEST(AclTest, FirstMatchWinsWithSubstitution) {
  auto auth = Authenticator::FromText(true, "",
                                      "allow clientid:admin all #\n"
                                      "allow all all devices/%c/#\n"
                                      "deny all publish devices/#\n"
                                      "deny user:guest subscribe #\n");
  ASSERT_TRUE(auth.ok()) << auth.error();
  const Authenticator& a = *auth.value();
  EXPECT_TRUE(a.Allowed(AclAction::kPublish, "admin", "", "devices/x/y"));
  EXPECT_TRUE(a.Allowed(AclAction::kPublish, "d1", "", "devices/d1/t"));
  EXPECT_FALSE(a.Allowed(AclAction::kPublish, "d1", "", "devices/d2/t"));
  EXPECT_TRUE(a.Allowed(AclAction::kPublish, "d1", "", "other"));
  EXPECT_FALSE(a.Allowed(AclAction::kSubscribe, "x", "guest", "a/b"));
  EXPECT_TRUE(a.Allowed(AclAction::kSubscribe, "x", "user", "a/b"));
}

TEST(AclTest, ParseErrorsNameTheLine) {
  auto bad = Authenticator::FromText(true, "", "allow all all a\nallow nobody all b\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().rfind("acl:2:", 0), 0u) << bad.error();
  EXPECT_FALSE(Authenticator::FromText(true, "", "allow all all a/#/b\n").ok());
  EXPECT_FALSE(Authenticator::FromText(true, "alice-no-hash\n", "").ok());
}

TEST(AclTest, FilterCovers) {
  EXPECT_TRUE(FilterCovers("#", "a/b"));
  EXPECT_TRUE(FilterCovers("a/#", "a/+/b"));
  EXPECT_TRUE(FilterCovers("a/#", "a"));
  EXPECT_TRUE(FilterCovers("a/+", "a/b"));
  EXPECT_TRUE(FilterCovers("a/+", "a/+"));
  EXPECT_FALSE(FilterCovers("a/b", "a/+"));
  EXPECT_FALSE(FilterCovers("a/+", "a/#"));
  EXPECT_FALSE(FilterCovers("a/+", "a/b/c"));
  EXPECT_FALSE(FilterCovers("a/b/c", "a/b"));
}

}  // namespace
}  // namespace mqb::engine::broker
