// Name resolution off the reactor thread: a slow lookup does not stall the reactor's other
// connections (measured round trips through a real mosquitto), unresolvable names give a clear
// error, connect_timeout covers resolution, results for clients or reactors that are gone are
// dropped safely (ASan), numeric hosts need no lookup and "localhost" works.
#include "io/resolver.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "io/mqtt_client.h"
#include "tests/io/mqtt_client_harness.h"
#include "tests/support/mosquitto.h"

namespace mqb::io {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using testing::ReactorThread;
using testing::TestClient;

// Holds every lookup of the names in `hosts` (empty: of any name) until Open() (or 20 s): a DNS
// server that does not answer, in front of the real getaddrinfo.
class SlowDns {
 public:
  explicit SlowDns(std::vector<std::string> hosts) : hosts_(std::move(hosts)) {
    SetResolveHookForTesting([this](const std::string& host) {
      if (!hosts_.empty() && std::find(hosts_.begin(), hosts_.end(), host) == hosts_.end()) {
        return;
      }
      std::unique_lock lock(mu_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(20), [&] { return open_; });
    });
  }
  ~SlowDns() {
    Open();
    // No lookup may outlive the hook's captured `this`.
    testing::Eventually([] { return ResolvesInFlight() == 0; });
    SetResolveHookForTesting({});
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitForLookup() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return waiting_ > 0; });
  }

 private:
  std::vector<std::string> hosts_;
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool open_ = false;
};

// Waits until every lookup thread has posted its result, then lets the reactor run it.
void DrainLookups(ReactorThread& rt) {
  ASSERT_TRUE(testing::Eventually([] { return ResolvesInFlight() == 0; }));
  rt.Call([] { return 0; });
}

MqttClientOptions Unresolvable(const std::string& host) {
  MqttClientOptions o = testing::Options(1883, ProtocolVersion::kV311, "unresolvable");
  o.host = host;
  o.auto_reconnect = false;
  return o;
}

TEST(ResolverTest, UnresolvableNameReportsCannotResolve) {
  ReactorThread rt;
  TestClient c(rt, Unresolvable("nonexistent.invalid"));
  ASSERT_TRUE(c.WaitDisconnected());
  const IoError e = c.recorder().Locked([&] { return c.recorder().error; });
  EXPECT_EQ(e.code, IoErrc::kDns);
  EXPECT_NE(e.message.find("cannot resolve 'nonexistent.invalid'"), std::string::npos) << e.message;
}

TEST(ResolverTest, SlowLookupDoesNotStallOtherConnectionsOnTheReactor) {
  mqb::testing::Mosquitto broker;
  SlowDns dns({"nonexistent.invalid"});
  ReactorThread rt;
  TestClient busy(rt, testing::Options(broker.port(), ProtocolVersion::kV311, "busy"));
  ASSERT_TRUE(busy.WaitConnected());
  busy.Subscribe("rtt/t", QoS::kAtLeastOnce);

  TestClient slow(rt, Unresolvable("nonexistent.invalid"));
  ASSERT_TRUE(dns.WaitForLookup());
  // While the lookup hangs, the other client's round trips through the broker stay fast.
  std::chrono::steady_clock::duration worst{};
  for (int i = 0; i < 50; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(busy.Publish("rtt/t", std::to_string(i), QoS::kAtLeastOnce), PublishStatus::kOk);
    ASSERT_TRUE(busy.recorder().WaitFor(
        [&] { return busy.recorder().messages.size() == size_t(i) + 1; }, std::chrono::seconds(5)))
        << "round trip " << i << " stalled";
    worst = std::max(worst, std::chrono::steady_clock::now() - start);
  }
  const auto worst_ms = std::chrono::duration_cast<std::chrono::milliseconds>(worst).count();
  std::printf("worst round trip while resolving: %lld ms\n", static_cast<long long>(worst_ms));
  EXPECT_LT(worst_ms, 500);
  EXPECT_EQ(slow.recorder().Locked([&] { return slow.recorder().status; }),
            ClientStatus::kConnecting);

  dns.Open();  // the real answer: no such name
  ASSERT_TRUE(slow.WaitDisconnected());
  const IoError e = slow.recorder().Locked([&] { return slow.recorder().error; });
  EXPECT_EQ(e.code, IoErrc::kDns);
  EXPECT_NE(e.message.find("cannot resolve 'nonexistent.invalid'"), std::string::npos) << e.message;
}

TEST(ResolverTest, ConnectTimeoutCoversResolution) {
  SlowDns dns({"slow.invalid"});
  ReactorThread rt;
  MqttClientOptions o = Unresolvable("slow.invalid");
  o.connect_timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  TestClient c(rt, o);
  ASSERT_TRUE(c.WaitDisconnected(std::chrono::seconds(5)));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
  const IoError e = c.recorder().Locked([&] { return c.recorder().error; });
  EXPECT_EQ(e.code, IoErrc::kDns);
  EXPECT_EQ(e.message, "DNS failure: cannot resolve 'slow.invalid': no answer within 300 ms");
  dns.Open();
  DrainLookups(rt);  // the late answer is ignored
  EXPECT_EQ(c.recorder().Locked([&] { return c.recorder().disconnects; }), 1);
}

// A client destroyed, or stopped, while its lookup is pending: the late result (a good address,
// which would start a connect) must not touch it.
TEST(ResolverTest, ResultForDestroyedOrStoppedClientIsIgnored) {
  mqb::testing::Mosquitto broker;
  SlowDns dns({"localhost"});
  ReactorThread rt;
  MqttClientOptions o = testing::Options(broker.port(), ProtocolVersion::kV311, "gone");
  o.host = "localhost";
  auto destroyed = std::make_unique<TestClient>(rt, o);
  o.client_id = "stopped";
  TestClient stopped(rt, o);
  ASSERT_TRUE(dns.WaitForLookup());
  destroyed.reset();
  rt.Call([&] {
    stopped.client().Stop();
    return 0;
  });
  ASSERT_TRUE(stopped.WaitDisconnected());
  EXPECT_EQ(stopped.recorder().Locked([&] { return stopped.recorder().error.message; }), "stopped");
  dns.Open();
  DrainLookups(rt);
  EXPECT_TRUE(rt.Call([&] { return stopped.client().stopped(); }));
  EXPECT_EQ(stopped.recorder().Locked([&] { return stopped.recorder().connects; }), 0);
}

TEST(ResolverTest, ResultAfterTheReactorIsDestroyedIsDropped) {
  SlowDns dns({"localhost"});
  auto called = std::make_shared<std::atomic<bool>>(false);
  {
    ReactorThread rt;
    rt.Call([&] {
      // The handle is dropped without Cancel(): only the reactor's end stops the callback.
      (void)ResolveAsync(rt.reactor(), "localhost", 1883,
                         [called](ResolveResult) { called->store(true); });
      return 0;
    });
    ASSERT_TRUE(dns.WaitForLookup());
  }
  dns.Open();
  EXPECT_TRUE(testing::Eventually([] { return ResolvesInFlight() == 0; }));
  EXPECT_FALSE(called->load());
}

// Lookups stuck behind a dead DNS server cannot pile up threads without bound.
TEST(ResolverTest, ConcurrentLookupsAreCapped) {
  SlowDns dns({"localhost"});  // answered from /etc/hosts once released
  ReactorThread rt;
  std::mutex mu;
  std::vector<std::string> errors;
  rt.Call([&] {
    for (int i = 0; i < 65; ++i) {
      (void)ResolveAsync(rt.reactor(), "localhost", 1883, [&](ResolveResult r) {
        std::lock_guard lock(mu);
        errors.push_back(r.ok() ? "resolved" : r.error().message);
      });
    }
    return 0;
  });
  EXPECT_TRUE(testing::Eventually([&] {
    std::lock_guard lock(mu);
    return !errors.empty();
  }));
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(errors.size(), 1u);  // the other 64 are still waiting for the DNS server
    EXPECT_EQ(errors[0],
              "DNS failure: cannot resolve 'localhost': more than 64 lookups in progress");
  }
  EXPECT_EQ(ResolvesInFlight(), 64);
  dns.Open();
  DrainLookups(rt);
  std::lock_guard lock(mu);
  ASSERT_EQ(errors.size(), 65u);
  EXPECT_EQ(std::count(errors.begin(), errors.end(), "resolved"), 64);
}

TEST(ResolverTest, NumericHostsNeedNoLookupAndLocalhostWorks) {
  mqb::testing::Mosquitto broker;
  EXPECT_TRUE(IsNumericHost("127.0.0.1"));
  EXPECT_TRUE(IsNumericHost("::1"));
  EXPECT_FALSE(IsNumericHost("localhost"));
  EXPECT_FALSE(IsNumericHost("127.0.0.1.example"));
  ReactorThread rt;
  {
    // Every name lookup hangs, yet a literal address connects.
    SlowDns dns({});
    TestClient numeric(rt, testing::Options(broker.port(), ProtocolVersion::kV311, "numeric"));
    ASSERT_TRUE(numeric.WaitConnected()) << numeric.recorder().error.message;
    EXPECT_EQ(ResolvesInFlight(), 0);
  }
  std::promise<std::pair<std::string, bool>> resolved;
  rt.Call([&] {
    (void)ResolveAsync(rt.reactor(), "localhost", 4321, [&](ResolveResult r) {
      resolved.set_value(
          {r.ok() ? r->ToString() : r.error().message, rt.reactor().in_reactor_thread()});
    });
    return 0;
  });
  auto [address, on_reactor] = resolved.get_future().get();
  EXPECT_EQ(address, "127.0.0.1:4321");
  EXPECT_TRUE(on_reactor);
  MqttClientOptions o = testing::Options(broker.port(), ProtocolVersion::kV5, "by-name");
  o.host = "localhost";
  TestClient named(rt, o);
  ASSERT_TRUE(named.WaitConnected()) << named.recorder().error.message;
  named.Subscribe("name/t", QoS::kAtLeastOnce);
  ASSERT_EQ(named.Publish("name/t", "hi", QoS::kAtLeastOnce), PublishStatus::kOk);
  ASSERT_TRUE(named.recorder().WaitFor([&] { return !named.recorder().messages.empty(); }));
}

}  // namespace
}  // namespace mqb::io
