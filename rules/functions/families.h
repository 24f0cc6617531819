// The SQL function families. Each family lives in rules/functions/<family>.cc and registers its
// functions (REFERENCE.md section 7, "Built-in functions") with one call:
//
//   family        file               functions (see REFERENCE.md section 7)
//   context       context.cc         msgid qos flags flag topic clientid clientip peerhost username
//                                    payload contains_topic contains_topic_match null coalesce
//                                    coalesce_ne
//   math          math.cc            abs acos ... tanh, power, round, fmod, ...
//   bits          bits.cc            bitnot bitand bitor bitxor bitsl bitsr bitsize bytesize
//   subbits conversion    conversion.cc      str str_utf8 str_utf16_le bool int float float2str map
//                                    bin2hexstr hexstr2bin sqlserver_bin2hexstr
//   type_tests    type_tests.cc      is_null is_null_var is_not_null ... is_empty
//   string        string.cc          lower upper trim ... regex_* ..., and jq from jq.cc
//   map           map.cc             map_new map_get map_put map_keys ... mget mput
//   array         array.cc           nth length sublist first last contains
//   hash          hash.cc            md5 sha sha256 hash
//   compression   compression.cc     gzip gunzip zip unzip zip_compress zip_uncompress
//   codec         codec.cc           base64_encode base64_decode json_encode json_decode
//   time          time.cc            now_timestamp now_rfc3339 ... mongo_date
//   misc          misc.cc            random uuid_v4 uuid_v4_no_hyphen getenv
//
// Build contract (rules/CMakeLists.txt): at configure time, for each family whose
// rules/functions/<family>.cc exists, that file is compiled into mqb_rules and
// MQB_RULES_HAS_<FAMILY> (upper-case) is defined for rules/function_registry.cc, which then calls
// Register<Family>Functions when building FunctionRegistry::Default(). A family without its .cc
// is simply absent (its functions are "not supported"). If rules/functions/sources.cmake exists
// it is include()d after the mqb_rules target is created, so it may add helper sources and
// private link libraries (RE2, ZLIB, wolfSSL):
//   target_sources(mqb_rules PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/functions/regex_cache.cc)
//   target_link_libraries(mqb_rules PRIVATE PkgConfig::RE2 ZLIB::ZLIB)
// (${CMAKE_CURRENT_SOURCE_DIR} is rules/ there.) Re-run cmake after adding a family file.
//
// Functions the language implements itself (operators callable as functions: div, mod, eq) are
// registered by the language, not by a family. Note: in the fuzz build wolfSSL is not found;
// guard its use in sources.cmake with `if(TARGET PkgConfig::WOLFSSL)`.
#pragma once

#include "rules/function.h"

namespace mqb::rules {

void RegisterContextFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterBitsFunctions(FunctionRegistry& registry);
void RegisterConversionFunctions(FunctionRegistry& registry);
void RegisterTypeTestsFunctions(FunctionRegistry& registry);
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterMapFunctions(FunctionRegistry& registry);
void RegisterArrayFunctions(FunctionRegistry& registry);
void RegisterHashFunctions(FunctionRegistry& registry);
void RegisterCompressionFunctions(FunctionRegistry& registry);
void RegisterCodecFunctions(FunctionRegistry& registry);
void RegisterTimeFunctions(FunctionRegistry& registry);
void RegisterMiscFunctions(FunctionRegistry& registry);
// jq(Program, Data[, Timeout]) (jq.cc, with libjq); registered by the string family.
void RegisterJqFunction(FunctionRegistry& registry);

}  // namespace mqb::rules
