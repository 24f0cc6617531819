// Robustness of the whole function library: every registered function is called with hostile
// argument combinations (wrong types, NaN, infinities, extreme integers, huge lengths, invalid
// UTF-8, format metacharacters) and must return a value or an EvalError, never crash, hang or
// trip the sanitizers. Also checks that functions which need no memory beyond their result do
// not touch the heap (only the arena).
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <thread>

#include "tests/rules/functions/test_context.h"

namespace {
// Heap allocations made by this thread while counting is on.
thread_local bool g_counting = false;
thread_local size_t g_allocations = 0;
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// Under ASan, count through the sanitizer's allocation hooks (every malloc and operator new).
// (Declared here: the sanitizer interface headers are not installed.)
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void OnMalloc(const volatile void*, size_t) {
  if (g_counting) ++g_allocations;
}
void OnFree(const volatile void*) {}
[[maybe_unused]] const int g_hooks = __sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree);
}  // namespace
#else
// Otherwise replace the global operator new (the nothrow and array forms call this one).
// The replacement pairs malloc with free on purpose; GCC cannot see that new and delete match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  if (g_counting) ++g_allocations;
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif

namespace mqb::rules::testing {
namespace {

std::vector<Value> HostileValues(TestContext& ctx) {
  std::string big(5000, 'x');
  return {
      U(),
      N(),
      B(true),
      B(false),
      I(0),
      I(1),
      I(-1),
      I(64),
      I(INT64_MAX),
      I(INT64_MIN),
      F(NAN),
      F(INFINITY),
      F(-INFINITY),
      F(-0.0),
      F(1e308),
      F(0.5),
      S(""),
      S("a"),
      S("second"),
      S("+08:00"),
      S("%Y-%m-%d %H:%M:%S%::z%N"),
      S("~p~s~*B~.999f~c"),
      S("(a+)+$|[[:alpha:]]{1000}"),
      S("a.b.c"),
      S("{\"a\":{\"b\":[1,2]}}"),
      S("[1,2,3]"),
      ctx.S("\xFF\xFE\xC3"),
      ctx.S(big),
      S("\\x110000\\q"),
      S("9F4E58"),
      S("integer"),
      ctx.J("[]"),
      ctx.J("[1,\"a\",[null],{\"k\":1.5}]"),
      ctx.J("{}"),
      ctx.J("{\"topic\":\"t/a\",\"qos\":1,\"a\":{\"b\":\"{}\"}}"),
      ctx.J("[{\"topic\":\"t/#\",\"qos\":2},[\"k\",\"v\"]]"),
  };
}

TEST(Robustness, EveryFunctionSurvivesHostileArguments) {
  TestContext ctx;
  ctx.SetColumn("topic", S("t/a/b"));
  ctx.SetColumn("payload", S("{\"a\": 1}"));
  ctx.SetColumn("flags", ctx.JPersistent("{\"retain\": true}"));
  std::vector<Value> pool = HostileValues(ctx);
  std::vector<std::string> names = {
      // Every family's functions (kept in sync with docs/sql-functions.md).
      "msgid",
      "qos",
      "flags",
      "flag",
      "topic",
      "clientid",
      "clientip",
      "peerhost",
      "username",
      "payload",
      "contains_topic",
      "contains_topic_match",
      "null",
      "coalesce",
      "coalesce_ne",
      "abs",
      "acos",
      "acosh",
      "asin",
      "asinh",
      "atan",
      "atanh",
      "ceil",
      "cos",
      "cosh",
      "exp",
      "floor",
      "fmod",
      "log",
      "log10",
      "log2",
      "power",
      "round",
      "sin",
      "sinh",
      "sqrt",
      "tan",
      "tanh",
      "bitnot",
      "bitand",
      "bitor",
      "bitxor",
      "bitsl",
      "bitsr",
      "bitsize",
      "bytesize",
      "subbits",
      "str",
      "str_utf8",
      "str_utf16_le",
      "bool",
      "int",
      "float",
      "float2str",
      "map",
      "bin2hexstr",
      "hexstr2bin",
      "sqlserver_bin2hexstr",
      "is_null",
      "is_null_var",
      "is_not_null",
      "is_not_null_var",
      "is_str",
      "is_bool",
      "is_int",
      "is_float",
      "is_num",
      "is_map",
      "is_array",
      "is_empty",
      "lower",
      "upper",
      "trim",
      "ltrim",
      "rtrim",
      "reverse",
      "strlen",
      "substr",
      "split",
      "tokens",
      "concat",
      "sprintf",
      "pad",
      "replace",
      "regex_match",
      "regex_replace",
      "regex_extract",
      "ascii",
      "find",
      "join_to_string",
      "join_to_sql_values_string",
      "map_to_redis_hset_args",
      "unescape",
      "jq",
      "map_new",
      "map_get",
      "map_put",
      "map_keys",
      "map_values",
      "map_to_entries",
      "map_size",
      "mget",
      "mput",
      "nth",
      "length",
      "sublist",
      "first",
      "last",
      "contains",
      "md5",
      "sha",
      "sha256",
      "hash",
      "gzip",
      "gunzip",
      "zip",
      "unzip",
      "zip_compress",
      "zip_uncompress",
      "base64_encode",
      "base64_decode",
      "json_encode",
      "json_decode",
      "term_encode",
      "term_decode",
      "now_timestamp",
      "now_rfc3339",
      "unix_ts_to_rfc3339",
      "rfc3339_to_unix_ts",
      "format_date",
      "date_to_unix_ts",
      "timezone_to_second",
      "timezone_to_offset_seconds",
      "mongo_date",
      "random",
      "uuid_v4",
      "uuid_v4_no_hyphen",
      "getenv"};
  std::mt19937 rng(20261126);
  size_t calls = 0;
  for (const std::string& name : names) {
    const FunctionDef* def = FunctionRegistry::Default().Find(name);
    ASSERT_NE(def, nullptr) << name;
    const int max = def->max_args == kVariadic ? def->min_args + 3 : def->max_args;
    for (int arity = def->min_args; arity <= max; ++arity) {
      // Exhaustive for up to two arguments, sampled beyond.
      const size_t combos = arity == 0   ? 1
                            : arity == 1 ? pool.size()
                            : arity == 2 ? pool.size() * pool.size()
                                         : 400;
      for (size_t c = 0; c < combos; ++c) {
        std::vector<Value> args(static_cast<size_t>(arity));
        for (int k = 0; k < arity; ++k) {
          size_t pick =
              arity <= 2 ? (k == 0 ? c % pool.size() : c / pool.size()) : rng() % pool.size();
          args[static_cast<size_t>(k)] = pool[pick];
        }
        auto r = def->fn(std::span<const Value>(args.data(), args.size()), ctx);
        if (r.ok()) {
          const Value& v = r.value();
          // Results must be well-formed: strings/arrays/maps readable end to end.
          std::string json = ToJson(v);
          EXPECT_FALSE(json.empty()) << name;
        } else {
          EXPECT_FALSE(r.error().message.empty()) << name;
        }
        ++calls;
      }
      ctx.arena().Reset();
      pool = HostileValues(ctx);
    }
  }
  EXPECT_GT(calls, 10000u);
}

TEST(Robustness, FunctionsAllocateOnlyInTheArena) {
  TestContext ctx;
  Value m = ctx.JPersistent(R"({"a": {"b": 1}, "c": [1, 2, 3]})");
  Value l = ctx.JPersistent("[1, 2, 3, 4]");
  // Call through preallocated argument vectors so only the function's own allocations count.
  struct Probe {
    std::string_view fn;
    std::vector<Value> args;
  };
  std::vector<Probe> probes = {
      {"lower", {S("Hello World")}},
      {"upper", {S("héllo")}},
      {"trim", {S("  x  ")}},
      {"substr", {S("hello world"), I(6), I(5)}},
      {"split", {S("a/b/c"), S("/")}},
      {"tokens", {S("a,b;c"), S(",;")}},
      {"concat", {S("a"), I(1)}},
      {"replace", {S("a-b-c"), S("-"), S("+")}},
      {"pad", {S("abc"), I(10), S("both")}},
      {"find", {S("abcabc"), S("c")}},
      {"sprintf", {S("~s=~p"), S("k"), F(1.5)}},
      {"regex_match", {S("abc123"), S("\\d+")}},
      {"regex_replace", {S("a1b22"), S("\\d+"), S("#")}},
      {"str", {F(3.14159)}},
      {"int", {S("42")}},
      {"float2str", {F(20.2), I(3)}},
      {"bin2hexstr", {S("hello")}},
      {"hexstr2bin", {S("68656C6C6F")}},
      {"map_get", {S("a.b"), m}},
      {"map_put", {S("a.x"), I(2), m}},
      {"map_keys", {m}},
      {"nth", {I(2), l}},
      {"sublist", {I(2), I(2), l}},
      {"contains", {I(3), l}},
      {"md5", {S("hello")}},
      {"sha256", {S("hello")}},
      {"zip", {S("hello hello hello")}},
      {"base64_encode", {S("hello")}},
      {"base64_decode", {S("aGVsbG8=")}},
      {"json_encode", {m}},
      {"format_date", {S("second"), S("Z"), S("%Y-%m-%d"), I(0)}},
      {"rfc3339_to_unix_ts", {S("2024-02-23T15:56:30Z")}},
      {"subbits", {S("\x9F\x4E"), I(1), I(12)}},
      {"uuid_v4", {}},
      {"abs", {I(-3)}},
      {"sqrt", {I(2)}},
      {"is_empty", {l}},
  };
  for (Probe& p : probes) {
    const FunctionDef* def = FunctionRegistry::Default().Find(p.fn);
    ASSERT_NE(def, nullptr) << p.fn;
    std::span<const Value> args(p.args.data(), p.args.size());
    // Warm up (arena blocks grow to the steady-state size, scratch buffers and regex caches
    // fill), then count one more call.
    for (int round = 0; round < 4; ++round) {
      ctx.arena().Reset();
      ASSERT_TRUE(def->fn(args, ctx).ok()) << p.fn;
    }
    ctx.arena().Reset();
    g_allocations = 0;
    g_counting = true;
    auto r = def->fn(args, ctx);
    g_counting = false;
    EXPECT_TRUE(r.ok()) << p.fn;
    EXPECT_EQ(g_allocations, 0u) << p.fn << " allocated on the heap";
  }
}

// Functions are called from many evaluator threads at once, each with its own context: the
// per-thread regex cache, scratch buffers and random generators must not interfere.
TEST(Robustness, ConcurrentCallsFromManyThreads) {
  constexpr int kThreads = 4;
  constexpr int kIterations = 300;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      TestContext ctx;
      const std::string id = "dev" + std::to_string(t);
      for (int i = 0; i < kIterations; ++i) {
        ctx.arena().Reset();
        // A pattern per thread and per iteration parity: the caches see shared and private
        // patterns.
        const std::string pattern = (i % 2 == 0) ? "^dev[0-9]+$" : "^" + id + "$";
        auto m = ctx.Call("regex_match", {ctx.S(id), ctx.S(pattern)});
        auto r = ctx.Call("regex_replace", {ctx.S(id), S("[0-9]+"), S("#")});
        auto u = ctx.Call("upper", {ctx.S(id)});
        auto f = ctx.Call("sprintf", {S("~s-~B"), ctx.S(id), I(i)});
        auto h = ctx.Call("md5", {ctx.S(id)});
        auto z = ctx.Call("zip_uncompress", {ctx.Call("zip_compress", {ctx.S(id)}).value()});
        const std::string want_f = id + "-" + std::to_string(i);
        if (!m.ok() || !m.value().AsBool() || !r.ok() || r.value().AsString() != "dev#" ||
            !u.ok() || u.value().AsString() != "DEV" + std::to_string(t) || !f.ok() ||
            f.value().AsString() != want_f || !h.ok() || h.value().size() != 32 || !z.ok() ||
            z.value().AsString() != id) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace mqb::rules::testing
