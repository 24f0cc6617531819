#include "rules/arena.h"

#include <algorithm>

namespace mqb::rules {

void* Arena::AllocateSlow(size_t bytes, size_t align) {
  if (ptr_ != nullptr) {
    used_before_current_ += ptr_ - block_begin_;
  }
  size_t need = bytes + align;
  size_t size = std::max(next_block_bytes_, need);
  next_block_bytes_ = std::max(next_block_bytes_, size) * 2;
  blocks_.push_back(Block{std::unique_ptr<char[]>(new char[size]), size});
  ++blocks_allocated_;
  block_begin_ = blocks_.back().data.get();
  ptr_ = block_begin_;
  end_ = block_begin_ + size;
  uintptr_t p = (reinterpret_cast<uintptr_t>(ptr_) + (align - 1)) & ~(uintptr_t(align) - 1);
  ptr_ = reinterpret_cast<char*>(p + bytes);
  return reinterpret_cast<void*>(p);
}

void Arena::Reset() {
  if (blocks_.size() > 1) {
    // Keep the largest block (the last one: sizes grow), so the next message fits in one block.
    Block keep = std::move(blocks_.back());
    blocks_.clear();
    blocks_.push_back(std::move(keep));
  }
  used_before_current_ = 0;
  if (blocks_.empty()) {
    block_begin_ = ptr_ = end_ = nullptr;
    return;
  }
  block_begin_ = blocks_.back().data.get();
  ptr_ = block_begin_;
  end_ = block_begin_ + blocks_.back().size;
}

}  // namespace mqb::rules
