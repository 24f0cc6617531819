// What broker events cost the embedded broker's fan-out (BrokerCore, no sockets): one QoS 0
// PUBLISH from one client routed to 16 subscribers, per iteration.
//   BM_FanoutEvents/0   no hook at all
//   BM_FanoutEvents/1   a hook, no rule reads an event (the usual case: must cost nothing)
//   BM_FanoutEvents/2   a rule reads $events/message_delivered (16 events per publish; the
//                       hook here only counts them, so this is the broker's share of the cost)
// items = publishes.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "codec/encoder.h"
#include "engine/broker/broker_core.h"

namespace mqb::engine::broker {
namespace {

class NullTransport : public Transport {
 public:
  bool Write(std::span<const iovec>) override { return true; }
  void Close() override {}
};

class CountingHook : public PublishHook {
 public:
  bool WantsTopic(std::string_view) override { return false; }
  void OnPublish(const InboundMessage&) override {}
  void OnEvent(const BrokerEvent& e) override { events += e.message != nullptr; }
  uint64_t events = 0;
};

std::vector<uint8_t> Encoded(const codec::Packet& p) {
  std::vector<uint8_t> buf(codec::EncodedSize(p, codec::ProtocolVersion::kV311).value());
  (void)codec::Encode(p, codec::ProtocolVersion::kV311, buf);
  return buf;
}

Client* Connect(BrokerCore& core, NullTransport& t, std::string_view id, TimePoint now) {
  Client* c = core.Accept(&t, "127.0.0.1:1", now);
  codec::Connect k;
  k.client_id = id;
  const auto bytes = Encoded(k);
  core.OnData(c, bytes, now);
  return c;
}

void BM_FanoutEvents(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  BrokerCore core{BrokerOptions{}};
  CountingHook hook;
  if (mode >= 1) core.set_publish_hook(&hook);
  if (mode == 2) {
    hook.set_wanted_events(1u << static_cast<unsigned>(rules::BrokerEventType::kMessageDelivered));
  }
  const TimePoint now = Clock::now();
  std::vector<std::unique_ptr<NullTransport>> transports;
  for (int i = 0; i < 16; ++i) {
    transports.push_back(std::make_unique<NullTransport>());
    Client* c = Connect(core, *transports.back(), "s" + std::to_string(i), now);
    const codec::Subscription items[] = {{"sensors/+/temp", {}}};
    codec::Subscribe s;
    s.packet_id = 1;
    s.subscriptions = std::span<const codec::Subscription>(items);
    const auto bytes = Encoded(s);
    core.OnData(c, bytes, now);
  }
  transports.push_back(std::make_unique<NullTransport>());
  Client* pub = Connect(core, *transports.back(), "pub", now);
  const std::string payload(64, 'x');
  codec::Publish p;
  p.topic = "sensors/1/temp";
  p.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
  const auto frame = Encoded(p);
  for (auto _ : state) core.OnData(pub, frame, now);
  state.SetItemsProcessed(state.iterations());
  state.counters["events"] =
      benchmark::Counter(static_cast<double>(hook.events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FanoutEvents)->Arg(0)->Arg(1)->Arg(2)->ArgName("mode");

}  // namespace
}  // namespace mqb::engine::broker
