// MqttClientOptions: everything that shapes one MQTT client connection (CONNECT fields, flow
// control, timers, reconnect policy, transport).
//
// Defaults follow the connector reference (docs/io.md): MQTT 3.1.1, keepalive 160 s, clean start,
// retry_interval 15 s, max_inflight 32, connect_timeout 10 s.
//
// Thread-safety: a plain value.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codec/protocol.h"
#include "io/tls.h"

namespace mqb::io {

using Millis = std::chrono::milliseconds;

struct WillOptions {
  std::string topic;
  std::string payload;
  codec::QoS qos = codec::QoS::kAtMostOnce;
  bool retain = false;
};

struct MqttClientOptions {
  // --- transport ---
  std::string host = "127.0.0.1";
  uint16_t port = 1883;
  bool tls_enable = false;
  TlsOptions tls;  // tls.sni empty: the host name is used

  // --- CONNECT ---
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
  uint16_t keepalive_s = 160;  // 0 disables PINGREQ
  bool clean_start = true;
  bool bridge_mode = false;  // sets the bridge bit of the protocol level (3.1 / 3.1.1 only)
  std::optional<WillOptions> will;
  // 5.0 CONNECT properties.
  uint32_t session_expiry_s = 0;
  uint16_t receive_maximum = 65535;   // QoS 1/2 messages the broker may have in flight to us
  uint16_t topic_alias_maximum = 16;  // aliases the broker may use towards us (0: none)
  uint32_t maximum_packet_size = 0;   // largest packet we accept (0: protocol maximum)
  std::vector<std::pair<std::string, std::string>> user_properties;

  // --- flow control and timers ---
  uint16_t max_inflight = 32;     // our QoS 1/2 window (also capped by the broker's
                                  // Receive Maximum)
  Millis retry_interval{15000};   // resend an unacknowledged QoS 1/2 PUBLISH with DUP
  Millis connect_timeout{10000};  // TCP + TLS + CONNACK
  Millis ping_timeout{0};         // PINGRESP must arrive within this; 0: the keepalive
  bool use_topic_aliases = true;  // 5.0: alias outgoing topics when the broker allows

  // --- reconnect (MqttClient only) ---
  bool auto_reconnect = true;
  Millis reconnect_min{1000};
  Millis reconnect_max{30000};
};

}  // namespace mqb::io
