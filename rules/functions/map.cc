// Map functions: map_new map_get map_put map_keys map_values map_to_entries map_size and the
// legacy mget mput.
//
// map_get/map_put take a dotted key path ("a.b.c"); map_get JSON-decodes string values on the
// way (so it works on a JSON payload string), map_put creates missing parents. mget/mput take a
// single key (a dot is part of the key) or an array of keys.
#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadArg;
using functions::BadType;
using functions::FnResult;

constexpr size_t kMaxPathDepth = 64;

FnResult MapNew(std::span<const Value>, EvalContext&) { return Value::EmptyMap(); }

// map_get(Key, Map[, Default]).
FnResult MapGet(std::span<const Value> args, EvalContext& ctx) {
  if (!args[0].is_string()) return Err(BadType("map_get", args[0], "a key string"));
  Value fallback = args.size() > 2 ? args[2] : Value::Undefined();
  auto v = functions::NestedGet(args[1], args[0].AsString(), ctx);
  return v ? *v : fallback;
}

// Splits `path` on '.' into the arena. Returns the number of keys, 0 if too deep.
size_t SplitPath(std::string_view path, Arena& arena, std::string_view** keys_out) {
  size_t n = 1;
  for (char c : path) n += c == '.';
  if (n > kMaxPathDepth) return 0;
  std::string_view* keys = arena.AllocateArray<std::string_view>(n);
  size_t k = 0, start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    keys[k++] =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  *keys_out = keys;
  return n;
}

// The map argument of map_put/mput: a map, a JSON object string, or undefined (empty map).
FnResult MapArg(std::string_view fn, const Value& v, EvalContext& ctx) {
  if (v.is_undefined()) return Value::EmptyMap();
  return functions::ToMap(fn, v, ctx);
}

// map_put(Key, Value, Map).
FnResult MapPut(std::span<const Value> args, EvalContext& ctx) {
  constexpr std::string_view fn = "map_put";
  if (!args[0].is_string()) return Err(BadType(fn, args[0], "a key string"));
  auto map = MapArg(fn, args[2], ctx);
  if (!map.ok()) return map;
  std::string_view* keys;
  size_t n = SplitPath(args[0].AsString(), ctx.arena(), &keys);
  if (n == 0) return Err(BadArg(fn, "key path too deep"));
  return MapPutPath(ctx.arena(), map.value(), std::span<const std::string_view>(keys, n), args[1]);
}

FnResult MapKeys(std::span<const Value> args, EvalContext& ctx) {
  auto map = functions::ToMap("map_keys", args[0], ctx);
  if (!map.ok()) return map;
  ArrayBuilder out(ctx.arena(), map->size());
  for (const MapEntry& e : map->AsMap()) out.Push(Value::StringRef(e.key));
  return out.Finish();
}

FnResult MapValues(std::span<const Value> args, EvalContext& ctx) {
  auto map = functions::ToMap("map_values", args[0], ctx);
  if (!map.ok()) return map;
  ArrayBuilder out(ctx.arena(), map->size());
  for (const MapEntry& e : map->AsMap()) out.Push(e.value);
  return out.Finish();
}

// map_to_entries(Map): [{"key": K, "value": V}, ...].
FnResult MapToEntries(std::span<const Value> args, EvalContext& ctx) {
  auto map = functions::ToMap("map_to_entries", args[0], ctx);
  if (!map.ok()) return map;
  ArrayBuilder out(ctx.arena(), map->size());
  for (const MapEntry& e : map->AsMap()) {
    MapBuilder entry(ctx.arena(), 2);
    entry.Put("key", Value::StringRef(e.key));
    entry.Put("value", e.value);
    out.Push(entry.Finish());
  }
  return out.Finish();
}

FnResult MapSize(std::span<const Value> args, EvalContext& ctx) {
  auto map = functions::ToMap("map_size", args[0], ctx);
  if (!map.ok()) return map;
  return Value::Int(map->size());
}

// Keys of mget/mput: one string key, or an array of string keys (a nested path).
Result<std::span<const Value>, EvalError> KeyList(std::string_view fn, const Value* key) {
  if (key->is_string()) return std::span<const Value>(key, 1);
  if (key->is_array() && key->size() > 0 && key->size() <= kMaxPathDepth) {
    for (const Value& k : key->AsArray()) {
      if (!k.is_string()) return Err(BadType(fn, k, "a key string"));
    }
    return key->AsArray();
  }
  return Err(BadType(fn, *key, "a key string or a non-empty array of keys"));
}

// mget(Key, Map[, Default]).
FnResult Mget(std::span<const Value> args, EvalContext& ctx) {
  auto keys = KeyList("mget", &args[0]);
  if (!keys.ok()) return Err(keys.error());
  Value fallback = args.size() > 2 ? args[2] : Value::Undefined();
  auto map = functions::ToMap("mget", args[1], ctx);
  if (!map.ok()) return map;
  Value cur = map.value();
  for (const Value& k : keys.value()) {
    if (cur.is_string()) {
      auto decoded = ctx.json().Decode(cur.AsString(), ctx.arena());
      if (!decoded.ok()) return fallback;
      cur = decoded.value();
    }
    if (!cur.is_map()) return fallback;
    bool found = false;
    for (const MapEntry& e : cur.AsMap()) {
      if (e.key == k.AsString()) {
        cur = e.value;
        found = true;
        break;
      }
    }
    if (!found) return fallback;
  }
  return cur;
}

// mput(Key, Value, Map).
FnResult Mput(std::span<const Value> args, EvalContext& ctx) {
  auto keys = KeyList("mput", &args[0]);
  if (!keys.ok()) return Err(keys.error());
  auto map = MapArg("mput", args[2], ctx);
  if (!map.ok()) return map;
  std::string_view* names = ctx.arena().AllocateArray<std::string_view>(keys->size());
  for (size_t i = 0; i < keys->size(); ++i) names[i] = (*keys)[i].AsString();
  return MapPutPath(ctx.arena(), map.value(),
                    std::span<const std::string_view>(names, keys->size()), args[1]);
}

}  // namespace

void RegisterMapFunctions(FunctionRegistry& r) {
  r.Register("map_new", 0, 0, MapNew);
  r.Register("map_get", 2, 3, MapGet, false);
  r.Register("map_put", 3, 3, MapPut, false);
  r.Register("map_keys", 1, 1, MapKeys, false);
  r.Register("map_values", 1, 1, MapValues, false);
  r.Register("map_to_entries", 1, 1, MapToEntries, false);
  r.Register("map_size", 1, 1, MapSize, false);
  r.Register("mget", 2, 3, Mget, false);
  r.Register("mput", 3, 3, Mput, false);
}

}  // namespace mqb::rules
