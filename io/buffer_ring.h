// BufferRing: a provided-buffer ring (IORING_REGISTER_PBUF_RING, kernel >= 5.19) from which the
// kernel picks receive buffers for multishot recv.
//
// Buffer lifecycle:
//   1. Added to the ring (Create, or Recycle).
//   2. The kernel picks one for a completed receive; the CQE carries its id (IORING_CQE_F_BUFFER,
//      id in flags >> IORING_CQE_BUFFER_SHIFT) and res = bytes written.
//   3. The connection hands Data(id) to its handler, which may only read it during the call.
//   4. Recycle(id) gives it back to the kernel. While all buffers are out, receives fail with
//      -ENOBUFS: that is backpressure, and the connection re-arms once buffers return.
//
// Each buffer has kRecvPadding readable bytes of slack after `size` so parsers that read
// a padded window (simdjson's SIMDJSON_PADDING is 64) can work in place.
//
// Thread-safety: reactor thread only.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/result.h"

namespace mqb::io {

inline constexpr size_t kRecvPadding = 64;

class BufferRing {
 public:
  // `count` must be a power of two <= 32768.
  static Result<std::unique_ptr<BufferRing>, int> Create(io_uring* ring, uint16_t group_id,
                                                         unsigned count, unsigned size);
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  uint16_t group_id() const { return group_id_; }
  unsigned buffer_size() const { return size_; }
  uint8_t* Data(uint16_t id) { return data_.get() + static_cast<size_t>(id) * stride_; }
  void Recycle(uint16_t id);
  unsigned available() const { return available_; }

 private:
  BufferRing() = default;
  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  size_t ring_bytes_ = 0;
  std::unique_ptr<uint8_t[]> data_;
  uint16_t group_id_ = 0;
  unsigned count_ = 0, size_ = 0;
  size_t stride_ = 0;
  unsigned available_ = 0;
  friend class Reactor;
  void Taken() { --available_; }
};

}  // namespace mqb::io
