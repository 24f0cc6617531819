#include "engine/bridge/event_columns.h"

#include <chrono>
#include <vector>

#include "codec/connect.h"
#include "engine/json_writer.h"

namespace mqb::engine::bridge {
namespace {

using rules::BrokerEventType;

std::string PropertyKey(codec::PropertyId id) {
  std::string k = codec::PropertyName(id);
  for (char& c : k) {
    if (c == ' ') c = '-';
  }
  return k;
}

std::string_view PeerHost(std::string_view peer) {
  const size_t colon = peer.rfind(':');
  std::string_view host = colon == std::string_view::npos ? peer : peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

int64_t WallMs(broker::TimePoint at, broker::TimePoint now, int64_t now_ms) {
  if (at == broker::TimePoint{}) return now_ms;
  return now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(now - at).count();
}

int ProtoVer(codec::ProtocolVersion v) {
  switch (v) {
    case codec::ProtocolVersion::kV31:
      return 3;
    case codec::ProtocolVersion::kV311:
      return 4;
    case codec::ProtocolVersion::kV5:
      return 5;
  }
  return 4;
}

}  // namespace

void AppendPropertiesJson(const codec::Properties& props, std::string* out) {
  JsonWriter w;
  w.BeginObject();
  std::vector<codec::UserProperty> user;
  for (const codec::Property& p : props) {
    if (p.id == codec::PropertyId::kUserProperty) {
      user.push_back({p.string, p.value});
      continue;
    }
    w.Key(PropertyKey(p.id));
    if (!p.binary.empty()) {
      w.String(std::string_view(reinterpret_cast<const char*>(p.binary.data()), p.binary.size()));
    } else if (!p.string.empty()) {
      w.String(p.string);
    } else {
      w.Uint(p.integer);
    }
  }
  w.Key("User-Property").BeginObject();
  for (const codec::UserProperty& u : user) w.Key(u.key).String(u.value);
  w.EndObject();
  w.Key("User-Property-Pairs").BeginArray();
  for (const codec::UserProperty& u : user) {
    w.BeginObject().Key("key").String(u.key).Key("value").String(u.value).EndObject();
  }
  w.EndArray().EndObject();
  out->append(w.str());
}

void AppendEventColumns(const broker::BrokerEvent& e, int64_t now_ms, std::string* out) {
  JsonWriter w;
  w.BeginObject();
  std::string text;
  auto client = [&](bool with_peerhost) {
    w.Key("clientid").String(e.client_id);
    if (e.has_username) w.Key("username").String(e.username);
    if (with_peerhost) w.Key("peerhost").String(PeerHost(e.peer));
    w.Key("peername").String(e.peer);
  };
  auto connection = [&] {
    w.Key("sockname").String(e.sockname);
    w.Key("proto_name").String(codec::ProtocolName(e.version));
    w.Key("proto_ver").Int(ProtoVer(e.version));
  };
  auto from = [&] {
    if (e.message == nullptr) return;
    const broker::Message& m = **e.message;
    if (!m.publisher_id.empty()) w.Key("from_clientid").String(m.publisher_id);
    if (!m.publisher_username.empty()) w.Key("from_username").String(m.publisher_username);
  };
  const char* props_key = nullptr;
  switch (e.type) {
    case BrokerEventType::kClientConnected:
      client(false);
      connection();
      w.Key("keepalive").Int(e.keep_alive);
      w.Key("clean_start").Bool(e.clean_start);
      w.Key("receive_maximum").Int(e.receive_maximum);
      w.Key("expiry_interval").Uint(e.expiry_interval);
      w.Key("is_bridge").Bool(e.is_bridge);
      w.Key("connected_at").Int(WallMs(e.connected_at, e.now, now_ms));
      w.Key("client_attrs").BeginObject().EndObject();
      props_key = "conn_props";
      break;
    case BrokerEventType::kClientDisconnected:
      w.Key("reason").String(e.reason);
      client(false);
      connection();
      w.Key("connected_at").Int(WallMs(e.connected_at, e.now, now_ms));
      w.Key("disconnected_at").Int(now_ms);
      w.Key("client_attrs").BeginObject().EndObject();
      props_key = "disconn_props";
      break;
    case BrokerEventType::kClientConnack:
      w.Key("reason_code").String(e.reason);
      client(false);
      connection();
      w.Key("clean_start").Bool(e.clean_start);
      w.Key("keepalive").Int(e.keep_alive);
      w.Key("expiry_interval").Uint(uint64_t{e.expiry_interval} * 1000);  // ms, as EMQX
      props_key = "conn_props";
      break;
    case BrokerEventType::kClientCheckAuthzComplete:
      client(true);
      w.Key("topic").String(e.topic);
      w.Key("action").String(e.subscribe ? "subscribe" : "publish");
      w.Key("authz_source").String(e.acl_rule ? "file" : "default");
      w.Key("result").String(e.allowed ? "allow" : "deny");
      w.Key("client_attrs").BeginObject().EndObject();
      break;
    case BrokerEventType::kSessionSubscribed:
    case BrokerEventType::kSessionUnsubscribed:
      client(true);
      w.Key("topic").String(e.topic);
      w.Key("qos").Int(static_cast<int>(e.qos));
      w.Key("client_attrs").BeginObject().EndObject();
      props_key = e.type == BrokerEventType::kSessionSubscribed ? "sub_props" : "unsub_props";
      break;
    case BrokerEventType::kMessageDelivered:
    case BrokerEventType::kMessageAcked:
    case BrokerEventType::kDeliveryDropped:
      if (e.type == BrokerEventType::kDeliveryDropped) w.Key("reason").String(e.reason);
      from();
      w.Key("clientid").String(e.client_id);
      if (e.has_username) w.Key("username").String(e.username);
      if (!e.peer.empty()) {
        w.Key("peerhost").String(PeerHost(e.peer));
        w.Key("peername").String(e.peer);
      }
      if (e.type == BrokerEventType::kMessageAcked) props_key = "puback_props";
      break;
    case BrokerEventType::kMessageDropped:
      w.Key("reason").String(e.reason);
      if (!e.client_id.empty()) w.Key("clientid").String(e.client_id);
      if (e.has_username) w.Key("username").String(e.username);
      if (!e.peer.empty()) {
        w.Key("peerhost").String(PeerHost(e.peer));
        w.Key("peername").String(e.peer);
      }
      break;
    case BrokerEventType::kCount:
      break;
  }
  w.EndObject();
  text = w.str();
  if (props_key != nullptr) {
    // Splice `"key": {properties}` in before the closing brace.
    text.pop_back();
    if (text.size() > 1) text += ',';
    text += '"';
    text += props_key;
    text += "\":";
    AppendPropertiesJson(e.properties, &text);
    text += '}';
  }
  out->append(text);
}

}  // namespace mqb::engine::bridge
