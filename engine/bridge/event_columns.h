// EventColumns: the columns of a broker event (rules/event_catalog.h) as the JSON object the
// rule pipeline decodes into the event's extra columns. Built on the broker's thread when the
// event happens (only for events a rule reads), so the views of the BrokerEvent need not outlive
// the call. The columns every event has (event, timestamp, node, metadata) and those a message
// event takes from its message (id, topic, payload, qos, flags, pub_props, publish_received_at)
// are not written here.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>

#include "engine/broker/hooks.h"

namespace mqb::engine::bridge {

// Appends the JSON object to `out`. `now_ms` is the wall clock at `event.now`.
void AppendEventColumns(const broker::BrokerEvent& event, int64_t now_ms, std::string* out);

// A 5.0 property block as EMQX shows it: {"Session-Expiry-Interval": 7200, ...,
// "User-Property": {k: v}, "User-Property-Pairs": [{"key": k, "value": v}]}.
void AppendPropertiesJson(const codec::Properties& props, std::string* out);

}  // namespace mqb::engine::bridge
