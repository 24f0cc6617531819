// Completion: the object an io_uring submission's user_data points to.
//
// Every operation the reactor submits carries a pointer to a Completion (never bit-packed data);
// when its CQE arrives the reactor calls Complete(cqe->res, cqe->flags). For multishot
// operations Complete is called once per CQE; IORING_CQE_F_MORE in `flags` tells whether more
// will follow.
//
// Lifetime: a Completion must stay alive until its last CQE (the one without F_MORE) has been
// delivered. Owners track that with an outstanding-operation count before freeing themselves.
//
// Thread-safety: called only on the owning reactor's thread.
#pragma once

#include <cstdint>

namespace mqb::io {

class Completion {
 public:
  virtual void Complete(int32_t res, uint32_t flags) noexcept = 0;

 protected:
  ~Completion() = default;
};

// A Completion that forwards to a member function of its owner, so one object can own several
// distinct operations without a class per operation.
template <typename Owner, void (Owner::*Method)(int32_t, uint32_t)>
class MemberCompletion final : public Completion {
 public:
  explicit MemberCompletion(Owner* owner) : owner_(owner) {}
  void Complete(int32_t res, uint32_t flags) noexcept override { (owner_->*Method)(res, flags); }

 private:
  Owner* owner_;
};

}  // namespace mqb::io
