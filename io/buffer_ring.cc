#include "io/buffer_ring.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace mqb::io {

Result<std::unique_ptr<BufferRing>, int> BufferRing::Create(io_uring* ring, uint16_t group_id,
                                                            unsigned count, unsigned size) {
  if (count == 0 || (count & (count - 1)) != 0 || count > 32768) return Err(EINVAL);
  std::unique_ptr<BufferRing> self(new BufferRing());
  self->ring_ = ring;
  self->group_id_ = group_id;
  self->count_ = count;
  self->size_ = size;
  self->stride_ = size + kRecvPadding;
  self->ring_bytes_ = count * sizeof(io_uring_buf);
  void* mem =
      mmap(nullptr, self->ring_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) return Err(errno);
  self->br_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = count;
  reg.bgid = group_id;
  int rc = io_uring_register_buf_ring(ring, &reg, 0);
  if (rc != 0) {
    munmap(mem, self->ring_bytes_);
    self->br_ = nullptr;
    return Err(-rc);
  }
  self->data_.reset(new uint8_t[self->stride_ * count]);
  std::memset(self->data_.get(), 0, self->stride_ * count);
  io_uring_buf_ring_init(self->br_);
  const int mask = io_uring_buf_ring_mask(count);
  for (unsigned i = 0; i < count; ++i) {
    io_uring_buf_ring_add(self->br_, self->Data(static_cast<uint16_t>(i)), size,
                          static_cast<uint16_t>(i), mask, static_cast<int>(i));
  }
  io_uring_buf_ring_advance(self->br_, static_cast<int>(count));
  self->available_ = count;
  return self;
}

BufferRing::~BufferRing() {
  if (br_ != nullptr) {
    (void)io_uring_unregister_buf_ring(ring_, group_id_);
    munmap(br_, ring_bytes_);
  }
}

void BufferRing::Recycle(uint16_t id) {
  io_uring_buf_ring_add(br_, Data(id), size_, id, io_uring_buf_ring_mask(count_), 0);
  io_uring_buf_ring_advance(br_, 1);
  ++available_;
}

}  // namespace mqb::io
