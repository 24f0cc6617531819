#include "rules/sql_tester.h"

#include <chrono>
#include <random>

#include "rules/evaluator.h"
#include "rules/event_catalog.h"
#include "rules/program.h"

namespace mqb::rules {

namespace {

std::string FreshId() {
  static const char kHex[] = "0123456789ABCDEF";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  std::string id(32, '0');
  for (char& c : id) {
    c = kHex[gen() & 15];
  }
  return id;
}

// The event the tester builds: the context's event_type, else the one the first FROM names.
// Returns false (with `error`) for an event_type that names nothing.
bool PickEvent(const RuleProgram& program, const Value& context, MessageInput& in,
               const EventInfo** event, std::string* error) {
  std::string_view type;
  for (const MapEntry& e : context.AsMap()) {
    if (e.key == "event_type" && e.value.is_string()) type = e.value.AsString();
  }
  const std::string_view from = program.from().empty() ? std::string_view() : program.from()[0];
  if (type.empty()) {
    if (from.starts_with("$bridges/")) {
      type = from;
    } else if (from.starts_with("$events/")) {
      for (const EventInfo& e : BrokerEvents()) {
        if (program.MatchesFrom(e.topic, true)) {
          *event = &e;
          break;
        }
      }
    }
  } else if (type == "message_publish" || type == "message.publish") {
    return true;
  } else if (!type.starts_with("$bridges/")) {
    *event = FindEventByType(type);
    if (*event == nullptr) {
      *error = "context error: unknown event_type \"" + std::string(type) +
               "\" (message_publish, $bridges/mqtt:*";
      for (const EventInfo& e : BrokerEvents()) *error += ", " + std::string(e.event_type);
      *error += ")";
      return false;
    }
  }
  if (*event != nullptr) {
    in.event = EventKind::kBrokerEvent;
    in.hookpoint = (*event)->topic;
    in.event_name = (*event)->name;
    in.has_message = (*event)->has_message;
  } else if (type.starts_with("$bridges/")) {
    in.event = EventKind::kBridgeSource;
    // "$bridges/mqtt:*" stands for whichever source the rule names.
    in.hookpoint = type.ends_with(":*") && from.starts_with("$bridges/") ? from : type;
  }
  return true;
}

}  // namespace

SqlTestResult RunSqlTester(std::string_view sql, std::string_view context_json) {
  CompileOptions copts;
  copts.rule_id = "sql_tester";
  auto compiled = RuleProgram::Compile(sql, copts);
  if (!compiled.ok()) {
    return {2, "SQL error: " + compiled.error().ToString()};
  }
  const RuleProgram& program = *compiled.value();

  Arena arena;
  JsonDecoder json;
  Value context = Value::EmptyMap();
  std::string_view trimmed = context_json;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n' ||
                              trimmed.front() == '\t' || trimmed.front() == '\r')) {
    trimmed.remove_prefix(1);
  }
  if (!trimmed.empty()) {
    auto decoded = json.Decode(context_json, arena);
    if (!decoded.ok() || !decoded.value().is_map()) {
      return {2, "context error: the context must be a JSON object" +
                     (decoded.ok() ? std::string() : " (" + decoded.error().message + ")")};
    }
    context = decoded.value();
  }

  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string id = FreshId();
  std::string payload_text;

  MessageInput in;
  in.id = id;
  in.topic = "t/a";
  in.payload = R"({"msg": "hello"})";
  in.qos = 1;
  in.clientid = "c_emqx";
  in.username = "u_emqx";
  in.peerhost = "127.0.0.1";
  in.peername = "127.0.0.1:12345";
  in.received_at_ms = now_ms;
  in.timestamp_ms = now_ms;
  in.node = "mqbridge@127.0.0.1";
  in.server = "127.0.0.1:1883";
  const EventInfo* event = nullptr;
  std::string error;
  if (!PickEvent(program, context, in, &event, &error)) {
    return {2, error};
  }

  MapBuilder extra(arena, context.size() + 20);
  if (event != nullptr) {
    // The event's columns, each with its example unless the context gives it.
    auto add = [&](std::span<const EventColumn> columns) {
      for (const EventColumn& c : columns) {
        if (c.name.ends_with("_at")) {
          extra.Put(c.name, Value::Int(now_ms));  // connected_at, publish_received_at, ...
        } else if (c.name == "id") {
          extra.Put(c.name, Value::StringRef(id));
        } else if (auto v = json.Decode(c.example, arena); v.ok()) {
          extra.Put(c.name, v.value());
        }
      }
    };
    add(event->columns);
    if (event->has_message) {
      add(MessageColumns());
    }
  } else if (in.event == EventKind::kMessagePublish) {
    extra.Put("flags", Value::EmptyMap());
  }
  if (event == nullptr) {
    MapBuilder props(arena, 1);
    props.Put("User-Property", Value::EmptyMap());
    extra.Put("pub_props", props.Finish());
  }
  for (const MapEntry& e : context.AsMap()) {
    const Value& v = e.value;
    if (e.key == "event_type") {
      continue;
    }
    if (event != nullptr) {
      // Every column of a broker event is an extra column (the message columns too, so
      // payload.x decodes the context's payload; a structured payload is used as it is).
      extra.Put(e.key, v);
      continue;
    }
    if (e.key == "topic" && v.is_string()) {
      in.topic = v.AsString();
    } else if (e.key == "payload") {
      if (v.is_string()) {
        in.payload = v.AsString();
      } else {
        payload_text = ToJson(v);
        in.payload = payload_text;
      }
    } else if (e.key == "qos" && v.is_int()) {
      in.qos = static_cast<int>(v.AsInt());
    } else if (e.key == "clientid" && v.is_string()) {
      in.clientid = v.AsString();
    } else if (e.key == "username" && v.is_string()) {
      in.username = v.AsString();
    } else if (e.key == "peerhost" && v.is_string()) {
      in.peerhost = v.AsString();
    } else if (e.key == "node" && v.is_string()) {
      in.node = v.AsString();
    } else if (e.key == "id" && v.is_string()) {
      in.id = v.AsString();
    } else if (e.key == "event" && v.is_string() && in.event == EventKind::kBridgeSource) {
      in.hookpoint = v.AsString();
    } else if (e.key == "retain" && v.is_bool()) {
      in.retain = v.AsBool();
    } else if (e.key == "dup" && v.is_bool()) {
      in.dup = v.AsBool();
    } else {
      extra.Put(e.key, v);
    }
  }
  in.extra_columns = extra.Finish();

  Evaluator ev;
  EvalStatus status = ev.Evaluate(program, in);
  switch (status) {
    case EvalStatus::kNoMatch:
      return {1, "no match"};
    case EvalStatus::kNoResult:
      if (program.is_foreach() && !ev.where_rejected()) {
        return {0, "[]"};  // WHERE matched, no element passed: an empty list, as EMQX shows
      }
      return {1, "no match"};
    case EvalStatus::kException:
      return {2, "evaluation error: " + ev.error().ToString()};
    case EvalStatus::kOutput:
      break;
  }
  std::string out;
  if (program.is_foreach()) {
    out.push_back('[');
    bool first = true;
    for (const Value& v : ev.outputs()) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      AppendJson(v, &out);
    }
    out.push_back(']');
  } else {
    AppendJson(ev.outputs()[0], &out);
  }
  return {0, out};
}

}  // namespace mqb::rules
