// Cross-checks against MQTT implementations no one here wrote:
//  - capture: mosquitto_pub, mosquitto_sub and paho (3.1.1 and 5.0) connect to a socket this test
//    listens on; the test decodes every packet they send and answers with packets it encodes
//    (CONNACK, SUBACK, PUBACK, PUBREC, PUBCOMP, UNSUBACK, PINGRESP, PUBLISH), so a client that
//    exits successfully has accepted our encoding too;
//  - broker: packets encoded here are sent to a real mosquitto, which must accept them and
//    deliver the message (with its 5.0 properties) to a mosquitto_sub subscriber.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "codec/framer.h"
#include "codec/topic.h"
#include "tests/codec/codec_test_util.h"
#include "tests/support/mosquitto.h"
#include "tests/support/process.h"

namespace mqb::codec::test {
namespace {

using namespace std::chrono_literals;
using mqb::testing::Process;
using mqb::testing::TempDir;

// --- minimal blocking socket helpers ----------------------------------------------------------

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Listens on 127.0.0.1 with a kernel-chosen port.
Fd Listen(int* port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(::listen(fd.get(), 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

Fd Accept(const Fd& listener, std::chrono::milliseconds timeout) {
  pollfd p{listener.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return Fd();
  return Fd(::accept(listener.get(), nullptr, nullptr));
}

Fd ConnectTo(int port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

void WriteAll(const Fd& fd, std::span<const uint8_t> b) {
  while (!b.empty()) {
    ssize_t n = ::send(fd.get(), b.data(), b.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    b = b.subspan(static_cast<size_t>(n));
  }
}

// Reads frames from a socket through a Framer fed with whatever recv() returns.
class Peer {
 public:
  explicit Peer(Fd fd) : fd_(std::move(fd)) {}
  const Fd& fd() const { return fd_; }

  // The next complete frame (copied), or nullopt on EOF, error or timeout.
  std::optional<Bytes> Next(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto f = framer_.Next();
      if (!f.ok()) {
        ADD_FAILURE() << "framer: " << ErrcName(f.error());
        return std::nullopt;
      }
      if (*f) return Bytes((*f)->bytes.begin(), (*f)->bytes.end());
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) != 1) return std::nullopt;
      ssize_t n = ::recv(fd_.get(), buf_.data(), buf_.size(), 0);
      if (n <= 0) return std::nullopt;
      framer_.Feed(std::span<const uint8_t>(buf_.data(), static_cast<size_t>(n)));
    }
  }

  template <typename P>
  void Send(const P& p, ProtocolVersion v) {
    WriteAll(fd_, EncodeToVector(p, v));
  }

 private:
  Fd fd_;
  Framer framer_;
  std::array<uint8_t, 1024> buf_{};
};

// --- a tiny MQTT server that records what a real client sends ---------------------------------

struct Capture {
  ProtocolVersion version = ProtocolVersion::kV311;
  std::vector<Bytes> frames;  // every frame the client sent, in order
  // Frames of one type.
  std::vector<Bytes> Of(PacketType t) const {
    std::vector<Bytes> out;
    for (const Bytes& f : frames) {
      if (static_cast<PacketType>(f[0] >> 4) == t) out.push_back(f);
    }
    return out;
  }
};

// Accepts one client and answers it until it disconnects. `after_suback` may send more packets.
Capture Serve(const Fd& listener, std::function<void(Peer&, ProtocolVersion)> after_suback = {}) {
  Capture cap;
  Fd fd = Accept(listener, 15s);
  EXPECT_GE(fd.get(), 0) << "client did not connect";
  if (fd.get() < 0) return cap;
  Peer peer(std::move(fd));
  while (auto frame = peer.Next()) {
    cap.frames.push_back(*frame);
    auto decoded = DecodePacket(*frame, cap.version);
    EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : ErrcName(decoded.error())) << ": "
                              << Hex(*frame);
    if (!decoded.ok()) break;
    const Packet& p = *decoded;
    if (auto* c = std::get_if<Connect>(&p)) {
      cap.version = c->version;
      peer.Send(Connack{}, cap.version);
    } else if (auto* pub = std::get_if<Publish>(&p)) {
      if (pub->qos == QoS::kAtLeastOnce) peer.Send(Puback{pub->packet_id}, cap.version);
      if (pub->qos == QoS::kExactlyOnce) peer.Send(Pubrec{pub->packet_id}, cap.version);
    } else if (auto* rel = std::get_if<Pubrel>(&p)) {
      peer.Send(Pubcomp{rel->packet_id}, cap.version);
    } else if (auto* sub = std::get_if<Subscribe>(&p)) {
      std::vector<uint8_t> granted;
      for (Subscription s : sub->subscriptions)
        granted.push_back(static_cast<uint8_t>(s.options.qos));
      peer.Send(Suback{sub->packet_id, {}, granted}, cap.version);
      if (after_suback) after_suback(peer, cap.version);
    } else if (auto* unsub = std::get_if<Unsubscribe>(&p)) {
      std::vector<uint8_t> ok(unsub->filters.size(), 0);
      peer.Send(Unsuback{unsub->packet_id, {}, ok}, cap.version);
    } else if (std::holds_alternative<Pingreq>(p)) {
      peer.Send(Pingresp{}, cap.version);
    } else if (std::holds_alternative<Disconnect>(p)) {
      break;
    }
  }
  return cap;
}

template <typename P>
P Decoded(const Bytes& frame, ProtocolVersion v) {
  return DecodeAs<P>(frame, v);
}

// --- mosquitto_pub / mosquitto_sub -------------------------------------------------------------

TEST(Interop, MosquittoPubV311) {
  int port = 0;
  Fd listener = Listen(&port);
  TempDir dir;
  Process pub({"mosquitto_pub",
               "-h",
               "127.0.0.1",
               "-p",
               std::to_string(port),
               "-V",
               "mqttv311",
               "-i",
               "pub-311",
               "-k",
               "30",
               "-u",
               "alice",
               "-P",
               "s3cret",
               "--will-topic",
               "will/t",
               "--will-payload",
               "gone",
               "--will-qos",
               "1",
               "--will-retain",
               "-q",
               "1",
               "-r",
               "-t",
               "sensors/t1",
               "-m",
               "hello world"},
              dir.File("pub.log"));
  Capture cap = Serve(listener);
  EXPECT_EQ(pub.Wait(10s), 0) << pub.Log();
  ASSERT_EQ(cap.Of(PacketType::kConnect).size(), 1u);
  Connect c = Decoded<Connect>(cap.frames[0], cap.version);
  EXPECT_EQ(c.version, ProtocolVersion::kV311);
  EXPECT_EQ(c.client_id, "pub-311");
  EXPECT_EQ(c.keep_alive, 30);
  EXPECT_EQ(c.user_name, "alice");
  ASSERT_TRUE(c.password);
  EXPECT_EQ(Str(*c.password), "s3cret");
  ASSERT_TRUE(c.will);
  EXPECT_EQ(c.will->topic, "will/t");
  EXPECT_EQ(Str(c.will->payload), "gone");
  EXPECT_EQ(c.will->qos, QoS::kAtLeastOnce);
  EXPECT_TRUE(c.will->retain);
  auto pubs = cap.Of(PacketType::kPublish);
  ASSERT_EQ(pubs.size(), 1u);
  Publish p = Decoded<Publish>(pubs[0], cap.version);
  EXPECT_EQ(p.topic, "sensors/t1");
  EXPECT_EQ(Str(p.payload), "hello world");
  EXPECT_EQ(p.qos, QoS::kAtLeastOnce);
  EXPECT_TRUE(p.retain);
  EXPECT_NE(p.packet_id, 0);
  EXPECT_EQ(cap.Of(PacketType::kDisconnect).size(), 1u);
  for (const Bytes& f : cap.frames) ExpectReencodes(f, cap.version);
}

TEST(Interop, MosquittoPubV5QoS2WithProperties) {
  int port = 0;
  Fd listener = Listen(&port);
  TempDir dir;
  Process pub({"mosquitto_pub",
               "-h",
               "127.0.0.1",
               "-p",
               std::to_string(port),
               "-V",
               "5",
               "-i",
               "pub-5",
               "-q",
               "2",
               "-t",
               "a/b",
               "-m",
               "{\"t\":21.5}",
               "-D",
               "connect",
               "session-expiry-interval",
               "120",
               "-D",
               "connect",
               "receive-maximum",
               "7",
               "-D",
               "connect",
               "user-property",
               "client",
               "cli",
               "-D",
               "publish",
               "user-property",
               "k1",
               "v1",
               "-D",
               "publish",
               "user-property",
               "k2",
               "v2",
               "-D",
               "publish",
               "content-type",
               "application/json",
               "-D",
               "publish",
               "message-expiry-interval",
               "60",
               "-D",
               "publish",
               "response-topic",
               "reply/here",
               "-D",
               "publish",
               "correlation-data",
               "corr-1",
               "-D",
               "publish",
               "payload-format-indicator",
               "1"},
              dir.File("pub.log"));
  Capture cap = Serve(listener);
  EXPECT_EQ(pub.Wait(10s), 0) << pub.Log();
  ASSERT_FALSE(cap.frames.empty());
  EXPECT_EQ(cap.version, ProtocolVersion::kV5);
  Connect c = Decoded<Connect>(cap.frames[0], cap.version);
  EXPECT_EQ(c.client_id, "pub-5");
  EXPECT_EQ(c.properties.GetInteger(PropertyId::kSessionExpiryInterval), 120u);
  EXPECT_EQ(c.properties.GetInteger(PropertyId::kReceiveMaximum), 7u);
  auto pubs = cap.Of(PacketType::kPublish);
  ASSERT_EQ(pubs.size(), 1u);
  Publish p = Decoded<Publish>(pubs[0], cap.version);
  EXPECT_EQ(p.topic, "a/b");
  EXPECT_EQ(p.qos, QoS::kExactlyOnce);
  EXPECT_EQ(Str(p.payload), "{\"t\":21.5}");
  EXPECT_EQ(p.properties.GetString(PropertyId::kContentType), "application/json");
  EXPECT_EQ(p.properties.GetInteger(PropertyId::kMessageExpiryInterval), 60u);
  EXPECT_EQ(p.properties.GetString(PropertyId::kResponseTopic), "reply/here");
  ASSERT_TRUE(p.properties.GetBinary(PropertyId::kCorrelationData));
  EXPECT_EQ(Str(*p.properties.GetBinary(PropertyId::kCorrelationData)), "corr-1");
  EXPECT_EQ(p.properties.GetInteger(PropertyId::kPayloadFormatIndicator), 1u);
  std::vector<std::pair<std::string_view, std::string_view>> ups;
  for (UserProperty up : p.properties.user_properties()) ups.emplace_back(up.key, up.value);
  EXPECT_EQ(ups, (std::vector<std::pair<std::string_view, std::string_view>>{{"k1", "v1"},
                                                                             {"k2", "v2"}}));
  // QoS 2 flow: the client released the message after our PUBREC.
  EXPECT_EQ(cap.Of(PacketType::kPubrel).size(), 1u);
  for (const Bytes& f : cap.frames) ExpectReencodes(f, cap.version);
}

// mosquitto_sub subscribes; we answer SUBACK and send it a PUBLISH that it must print.
void SubscriberReceivesOurPublish(ProtocolVersion v) {
  const bool v5 = v == ProtocolVersion::kV5;
  int port = 0;
  Fd listener = Listen(&port);
  TempDir dir;
  std::vector<std::string> args = {"mosquitto_sub",
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port),
                                   "-V",
                                   v5 ? "5" : "mqttv311",
                                   "-i",
                                   "sub-check",
                                   "-q",
                                   "1",
                                   "-C",
                                   "1",
                                   "-t",
                                   "a/+",
                                   "-t",
                                   "$share/g/x/#",
                                   "-F",
                                   v5 ? "%t %p %P" : "%t %p"};
  if (v5) {
    args.insert(args.end(),
                {"--retain-as-published", "-D", "subscribe", "subscription-identifier", "9"});
  }
  Process sub(args, dir.File("sub.log"));
  std::array<uint8_t, 64> storage;
  Capture cap = Serve(listener, [&](Peer& peer, ProtocolVersion ver) {
    PropertyWriter w(storage);
    w.AddUserProperty("origin", "mqb").AddInteger(PropertyId::kSubscriptionIdentifier, 9);
    Publish p;
    p.topic = "a/b";
    p.qos = QoS::kAtLeastOnce;
    p.packet_id = 1;
    p.payload = Span("from-mqb");
    p.properties = *w.Finish(PropertyContext::kPublish);
    peer.Send(p, ver);
  });
  ASSERT_EQ(sub.Wait(10s), 0) << sub.Log();
  EXPECT_EQ(sub.Log(), v5 ? "a/b from-mqb origin:mqb\n" : "a/b from-mqb\n");
  auto subs = cap.Of(PacketType::kSubscribe);
  ASSERT_EQ(subs.size(), 1u);
  Subscribe s = Decoded<Subscribe>(subs[0], cap.version);
  std::vector<std::string_view> filters;
  for (Subscription x : s.subscriptions) {
    filters.push_back(x.filter);
    EXPECT_EQ(x.options.qos, QoS::kAtLeastOnce);
    EXPECT_EQ(x.options.retain_as_published, v5);
  }
  EXPECT_EQ(filters, (std::vector<std::string_view>{"a/+", "$share/g/x/#"}));
  if (v5) {
    EXPECT_EQ(s.properties.GetInteger(PropertyId::kSubscriptionIdentifier), 9u);
  }
  // The PUBACK for our PUBLISH came back.
  ASSERT_EQ(cap.Of(PacketType::kPuback).size(), 1u);
  EXPECT_EQ(Decoded<Puback>(cap.Of(PacketType::kPuback)[0], cap.version).packet_id, 1);
  for (const Bytes& f : cap.frames) ExpectReencodes(f, cap.version);
}

TEST(Interop, MosquittoSubV311) { SubscriberReceivesOurPublish(ProtocolVersion::kV311); }
TEST(Interop, MosquittoSubV5) { SubscriberReceivesOurPublish(ProtocolVersion::kV5); }

// --- paho-mqtt (the Debian python3-paho-mqtt 1.6.1) ---------------------------------------------

constexpr const char* kPahoScript = R"PY(
import sys, threading
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.subscribeoptions import SubscribeOptions

port, version = int(sys.argv[1]), sys.argv[2]
v5 = version == "5"
proto = mqtt.MQTTv5 if v5 else mqtt.MQTTv311
c = mqtt.Client(client_id="paho-" + version, protocol=proto)
c.username_pw_set("bob", "pw")
c.will_set("paho/will", b"bye", qos=2, retain=False)
done = {k: threading.Event() for k in ("conn", "sub", "pub", "unsub")}
c.on_connect = lambda *a: done["conn"].set()
c.on_subscribe = lambda *a: done["sub"].set()
c.on_publish = lambda *a: done["pub"].set()
c.on_unsubscribe = lambda *a: done["unsub"].set()
if v5:
    cp = Properties(PacketTypes.CONNECT)
    cp.SessionExpiryInterval = 30
    cp.TopicAliasMaximum = 10
    c.connect("127.0.0.1", port, keepalive=15, clean_start=True, properties=cp)
else:
    c.connect("127.0.0.1", port, keepalive=15)
c.loop_start()
def wait(k):
    if not done[k].wait(10):
        print("timeout waiting for", k); sys.exit(2)
wait("conn")
if v5:
    c.subscribe([("p/+/t", SubscribeOptions(qos=1, noLocal=True, retainAsPublished=True,
                                            retainHandling=2)),
                 ("p/#", SubscribeOptions(qos=2))])
else:
    c.subscribe([("p/+/t", 1), ("p/#", 2)])
wait("sub")
if v5:
    pp = Properties(PacketTypes.PUBLISH)
    pp.UserProperty = [("a", "1"), ("b", "2")]
    pp.MessageExpiryInterval = 99
    c.publish("p/x/t", b"\x00\x01binary", qos=1, properties=pp)
else:
    c.publish("p/x/t", b"\x00\x01binary", qos=1)
wait("pub")
c.unsubscribe(["p/+/t", "p/#"])
wait("unsub")
c.disconnect()
c.loop_stop()
)PY";

void PahoSession(const std::string& version) {
  int port = 0;
  Fd listener = Listen(&port);
  TempDir dir;
  mqb::testing::WriteFile(dir.File("client.py"), kPahoScript);
  Process paho({mqb::testing::SystemPython(), dir.File("client.py"), std::to_string(port), version},
               dir.File("paho.log"));
  Capture cap = Serve(listener);
  ASSERT_EQ(paho.Wait(15s), 0) << paho.Log();
  const bool v5 = version == "5";
  EXPECT_EQ(cap.version, v5 ? ProtocolVersion::kV5 : ProtocolVersion::kV311);
  Connect c = Decoded<Connect>(cap.frames.at(0), cap.version);
  EXPECT_EQ(c.client_id, "paho-" + version);
  EXPECT_EQ(c.keep_alive, 15);
  EXPECT_EQ(c.user_name, "bob");
  ASSERT_TRUE(c.will);
  EXPECT_EQ(c.will->qos, QoS::kExactlyOnce);
  EXPECT_EQ(c.will->topic, "paho/will");
  if (v5) {
    EXPECT_EQ(c.properties.GetInteger(PropertyId::kSessionExpiryInterval), 30u);
    EXPECT_EQ(c.properties.GetInteger(PropertyId::kTopicAliasMaximum), 10u);
  }
  auto subs = cap.Of(PacketType::kSubscribe);
  ASSERT_EQ(subs.size(), 1u);
  Subscribe s = Decoded<Subscribe>(subs[0], cap.version);
  std::vector<Subscription> items(s.subscriptions.begin(), s.subscriptions.end());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].filter, "p/+/t");
  EXPECT_EQ(items[0].options.qos, QoS::kAtLeastOnce);
  EXPECT_EQ(items[0].options.no_local, v5);
  EXPECT_EQ(items[0].options.retain_as_published, v5);
  EXPECT_EQ(items[0].options.retain_handling, v5 ? 2 : 0);
  EXPECT_EQ(items[1].filter, "p/#");
  EXPECT_EQ(items[1].options.qos, QoS::kExactlyOnce);
  auto pubs = cap.Of(PacketType::kPublish);
  ASSERT_EQ(pubs.size(), 1u);
  Publish p = Decoded<Publish>(pubs[0], cap.version);
  EXPECT_EQ(p.topic, "p/x/t");
  EXPECT_EQ(p.payload.size(), 8u);
  EXPECT_TRUE(TopicMatches(items[0].filter, p.topic));
  if (v5) {
    EXPECT_EQ(p.properties.GetInteger(PropertyId::kMessageExpiryInterval), 99u);
    std::vector<std::string_view> keys;
    for (UserProperty up : p.properties.user_properties()) keys.push_back(up.key);
    EXPECT_EQ(keys, (std::vector<std::string_view>{"a", "b"}));
  }
  auto unsubs = cap.Of(PacketType::kUnsubscribe);
  ASSERT_EQ(unsubs.size(), 1u);
  EXPECT_EQ(Decoded<Unsubscribe>(unsubs[0], cap.version).filters.size(), 2u);
  EXPECT_EQ(cap.Of(PacketType::kDisconnect).size(), 1u);
  for (const Bytes& f : cap.frames) ExpectReencodes(f, cap.version);
}

TEST(Interop, PahoV311) { PahoSession("4"); }
TEST(Interop, PahoV5) { PahoSession("5"); }

// --- our packets to a real mosquitto broker --------------------------------------------------

// Connects to the broker with our CONNECT and checks its CONNACK (decoded by us).
std::unique_ptr<Peer> ConnectToBroker(int port, ProtocolVersion v, std::string_view client_id) {
  auto peer = std::make_unique<Peer>(ConnectTo(port));
  Connect c;
  c.version = v;
  c.client_id = client_id;
  c.keep_alive = 30;
  std::array<uint8_t, 16> ps;
  if (v == ProtocolVersion::kV5) {
    PropertyWriter w(ps);
    w.AddInteger(PropertyId::kSessionExpiryInterval, 0).AddInteger(PropertyId::kReceiveMaximum, 20);
    c.properties = *w.Finish(PropertyContext::kConnect);
  }
  peer->Send(c, v);
  auto f = peer->Next();
  EXPECT_TRUE(f) << "no CONNACK";
  if (f) {
    Connack ack = DecodeAs<Connack>(*f, v);
    EXPECT_TRUE(ack.accepted()) << int(ack.reason_code);
  }
  return peer;
}

// Starts a mosquitto_sub that prints one message. The test publishes with RETAIN set, so the
// subscriber gets the message whether its SUBSCRIBE reaches the broker before or after ours
// (no race, no sleeping).
std::unique_ptr<Process> StartSubscriber(mqb::testing::Mosquitto& broker, const TempDir& dir,
                                         const std::string& version, const std::string& topic,
                                         const std::string& id) {
  return std::make_unique<Process>(
      std::vector<std::string>{"mosquitto_sub", "-h", "127.0.0.1", "-p",
                               std::to_string(broker.port()), "-V", version, "-i", id, "-q", "1",
                               "-C", "1", "-t", topic, "-F", version == "5" ? "%t %p %P" : "%t %p"},
      dir.File(id + ".log"));
}

TEST(Interop, MosquittoBrokerAcceptsOurV5Packets) {
  mqb::testing::Mosquitto broker;
  TempDir dir;
  auto printer = StartSubscriber(broker, dir, "5", "mqb/#", "printer");
  auto peer_ptr = ConnectToBroker(broker.port(), ProtocolVersion::kV5, "mqb-v5");
  Peer& peer = *peer_ptr;

  // Our SUBSCRIBE, then our PUBLISH comes back to us through the broker.
  const std::array<Subscription, 1> subs = {
      Subscription{"mqb/+", {QoS::kAtLeastOnce, false, true, 0}}};
  peer.Send(Subscribe{1, {}, subs}, ProtocolVersion::kV5);
  auto suback = peer.Next();
  ASSERT_TRUE(suback);
  Suback sa = DecodeAs<Suback>(*suback, ProtocolVersion::kV5);
  ASSERT_EQ(sa.reason_codes.size(), 1u);
  EXPECT_EQ(sa.reason_codes[0], 0x01);

  std::array<uint8_t, 128> ps;
  PropertyWriter w(ps);
  w.AddUserProperty("k", "v")
      .AddString(PropertyId::kContentType, "text/plain")
      .AddInteger(PropertyId::kMessageExpiryInterval, 300)
      .AddInteger(PropertyId::kPayloadFormatIndicator, 1);
  Publish pub;
  pub.topic = "mqb/x";
  pub.retain = true;
  pub.qos = QoS::kAtLeastOnce;
  pub.packet_id = 2;
  pub.payload = Span("hello broker");
  pub.properties = *w.Finish(PropertyContext::kPublish);
  // Sent as an iovec-style pair: head then payload.
  std::array<uint8_t, 64> head;
  auto parts = EncodeParts(pub, ProtocolVersion::kV5, head);
  ASSERT_TRUE(parts.ok());
  WriteAll(peer.fd(), parts->head);
  WriteAll(peer.fd(), parts->payload);

  // The broker answers PUBACK and delivers our message back to us (in either order).
  bool got_ack = false;
  std::optional<Bytes> delivered;
  for (int i = 0; i < 2; ++i) {
    auto f = peer.Next();
    ASSERT_TRUE(f);
    auto d = DecodePacket(*f, ProtocolVersion::kV5);
    ASSERT_TRUE(d.ok()) << ErrcName(d.error()) << " " << Hex(*f);
    if (auto* ack = std::get_if<Puback>(&*d)) {
      EXPECT_EQ(ack->packet_id, 2);
      EXPECT_EQ(ack->reason_code, ReasonCode::kSuccess);
      got_ack = true;
    } else {
      ASSERT_TRUE(std::holds_alternative<Publish>(*d));
      delivered = *f;
    }
  }
  EXPECT_TRUE(got_ack);
  ASSERT_TRUE(delivered);
  Publish back = DecodeAs<Publish>(*delivered, ProtocolVersion::kV5);
  EXPECT_EQ(back.topic, "mqb/x");
  EXPECT_EQ(Str(back.payload), "hello broker");
  EXPECT_EQ(back.properties.GetString(PropertyId::kContentType), "text/plain");
  EXPECT_EQ(back.properties.GetInteger(PropertyId::kPayloadFormatIndicator), 1u);
  auto up = back.properties.user_properties().begin();
  EXPECT_EQ((*up).key, "k");
  peer.Send(Puback{back.packet_id}, ProtocolVersion::kV5);

  peer.Send(Pingreq{}, ProtocolVersion::kV5);
  auto pong = peer.Next();
  ASSERT_TRUE(pong);
  DecodeAs<Pingresp>(*pong, ProtocolVersion::kV5);
  const std::array<std::string_view, 1> filters = {"mqb/+"};
  peer.Send(Unsubscribe{3, {}, filters}, ProtocolVersion::kV5);
  auto unsuback = peer.Next();
  ASSERT_TRUE(unsuback);
  EXPECT_EQ(DecodeAs<Unsuback>(*unsuback, ProtocolVersion::kV5).reason_codes.size(), 1u);
  peer.Send(Disconnect{}, ProtocolVersion::kV5);

  ASSERT_EQ(printer->Wait(10s), 0) << printer->Log();
  EXPECT_EQ(printer->Log(), "mqb/x hello broker k:v\n");
}

TEST(Interop, MosquittoBrokerAcceptsOurV31AndV311Packets) {
  mqb::testing::Mosquitto broker;
  TempDir dir;
  for (auto v : {ProtocolVersion::kV31, ProtocolVersion::kV311}) {
    const std::string tag = v == ProtocolVersion::kV31 ? "v31" : "v311";
    auto printer = StartSubscriber(broker, dir, "mqttv311", "old/" + tag, "printer-" + tag);
    auto peer_ptr = ConnectToBroker(broker.port(), v, "mqb-" + tag);
    Peer& peer = *peer_ptr;
    const std::string topic = "old/" + tag;
    const std::string payload = "qos2 from " + tag;
    Publish pub;
    pub.topic = topic;
    pub.qos = QoS::kExactlyOnce;
    pub.retain = true;
    pub.packet_id = 77;
    pub.payload = Span(payload);
    peer.Send(pub, v);
    auto rec = peer.Next();
    ASSERT_TRUE(rec);
    EXPECT_EQ(DecodeAs<Pubrec>(*rec, v).packet_id, 77);
    peer.Send(Pubrel{77}, v);
    auto comp = peer.Next();
    ASSERT_TRUE(comp);
    EXPECT_EQ(DecodeAs<Pubcomp>(*comp, v).packet_id, 77);
    peer.Send(Disconnect{}, v);
    ASSERT_EQ(printer->Wait(10s), 0) << printer->Log();
    EXPECT_EQ(printer->Log(), std::string(pub.topic) + " " + std::string(Str(pub.payload)) + "\n");
  }
}

}  // namespace
}  // namespace mqb::codec::test
