// EtcdClient against a real etcd (Debian's etcd-server) started on kernel-chosen ports.
#include "engine/cluster/etcd_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/process.h"

namespace mqb::engine::cluster {
namespace {

using mqb::testing::FreePort;
using mqb::testing::Process;
using mqb::testing::TempDir;

class EtcdClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    const int peer = FreePort();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    const std::string peer_url = "http://127.0.0.1:" + std::to_string(peer);
    etcd_ = std::make_unique<Process>(
        std::vector<std::string>{"etcd", "--name", "t", "--data-dir", dir_.File("etcd"),
                                 "--listen-client-urls", url_, "--advertise-client-urls", url_,
                                 "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls",
                                 peer_url, "--initial-cluster", "t=" + peer_url},
        dir_.File("etcd.log"));
    ASSERT_TRUE(mqb::testing::WaitForPort(port_, std::chrono::seconds(30))) << etcd_->Log();
    // The client port opens before the member serves; wait for a first answer.
    EtcdClient probe(Options());
    for (int i = 0; i < 300 && !probe.Get("/probe").ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EtcdOptions Options() const {
    EtcdOptions o;
    o.endpoints = {url_};
    return o;
  }

  TempDir dir_;
  int port_ = 0;
  std::string url_;
  std::unique_ptr<Process> etcd_;
};

TEST_F(EtcdClientTest, PutGetPrefixAndBinaryValues) {
  EtcdClient c(Options());
  const std::string binary("a\0b\xff\n", 5);
  ASSERT_TRUE(c.Put("/p/a", binary).ok());
  ASSERT_TRUE(c.Put("/p/b", "2").ok());
  ASSERT_TRUE(c.Put("/q", "3").ok());
  auto a = c.Get("/p/a");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(a.value().has_value());
  EXPECT_EQ(a.value()->value, binary);
  EXPECT_GT(a.value()->mod_revision, 0);
  auto missing = c.Get("/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing.value().has_value());
  auto p = c.GetPrefix("/p/");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.value().size(), 2u);
  EXPECT_EQ(p.value()[0].key, "/p/a");
  EXPECT_EQ(p.value()[1].value, "2");
  ASSERT_TRUE(c.Delete("/p/a").ok());
  EXPECT_FALSE(c.Get("/p/a").value().has_value());
}

TEST_F(EtcdClientTest, CompareAndPutRefusesALostUpdate) {
  EtcdClient c(Options());
  auto created = c.CompareAndPut("/doc", "v1", 0);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created.value().has_value());
  const int64_t rev1 = *created.value();
  // Creating again (expected absent) fails: the key exists.
  auto again = c.CompareAndPut("/doc", "other", 0);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().has_value());
  auto v2 = c.CompareAndPut("/doc", "v2", rev1);
  ASSERT_TRUE(v2.ok());
  ASSERT_TRUE(v2.value().has_value());
  // A writer still holding rev1 loses.
  auto stale = c.CompareAndPut("/doc", "stale", rev1);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale.value().has_value());
  EXPECT_EQ(c.Get("/doc").value()->value, "v2");
  EXPECT_EQ(c.Get("/doc").value()->mod_revision, *v2.value());
}

TEST_F(EtcdClientTest, LeaseKeepsAndDropsKeys) {
  EtcdClient c(Options());
  auto lease = c.GrantLease(2);
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  ASSERT_TRUE(c.Put("/nodes/a", "x", lease.value()).ok());
  EXPECT_EQ(c.Get("/nodes/a").value()->lease, lease.value());
  auto ttl = c.KeepAlive(lease.value());
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl.value(), 0);
  ASSERT_TRUE(c.RevokeLease(lease.value()).ok());
  EXPECT_FALSE(c.Get("/nodes/a").value().has_value());
  // A lease that is gone: keepalive answers 0, a put with it is rejected.
  auto gone = c.KeepAlive(lease.value());
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone.value(), 0);
  auto put = c.Put("/nodes/a", "x", lease.value());
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, EtcdError::Kind::kRejected) << put.error().message;
}

TEST_F(EtcdClientTest, WatchSeesChangesAndStops) {
  EtcdClient writer(Options());
  int64_t rev = 0;
  ASSERT_TRUE(writer.Get("/w", &rev).ok());
  EtcdClient watcher(Options());
  std::atomic<int> puts{0}, deletes{0};
  std::string last;
  std::thread t([&] {
    auto r = watcher.Watch("/w", false, rev + 1, 10'000, [&](const KeyValue& kv, bool deleted) {
      if (deleted) {
        ++deletes;
      } else {
        last = kv.value;
        ++puts;
      }
    });
    EXPECT_TRUE(r.ok()) << r.error().message;  // ended by Stop
  });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer.Put("/w", "v" + std::to_string(i)).ok());
  ASSERT_TRUE(writer.Delete("/w").ok());
  for (int i = 0; i < 200 && deletes == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watcher.Stop();
  t.join();
  EXPECT_EQ(puts.load(), 3);
  EXPECT_EQ(deletes.load(), 1);
  EXPECT_EQ(last, "v2");
}

TEST_F(EtcdClientTest, UnreachableAndFailoverToTheNextEndpoint) {
  EtcdOptions o = Options();
  const std::string dead = "http://127.0.0.1:" + std::to_string(FreePort());
  o.endpoints = {dead};
  o.timeout_ms = 500;
  EtcdClient down(o);
  auto r = down.Get("/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, EtcdError::Kind::kUnavailable);
  EXPECT_NE(r.error().message.find(dead), std::string::npos) << r.error().message;
  o.endpoints = {dead, url_};
  EtcdClient failover(o);
  EXPECT_TRUE(failover.Put("/x", "1").ok());
  EXPECT_EQ(failover.Get("/x").value()->value, "1");
}

TEST(Base64, RoundTrips) {
  for (std::string s : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                        std::string(300, '\xfe')}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)).value(), s);
  }
  EXPECT_FALSE(Base64Decode("@@@@").has_value());
}

}  // namespace
}  // namespace mqb::engine::cluster
