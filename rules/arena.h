// Arena: a bump allocator for the values of one rule evaluation.
//
// Every string, array and map produced while evaluating a rule on one message (decoded payload,
// function results, the SELECT output) lives in the evaluator's Arena. The evaluator calls Reset()
// before each message, which keeps the largest block and drops the others, so in steady state an
// evaluation performs no heap allocation at all (after the first few messages warmed the block up).
//
// Lifetime: everything allocated from an Arena is valid until the next Reset() or the Arena's
// destruction. Nothing allocated here has its destructor run: only trivially destructible data
// (chars, Value, MapEntry) may be placed in it.
//
// Thread-safety: none. An Arena belongs to one evaluator, used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/macros.h"

namespace mqb::rules {

class Arena {
 public:
  explicit Arena(size_t first_block_bytes = 4096) : next_block_bytes_(first_block_bytes) {}
  MQB_NO_COPY(Arena);

  // Returns `bytes` bytes aligned to `align` (a power of two <= 16). Never returns nullptr
  // (a failed heap allocation terminates, as for std::vector).
  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(ptr_) + (align - 1)) & ~(uintptr_t(align) - 1);
    if (MQB_LIKELY(ptr_ != nullptr && p + bytes <= reinterpret_cast<uintptr_t>(end_))) {
      ptr_ = reinterpret_cast<char*>(p + bytes);
      return reinterpret_cast<void*>(p);
    }
    return AllocateSlow(bytes, align);
  }

  // Typed uninitialised storage for `n` objects of trivially destructible type T.
  template <typename T>
  T* AllocateArray(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    return static_cast<T*>(Allocate(n * sizeof(T) == 0 ? 1 : n * sizeof(T), alignof(T)));
  }

  // Copies `s` into the arena; the view stays valid until Reset().
  std::string_view CopyString(std::string_view s) {
    if (s.empty()) {
      return std::string_view();
    }
    char* p = static_cast<char*>(Allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return std::string_view(p, s.size());
  }

  // Tries to grow the most recent allocation [p, p+old_bytes) in place to new_bytes. Returns
  // false (nothing changed) if `p` is not the last allocation or the block is too small. Lets
  // builders append without copying.
  bool TryExtend(void* p, size_t old_bytes, size_t new_bytes) {
    char* c = static_cast<char*>(p);
    if (c + old_bytes == ptr_ && c + new_bytes <= end_) {
      ptr_ = c + new_bytes;
      return true;
    }
    return false;
  }

  // Invalidates everything allocated so far. Keeps one block (the largest) for reuse.
  void Reset();

  // Bytes handed out since the last Reset (for tests and statistics).
  size_t BytesUsed() const { return used_before_current_ + (ptr_ - block_begin_); }
  // Number of heap blocks allocated over the Arena's whole life (tests check steady state).
  size_t BlocksAllocated() const { return blocks_allocated_; }

 private:
  void* AllocateSlow(size_t bytes, size_t align);

  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Block> blocks_;
  char* block_begin_ = nullptr;
  char* ptr_ = nullptr;
  char* end_ = nullptr;
  size_t used_before_current_ = 0;
  size_t next_block_bytes_;
  size_t blocks_allocated_ = 0;
};

}  // namespace mqb::rules
