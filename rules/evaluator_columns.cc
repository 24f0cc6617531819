// Evaluator: the event columns of a message (REFERENCE.md section 7, "message.publish columns",
// and section 4 for the bridge source event).
#include <chrono>
#include <cstdlib>
#include <string>

#include "rules/evaluator.h"

namespace mqb::rules {

namespace {

Value Str(std::string_view s) { return Value::StringRef(s); }

Value Flags(Arena& arena, const MessageInput& in) {
  MapBuilder b(arena, 2);
  b.Put("dup", Value::Bool(in.dup));
  b.Put("retain", Value::Bool(in.retain));
  return b.Finish();
}

Value PubProps(Arena& arena, const MessageInput& in) {
  MapBuilder b(arena, in.pub_props.size() + 2);
  for (const PubProp& p : in.pub_props) {
    b.Put(p.name, p.is_number ? Value::Int(p.number) : Str(p.text));
  }
  if (!in.user_properties.empty()) {
    MapBuilder up(arena, in.user_properties.size());
    ArrayBuilder pairs(arena, in.user_properties.size());
    for (const auto& [k, v] : in.user_properties) {
      up.Put(k, Str(v));  // the last value of a repeated key wins, as in EMQX's map
      MapBuilder pair(arena, 2);
      pair.Put("key", Str(k));
      pair.Put("value", Str(v));
      pairs.Push(pair.Finish());
    }
    b.Put("User-Property", up.Finish());
    b.Put("User-Property-Pairs", pairs.Finish());
  }
  return b.Finish();
}

}  // namespace

uint8_t ColumnIdOf(std::string_view name) {
  static constexpr std::string_view kNames[] = {"",         "topic",     "payload",  "qos",
                                                "clientid", "username",  "peerhost", "timestamp",
                                                "flags",    "pub_props", "node",     "event"};
  for (uint8_t i = 1; i < sizeof(kNames) / sizeof(kNames[0]); ++i) {
    if (kNames[i] == name) {
      return i;
    }
  }
  return 0;
}

Value Evaluator::ColumnOf(const Path& p) {
  const MessageInput& in = *input_;
  if (p.column == 0 || in.extra_columns.is_map() || in.event == EventKind::kBrokerEvent) {
    return Column(p.root);
  }
  bool publish = in.event == EventKind::kMessagePublish;
  switch (p.column) {
    case 1:
      return Str(in.topic);
    case 2:
      return Str(in.payload);
    case 3:
      return Value::Int(in.qos);
    case 4:
      return publish ? Str(in.clientid) : Value();
    case 5:
      return publish && in.has_username ? Str(in.username) : Value();
    case 6:
      return publish ? Str(in.peerhost) : Value();
    case 7:
      return Value::Int(in.timestamp_ms);
    default:
      return Column(p.root);
  }
}

Value Evaluator::Column(std::string_view name) {
  const MessageInput& in = *input_;
  if (in.extra_columns.is_map()) {
    for (const MapEntry& e : in.extra_columns.AsMap()) {
      if (e.key == name) {
        return e.value;
      }
    }
  }
  if (in.event == EventKind::kBrokerEvent) {
    return EventColumn(name);
  }
  switch (name.size()) {
    case 2:
      if (name == "id") return in.id.empty() ? Value() : Str(in.id);
      break;
    case 3:
      if (name == "qos") return Value::Int(in.qos);
      if (name == "dup" && in.event == EventKind::kBridgeSource) return Value::Bool(in.dup);
      break;
    case 4:
      if (name == "node") return Str(in.node);
      break;
    case 5:
      if (name == "topic") return Str(in.topic);
      if (name == "event") {
        return in.event == EventKind::kBridgeSource ? Str(in.hookpoint) : Str("message.publish");
      }
      if (name == "flags" && in.event == EventKind::kMessagePublish) return Flags(arena_, in);
      break;
    case 6:
      if (name == "retain" && in.event == EventKind::kBridgeSource) return Value::Bool(in.retain);
      if (name == "server" && in.event == EventKind::kBridgeSource) return Str(in.server);
      break;
    case 7:
      if (name == "payload") return Str(in.payload);
      break;
    case 8:
      if (name == "clientid" && in.event == EventKind::kMessagePublish) return Str(in.clientid);
      if (name == "username" && in.event == EventKind::kMessagePublish) {
        return in.has_username ? Str(in.username) : Value();
      }
      if (name == "peerhost" && in.event == EventKind::kMessagePublish) return Str(in.peerhost);
      if (name == "peername" && in.event == EventKind::kMessagePublish) return Str(in.peername);
      if (name == "metadata") {
        MapBuilder b(arena_, 1);
        b.Put("rule_id", Str(program_->rule_id()));
        return b.Finish();
      }
      break;
    case 9:
      if (name == "pub_props") return PubProps(arena_, in);
      if (name == "timestamp") return Value::Int(in.timestamp_ms);
      break;
    case 12:
      if (name == "client_attrs" && in.event == EventKind::kMessagePublish) {
        return Value::EmptyMap();
      }
      break;
    case 19:
      if (name == "publish_received_at" && in.event == EventKind::kMessagePublish) {
        return Value::Int(in.received_at_ms);
      }
      if (name == "message_received_at" && in.event == EventKind::kBridgeSource) {
        return Value::Int(in.received_at_ms);
      }
      break;
    default:
      break;
  }
  return Value();
}

Value Evaluator::EventColumn(std::string_view name) {
  // The columns of every broker event; the rest came with extra_columns.
  const MessageInput& in = *input_;
  if (name == "event") return Str(in.event_name);
  if (name == "timestamp") return Value::Int(in.timestamp_ms);
  if (name == "node") return Str(in.node);
  if (name == "metadata") {
    MapBuilder b(arena_, 1);
    b.Put("rule_id", Str(program_ == nullptr ? std::string_view() : program_->rule_id()));
    return b.Finish();
  }
  if (!in.has_message) return Value();
  if (name == "id") return in.id.empty() ? Value() : Str(in.id);
  if (name == "topic") return Str(in.topic);
  if (name == "payload") return Str(in.payload);
  if (name == "qos") return Value::Int(in.qos);
  if (name == "flags") return Flags(arena_, in);
  if (name == "pub_props") return PubProps(arena_, in);
  if (name == "publish_received_at") return Value::Int(in.received_at_ms);
  return Value();
}

Value Evaluator::Columns() {
  if (all_columns_done_) {
    return all_columns_;
  }
  static constexpr std::string_view kPublish[] = {
      "event",        "id",        "clientid", "username", "payload",   "peerhost",
      "peername",     "topic",     "qos",      "flags",    "pub_props", "publish_received_at",
      "client_attrs", "timestamp", "node",     "metadata"};
  static constexpr std::string_view kBridge[] = {
      "event",     "id",     "server",    "topic",   "qos",
      "dup",       "retain", "pub_props", "payload", "message_received_at",
      "timestamp", "node",   "metadata"};
  static constexpr std::string_view kEvent[] = {
      "event",     "id",   "topic",   "payload", "qos", "flags", "pub_props", "publish_received_at",
      "timestamp", "node", "metadata"};
  MapBuilder b(arena_, 20 + (input_->extra_columns.is_map() ? input_->extra_columns.size() : 0));
  std::span<const std::string_view> names =
      input_->event == EventKind::kBridgeSource  ? std::span<const std::string_view>(kBridge)
      : input_->event == EventKind::kBrokerEvent ? std::span<const std::string_view>(kEvent)
                                                 : std::span<const std::string_view>(kPublish);
  for (std::string_view n : names) {
    Value v = Column(n);
    if (!v.is_undefined()) {
      b.Append(n, v);  // the names are distinct
    }
  }
  if (input_->extra_columns.is_map()) {
    for (const MapEntry& e : input_->extra_columns.AsMap()) {
      if (!e.value.is_undefined()) {
        b.Put(e.key, e.value);
      }
    }
  }
  all_columns_ = b.Finish();
  all_columns_done_ = true;
  return all_columns_;
}

Result<void, EvalError> Evaluator::ParsePayload() {
  if (payload_failed_) {
    return Err(payload_error_);
  }
  // Parses (and converts the projection, which is needed anyway when this is called from
  // ProjectedPayload; DecodedPayload then converts the rest from the same parse).
  ++payload_decodes_;
  std::string_view raw = payload_raw_.AsString();
  bool padded = input_->payload_padded && raw.data() == input_->payload.data();
  auto r = payload_json_.ParseInPlace(raw, padded);
  if (!r.ok()) {
    std::string preview(raw.substr(0, 64));
    payload_error_ = EvalError{EvalError::Kind::kDecodeJson,
                               "payload is not valid JSON (" + r.error().message + "): " + preview};
    payload_failed_ = true;
    return Err(payload_error_);
  }
  payload_parsed_ = true;
  return Ok<EvalError>();
}

Result<Value, EvalError> Evaluator::DecodedPayload() {
  if (payload_done_) {
    return payload_decoded_;
  }
  if (!payload_raw_.is_string()) {
    // Already structured (a tester context may give an object) or absent.
    payload_decoded_ = payload_raw_;
    payload_done_ = true;
    return payload_decoded_;
  }
  if (!payload_parsed_) {
    MQB_RETURN_IF_ERROR(ParsePayload());
  }
  payload_decoded_ = payload_json_.ConvertLastInPlace(arena_);
  payload_done_ = true;
  return payload_decoded_;
}

Result<Value, EvalError> Evaluator::ProjectedPayload() {
  if (payload_done_) {
    return payload_decoded_;  // the whole payload serves every path
  }
  if (payload_projected_done_) {
    return payload_projected_;
  }
  if (!payload_raw_.is_string()) {
    return DecodedPayload();
  }
  if (!payload_parsed_) {
    MQB_RETURN_IF_ERROR(ParsePayload());
  }
  payload_projected_ = payload_json_.ConvertLastProjected(arena_, program_->payload_projection());
  payload_projected_done_ = true;
  return payload_projected_;
}

int64_t Evaluator::NowNanos() {
  if (options_.clock_ns != nullptr) {
    return options_.clock_ns();
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string_view> Evaluator::GetEnv(std::string_view name) {
  if (options_.getenv != nullptr) {
    return options_.getenv(name);
  }
  std::string n(name);
  const char* v = std::getenv(n.c_str());
  if (v == nullptr) {
    return std::nullopt;
  }
  return std::string_view(v);
}

}  // namespace mqb::rules
