// PUBLISH: an application message.
//
// Wire format: docs/codec.md, "PUBLISH". A decoded Publish is a view: `topic`, `properties` and
// `payload` point into the frame it was decoded from (zero copy); the frame's bytes must outlive
// it. For encoding they point at the caller's data; the encoder can emit everything but the
// payload separately so the payload goes out by iovec without a copy (encoder.h).
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "codec/properties.h"
#include "codec/protocol.h"

namespace mqb::codec {

struct Publish {
  bool dup = false;  // must be false for QoS 0
  QoS qos = QoS::kAtMostOnce;
  bool retain = false;
  // A topic name: no wildcards, no U+0000, valid UTF-8. May be empty only in 5.0 with a Topic
  // Alias property.
  std::string_view topic;
  uint16_t packet_id = 0;  // present on the wire iff qos > 0, then non-zero
  Properties properties;   // 5.0 only; PropertyContext::kPublish
  std::span<const uint8_t> payload;
};

}  // namespace mqb::codec
