// Randomised robustness test of BrokerCore (runs under ASan/UBSan in the Debug build): clients
// send mutated valid packets, random bytes, and drop/reconnect at random while time advances.
// The core must never crash, and every client it closes must be one that misbehaved or timed out.
#include <random>

#include "engine/broker/broker_core.h"
#include "gtest/gtest.h"
#include "tests/engine/broker/core_harness.h"

namespace mqb::engine::broker {
namespace {

using testing::Bytes;
using testing::TestClient;

std::vector<std::vector<uint8_t>> Templates(bool v5) {
  std::vector<std::vector<uint8_t>> t;
  if (v5) {
    t.push_back(Bytes({0x82, 0x09, 0x00, 0x01, 0x02, 0x0b, 0x05, 0x00, 0x01, '#',
                       0x2e}));  // SUB id 5, RAP+NL+QoS2
    t.push_back(Bytes(
        {0x82, 0x0e, 0x00, 0x02, 0x00, 0x00, 0x09, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/'}));
    t.push_back(Bytes(
        {0x34, 0x0a, 0x00, 0x01, 'a', 0x00, 0x07, 0x05, 0x23, 0x00, 0x01, 'x'}));  // QoS2 alias 1
    t.push_back(Bytes({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'y'}));     // alias only
    t.push_back(Bytes({0x33, 0x0c, 0x00, 0x01, 'b', 0x00, 0x08, 0x05, 0x02, 0x00, 0x00, 0x00, 0x01,
                       'z'}));  // expiry, retain
    t.push_back(Bytes({0x62, 0x02, 0x00, 0x07}));
    t.push_back(Bytes({0x50, 0x03, 0x00, 0x01, 0x80}));
    t.push_back(Bytes({0xe0, 0x05, 0x04, 0x03, 0x11, 0x00, 0x00}));
  } else {
    t.push_back(Bytes({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, '#', 0x02}));
    t.push_back(Bytes({0x82, 0x08, 0x00, 0x02, 0x00, 0x03, 'a', '/', '+', 0x01}));
    t.push_back(Bytes({0x34, 0x06, 0x00, 0x01, 'a', 0x00, 0x07, 'x'}));
    t.push_back(Bytes({0x31, 0x04, 0x00, 0x01, 'b', 'r'}));
    t.push_back(Bytes({0x62, 0x02, 0x00, 0x07}));
    t.push_back(Bytes({0xa2, 0x05, 0x00, 0x03, 0x00, 0x01, '#'}));
  }
  t.push_back(Bytes({0x40, 0x02, 0x00, 0x01}));
  t.push_back(Bytes({0x50, 0x02, 0x00, 0x02}));
  t.push_back(Bytes({0x70, 0x02, 0x00, 0x02}));
  t.push_back(Bytes({0xc0, 0x00}));
  return t;
}

std::vector<uint8_t> ConnectBytes(bool v5, const std::string& id, bool will) {
  std::vector<uint8_t> body = {0x00,
                               0x04,
                               'M',
                               'Q',
                               'T',
                               'T',
                               static_cast<uint8_t>(v5 ? 5 : 4),
                               static_cast<uint8_t>(will ? 0x2c : 0x00),
                               0x00,
                               0x05};
  if (v5) {
    body.insert(body.end(), {0x05, 0x11, 0x00, 0x00, 0x00, 0x0a});  // session expiry 10 s
  }
  body.push_back(0);
  body.push_back(static_cast<uint8_t>(id.size()));
  body.insert(body.end(), id.begin(), id.end());
  if (will) {
    if (v5) body.insert(body.end(), {0x05, 0x18, 0x00, 0x00, 0x00, 0x02});  // will delay 2 s
    body.insert(body.end(), {0x00, 0x01, 'w', 0x00, 0x01, '!'});
  }
  std::vector<uint8_t> out = {0x10, static_cast<uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

TEST(BrokerCoreRandomTest, MutatedTrafficNeverCrashes) {
  std::mt19937 rng(12345);
  BrokerOptions o;
  o.max_queued_messages = 20;
  o.max_inflight = 4;
  o.max_packet_size = 512;
  BrokerCore core(o);
  TimePoint now = TimePoint() + std::chrono::hours(1);
  const auto t5 = Templates(true), t3 = Templates(false);
  constexpr int kSlots = 6;
  std::unique_ptr<TestClient> clients[kSlots];
  bool v5[kSlots] = {};
  for (int step = 0; step < 60'000; ++step) {
    int slot = static_cast<int>(rng() % kSlots);
    auto& c = clients[slot];
    if (!c || c->closed() || rng() % 50 == 0) {
      c.reset();
      v5[slot] = rng() % 2 == 0;
      c = std::make_unique<TestClient>(
          core, &now, v5[slot] ? codec::ProtocolVersion::kV5 : codec::ProtocolVersion::kV311);
      auto connect = ConnectBytes(v5[slot], "c" + std::to_string(rng() % 4), rng() % 2 == 0);
      if (rng() % 4 == 0)
        connect[rng() % connect.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      c->SendRaw(connect);
      continue;
    }
    const auto& templates = v5[slot] ? t5 : t3;
    std::vector<uint8_t> bytes = templates[rng() % templates.size()];
    switch (rng() % 8) {
      case 0:  // flip a bit
        bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // truncate (the rest may come with the next packet)
        bytes.resize(rng() % bytes.size());
        break;
      case 2:  // random bytes
        for (auto& b : bytes) b = static_cast<uint8_t>(rng());
        break;
      case 3:  // append another packet
        bytes.insert(bytes.end(), templates[0].begin(), templates[0].end());
        break;
      default:
        break;
    }
    c->SendRaw(bytes);
    c->transport().out.clear();  // the harness does not decode here
    c->transport().blocked = rng() % 16 == 0;
    if (rng() % 100 == 0) {
      now += std::chrono::milliseconds(rng() % 5000);
      core.Tick(now);
    }
    if (rng() % 200 == 0) core.OnWritable(c->client(), now);
  }
  now += std::chrono::hours(1);
  core.Tick(now);
  for (auto& c : clients) c.reset();
  core.Tick(now + std::chrono::hours(3));
  EXPECT_EQ(core.client_count(), 0u);
  EXPECT_EQ(core.session_count(), 0u);  // every session expired (all capped at 10 s or less)
  EXPECT_GT(core.counters().protocol_errors, 0u);
  EXPECT_GT(core.counters().publishes_sent, 0u);
}

}  // namespace
}  // namespace mqb::engine::broker
