// Packet: any MQTT control packet, as a std::variant of the per-type structs.
//
// Thread-safety: plain value; distinct objects safe, shared objects unsafe.
#pragma once

#include <variant>

#include "codec/ack.h"
#include "codec/auth.h"
#include "codec/connack.h"
#include "codec/connect.h"
#include "codec/disconnect.h"
#include "codec/ping.h"
#include "codec/protocol.h"
#include "codec/publish.h"
#include "codec/suback.h"
#include "codec/subscribe.h"
#include "codec/unsuback.h"
#include "codec/unsubscribe.h"

namespace mqb::codec {

using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

// The control packet type of the alternative held.
PacketType TypeOf(const Packet& packet);

}  // namespace mqb::codec
