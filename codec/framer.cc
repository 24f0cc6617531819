#include "codec/framer.h"

#include <algorithm>

#include "codec/wire.h"

namespace mqb::codec {

Result<FixedHeader, Errc> ParseFixedHeader(std::span<const uint8_t> bytes, size_t max_packet_size) {
  if (MQB_UNLIKELY(bytes.size() < 2)) return Err(Errc::kNeedMoreBytes);
  FixedHeader h;
  h.first_byte = bytes[0];
  if (MQB_LIKELY(bytes[1] < 0x80)) {  // one-byte remaining length: packets under 128 bytes
    h.header_size = 2;
    h.remaining_length = bytes[1];
    if (MQB_UNLIKELY(h.total_size() > max_packet_size)) return Err(Errc::kPacketTooLarge);
    return h;
  }
  if (bytes.size() >= 3 && bytes[2] < 0x80 && bytes[2] != 0) {  // two-byte length: < 16 KiB
    h.header_size = 3;
    h.remaining_length = (bytes[1] & 0x7Fu) | (uint32_t{bytes[2]} << 7);
    if (MQB_UNLIKELY(h.total_size() > max_packet_size)) return Err(Errc::kPacketTooLarge);
    return h;
  }
  uint32_t len = 0;
  size_t n = 0;
  const uint8_t* p = bytes.data() + 1;
  Errc e = wire::DecodeVarInt(p, bytes.data() + bytes.size(), len, n);
  if (MQB_UNLIKELY(e != wire::kOk)) {
    return Err(e == Errc::kNeedMoreBytes ? e : Errc::kMalformedRemainingLength);
  }
  h.header_size = static_cast<uint8_t>(1 + n);
  h.remaining_length = len;
  if (MQB_UNLIKELY(h.total_size() > max_packet_size)) return Err(Errc::kPacketTooLarge);
  return h;
}

Result<std::optional<Frame>, Errc> NextFrame(std::span<const uint8_t> bytes,
                                             size_t max_packet_size) {
  auto h = ParseFixedHeader(bytes, max_packet_size);
  if (!h.ok()) {
    if (h.error() == Errc::kNeedMoreBytes) return std::optional<Frame>();
    return Err(h.error());
  }
  const size_t total = h->total_size();
  if (bytes.size() < total) return std::optional<Frame>();
  Frame f;
  f.first_byte = h->first_byte;
  f.bytes = bytes.first(total);
  f.body = f.bytes.subspan(h->header_size);
  return std::optional<Frame>(f);
}

void Framer::Feed(std::span<const uint8_t> chunk) {
  if (buffer_complete_) {
    buffer_.clear();
    buffer_complete_ = false;
  }
  chunk_ = chunk;
}

void Framer::Reset() {
  chunk_ = {};
  buffer_.clear();
  buffer_complete_ = false;
  error_.reset();
}

Result<std::optional<Frame>, Errc> Framer::Next() {
  if (error_) return Err(*error_);
  if (buffer_complete_) {
    buffer_.clear();
    buffer_complete_ = false;
  }
  if (!buffer_.empty()) {
    // Complete the frame started in an earlier chunk. First the fixed header, byte by byte
    // (at most 5), then the body in one copy.
    while (true) {
      auto h = ParseFixedHeader(buffer_, max_packet_size_);
      if (!h.ok()) {
        if (h.error() != Errc::kNeedMoreBytes) {
          error_ = h.error();
          return Err(h.error());
        }
        if (chunk_.empty()) return std::optional<Frame>();
        buffer_.push_back(chunk_[0]);
        chunk_ = chunk_.subspan(1);
        continue;
      }
      const size_t total = h->total_size();
      const size_t take = std::min(total - buffer_.size(), chunk_.size());
      buffer_.insert(buffer_.end(), chunk_.begin(), chunk_.begin() + take);
      chunk_ = chunk_.subspan(take);
      if (buffer_.size() < total) return std::optional<Frame>();
      buffer_complete_ = true;
      Frame f;
      f.first_byte = h->first_byte;
      f.bytes = std::span<const uint8_t>(buffer_);
      f.body = f.bytes.subspan(h->header_size);
      return std::optional<Frame>(f);
    }
  }
  if (chunk_.empty()) return std::optional<Frame>();
  auto f = NextFrame(chunk_, max_packet_size_);
  if (!f.ok()) {
    error_ = f.error();
    return f;
  }
  if (*f) {
    chunk_ = chunk_.subspan((*f)->bytes.size());
    return f;
  }
  // Incomplete frame at the end of the chunk: keep a copy of the tail.
  buffer_.assign(chunk_.begin(), chunk_.end());
  chunk_ = {};
  return std::optional<Frame>();
}

}  // namespace mqb::codec
