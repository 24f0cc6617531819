// FunctionRegistry and the default registry assembled from the compiled-in families.
#include "rules/function.h"
#include "rules/functions/families.h"

namespace mqb::rules {

// Provided by the language (rules/operators.cc): div, mod, eq as functions.
void RegisterOperatorFunctions(FunctionRegistry& registry);

void FunctionRegistry::Register(const FunctionDef& def) { map_[def.name] = def; }

const FunctionDef* FunctionRegistry::Find(std::string_view name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : &it->second;
}

namespace {

FunctionRegistry BuildDefault() {
  FunctionRegistry r;
#ifdef MQB_RULES_HAS_CONTEXT
  RegisterContextFunctions(r);
#endif
#ifdef MQB_RULES_HAS_MATH
  RegisterMathFunctions(r);
#endif
#ifdef MQB_RULES_HAS_BITS
  RegisterBitsFunctions(r);
#endif
#ifdef MQB_RULES_HAS_CONVERSION
  RegisterConversionFunctions(r);
#endif
#ifdef MQB_RULES_HAS_TYPE_TESTS
  RegisterTypeTestsFunctions(r);
#endif
#ifdef MQB_RULES_HAS_STRING
  RegisterStringFunctions(r);
#endif
#ifdef MQB_RULES_HAS_MAP
  RegisterMapFunctions(r);
#endif
#ifdef MQB_RULES_HAS_ARRAY
  RegisterArrayFunctions(r);
#endif
#ifdef MQB_RULES_HAS_HASH
  RegisterHashFunctions(r);
#endif
#ifdef MQB_RULES_HAS_COMPRESSION
  RegisterCompressionFunctions(r);
#endif
#ifdef MQB_RULES_HAS_CODEC
  RegisterCodecFunctions(r);
#endif
#ifdef MQB_RULES_HAS_TIME
  RegisterTimeFunctions(r);
#endif
#ifdef MQB_RULES_HAS_MISC
  RegisterMiscFunctions(r);
#endif
  // Language-provided functions last: they take precedence over a family's version.
  RegisterOperatorFunctions(r);
  return r;
}

}  // namespace

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry registry = BuildDefault();
  return registry;
}

}  // namespace mqb::rules
