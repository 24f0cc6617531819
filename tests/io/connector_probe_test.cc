// ProbeConnector against real mosquitto brokers and real failures: available, TCP refused, DNS
// failure, bad credentials, not authorized, TLS unknown CA, mutual TLS, a hung broker (timeout).
#include "io/connector_probe.h"

#include "gtest/gtest.h"
#include "tests/support/mosquitto.h"
#include "tests/support/tls_material.h"

namespace mqb::io {
namespace {

using mqb::testing::Mosquitto;
using mqb::testing::MosquittoOptions;

MqttClientOptions To(int port) {
  MqttClientOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<uint16_t>(port);
  return o;
}

TEST(ConnectorProbeTest, AvailableWithEachVersion) {
  Mosquitto broker;
  for (auto v :
       {codec::ProtocolVersion::kV31, codec::ProtocolVersion::kV311, codec::ProtocolVersion::kV5}) {
    auto o = To(broker.port());
    o.version = v;
    ProbeResult r = ProbeConnector(o, std::chrono::seconds(5));
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.message, "connector available");
  }
}

TEST(ConnectorProbeTest, TcpRefused) {
  const int port = mqb::testing::FreePort();
  ProbeResult r = ProbeConnector(To(port), std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, IoErrc::kSocket);
  EXPECT_EQ(r.message,
            "TCP connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused");
}

TEST(ConnectorProbeTest, DnsFailure) {
  auto o = To(1883);
  o.host = "no-such-host.invalid";
  ProbeResult r = ProbeConnector(o, std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, IoErrc::kDns);
  EXPECT_EQ(r.message.rfind("DNS failure: cannot resolve 'no-such-host.invalid'", 0), 0u)
      << r.message;
}

TEST(ConnectorProbeTest, CredentialsAndAuthorization) {
  MosquittoOptions mo;
  mo.users = {{"alice", "secret"}};
  Mosquitto broker(mo);
  auto o = To(broker.port());
  o.username = "alice";
  o.password = "secret";
  EXPECT_TRUE(ProbeConnector(o, std::chrono::seconds(5)).ok);
  o.password = "nope";
  ProbeResult r = ProbeConnector(o, std::chrono::seconds(5));
  EXPECT_EQ(r.code, IoErrc::kRefused);
  EXPECT_EQ(r.message, "CONNACK: not authorized");  // mosquitto 2.0's answer to a bad password
}

TEST(ConnectorProbeTest, HungBrokerTimesOut) {
  Mosquitto broker;
  broker.Pause();  // the kernel still completes the TCP handshake; nothing answers CONNECT
  const auto start = std::chrono::steady_clock::now();
  ProbeResult r = ProbeConnector(To(broker.port()), std::chrono::milliseconds(700));
  const auto took = std::chrono::steady_clock::now() - start;
  broker.Resume();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, IoErrc::kTimeout);
  EXPECT_EQ(r.message, "timed out after 700 ms waiting for CONNACK from " + broker.address());
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(ConnectorProbeTest, TlsVerifyAndMutualTls) {
  mqb::testing::TempDir dir;
  auto tls = mqb::testing::GenerateTlsMaterial(dir);
  MosquittoOptions mo;
  mo.cafile = tls.ca_cert;
  mo.certfile = tls.server_cert;
  mo.keyfile = tls.server_key;
  mo.require_certificate = true;
  Mosquitto broker(mo);
  auto o = To(broker.port());
  o.host = "localhost";
  o.tls_enable = true;
  o.tls.verify_peer = true;
  o.tls.ca_file = tls.other_ca_cert;
  ProbeResult r = ProbeConnector(o, std::chrono::seconds(5));
  EXPECT_EQ(r.code, IoErrc::kTls);
  EXPECT_EQ(r.message, "certificate verify failed: unknown CA");
  o.tls.ca_file = tls.ca_cert;
  r = ProbeConnector(o, std::chrono::seconds(5));  // no client certificate
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, IoErrc::kTls) << r.message;
  // TLS 1.3 (negotiated with mosquitto): the broker's alert arrives after our Finished.
  EXPECT_EQ(r.message, "handshake failed: peer alert: certificate required");
  o.tls.cert_file = tls.client_cert;
  o.tls.key_file = tls.client_key;
  r = ProbeConnector(o, std::chrono::seconds(5));
  EXPECT_TRUE(r.ok) << r.message;
  o.tls.sni = "wrong.example.com";
  r = ProbeConnector(o, std::chrono::seconds(5));
  EXPECT_EQ(r.message, "certificate verify failed: hostname mismatch");
}

}  // namespace
}  // namespace mqb::io
