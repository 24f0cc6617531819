// PINGREQ / PINGRESP: keep-alive probes; no variable header, no payload.
//
// Thread-safety: empty values.
#pragma once

namespace mqb::codec {

struct Pingreq {
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  bool operator==(const Pingresp&) const = default;
};

}  // namespace mqb::codec
