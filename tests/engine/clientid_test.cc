#include "engine/clientid.h"

#include <gtest/gtest.h>

namespace mqb::engine {
namespace {

TEST(ClientId, Sha1OfNodeName) {
  // SHA-1("emqx@127.0.0.1") starts with 2bd61c44, the seed guide's example suffix.
  EXPECT_EQ(Sha1Hex("emqx@127.0.0.1").substr(0, 8), "2bd61c44");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(ClientId, SeedPatternWithPrefix) {
  EXPECT_EQ(PoolClientId("myprefix", "foo", "emqx@127.0.0.1", 1, ProtoVer::kV4),
            "myprefix:foo2bd61c44:1");
  // A prefix that already ends with ':' gets no second separator.
  EXPECT_EQ(PoolClientId("myprefix:", "foo", "emqx@127.0.0.1", 2, ProtoVer::kV5),
            "myprefix:foo2bd61c44:2");
  EXPECT_EQ(PoolClientId("", "foo", "emqx@127.0.0.1", 8, ProtoVer::kV4), "foo2bd61c44:8");
}

TEST(ClientId, LongIdsKeptForV4AndV5) {
  EXPECT_EQ(PoolClientId("", "my_mqtt_bridge", "emqx@127.0.0.1", 1, ProtoVer::kV5),
            "my_mqtt_bridge2bd61c44:1");
}

TEST(ClientId, V3ShortenedToTwentyThreeBytes) {
  // EMQX's worked example: "my_mqtt_bridge" on emqx@127.0.0.1 gives 0d942a6790ca80a3f4991bf.
  EXPECT_EQ(PoolClientId("", "my_mqtt_bridge", "emqx@127.0.0.1", 1, ProtoVer::kV3),
            "0d942a6790ca80a3f4991bf");
  std::string id = PoolClientId("pre", "my_mqtt_bridge", "emqx@127.0.0.1", 1, ProtoVer::kV3);
  EXPECT_EQ(id.size(), 23u);
  EXPECT_EQ(id.substr(0, 4), "pre:");
  EXPECT_EQ(PoolClientId("", "foo", "emqx@127.0.0.1", 1, ProtoVer::kV3), "foo2bd61c44:1");
}

TEST(ClientId, DistinctAcrossNodes) {
  EXPECT_NE(PoolClientId("", "foo", "mqbridge@10.0.0.1", 1, ProtoVer::kV4),
            PoolClientId("", "foo", "mqbridge@10.0.0.2", 1, ProtoVer::kV4));
}

TEST(ClientId, StaticIdsPerNodeWithCredentialFallback) {
  ConnectorConfig c;
  c.name = "hub";
  c.username = "shared-user";
  c.password = "shared-pass";
  c.static_clientids = {
      {"n1",
       {{"clientid1", std::string("username1"), std::string("secret1")}, {"clientid3", {}, {}}}},
      {"n2", {{"clientid2", std::string("username2"), {}}}},
  };
  auto n1 = PoolIdentities(c, "n1");
  ASSERT_EQ(n1.size(), 2u);
  EXPECT_EQ(n1[0].clientid, "clientid1");
  EXPECT_EQ(*n1[0].username, "username1");
  EXPECT_EQ(*n1[0].password, "secret1");
  EXPECT_EQ(n1[1].clientid, "clientid3");
  EXPECT_EQ(*n1[1].username, "shared-user");
  auto n2 = PoolIdentities(c, "n2");
  ASSERT_EQ(n2.size(), 1u);
  EXPECT_EQ(*n2[0].password, "shared-pass");
  EXPECT_TRUE(PoolIdentities(c, "n3").empty());
}

TEST(ClientId, GeneratedPool) {
  ConnectorConfig c;
  c.name = "foo";
  c.pool_size = 3;
  c.clientid_prefix = "myprefix";
  auto ids = PoolIdentities(c, "emqx@127.0.0.1");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[2].clientid, "myprefix:foo2bd61c44:3");
}

}  // namespace
}  // namespace mqb::engine
