// Framer: arbitrary chunking, zero copy within a chunk, maximum packet size, sticky errors.
#include "codec/framer.h"

#include <array>
#include <random>

#include "tests/codec/codec_test_util.h"

namespace mqb::codec::test {
namespace {

// A stream of mixed packets: CONNECT, PUBLISH (small and 300-byte payload, whose remaining length
// takes two bytes), PUBACK, PINGREQ, DISCONNECT.
Bytes Stream(std::vector<size_t>* sizes) {
  Bytes out;
  auto add = [&](const Packet& p) {
    Bytes b(*EncodedSize(p, ProtocolVersion::kV311));
    EXPECT_TRUE(Encode(p, ProtocolVersion::kV311, b).ok());
    sizes->push_back(b.size());
    out.insert(out.end(), b.begin(), b.end());
  };
  Connect c;
  c.client_id = "framer";
  add(c);
  static const Bytes big(300, 'x');
  for (int i = 0; i < 3; ++i) {
    Publish p;
    p.topic = "t/1";
    p.qos = QoS::kAtLeastOnce;
    p.packet_id = static_cast<uint16_t>(i + 1);
    p.payload = i == 1 ? std::span<const uint8_t>(big) : Span("hi");
    add(p);
    add(Puback{static_cast<uint16_t>(i + 1)});
  }
  add(Pingreq{});
  add(Disconnect{});
  return out;
}

// Feeds `stream` in chunks of the given sizes (cycled) and returns the frame sizes seen.
std::vector<size_t> Split(const Bytes& stream, const std::vector<size_t>& chunking) {
  Framer framer;
  std::vector<size_t> seen;
  size_t pos = 0, k = 0;
  while (pos < stream.size()) {
    const size_t n = std::min(chunking[k++ % chunking.size()], stream.size() - pos);
    framer.Feed(std::span<const uint8_t>(stream).subspan(pos, n));
    pos += n;
    while (true) {
      auto f = framer.Next();
      EXPECT_TRUE(f.ok());
      if (!f.ok() || !*f) break;
      // Every frame decodes.
      EXPECT_TRUE(Decode(**f, ProtocolVersion::kV311).ok());
      seen.push_back((*f)->bytes.size());
    }
  }
  EXPECT_EQ(framer.buffered(), 0u);
  return seen;
}

TEST(Framer, OneByteAtATime) {
  std::vector<size_t> sizes;
  const Bytes stream = Stream(&sizes);
  EXPECT_EQ(Split(stream, {1}), sizes);
}

TEST(Framer, AllAtOnceIsZeroCopy) {
  std::vector<size_t> sizes;
  const Bytes stream = Stream(&sizes);
  Framer framer;
  framer.Feed(stream);
  size_t offset = 0;
  for (size_t s : sizes) {
    auto f = framer.Next();
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(*f);
    EXPECT_EQ((*f)->bytes.data(), stream.data() + offset);  // a view of the caller's chunk
    EXPECT_EQ((*f)->bytes.size(), s);
    offset += s;
  }
  auto end = framer.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(Framer, RandomChunkings) {
  std::vector<size_t> sizes;
  const Bytes stream = Stream(&sizes);
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> chunking;
    for (int i = 0; i < 16; ++i) chunking.push_back(1 + rng() % 400);
    EXPECT_EQ(Split(stream, chunking), sizes) << "round " << round;
  }
}

TEST(Framer, MaximumPacketSizeIsCheckedBeforeBuffering) {
  // PUBLISH with remaining length 300 (header 3 bytes): 303 bytes in total.
  Bytes header = {0x30, 0xAC, 0x02};
  Framer framer(302);
  framer.Feed(header);
  auto f = framer.Next();
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error(), Errc::kPacketTooLarge);
  // Sticky until Reset().
  framer.Feed(Bytes{0xC0, 0x00});
  ASSERT_FALSE(framer.Next().ok());
  framer.Reset();
  framer.set_max_packet_size(303);
  const Bytes ping = {0xC0, 0x00};
  framer.Feed(ping);
  auto p = framer.Next();
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->type(), PacketType::kPingreq);
  // Split header: the limit applies as soon as the length is known.
  Framer split(100);
  const Bytes first = {0x30, 0xAC};
  split.Feed(first);
  ASSERT_TRUE(split.Next().ok());
  const Bytes second = {0x02};
  split.Feed(second);
  auto e = split.Next();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), Errc::kPacketTooLarge);
  EXPECT_LE(split.buffered(), 5u);
}

TEST(Framer, MalformedRemainingLength) {
  Framer framer;
  const Bytes bad = {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  for (uint8_t b : bad) {
    const std::array<uint8_t, 1> one = {b};
    framer.Feed(one);
    auto f = framer.Next();
    if (!f.ok()) {
      EXPECT_EQ(f.error(), Errc::kMalformedRemainingLength);
      return;
    }
    EXPECT_FALSE(*f);
  }
  FAIL() << "no error";
}

TEST(Framer, LargestRemainingLengths) {
  // Four-byte remaining length: 268435455.
  const Bytes h = {0x30, 0xFF, 0xFF, 0xFF, 0x7F};
  auto fh = ParseFixedHeader(h);
  ASSERT_TRUE(fh.ok());
  EXPECT_EQ(fh->remaining_length, kMaxRemainingLength);
  EXPECT_EQ(fh->header_size, 5);
  for (uint32_t len : {0u, 127u, 128u, 16383u, 16384u, 2097151u, 2097152u, kMaxRemainingLength}) {
    auto enc = EncodeFixedHeader(0x30, len);
    EXPECT_EQ(enc.size, 1 + VarIntSize(len));
    auto back = ParseFixedHeader(enc.view());
    ASSERT_TRUE(back.ok()) << len;
    EXPECT_EQ(back->remaining_length, len);
  }
  auto need = ParseFixedHeader(Bytes{0x30, 0x80});
  ASSERT_FALSE(need.ok());
  EXPECT_EQ(need.error(), Errc::kNeedMoreBytes);
}

}  // namespace
}  // namespace mqb::codec::test
