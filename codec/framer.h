// Framing: splitting a byte stream into complete MQTT control packets ("frames").
//
// Two layers:
//  - ParseFixedHeader(bytes): stateless; tells whether `bytes` begins with a complete frame and
//    how long it is. For callers that manage their own (e.g. ref-counted) receive buffers.
//  - Framer: stateful; accepts arbitrary chunks (one byte at a time or many packets at once) and
//    yields complete frames. Frames that lie wholly inside the current chunk are returned as
//    views into the chunk (zero copy); only a frame split across chunks is assembled in the
//    Framer's own buffer (which grows to the largest such frame and is then reused).
//
// Both enforce a maximum packet size (whole packet: fixed header + remaining length, as the 5.0
// Maximum Packet Size property counts it) before any byte of the body is buffered.
//
// Wire format: docs/codec.md, "Fixed header".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "codec/protocol.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// One complete control packet. `bytes` is the whole packet, `body` the part after the fixed
// header (variable header + payload).
struct Frame {
  uint8_t first_byte = 0;  // packet type (high nibble) and flags (low nibble)
  std::span<const uint8_t> body;
  std::span<const uint8_t> bytes;

  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
  uint8_t flags() const { return first_byte & 0x0F; }
};

struct FixedHeader {
  uint8_t first_byte = 0;
  uint8_t header_size = 0;        // 2..5
  uint32_t remaining_length = 0;  // body size
  size_t total_size() const { return header_size + size_t{remaining_length}; }
};

// Parses the fixed header at the start of `bytes`. Errors: kNeedMoreBytes (the header itself is
// incomplete; not a protocol violation), kMalformedRemainingLength (5th length byte),
// kMalformedVarInt (non-minimal length encoding is accepted; this is never returned here),
// kPacketTooLarge (total_size() > max_packet_size). Does not check the packet type or flags
// (the decoder does). The body may still be incomplete: check total_size() <= bytes.size().
Result<FixedHeader, Errc> ParseFixedHeader(std::span<const uint8_t> bytes,
                                           size_t max_packet_size = kMaxPacketSize);

// Frame at the start of `bytes` if complete; nullopt if more bytes are needed.
Result<std::optional<Frame>, Errc> NextFrame(std::span<const uint8_t> bytes,
                                             size_t max_packet_size = kMaxPacketSize);

// Streaming frame splitter.
//
//   framer.Feed(chunk);
//   while (true) {
//     auto f = framer.Next();
//     if (!f.ok()) { /* protocol violation: close (v5: DISCONNECT with ToReasonCode) */ }
//     if (!*f) break;  // chunk consumed; wait for more bytes
//     Handle(**f);
//   }
//
// IMPORTANT: lifetimes.
//  - The chunk passed to Feed() must stay valid until Next() has returned nullopt (the Framer
//    keeps a view of it, and copies only an incomplete tail).
//  - A returned Frame is valid until the next call to Next(), Feed() or Reset(), or until the
//    chunk is released, whichever comes first. Decode it (or copy it) before calling Next().
// After an error the Framer stays failed (Next() returns the same error) until Reset().
//
// Invariants: at most one incomplete frame is buffered; the buffer never holds more than
// max_packet_size bytes.
//
// Thread-safety: distinct objects safe, shared objects unsafe (one Framer per connection).
class Framer {
 public:
  explicit Framer(size_t max_packet_size = kMaxPacketSize) : max_packet_size_(max_packet_size) {}
  Framer(const Framer&) = delete;
  Framer& operator=(const Framer&) = delete;

  // Appends a chunk. REQUIRES: the previous chunk is consumed (Next() returned nullopt or error).
  void Feed(std::span<const uint8_t> chunk);
  // The next complete frame; nullopt when all fed bytes are consumed or buffered.
  Result<std::optional<Frame>, Errc> Next();
  // Drops buffered bytes and any error (e.g. for a new connection).
  void Reset();

  // Changes the limit (e.g. after CONNACK's Maximum Packet Size); applies to the next frame.
  void set_max_packet_size(size_t n) { max_packet_size_ = n; }
  size_t max_packet_size() const { return max_packet_size_; }
  // Bytes of an incomplete frame held in the internal buffer.
  size_t buffered() const { return buffer_.size(); }

 private:
  size_t max_packet_size_;
  std::span<const uint8_t> chunk_;  // unconsumed part of the current chunk
  std::vector<uint8_t> buffer_;     // an incomplete frame assembled across chunks
  bool buffer_complete_ = false;    // buffer_ holds a frame returned by the last Next()
  std::optional<Errc> error_;
};

}  // namespace mqb::codec
