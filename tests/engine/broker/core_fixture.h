// Fixture for the sans-I/O BrokerCore tests: a core, a fake clock and packet builders.
#pragma once

#include <array>
#include <memory>

#include "engine/broker/broker_core.h"
#include "gtest/gtest.h"
#include "tests/engine/broker/core_harness.h"

namespace mqb::engine::broker::testing {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

class BrokerCoreTest : public ::testing::Test {
 protected:
  explicit BrokerCoreTest(BrokerOptions options = {}) : core_(std::move(options)) {}
  std::unique_ptr<TestClient> NewClient(ProtocolVersion v) {
    return std::make_unique<TestClient>(core_, &now_, v);
  }
  void Advance(std::chrono::milliseconds d) {
    now_ += d;
    core_.Tick(now_);
  }
  static codec::Publish Pub(std::string_view topic, std::string_view payload,
                            QoS qos = QoS::kAtMostOnce, uint16_t id = 0, bool retain = false) {
    codec::Publish p;
    p.topic = topic;
    p.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    p.qos = qos;
    p.packet_id = id;
    p.retain = retain;
    return p;
  }
  static codec::Subscribe Sub(uint16_t id, std::string_view filter, QoS qos = QoS::kAtMostOnce,
                              codec::SubscriptionOptions extra = {}) {
    static thread_local std::vector<codec::Subscription> items;
    items.assign(1, codec::Subscription{filter, extra});
    items[0].options.qos = qos;
    codec::Subscribe s;
    s.packet_id = id;
    s.subscriptions = std::span<const codec::Subscription>(items);
    return s;
  }
  template <size_t N>
  static codec::Properties Props(std::array<uint8_t, N>& buf,
                                 std::initializer_list<std::pair<PropertyId, uint32_t>> ints,
                                 codec::PropertyContext ctx) {
    codec::PropertyWriter w(buf);
    for (auto [id, v] : ints) w.AddInteger(id, v);
    auto r = w.Finish(ctx);
    EXPECT_TRUE(r.ok());
    return r.value();
  }
  // Connect + subscribe; returns the client with SUBACK consumed.
  std::unique_ptr<TestClient> Subscriber(ProtocolVersion v, std::string_view id,
                                         std::string_view filter, QoS qos = QoS::kAtMostOnce,
                                         bool clean = true) {
    auto c = NewClient(v);
    auto ack = c->Connect(id, clean);
    EXPECT_TRUE(ack && ack->As<codec::Connack>() && ack->As<codec::Connack>()->accepted());
    c->Send(Sub(1, filter, qos));
    auto suback = c->Next();
    EXPECT_TRUE(suback && suback->As<codec::Suback>());
    return c;
  }

  TimePoint now_ = TimePoint() + std::chrono::hours(1);
  BrokerCore core_;
};

}  // namespace mqb::engine::broker::testing
