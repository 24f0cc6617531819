// System tests of the embedded broker on real sockets: mosquitto_pub/sub, paho (3.1.1 and 5.0),
// raw sockets for malformed input, 1,000 concurrent connections, TLS and password files.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "engine/broker/broker.h"
#include "engine/broker/passwd.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/tls_material.h"

namespace mqb::engine::broker {
namespace {

using mqb::testing::RunCommand;

std::unique_ptr<Broker> StartBroker(BrokerOptions o = {}, std::vector<ListenerConfig> ls = {}) {
  if (ls.empty()) {
    ListenerConfig l;
    l.host = "127.0.0.1";
    l.port = 0;
    ls.push_back(l);
  }
  auto b = Broker::Start(std::move(o), ls);
  if (!b.ok()) {
    ADD_FAILURE() << b.error();
    return nullptr;
  }
  return std::move(b).value();
}

// --- raw socket helpers ------------------------------------------------------------------------

int Dial(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Everything until EOF (or timeout).
std::string ReadToEof(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Exactly n bytes (fewer on EOF/timeout).
std::string ReadN(int fd, size_t n) {
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    ssize_t r = recv(fd, buf, std::min(sizeof(buf), n - out.size()), 0);
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

std::string Connect311(const std::string& id, uint8_t keepalive = 60) {
  std::string body = std::string("\x00\x04MQTT\x04\x02\x00", 9) + static_cast<char>(keepalive) +
                     std::string(1, '\0') + static_cast<char>(id.size()) + id;
  return std::string(1, '\x10') + static_cast<char>(body.size()) + body;
}

std::string Connect5(const std::string& id) {
  std::string body =
      std::string("\x00\x04MQTT\x05\x02\x00\x3c\x00\x00", 12) + static_cast<char>(id.size()) + id;
  return std::string(1, '\x10') + static_cast<char>(body.size()) + body;
}

std::string Py(const std::string& scenario, uint16_t port) {
  return std::string(mqb::testing::SystemPython()) + " " + MQB_SOURCE_DIR +
         "/tests/engine/broker/paho_scenarios.py " + scenario + " " + std::to_string(port);
}

class BrokerSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = StartBroker();
    ASSERT_NE(broker_, nullptr);
    port_ = broker_->ports()[0];
  }
  void RunPaho(const std::string& scenario) {
    auto r = RunCommand(Py(scenario, port_), std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("OK"), std::string::npos) << r.output;
  }
  std::unique_ptr<Broker> broker_;
  uint16_t port_ = 0;
};

// --- mosquitto clients -------------------------------------------------------------------------

TEST_F(BrokerSystemTest, MosquittoClientsRetainedAndQos) {
  std::string p = std::to_string(port_);
  for (const char* v : {"mqttv31", "mqttv311", "mqttv5"}) {
    std::string topic = std::string("mq/") + v;
    auto pub = RunCommand("mosquitto_pub -h 127.0.0.1 -p " + p + " -V " + v + " -q 2 -r -t " +
                          topic + " -m hello-" + v);
    ASSERT_EQ(pub.exit_code, 0) << pub.output;
    auto sub = RunCommand("mosquitto_sub -h 127.0.0.1 -p " + p + " -V " + v +
                          " -q 1 -C 1 -W 10 -v -t " + topic);
    EXPECT_EQ(sub.exit_code, 0) << sub.output;
    EXPECT_EQ(sub.output, topic + " hello-" + v + "\n");
  }
}

TEST_F(BrokerSystemTest, MosquittoSubReceivesLivePublishes) {
  std::string p = std::to_string(port_);
  mqb::testing::TempDir dir;
  mqb::testing::Process sub({"mosquitto_sub", "-h", "127.0.0.1", "-p", p, "-V", "mqttv5", "-q", "2",
                             "-C", "3", "-W", "20", "-t", "live/#", "-F", "%t %q %p"},
                            dir.File("sub.log"));
  // Wait until the subscription exists: a retained marker shows up in its output once it does.
  ASSERT_EQ(
      RunCommand("mosquitto_pub -h 127.0.0.1 -p " + p + " -q 1 -r -t live/ready -m r").exit_code,
      0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sub.Log().find("live/ready") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the child's output
  }
  ASSERT_NE(sub.Log().find("live/ready"), std::string::npos) << sub.Log();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(RunCommand("mosquitto_pub -h 127.0.0.1 -p " + p + " -V mqttv5 -q 2 -t live/x -m m" +
                         std::to_string(i))
                  .exit_code,
              0);
  }
  EXPECT_EQ(sub.Wait(std::chrono::seconds(20)), 0);
  std::string log = sub.Log();
  EXPECT_NE(log.find("live/x 2 m0"), std::string::npos) << log;
  EXPECT_NE(log.find("live/x 2 m1"), std::string::npos) << log;
}

// --- paho scenarios ----------------------------------------------------------------------------

TEST_F(BrokerSystemTest, PahoRetainedV311) { RunPaho("retained311"); }
TEST_F(BrokerSystemTest, PahoRetainedV5) { RunPaho("retained5"); }
TEST_F(BrokerSystemTest, PahoWillV311) { RunPaho("will311"); }
TEST_F(BrokerSystemTest, PahoWillV5) { RunPaho("will5"); }
TEST_F(BrokerSystemTest, PahoWillDelayV5) { RunPaho("will_delay"); }
TEST_F(BrokerSystemTest, PahoSessionResumeV311) { RunPaho("session311"); }
TEST_F(BrokerSystemTest, PahoSessionResumeV5) { RunPaho("session5"); }
TEST_F(BrokerSystemTest, PahoQos2V311) { RunPaho("qos2_311"); }
TEST_F(BrokerSystemTest, PahoQos2V5) { RunPaho("qos2_5"); }
TEST_F(BrokerSystemTest, PahoSharedSubscriptionRoundRobin) { RunPaho("shared"); }
TEST_F(BrokerSystemTest, PahoTakeover) { RunPaho("takeover"); }
TEST_F(BrokerSystemTest, PahoV5PropertiesAliasNoLocal) { RunPaho("v5features"); }
TEST_F(BrokerSystemTest, KeepAliveExpiry) { RunPaho("keepalive"); }

// --- malformed input ---------------------------------------------------------------------------

struct MalformedCase {
  const char* name;
  bool v5;
  std::string bytes;      // sent after a successful CONNECT (or instead of it: `raw`)
  bool raw;               // sent as the first bytes, without CONNECT
  int disconnect_reason;  // expected v5 DISCONNECT reason code; -1: closed without one
};

TEST(BrokerMalformedTest, OffenderDisconnectedWithReasonOthersUnaffected) {
  BrokerOptions o;
  o.max_packet_size = 1024;
  auto broker = StartBroker(o);
  ASSERT_NE(broker, nullptr);
  uint16_t port = broker->ports()[0];

  // A well-behaved client subscribed throughout.
  int good = Dial(port);
  ASSERT_TRUE(SendAll(good, Connect311("good")));
  ASSERT_EQ(ReadN(good, 4), std::string("\x20\x02\x00\x00", 4));
  ASSERT_TRUE(SendAll(good, std::string("\x82\x06\x00\x01\x00\x01t\x00", 8)));
  ASSERT_EQ(ReadN(good, 5), std::string("\x90\x03\x00\x01\x00", 5));

  const std::vector<MalformedCase> cases = {
      {"publish QoS 3", true, std::string("\x36\x05\x00\x01t\x00\x01", 7), false, 0x81},
      {"second CONNECT", true, Connect5("again"), false, 0x82},
      {"reserved flags on SUBSCRIBE", true, std::string("\x80\x07\x00\x01\x00\x00\x01t\x00", 9),
       false, 0x81},
      {"invalid wildcard", true,
       std::string("\x82\x0b\x00\x01\x00\x00\x05"
                   "a/#/b\x00",
                   13),
       false, 0x8F},
      {"wildcard in topic name", true,
       std::string("\x30\x06\x00\x03"
                   "a/+\x00",
                   8),
       false, 0x90},
      {"topic alias out of range", true, std::string("\x30\x07\x00\x01t\x03\x23\x7f\x7f", 9), false,
       0x94},
      {"unknown topic alias", true, std::string("\x30\x06\x00\x00\x03\x23\x00\x05", 8), false,
       0x82},
      {"invalid UTF-8 topic", true, std::string("\x30\x05\x00\x02\xc3\x28\x00", 7), false, 0x81},
      {"packet too large", true, std::string("\x30\xd0\x0f", 3) + std::string(10, 'x'), false,
       0x95},
      {"AUTH without method", true, std::string("\xf0\x00", 2), false, 0x82},
      {"server-only packet (CONNACK)", true, std::string("\x20\x03\x00\x00\x00", 5), false, 0x82},
      {"3.1.1 PUBLISH QoS 3", false, std::string("\x36\x05\x00\x01t\x00\x01", 7), false, -1},
      {"first packet not CONNECT", false, std::string("\xc0\x00", 2), true, -1},
      {"5-byte remaining length", false, std::string("\x10\xff\xff\xff\xff\x01", 6), true, -1},
      {"bad protocol name", false, std::string("\x10\x0d\x00\x04MQTX\x04\x02\x00\x3c\x00\x01x", 15),
       true, -1},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    int fd = Dial(port);
    ASSERT_GE(fd, 0);
    if (!c.raw) {
      ASSERT_TRUE(SendAll(fd, c.v5 ? Connect5("bad") : Connect311("bad")));
      std::string ack = ReadN(fd, c.v5 ? 2 : 4);
      ASSERT_EQ(ack.substr(0, 1), "\x20");
      if (c.v5) ack += ReadN(fd, static_cast<uint8_t>(ack[1]));
      ASSERT_EQ(ack[3], '\0') << "CONNACK refused";
    }
    SendAll(fd, c.bytes);
    std::string rest = ReadToEof(fd);
    if (c.disconnect_reason < 0) {
      EXPECT_TRUE(rest.empty()) << rest.size() << " bytes";
    } else {
      ASSERT_GE(rest.size(), 3u);
      EXPECT_EQ(static_cast<uint8_t>(rest[0]), 0xE0);
      EXPECT_EQ(static_cast<uint8_t>(rest[2]), c.disconnect_reason);
    }
    close(fd);
    // The good client still gets messages.
    int pub = Dial(port);
    ASSERT_TRUE(SendAll(pub, Connect311("pub")));
    ASSERT_EQ(ReadN(pub, 4).size(), 4u);
    ASSERT_TRUE(SendAll(pub, std::string("\x30\x04\x00\x01tz", 6)));
    EXPECT_EQ(ReadN(good, 6), std::string("\x30\x04\x00\x01tz", 6));
    close(pub);
  }
  close(good);
  EXPECT_GE(broker->counters().protocol_errors, cases.size());
}

TEST(BrokerMalformedTest, SlowlorisIsDroppedAfterConnectTimeout) {
  BrokerOptions o;
  o.connect_timeout = std::chrono::milliseconds(500);
  auto broker = StartBroker(o);
  ASSERT_NE(broker, nullptr);
  int fd = Dial(broker->ports()[0]);
  ASSERT_TRUE(SendAll(fd, std::string("\x10\x20\x00", 3)));  // a CONNECT that never completes
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadToEof(fd), "");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(broker->counters().connect_timeouts, 1u);
  close(fd);
}

// --- scale -------------------------------------------------------------------------------------

TEST(BrokerScaleTest, ThousandConcurrentConnections) {
  constexpr int kClients = 1000;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * kClients + 100) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4 * kClients);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < 2 * kClients + 100) GTEST_SKIP() << "RLIMIT_NOFILE too low: " << lim.rlim_cur;
  auto broker = StartBroker();
  ASSERT_NE(broker, nullptr);
  uint16_t port = broker->ports()[0];
  std::vector<int> fds;
  const std::string sub("\x82\x0b\x00\x01\x00\x06load/#\x01", 13);
  for (int i = 0; i < kClients; ++i) {
    int fd = Dial(port);
    ASSERT_GE(fd, 0) << i;
    ASSERT_TRUE(SendAll(fd, Connect311("c" + std::to_string(i)) + sub));
    fds.push_back(fd);
  }
  for (int fd : fds) {
    ASSERT_EQ(ReadN(fd, 4), std::string("\x20\x02\x00\x00", 4));
    ASSERT_EQ(ReadN(fd, 5), std::string("\x90\x03\x00\x01\x01", 5));
  }
  EXPECT_EQ(broker->client_count(), static_cast<size_t>(kClients));
  // One QoS 1 publish fans out to all 1,000.
  int pub = Dial(port);
  ASSERT_TRUE(SendAll(pub, Connect311("publisher")));
  ASSERT_EQ(ReadN(pub, 4).size(), 4u);
  ASSERT_TRUE(SendAll(pub, std::string("\x32\x0b\x00\x06load/1\x00\x07!", 13)));
  EXPECT_EQ(ReadN(pub, 4), std::string("\x40\x02\x00\x07", 4));
  const std::string expect("\x32\x0b\x00\x06load/1\x00\x01!", 13);
  int ok = 0;
  for (int fd : fds) ok += ReadN(fd, expect.size()) == expect ? 1 : 0;
  EXPECT_EQ(ok, kClients);
  for (int fd : fds) close(fd);
  close(pub);
}

// One whole packet: {first byte, body}; first byte 0 on EOF/timeout.
std::pair<uint8_t, std::string> ReadPacket(int fd) {
  std::string h = ReadN(fd, 1);
  if (h.empty()) return {0, ""};
  size_t len = 0, mul = 1;
  for (int i = 0; i < 4; ++i) {
    std::string b = ReadN(fd, 1);
    if (b.empty()) return {0, ""};
    len += (static_cast<uint8_t>(b[0]) & 127) * mul;
    mul *= 128;
    if ((static_cast<uint8_t>(b[0]) & 128) == 0) break;
  }
  return {static_cast<uint8_t>(h[0]), ReadN(fd, len)};
}

TEST(BrokerFloodTest, StuckSubscriberOnlyLosesItsOwnQos0) {
  BrokerOptions o;
  o.max_queued_messages = 100;
  auto broker = StartBroker(o);
  ASSERT_NE(broker, nullptr);
  uint16_t port = broker->ports()[0];
  // A subscriber that never reads, with a small receive buffer.
  int stuck = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int small = 4096;
  setsockopt(stuck, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(stuck, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  timeval tv{10, 0};
  setsockopt(stuck, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ASSERT_TRUE(SendAll(stuck, Connect311("stuck")));
  ASSERT_EQ(ReadN(stuck, 4).size(), 4u);
  ASSERT_TRUE(SendAll(stuck, std::string("\x82\x0c\x00\x01\x00\x07"
                                         "flood/#\x00",
                                         14)));
  ASSERT_EQ(ReadN(stuck, 5).size(), 5u);
  // A well-behaved subscriber: flood/# at QoS 0 and "marker" at QoS 1.
  int good = Dial(port);
  ASSERT_TRUE(SendAll(good, Connect311("good")));
  ASSERT_EQ(ReadN(good, 4).size(), 4u);
  ASSERT_TRUE(SendAll(good, std::string("\x82\x15\x00\x01\x00\x07"
                                        "flood/#\x00\x00\x06"
                                        "marker\x01",
                                        23)));
  ASSERT_EQ(ReadN(good, 6).size(), 6u);

  std::atomic<int> flood_seen{0};
  std::atomic<bool> marker_seen{false};
  std::thread reader([&] {
    while (!marker_seen) {
      auto [type, body] = ReadPacket(good);
      if (type == 0) return;
      if ((type >> 4) == 3 && body.size() > 8 && body.compare(2, 6, "marker") == 0) {
        marker_seen = true;
      } else if ((type >> 4) == 3) {
        ++flood_seen;
      }
    }
  });
  int pub = Dial(port);
  ASSERT_TRUE(SendAll(pub, Connect311("flooder")));
  ASSERT_EQ(ReadN(pub, 4).size(), 4u);
  const std::string payload(4000, 'f');
  std::string one = std::string(
                        "\x30\xa9\x1f\x00\x07"
                        "flood/x",
                        12) +
                    payload;  // 4009 bytes
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += one;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(SendAll(pub, batch));  // 5,000 x 4 KB = 20 MB
  ASSERT_TRUE(SendAll(pub, std::string("\x32\x0b\x00\x06"
                                       "marker\x00\x09!",
                                       13)));
  EXPECT_EQ(ReadN(pub, 4), std::string("\x40\x02\x00\x09", 4));
  reader.join();
  EXPECT_TRUE(marker_seen);
  EXPECT_GT(flood_seen.load(), 0);
  auto counters = broker->counters();
  EXPECT_GT(counters.dropped_send_buffer_full, 0u);
  EXPECT_EQ(counters.publishes_received, 5001u);
  // The broker still answers new clients.
  int late = Dial(port);
  ASSERT_TRUE(SendAll(late, Connect311("late") + std::string("\xc0\x00", 2)));
  EXPECT_EQ(ReadN(late, 6), std::string("\x20\x02\x00\x00\xd0\x00", 6));
  close(late);
  close(pub);
  close(good);
  close(stuck);
}

// --- authentication and TLS --------------------------------------------------------------------

TEST(BrokerAuthSystemTest, PasswordFileWithMosquittoClients) {
  mqb::testing::TempDir dir;
  std::string passwd = dir.File("passwd");
  ASSERT_TRUE(AddPasswordFileUser(passwd, "alice", "s3cret", 1000).ok());
  std::string acl = dir.File("acl");
  mqb::testing::WriteFile(acl, "deny user:alice publish forbidden/#\n");
  BrokerOptions o;
  o.allow_anonymous = false;
  o.password_file = passwd;
  o.acl_file = acl;
  auto broker = StartBroker(o);
  ASSERT_NE(broker, nullptr);
  std::string p = std::to_string(broker->ports()[0]);
  std::string base = "mosquitto_pub -h 127.0.0.1 -p " + p + " -q 1 -t a -m x";
  EXPECT_EQ(RunCommand(base + " -u alice -P s3cret").exit_code, 0);
  EXPECT_NE(RunCommand(base + " -u alice -P wrong").exit_code, 0);
  EXPECT_NE(RunCommand(base).exit_code, 0);
  // Denied by the ACL: 5.0 PUBACK "not authorized" (mosquitto_pub still exits 0), counted.
  RunCommand("mosquitto_pub -h 127.0.0.1 -p " + p +
             " -V mqttv5 -q 1 -t forbidden/x -m x -u alice -P s3cret");
  EXPECT_EQ(broker->counters().auth_failures, 2u);
  EXPECT_EQ(broker->counters().dropped_not_authorized, 1u);
}

TEST(BrokerTlsSystemTest, TlsListenersWithAndWithoutClientCertificates) {
  mqb::testing::TempDir dir;
  auto tls = mqb::testing::GenerateTlsMaterial(dir);
  ListenerConfig plain;
  plain.port = 0;
  ListenerConfig server_only;
  server_only.port = 0;
  server_only.ssl.enable = true;
  server_only.ssl.certfile = tls.server_cert;
  server_only.ssl.keyfile = tls.server_key;
  ListenerConfig mutual = server_only;
  mutual.ssl.cacertfile = tls.ca_cert;
  mutual.ssl.verify_peer = true;
  mutual.ssl.fail_if_no_peer_cert = true;
  auto broker = StartBroker({}, {plain, server_only, mutual});
  ASSERT_NE(broker, nullptr);
  ASSERT_EQ(broker->ports().size(), 3u);
  auto port = [&](int i) { return std::to_string(broker->ports()[i]); };
  std::string tls_base = "mosquitto_pub -h localhost -q 1 --cafile " + tls.ca_cert;
  std::string tls_pub = tls_base + " -t tls -m x -p ";
  EXPECT_EQ(RunCommand(tls_pub + port(1)).exit_code, 0) << RunCommand(tls_pub + port(1)).output;
  EXPECT_NE(RunCommand(tls_pub + port(2)).exit_code, 0);  // no client certificate
  std::string with_cert =
      tls_pub + port(2) + " --cert " + tls.client_cert + " --key " + tls.client_key;
  auto r = RunCommand(with_cert);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Retained over TLS, read back over plain TCP: one broker behind every listener.
  auto ret = RunCommand(tls_base + " -r -t tls/ret -m across -p " + port(1));
  EXPECT_EQ(ret.exit_code, 0) << ret.output;
  auto sub = RunCommand("mosquitto_sub -h 127.0.0.1 -p " + port(0) + " -C 1 -W 10 -t tls/ret");
  EXPECT_EQ(sub.output, "across\n");
}

}  // namespace
}  // namespace mqb::engine::broker
