#include "rules/event_catalog.h"

#include <array>

#include "rules/topic_match.h"

namespace mqb::rules {
namespace {

using C = EventColumn;

constexpr std::string_view kPeer = R"("192.168.0.10:56431")";
constexpr std::string_view kConnProps =
    R"({"Session-Expiry-Interval": 7200, "Receive-Maximum": 32, "User-Property": {"foo": "bar"}, "User-Property-Pairs": [{"key": "foo", "value": "bar"}]})";
constexpr std::string_view kEmptyProps = R"({"User-Property": {}, "User-Property-Pairs": []})";

constexpr C kConnected[] = {
    {"clientid", R"("c_emqx")", "client id"},
    {"username", R"("u_emqx")", "user name (absent when the client gave none)"},
    {"peername", kPeer, "client address, ip:port"},
    {"sockname", R"("0.0.0.0:1883")", "listener address the client connected to, ip:port"},
    {"proto_name", R"("MQTT")", "protocol name (MQIsdp for 3.1)"},
    {"proto_ver", "5", "protocol version: 3, 4 or 5"},
    {"keepalive", "60", "keep-alive granted, seconds"},
    {"clean_start", "true", "clean start (clean session) flag"},
    {"receive_maximum", "32", "the client's Receive Maximum (65535 when not given)"},
    {"expiry_interval", "3600", "session expiry interval, seconds"},
    {"is_bridge", "false", "the CONNECT's bridge bit (protocol level | 0x80)"},
    {"conn_props", kConnProps, "CONNECT properties (5.0)"},
    {"connected_at", "1700000000000", "when the connection was accepted, ms since the epoch"},
    {"client_attrs", "{}", "client attributes (always empty)"},
};

constexpr C kDisconnected[] = {
    {"reason", R"("normal")",
     "normal, takenover, discarded, keepalive_timeout, tcp_closed, protocol_error, ... "
     "(docs/sql.md)"},
    {"clientid", R"("c_emqx")", "client id"},
    {"username", R"("u_emqx")", "user name"},
    {"peername", kPeer, "client address, ip:port"},
    {"sockname", R"("0.0.0.0:1883")", "listener address, ip:port"},
    {"proto_name", R"("MQTT")", "protocol name"},
    {"proto_ver", "5", "protocol version"},
    {"disconn_props", kEmptyProps, "DISCONNECT properties the client sent (5.0)"},
    {"connected_at", "1700000000000", "when the connection was accepted, ms"},
    {"disconnected_at", "1700000060000", "when it ended, ms"},
    {"client_attrs", "{}", "client attributes (always empty)"},
};

constexpr C kConnack[] = {
    {"reason_code", R"("success")",
     "success, not_authorized, bad_username_or_password, client_identifier_not_valid, ..."},
    {"clientid", R"("c_emqx")", "client id as sent in CONNECT"},
    {"clean_start", "true", "clean start flag"},
    {"username", R"("u_emqx")", "user name"},
    {"peername", kPeer, "client address, ip:port"},
    {"sockname", R"("0.0.0.0:1883")", "listener address, ip:port"},
    {"proto_name", R"("MQTT")", "protocol name"},
    {"proto_ver", "5", "protocol version"},
    {"keepalive", "60", "keep-alive asked for, seconds"},
    {"expiry_interval", "3600000", "session expiry interval asked for, milliseconds (as EMQX)"},
    {"conn_props", kConnProps, "CONNECT properties (5.0)"},
};

constexpr C kAuthz[] = {
    {"clientid", R"("c_emqx")", "client id"},
    {"username", R"("u_emqx")", "user name"},
    {"peerhost", R"("192.168.0.10")", "client IP"},
    {"peername", kPeer, "client address, ip:port"},
    {"topic", R"("t/a")", "topic published to, or filter subscribed to"},
    {"action", R"("publish")", "publish or subscribe"},
    {"authz_source", R"("file")", "file (an ACL rule decided) or default (none matched)"},
    {"result", R"("allow")", "allow or deny"},
    {"client_attrs", "{}", "client attributes (always empty)"},
};

constexpr C kSubscribed[] = {
    {"clientid", R"("c_emqx")", "client id"},
    {"username", R"("u_emqx")", "user name"},
    {"peerhost", R"("192.168.0.10")", "client IP"},
    {"peername", kPeer, "client address, ip:port"},
    {"topic", R"("t/a")", "filter as subscribed ($share/g/t for shared subscriptions)"},
    {"qos", "1", "QoS granted"},
    {"sub_props", kEmptyProps, "SUBSCRIBE properties (5.0)"},
    {"client_attrs", "{}", "client attributes (always empty)"},
};

constexpr C kUnsubscribed[] = {
    {"clientid", R"("c_emqx")", "client id"},
    {"username", R"("u_emqx")", "user name"},
    {"peerhost", R"("192.168.0.10")", "client IP"},
    {"peername", kPeer, "client address, ip:port"},
    {"topic", R"("t/a")", "filter as unsubscribed"},
    {"qos", "1", "QoS the subscription had (0 if there was none)"},
    {"unsub_props", kEmptyProps, "UNSUBSCRIBE properties (5.0)"},
    {"client_attrs", "{}", "client attributes (always empty)"},
};

constexpr C kDelivered[] = {
    {"from_clientid", R"("c_emqx_1")", "publisher's client id"},
    {"from_username", R"("u_emqx_1")", "publisher's user name"},
    {"clientid", R"("c_emqx_2")", "subscriber's client id"},
    {"username", R"("u_emqx_2")", "subscriber's user name"},
    {"peerhost", R"("192.168.0.10")", "subscriber's IP"},
    {"peername", R"("192.168.0.10:32781")", "subscriber's address, ip:port"},
};

constexpr C kAcked[] = {
    {"from_clientid", R"("c_emqx_1")", "publisher's client id"},
    {"from_username", R"("u_emqx_1")", "publisher's user name"},
    {"clientid", R"("c_emqx_2")", "subscriber's client id"},
    {"username", R"("u_emqx_2")", "subscriber's user name"},
    {"peerhost", R"("192.168.0.10")", "subscriber's IP"},
    {"peername", R"("192.168.0.10:32781")", "subscriber's address, ip:port"},
    {"puback_props", kEmptyProps, "PUBACK / PUBREC properties (5.0)"},
};

constexpr C kDropped[] = {
    {"reason", R"("no_subscribers")", "no_subscribers"},
    {"clientid", R"("c_emqx")", "publisher's client id"},
    {"username", R"("u_emqx")", "publisher's user name"},
    {"peerhost", R"("192.168.0.10")", "publisher's IP"},
    {"peername", R"("192.168.0.10:32781")", "publisher's address, ip:port"},
};

constexpr C kDeliveryDropped[] = {
    {"reason", R"("queue_full")", "queue_full, qos0_msg, expired, no_local, too_large"},
    {"from_clientid", R"("c_emqx_1")", "publisher's client id"},
    {"from_username", R"("u_emqx_1")", "publisher's user name"},
    {"clientid", R"("c_emqx_2")", "subscriber's client id"},
    {"username", R"("u_emqx_2")", "subscriber's user name"},
    {"peerhost", R"("192.168.0.10")", "subscriber's IP"},
    {"peername", R"("192.168.0.10:32781")", "subscriber's address, ip:port"},
};

constexpr C kMessage[] = {
    {"id", R"("0005e4a7f1ac0b2af4421e0b30000001")", "message id, hex"},
    {"topic", R"("t/a")", "topic"},
    {"payload", R"("{\"msg\": \"hello\"}")", "payload (JSON-decoded where a path reads into it)"},
    {"qos", "1", "QoS of the message (delivered, acked: of the delivery)"},
    {"flags", R"({"dup": false, "retain": false})", "dup and retain flags"},
    {"pub_props",
     R"({"Payload-Format-Indicator": 0, "Message-Expiry-Interval": 30, "User-Property": {"foo": "bar"}, "User-Property-Pairs": [{"key": "foo", "value": "bar"}]})",
     "PUBLISH properties (5.0)"},
    {"publish_received_at", "1700000000000", "when the broker received the PUBLISH, ms"},
};

using T = BrokerEventType;

constexpr EventInfo kEvents[] = {
    {T::kClientConnected, "$events/client_connected", "$events/client/connected",
     "client.connected", "client_connected", "Client connected",
     "A client's CONNECT was accepted (after the success CONNACK)", false, kConnected},
    {T::kClientDisconnected, "$events/client_disconnected", "$events/client/disconnected",
     "client.disconnected", "client_disconnected", "Client disconnected",
     "A connected client's connection ended, for any reason", false, kDisconnected},
    {T::kClientConnack, "$events/client_connack", "$events/client/connack", "client.connack",
     "client_connack", "Client CONNACK",
     "The broker answered a CONNECT with a CONNACK, accepted or refused", false, kConnack},
    {T::kClientCheckAuthzComplete, "$events/client_check_authz_complete",
     "$events/auth/check_authz_complete", "client.check_authz_complete",
     "client_check_authz_complete", "Authorization complete",
     "The broker decided whether a client may publish to a topic or subscribe to a filter", false,
     kAuthz},
    {T::kSessionSubscribed, "$events/session_subscribed", "$events/session/subscribed",
     "session.subscribed", "session_subscribed", "Session subscribed",
     "A subscription was added (once per granted filter)", false, kSubscribed},
    {T::kSessionUnsubscribed, "$events/session_unsubscribed", "$events/session/unsubscribed",
     "session.unsubscribed", "session_unsubscribed", "Session unsubscribed",
     "A subscription was removed by UNSUBSCRIBE (once per existing filter)", false, kUnsubscribed},
    {T::kMessageDelivered, "$events/message_delivered", "$events/message/delivered",
     "message.delivered", "message_delivered", "Message delivered",
     "A PUBLISH was written to a subscriber's connection", true, kDelivered},
    {T::kMessageAcked, "$events/message_acked", "$events/message/acked", "message.acked",
     "message_acked", "Message acknowledged",
     "A subscriber acknowledged a QoS 1 (PUBACK) or QoS 2 (PUBREC) delivery", true, kAcked},
    {T::kMessageDropped, "$events/message_dropped", "$events/message/dropped", "message.dropped",
     "message_dropped", "Message dropped", "A published message had no subscriber to route to",
     true, kDropped},
    {T::kDeliveryDropped, "$events/delivery_dropped", "$events/message/delivery_dropped",
     "delivery.dropped", "delivery_dropped", "Delivery dropped",
     "A message routed to a subscriber was dropped before it was delivered", true,
     kDeliveryDropped},
};
static_assert(std::size(kEvents) == kBrokerEventCount);

}  // namespace

std::span<const EventInfo> BrokerEvents() { return kEvents; }

const EventInfo& EventOf(BrokerEventType type) { return kEvents[static_cast<size_t>(type)]; }

const EventInfo* FindEventByTopic(std::string_view topic) {
  for (const EventInfo& e : kEvents) {
    if (e.topic == topic || e.topic_v2 == topic) return &e;
  }
  return nullptr;
}

const EventInfo* FindEventByType(std::string_view event_type) {
  for (const EventInfo& e : kEvents) {
    if (e.event_type == event_type || e.name == event_type) return &e;
  }
  return nullptr;
}

uint32_t EventMaskOfFrom(std::string_view from) {
  if (const EventInfo* e = FindEventByTopic(from)) return 1u << static_cast<unsigned>(e->type);
  if (!HasWildcard(from)) return 0;
  uint32_t mask = 0;
  for (const EventInfo& e : kEvents) {
    if (MatchTopic(e.topic_v2, from)) mask |= 1u << static_cast<unsigned>(e.type);
  }
  return mask;
}

std::span<const EventColumn> MessageColumns() { return kMessage; }

}  // namespace mqb::rules
