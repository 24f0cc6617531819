// Fuzzes the codec: the input is split into chunks and fed to a Framer; every frame is decoded;
// whatever decodes must encode, and the encoding must decode again and re-encode to the same
// bytes (encode is a fixed point after one round). Any crash, sanitizer report or inconsistency
// aborts.
//
// Input layout: byte 0 selects the protocol version (mod 3) and byte 1 the chunk size (1..64);
// the rest is the byte stream.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <variant>
#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/framer.h"
#include "codec/topic.h"

namespace {

using namespace mqb::codec;

void Check(bool ok) {
  if (!ok) std::abort();
}

ProtocolVersion VersionOf(const Packet& p, ProtocolVersion v) {
  if (auto* c = std::get_if<Connect>(&p)) return c->version;
  return v;
}

std::vector<uint8_t> EncodeOrDie(const Packet& p, ProtocolVersion v) {
  auto size = EncodedSize(p, v);
  Check(size.ok());
  std::vector<uint8_t> out(*size);
  auto n = Encode(p, v, out);
  Check(n.ok() && *n == out.size());
  // The gather form agrees.
  auto head_size = HeadSize(p, v);
  Check(head_size.ok());
  std::vector<uint8_t> head(*head_size);
  auto parts = EncodeParts(p, v, head);
  Check(parts.ok() && parts->size() == out.size());
  Check(std::memcmp(parts->head.data(), out.data(), parts->head.size()) == 0);
  if (!parts->payload.empty()) {
    Check(std::memcmp(parts->payload.data(), out.data() + parts->head.size(),
                      parts->payload.size()) == 0);
  }
  return out;
}

void Exercise(const Packet& p) {
  // Topic helpers on decoded names and filters must not crash and must agree with validation.
  if (auto* pub = std::get_if<Publish>(&p); pub && !pub->topic.empty()) {
    Check(ValidateTopicName(pub->topic).ok());
    (void)TopicMatches("#", pub->topic);
    (void)TopicMatches("+/+", pub->topic);
  }
  if (auto* sub = std::get_if<Subscribe>(&p)) {
    for (Subscription s : sub->subscriptions) {
      Check(ValidateTopicFilter(s.filter).ok());
      auto shared = ParseSharedSubscription(s.filter);
      Check(shared.ok());
      (void)TopicMatches(*shared ? (*shared)->filter : s.filter, "a/b/c");
    }
  }
  const Properties* props = nullptr;
  if (auto* pub = std::get_if<Publish>(&p)) props = &pub->properties;
  if (auto* c = std::get_if<Connect>(&p)) props = &c->properties;
  if (props != nullptr) {
    size_t n = 0;
    for (const Property& prop : *props) n += prop.string.size() + prop.binary.size();
    for (UserProperty up : props->user_properties()) n += up.key.size();
    (void)n;
  }
}

void RoundTrip(const Frame& frame, ProtocolVersion version) {
  auto decoded = Decode(frame, version);
  if (!decoded.ok()) {
    Check(static_cast<uint8_t>(ToReasonCode(decoded.error())) >= 0x80);
    return;
  }
  Exercise(*decoded);
  const ProtocolVersion v = VersionOf(*decoded, version);
  const std::vector<uint8_t> once = EncodeOrDie(*decoded, v);
  auto again = DecodePacket(once, v);
  Check(again.ok());
  Check(TypeOf(*again) == TypeOf(*decoded));
  const std::vector<uint8_t> twice = EncodeOrDie(*again, v);
  Check(once == twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const ProtocolVersion version = static_cast<ProtocolVersion>(3 + data[0] % 3);
  const size_t chunk = 1 + data[1] % 64;
  std::span<const uint8_t> stream(data + 2, size - 2);

  // Whole input as one packet.
  (void)DecodePacket(stream, version);

  // Chunked through the Framer (with a modest maximum packet size).
  Framer framer(4096);
  for (size_t pos = 0; pos < stream.size(); pos += chunk) {
    framer.Feed(stream.subspan(pos, std::min(chunk, stream.size() - pos)));
    while (true) {
      auto f = framer.Next();
      if (!f.ok()) return 0;
      if (!*f) break;
      Check((*f)->bytes.size() <= 4096);
      RoundTrip(**f, version);
    }
  }
  return 0;
}
