// PayloadStamp: the 24-byte header mqbridge-bench writes at the start of every payload.
//
//   offset 0  uint32 LE  run id (random per tool invocation; tells runs and tools apart)
//   offset 4  uint32 LE  publisher index (kProbePublisher marks a readiness probe)
//   offset 8  uint64 LE  sequence number (0, 1, 2, ... per publisher)
//   offset 16 uint64 LE  send time, CLOCK_MONOTONIC nanoseconds
//
// The rest of the payload is filler (or the user's payload file). Latency is only meaningful when
// publisher and subscriber share the machine's monotonic clock (the same host).
//
// Thread-safety: pure functions.
#pragma once

#include <time.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace mqb::bench {

inline constexpr size_t kStampSize = 24;
inline constexpr uint32_t kProbePublisher = 0xFFFFFFFFu;

struct Stamp {
  uint32_t run_id = 0;
  uint32_t publisher = 0;
  uint64_t seq = 0;
  uint64_t sent_ns = 0;
};

inline uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// REQUIRES: out.size() >= kStampSize. Little-endian hosts only (x86-64, aarch64), checked below.
inline void WriteStamp(std::span<uint8_t> out, const Stamp& s) {
  static_assert(std::endian::native == std::endian::little);
  std::memcpy(out.data(), &s.run_id, 4);
  std::memcpy(out.data() + 4, &s.publisher, 4);
  std::memcpy(out.data() + 8, &s.seq, 8);
  std::memcpy(out.data() + 16, &s.sent_ns, 8);
}

// nullopt when the payload is too short to carry a stamp (a foreign message).
inline std::optional<Stamp> ReadStamp(std::span<const uint8_t> in) {
  if (in.size() < kStampSize) return std::nullopt;
  Stamp s;
  std::memcpy(&s.run_id, in.data(), 4);
  std::memcpy(&s.publisher, in.data() + 4, 4);
  std::memcpy(&s.seq, in.data() + 8, 8);
  std::memcpy(&s.sent_ns, in.data() + 16, 8);
  return s;
}

}  // namespace mqb::bench
