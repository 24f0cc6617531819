// Codec micro-benchmarks. Reported as packets/s (items_per_second) and bytes/s
// (bytes_per_second) through Google Benchmark's rate counters.
//
//   build/release/bench/codec_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
//
// Decode = fixed-header parse + full validation of one PUBLISH frame (UTF-8 topic, flags,
// packet id, v5 properties). Encode = size computation + write into a caller buffer.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/framer.h"

namespace {

using namespace mqb::codec;

constexpr std::string_view kTopic = "sensors/building-7/floor-3/room-12/temperature";

struct PublishFixture {
  std::vector<uint8_t> payload;
  std::array<uint8_t, 64> props_storage{};
  Publish publish;
  std::vector<uint8_t> frame;

  // `props`: a 5.0 PUBLISH carries Message Expiry Interval, Payload Format Indicator and one
  // User Property (a typical bridged message).
  PublishFixture(ProtocolVersion v, size_t payload_size, bool props) : payload(payload_size, 'x') {
    publish.topic = kTopic;
    publish.qos = QoS::kAtLeastOnce;
    publish.packet_id = 42;
    publish.payload = payload;
    if (v == ProtocolVersion::kV5 && props) {
      PropertyWriter w(props_storage);
      w.AddInteger(PropertyId::kMessageExpiryInterval, 3600)
          .AddInteger(PropertyId::kPayloadFormatIndicator, 1)
          .AddUserProperty("site", "north");
      publish.properties = *w.Finish(PropertyContext::kPublish);
    }
    frame.resize(*EncodedSize(publish, v));
    (void)Encode(publish, v, frame);
  }
};

void SetRates(benchmark::State& state, size_t bytes_per_item) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_item));
}

void BM_DecodePublish(benchmark::State& state) {
  const auto v = static_cast<ProtocolVersion>(state.range(0));
  PublishFixture fx(v, static_cast<size_t>(state.range(1)), state.range(2) != 0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fx.frame.data());
    auto f = NextFrame(fx.frame);
    auto p = DecodePublish(**f, v);
    benchmark::DoNotOptimize(p);
    if (!p.ok()) state.SkipWithError("decode failed");
  }
  SetRates(state, fx.frame.size());
}

void BM_EncodePublish(benchmark::State& state) {
  const auto v = static_cast<ProtocolVersion>(state.range(0));
  PublishFixture fx(v, static_cast<size_t>(state.range(1)), state.range(2) != 0);
  std::vector<uint8_t> out(fx.frame.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(fx.publish);
    auto n = Encode(fx.publish, v, out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  SetRates(state, fx.frame.size());
}

// Head only (fixed + variable header); the payload would go out by iovec without a copy.
void BM_EncodePublishHead(benchmark::State& state) {
  const auto v = static_cast<ProtocolVersion>(state.range(0));
  PublishFixture fx(v, static_cast<size_t>(state.range(1)), state.range(2) != 0);
  std::array<uint8_t, 256> head;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fx.publish);
    auto parts = EncodeParts(fx.publish, v, head);
    benchmark::DoNotOptimize(parts);
    benchmark::ClobberMemory();
  }
  SetRates(state, fx.frame.size());
}

void PublishArgs(benchmark::internal::Benchmark* b) {
  for (int size : {16, 64, 256, 1024}) b->Args({4, size, 0});
  for (int size : {16, 64, 256, 1024}) b->Args({5, size, 0});
  for (int size : {16, 64, 256, 1024}) b->Args({5, size, 1});
  b->ArgNames({"ver", "payload", "props"});
}

BENCHMARK(BM_DecodePublish)->Apply(PublishArgs);
BENCHMARK(BM_EncodePublish)->Apply(PublishArgs);
BENCHMARK(BM_EncodePublishHead)->Apply(PublishArgs);

// A receive buffer holding a mix of packets, as a broker sees it: mostly PUBLISH (QoS 0/1,
// payloads 16..1024), PUBACKs, a SUBSCRIBE and a PINGREQ. Framed with a Framer and decoded.
void BM_DecodeMixedStream(benchmark::State& state) {
  const auto v = static_cast<ProtocolVersion>(state.range(0));
  std::vector<uint8_t> stream;
  size_t packets = 0;
  auto add = [&](const Packet& p) {
    std::vector<uint8_t> b(*EncodedSize(p, v));
    (void)Encode(p, v, b);
    stream.insert(stream.end(), b.begin(), b.end());
    ++packets;
  };
  std::vector<uint8_t> payload(1024, 'y');
  const std::array<Subscription, 2> subs = {
      Subscription{"sensors/+/temperature", {QoS::kAtLeastOnce}}, Subscription{"alerts/#", {}}};
  for (int i = 0; i < 64; ++i) {
    Publish p;
    p.topic = kTopic;
    p.qos = i % 2 ? QoS::kAtLeastOnce : QoS::kAtMostOnce;
    p.packet_id = p.qos == QoS::kAtMostOnce ? 0 : static_cast<uint16_t>(i + 1);
    constexpr size_t kSizes[] = {16, 64, 256, 1024};
    p.payload = std::span<const uint8_t>(payload).first(kSizes[i % 4]);
    add(p);
    if (i % 2) add(Puback{static_cast<uint16_t>(i + 1)});
    if (i % 16 == 0) add(Subscribe{static_cast<uint16_t>(i + 1000), {}, subs});
    if (i % 32 == 0) add(Pingreq{});
  }
  Framer framer;
  for (auto _ : state) {
    framer.Feed(stream);
    size_t n = 0;
    while (true) {
      auto f = framer.Next();
      if (!f.ok() || !*f) break;
      auto p = Decode(**f, v);
      benchmark::DoNotOptimize(p);
      ++n;
    }
    if (n != packets) state.SkipWithError("stream mismatch");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * packets));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["packets_per_buffer"] = static_cast<double>(packets);
}
BENCHMARK(BM_DecodeMixedStream)->Arg(4)->Arg(5)->ArgName("ver");

}  // namespace
