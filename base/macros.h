// Small portable macros shared by all modules.
#pragma once

#define MQB_LIKELY(x) __builtin_expect(!!(x), 1)
#define MQB_UNLIKELY(x) __builtin_expect(!!(x), 0)

// Deletes copy construction and copy assignment.
#define MQB_NO_COPY(T)  \
  T(const T&) = delete; \
  T& operator=(const T&) = delete
