// PacketIdPool: allocation of MQTT packet identifiers (1..65535) not currently in use.
//
// Allocation walks forward from the last id handed out, so ids are reused as late as possible
// (a late duplicate ack cannot be confused with a fresh exchange). O(1) amortised while far fewer
// than 65535 ids are in use; returns 0 when all are in use.
//
// Thread-safety: distinct objects safe, shared objects unsafe.
#pragma once

#include <array>
#include <cstdint>

namespace mqb::io {

class PacketIdPool {
 public:
  uint16_t Allocate() {
    if (used_count_ >= 65535) return 0;
    for (;;) {
      next_ = static_cast<uint16_t>(next_ == 65535 ? 1 : next_ + 1);
      if (!InUse(next_)) {
        Mark(next_, true);
        ++used_count_;
        return next_;
      }
    }
  }
  // Claims a specific id (e.g. restored state). Returns false if already in use.
  bool Claim(uint16_t id) {
    if (id == 0 || InUse(id)) return false;
    Mark(id, true);
    ++used_count_;
    return true;
  }
  void Release(uint16_t id) {
    if (id != 0 && InUse(id)) {
      Mark(id, false);
      --used_count_;
    }
  }
  bool InUse(uint16_t id) const { return (bits_[id >> 6] >> (id & 63)) & 1; }
  unsigned in_use() const { return used_count_; }

 private:
  void Mark(uint16_t id, bool on) {
    if (on) {
      bits_[id >> 6] |= uint64_t{1} << (id & 63);
    } else {
      bits_[id >> 6] &= ~(uint64_t{1} << (id & 63));
    }
  }
  std::array<uint64_t, 1024> bits_{};
  unsigned used_count_ = 0;
  uint16_t next_ = 0;
};

}  // namespace mqb::io
