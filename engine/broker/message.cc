#include "engine/broker/message.h"

namespace mqb::engine::broker {

std::optional<uint32_t> ExtractForwardedProperties(const codec::Properties& in,
                                                   std::vector<uint8_t>& out) {
  using codec::PropertyId;
  std::optional<uint32_t> expiry;
  out.clear();
  if (in.empty()) return expiry;
  out.resize(in.size_bytes());
  codec::PropertyWriter writer(out);
  for (const codec::Property& p : in) {
    switch (p.id) {
      case PropertyId::kMessageExpiryInterval:
        expiry = p.integer;
        break;
      case PropertyId::kTopicAlias:
      case PropertyId::kSubscriptionIdentifier:
      case PropertyId::kWillDelayInterval:
        break;
      case PropertyId::kUserProperty:
        writer.AddUserProperty(p.string, p.value);
        break;
      default:
        switch (*codec::PropertyTypeOf(static_cast<uint8_t>(p.id))) {
          case codec::PropertyType::kUtf8String:
            writer.AddString(p.id, p.string);
            break;
          case codec::PropertyType::kBinary:
            writer.AddBinary(p.id, p.binary);
            break;
          default:
            writer.AddInteger(p.id, p.integer);
            break;
        }
    }
  }
  // The output is never larger than the input, so the writer cannot fail.
  out.resize(writer.size());
  return expiry;
}

}  // namespace mqb::engine::broker
