// Message/context functions (emqx_rule_funcs "IoT Funcs"): msgid qos flags flag topic clientid
// clientip peerhost username payload contains_topic contains_topic_match null coalesce
// coalesce_ne. They read the current message through EvalContext::Column.
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

FnResult Msgid(std::span<const Value>, EvalContext& ctx) { return ctx.Column("id"); }
FnResult Qos(std::span<const Value>, EvalContext& ctx) { return ctx.Column("qos"); }
FnResult Clientid(std::span<const Value>, EvalContext& ctx) { return ctx.Column("clientid"); }
FnResult Peerhost(std::span<const Value>, EvalContext& ctx) { return ctx.Column("peerhost"); }
FnResult Username(std::span<const Value>, EvalContext& ctx) { return ctx.Column("username"); }
FnResult Null(std::span<const Value>, EvalContext&) { return Value::Undefined(); }

// flags(): the flags map, {} when the event has none.
FnResult Flags(std::span<const Value>, EvalContext& ctx) {
  Value flags = ctx.Column("flags");
  return flags.is_map() ? flags : Value::EmptyMap();
}

// flag(Name): one flag; undefined when absent.
FnResult Flag(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) {
    return Err(BadType("flag", args[0], "a flag name string"));
  }
  return ctx.Column("flags").Get(args[0].AsString());
}

// topic() / topic(N): the topic, or its N-th level (1-based; empty levels count).
FnResult Topic(std::span<const Value> args, EvalContext& ctx) {
  Value topic = ctx.Column("topic");
  if (args.empty()) {
    return topic;
  }
  if (!args[0].is_int()) {
    return Err(BadType("topic", args[0], "an integer level"));
  }
  if (!topic.is_string()) {
    return Value::Undefined();
  }
  int64_t n = args[0].AsInt();
  std::string_view t = topic.AsString();
  if (n < 1) {
    return Err(BadArg("topic", "level must be >= 1"));
  }
  size_t start = 0;
  for (int64_t level = 1;; ++level) {
    size_t slash = t.find('/', start);
    if (level == n) {
      return Value::StringRef(t.substr(
          start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    }
    if (slash == std::string_view::npos) {
      return Err(BadArg("topic", "the topic has fewer levels"));
    }
    start = slash + 1;
  }
}

// payload() / payload(Path): the raw payload, or a dotted path into the JSON-decoded payload
// (undefined when the payload is not JSON or the path is missing).
FnResult Payload(std::span<const Value> args, EvalContext& ctx) {
  if (args.empty()) {
    return ctx.Column("payload");
  }
  if (!args[0].is_string()) {
    return Err(BadType("payload", args[0], "a path string"));
  }
  auto decoded = ctx.DecodedPayload();
  if (!decoded.ok()) {
    return Value::Undefined();
  }
  auto v = functions::NestedGet(decoded.value(), args[0].AsString(), ctx);
  return v ? *v : Value::Undefined();
}

// contains_topic(Filters, Topic[, QoS]) and contains_topic_match(...): Filters is a list of
// maps with a "topic" key (as in subscription events). The first element whose topic equals
// (or, for _match, matches as an MQTT filter) decides; with QoS its "qos" must also be equal.
FnResult ContainsTopicImpl(std::string_view fn, std::span<const Value> args, bool match) {
  if (!args[0].is_array()) {
    return Err(BadType(fn, args[0], "an array of {topic, qos} maps"));
  }
  if (!args[1].is_string()) {
    return Err(BadType(fn, args[1], "a topic string"));
  }
  std::string_view topic = args[1].AsString();
  for (const Value& item : args[0].AsArray()) {
    Value t = item.Get("topic");
    if (!t.is_string()) {
      continue;
    }
    bool hit = match ? functions::TopicMatch(t.AsString(), topic) : t.AsString() == topic;
    if (hit) {
      if (args.size() < 3) {
        return Value::Bool(true);
      }
      return Value::Bool(item.Get("qos") == args[2]);
    }
  }
  return Value::Bool(false);
}
FnResult ContainsTopic(std::span<const Value> args, EvalContext&) {
  return ContainsTopicImpl("contains_topic", args, false);
}
FnResult ContainsTopicMatch(std::span<const Value> args, EvalContext&) {
  return ContainsTopicImpl("contains_topic_match", args, true);
}

// coalesce(List) | coalesce(A, B, ...): the first value that is not undefined (coalesce_ne also
// skips the empty string); undefined if there is none.
FnResult CoalesceImpl(std::string_view fn, std::span<const Value> args, bool skip_empty) {
  std::span<const Value> items = args;
  if (args.size() == 1) {
    if (!args[0].is_array()) {
      return Err(BadType(fn, args[0], "an array (or two or more arguments)"));
    }
    items = args[0].AsArray();
  }
  for (const Value& v : items) {
    if (v.is_undefined() || (skip_empty && v.is_string() && v.size() == 0)) {
      continue;
    }
    return v;
  }
  return Value::Undefined();
}
FnResult Coalesce(std::span<const Value> args, EvalContext&) {
  return CoalesceImpl("coalesce", args, false);
}
FnResult CoalesceNe(std::span<const Value> args, EvalContext&) {
  return CoalesceImpl("coalesce_ne", args, true);
}

}  // namespace

void RegisterContextFunctions(FunctionRegistry& r) {
  r.Register("msgid", 0, 0, Msgid, false);
  r.Register("qos", 0, 0, Qos, false);
  r.Register("flags", 0, 0, Flags, false);
  r.Register("flag", 1, 1, Flag, false);
  r.Register("topic", 0, 1, Topic, false);
  r.Register("clientid", 0, 0, Clientid, false);
  r.Register("clientip", 0, 0, Peerhost, false);
  r.Register("peerhost", 0, 0, Peerhost, false);
  r.Register("username", 0, 0, Username, false);
  r.Register("payload", 0, 1, Payload, false);
  r.Register("contains_topic", 2, 3, ContainsTopic, true);
  r.Register("contains_topic_match", 2, 3, ContainsTopicMatch, true);
  r.Register("null", 0, 0, Null, true);
  r.Register("coalesce", 1, kVariadic, Coalesce, true);
  r.Register("coalesce_ne", 1, kVariadic, CoalesceNe, true);
}

}  // namespace mqb::rules
