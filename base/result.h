// Result<T, E>: a value or an error, returned on the data path instead of throwing.
//
// Modeled on simdjson_result and leveldb's Status: the OK path carries no allocation, the type is
// [[nodiscard]] so an unchecked result does not compile under -Werror=unused-result, and accessing
// the wrong alternative is a programming error caught by assert in debug builds.
//
// Thread-safety: a Result is a plain value; distinct objects are safe, shared objects are not.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace mqb {

// Tag that carries an error into a Result: `return Err(Errc::kMalformedPacket);`
template <typename E>
struct Err {
  E error;
  explicit constexpr Err(E e) : error(std::move(e)) {}
};
template <typename E>
Err(E) -> Err<E>;

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  // Implicit from a value and from Err<E>, so `return value;` and `return Err(code);` both work.
  constexpr Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename F, typename = std::enable_if_t<std::is_convertible_v<F, E>>>
  constexpr Result(Err<F> err) : v_(std::in_place_index<1>, E(std::move(err.error))) {}  // NOLINT

  constexpr bool ok() const noexcept { return v_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return ok(); }

  // REQUIRES: ok().
  constexpr T& value() & noexcept {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  constexpr const T& value() const& noexcept {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  constexpr T&& value() && noexcept {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  constexpr T* operator->() noexcept { return &value(); }
  constexpr const T* operator->() const noexcept { return &value(); }
  constexpr T& operator*() & noexcept { return value(); }
  constexpr const T& operator*() const& noexcept { return value(); }

  // REQUIRES: !ok().
  constexpr const E& error() const noexcept {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }

 private:
  std::variant<T, E> v_;
};

// Result<void, E>: success or an error.
template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  constexpr Result() = default;
  template <typename F, typename = std::enable_if_t<std::is_convertible_v<F, E>>>
  constexpr Result(Err<F> err) : has_error_(true), error_(E(std::move(err.error))) {}  // NOLINT

  constexpr bool ok() const noexcept { return !has_error_; }
  constexpr explicit operator bool() const noexcept { return ok(); }
  constexpr const E& error() const noexcept {
    assert(has_error_);
    return error_;
  }

 private:
  bool has_error_ = false;
  E error_{};
};

// An explicitly successful Result<void, E>.
template <typename E>
constexpr Result<void, E> Ok() {
  return {};
}

}  // namespace mqb

// Propagate an error: `MQB_TRY(auto x, ParseThing(in));` is not supported (no statement
// expressions in portable C++); use MQB_RETURN_IF_ERROR for Result<void, E> and check ok() else.
#define MQB_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    auto mqb_result_tmp_ = (expr);                \
    if (!mqb_result_tmp_.ok()) {                  \
      return ::mqb::Err(mqb_result_tmp_.error()); \
    }                                             \
  } while (0)
