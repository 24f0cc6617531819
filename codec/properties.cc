#include "codec/properties.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "codec/wire.h"

namespace mqb::codec {
namespace {

using wire::kOk;

constexpr uint32_t Bit(PropertyContext c) { return 1u << static_cast<uint8_t>(c); }

struct PropertyInfo {
  bool known = false;
  PropertyType type = PropertyType::kByte;
  uint32_t contexts = 0;  // bit set of PropertyContext
  const char* name = "Unknown";
};

constexpr std::array<PropertyInfo, 0x2B> MakeTable() {
  using C = PropertyContext;
  using T = PropertyType;
  std::array<PropertyInfo, 0x2B> t{};
  const uint32_t kPubWill = Bit(C::kPublish) | Bit(C::kWill);
  const uint32_t kReasonStr = Bit(C::kConnack) | Bit(C::kPuback) | Bit(C::kPubrec) |
                              Bit(C::kPubrel) | Bit(C::kPubcomp) | Bit(C::kSuback) |
                              Bit(C::kUnsuback) | Bit(C::kDisconnect) | Bit(C::kAuth);
  t[0x01] = {true, T::kByte, kPubWill, "Payload Format Indicator"};
  t[0x02] = {true, T::kFourByteInteger, kPubWill, "Message Expiry Interval"};
  t[0x03] = {true, T::kUtf8String, kPubWill, "Content Type"};
  t[0x08] = {true, T::kUtf8String, kPubWill, "Response Topic"};
  t[0x09] = {true, T::kBinary, kPubWill, "Correlation Data"};
  t[0x0B] = {true, T::kVarInt, Bit(C::kPublish) | Bit(C::kSubscribe), "Subscription Identifier"};
  t[0x11] = {true, T::kFourByteInteger, Bit(C::kConnect) | Bit(C::kConnack) | Bit(C::kDisconnect),
             "Session Expiry Interval"};
  t[0x12] = {true, T::kUtf8String, Bit(C::kConnack), "Assigned Client Identifier"};
  t[0x13] = {true, T::kTwoByteInteger, Bit(C::kConnack), "Server Keep Alive"};
  t[0x15] = {true, T::kUtf8String, Bit(C::kConnect) | Bit(C::kConnack) | Bit(C::kAuth),
             "Authentication Method"};
  t[0x16] = {true, T::kBinary, Bit(C::kConnect) | Bit(C::kConnack) | Bit(C::kAuth),
             "Authentication Data"};
  t[0x17] = {true, T::kByte, Bit(C::kConnect), "Request Problem Information"};
  t[0x18] = {true, T::kFourByteInteger, Bit(C::kWill), "Will Delay Interval"};
  t[0x19] = {true, T::kByte, Bit(C::kConnect), "Request Response Information"};
  t[0x1A] = {true, T::kUtf8String, Bit(C::kConnack), "Response Information"};
  t[0x1C] = {true, T::kUtf8String, Bit(C::kConnack) | Bit(C::kDisconnect), "Server Reference"};
  t[0x1F] = {true, T::kUtf8String, kReasonStr, "Reason String"};
  t[0x21] = {true, T::kTwoByteInteger, Bit(C::kConnect) | Bit(C::kConnack), "Receive Maximum"};
  t[0x22] = {true, T::kTwoByteInteger, Bit(C::kConnect) | Bit(C::kConnack), "Topic Alias Maximum"};
  t[0x23] = {true, T::kTwoByteInteger, Bit(C::kPublish), "Topic Alias"};
  t[0x24] = {true, T::kByte, Bit(C::kConnack), "Maximum QoS"};
  t[0x25] = {true, T::kByte, Bit(C::kConnack), "Retain Available"};
  t[0x26] = {true, T::kUtf8StringPair, 0x3FFF, "User Property"};
  t[0x27] = {true, T::kFourByteInteger, Bit(C::kConnect) | Bit(C::kConnack), "Maximum Packet Size"};
  t[0x28] = {true, T::kByte, Bit(C::kConnack), "Wildcard Subscription Available"};
  t[0x29] = {true, T::kByte, Bit(C::kConnack), "Subscription Identifier Available"};
  t[0x2A] = {true, T::kByte, Bit(C::kConnack), "Shared Subscription Available"};
  return t;
}
constexpr auto kTable = MakeTable();

const PropertyInfo* Info(uint32_t id) {
  if (id >= kTable.size() || !kTable[id].known) return nullptr;
  return &kTable[id];
}

// Reads one property's value at `r` (after its identifier) into `out`.
Errc ReadValue(wire::WireReader& r, PropertyType type, Property& out) {
  switch (type) {
    case PropertyType::kByte: {
      uint8_t v;
      if (Errc e = r.U8(v); e != kOk) return e;
      out.integer = v;
      return kOk;
    }
    case PropertyType::kTwoByteInteger: {
      uint16_t v;
      if (Errc e = r.U16(v); e != kOk) return e;
      out.integer = v;
      return kOk;
    }
    case PropertyType::kFourByteInteger:
      return r.U32(out.integer);
    case PropertyType::kVarInt:
      return r.VarInt(out.integer);
    case PropertyType::kUtf8String:
      return r.String(out.string);
    case PropertyType::kBinary:
      return r.Binary(out.binary);
    case PropertyType::kUtf8StringPair:
      if (Errc e = r.String(out.string); e != kOk) return e;
      return r.String(out.value);
  }
  return Errc::kUnknownProperty;
}

// Decodes the property starting at `p` without validation. REQUIRES: well-formed block.
const uint8_t* LoadUnchecked(const uint8_t* p, const uint8_t* end, Property& out) {
  wire::WireReader r({p, static_cast<size_t>(end - p)});
  uint32_t id = 0;
  (void)r.VarInt(id);
  out = Property{};
  out.id = static_cast<PropertyId>(id);
  const PropertyInfo* info = Info(id);
  if (info == nullptr) return end;
  (void)ReadValue(r, info->type, out);
  return r.pos();
}

Errc CheckValue(PropertyId id, uint32_t value) {
  switch (id) {
    case PropertyId::kPayloadFormatIndicator:
    case PropertyId::kRequestProblemInformation:
    case PropertyId::kRequestResponseInformation:
    case PropertyId::kMaximumQoS:
    case PropertyId::kRetainAvailable:
    case PropertyId::kWildcardSubscriptionAvailable:
    case PropertyId::kSubscriptionIdentifierAvailable:
    case PropertyId::kSharedSubscriptionAvailable:
      return value <= 1 ? kOk : Errc::kInvalidPropertyValue;
    case PropertyId::kReceiveMaximum:
    case PropertyId::kMaximumPacketSize:
      return value != 0 ? kOk : Errc::kInvalidPropertyValue;
    case PropertyId::kTopicAlias:
      return value != 0 ? kOk : Errc::kTopicAliasInvalid;
    case PropertyId::kSubscriptionIdentifier:
      return value != 0 ? kOk : Errc::kZeroSubscriptionId;
    default:
      return kOk;
  }
}

}  // namespace

std::optional<PropertyType> PropertyTypeOf(uint8_t id) {
  const PropertyInfo* info = Info(id);
  if (info == nullptr) return std::nullopt;
  return info->type;
}

bool IsPropertyAllowed(PropertyId id, PropertyContext context) {
  const PropertyInfo* info = Info(static_cast<uint8_t>(id));
  return info != nullptr && (info->contexts & Bit(context)) != 0;
}

bool IsPropertyRepeatable(PropertyId id, PropertyContext context) {
  return id == PropertyId::kUserProperty ||
         (id == PropertyId::kSubscriptionIdentifier && context == PropertyContext::kPublish);
}

const char* PropertyName(PropertyId id) {
  const PropertyInfo* info = Info(static_cast<uint8_t>(id));
  return info == nullptr ? "Unknown" : info->name;
}

Result<Properties, Errc> Properties::Parse(std::span<const uint8_t> bytes,
                                           PropertyContext context) {
  // A hand-rolled loop (this runs for every v5 packet): one table lookup per property, inline
  // bounds checks, ASCII fast path for strings.
  const uint8_t* p = bytes.data();
  const uint8_t* const end = p + bytes.size();
  uint64_t seen = 0;
  const uint32_t ctx_bit = Bit(context);
  auto read_string = [&](std::string_view& out) -> Errc {
    if (MQB_UNLIKELY(end - p < 2)) return Errc::kTruncated;
    const size_t n = (size_t{p[0]} << 8) | p[1];
    p += 2;
    if (MQB_UNLIKELY(static_cast<size_t>(end - p) < n)) return Errc::kTruncated;
    out = {reinterpret_cast<const char*>(p), n};
    p += n;
    auto r = ValidateMqttUtf8(out);
    return r.ok() ? kOk : r.error();
  };
  while (p < end) {
    uint32_t id = *p;
    if (MQB_UNLIKELY(id >= 0x80)) {
      // Every defined identifier fits one byte; a longer VBI is unknown or malformed.
      size_t n = 0;
      Errc e = wire::DecodeVarInt(p, end, id, n);
      if (e == Errc::kNeedMoreBytes) return Err(Errc::kTruncated);
      return Err(e != kOk ? e : Errc::kUnknownProperty);
    }
    ++p;
    const PropertyInfo* info = Info(id);
    if (MQB_UNLIKELY(info == nullptr)) return Err(Errc::kUnknownProperty);
    if (MQB_UNLIKELY((info->contexts & ctx_bit) == 0)) return Err(Errc::kPropertyNotAllowed);
    const auto pid = static_cast<PropertyId>(id);
    const uint64_t bit = uint64_t{1} << id;
    if (MQB_UNLIKELY((seen & bit) != 0) &&
        !(pid == PropertyId::kUserProperty ||
          (pid == PropertyId::kSubscriptionIdentifier && context == PropertyContext::kPublish))) {
      return Err(Errc::kDuplicateProperty);
    }
    seen |= bit;
    uint32_t integer = 0;
    std::string_view str;
    switch (info->type) {
      case PropertyType::kByte:
        if (MQB_UNLIKELY(end - p < 1)) return Err(Errc::kTruncated);
        integer = *p++;
        break;
      case PropertyType::kTwoByteInteger:
        if (MQB_UNLIKELY(end - p < 2)) return Err(Errc::kTruncated);
        integer = (uint32_t{p[0]} << 8) | p[1];
        p += 2;
        break;
      case PropertyType::kFourByteInteger:
        if (MQB_UNLIKELY(end - p < 4)) return Err(Errc::kTruncated);
        integer = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
        p += 4;
        break;
      case PropertyType::kVarInt: {
        size_t n = 0;
        Errc e = wire::DecodeVarInt(p, end, integer, n);
        if (MQB_UNLIKELY(e != kOk)) return Err(e == Errc::kNeedMoreBytes ? Errc::kTruncated : e);
        p += n;
        break;
      }
      case PropertyType::kUtf8String:
        if (Errc e = read_string(str); MQB_UNLIKELY(e != kOk)) return Err(e);
        continue;
      case PropertyType::kBinary: {
        if (MQB_UNLIKELY(end - p < 2)) return Err(Errc::kTruncated);
        const size_t n = (size_t{p[0]} << 8) | p[1];
        p += 2;
        if (MQB_UNLIKELY(static_cast<size_t>(end - p) < n)) return Err(Errc::kTruncated);
        p += n;
        continue;
      }
      case PropertyType::kUtf8StringPair:
        if (Errc e = read_string(str); MQB_UNLIKELY(e != kOk)) return Err(e);
        if (Errc e = read_string(str); MQB_UNLIKELY(e != kOk)) return Err(e);
        continue;
    }
    if (Errc e = CheckValue(pid, integer); MQB_UNLIKELY(e != kOk)) return Err(e);
  }
  return FromValidated(bytes);
}

Properties::Iterator::Iterator(const uint8_t* pos, const uint8_t* end)
    : pos_(pos), next_(pos), end_(end) {
  Load();
}

void Properties::Iterator::Load() {
  if (pos_ != end_) next_ = LoadUnchecked(pos_, end_, current_);
}

Properties::Iterator& Properties::Iterator::operator++() {
  pos_ = next_;
  Load();
  return *this;
}

Properties::Iterator Properties::begin() const {
  return Iterator(bytes_.data(), bytes_.data() + bytes_.size());
}
Properties::Iterator Properties::end() const {
  const uint8_t* e = bytes_.data() + bytes_.size();
  return Iterator(e, e);
}

std::optional<Property> Properties::Find(PropertyId id) const {
  for (const Property& p : *this) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

std::optional<uint32_t> Properties::GetInteger(PropertyId id) const {
  auto t = PropertyTypeOf(static_cast<uint8_t>(id));
  if (!t || (*t != PropertyType::kByte && *t != PropertyType::kTwoByteInteger &&
             *t != PropertyType::kFourByteInteger && *t != PropertyType::kVarInt)) {
    return std::nullopt;
  }
  auto p = Find(id);
  if (!p) return std::nullopt;
  return p->integer;
}

std::optional<std::string_view> Properties::GetString(PropertyId id) const {
  auto t = PropertyTypeOf(static_cast<uint8_t>(id));
  if (!t || *t != PropertyType::kUtf8String) return std::nullopt;
  auto p = Find(id);
  if (!p) return std::nullopt;
  return p->string;
}

std::optional<std::span<const uint8_t>> Properties::GetBinary(PropertyId id) const {
  auto t = PropertyTypeOf(static_cast<uint8_t>(id));
  if (!t || *t != PropertyType::kBinary) return std::nullopt;
  auto p = Find(id);
  if (!p) return std::nullopt;
  return p->binary;
}

bool Properties::operator==(const Properties& o) const {
  return bytes_.size() == o.bytes_.size() &&
         (bytes_.empty() || std::memcmp(bytes_.data(), o.bytes_.data(), bytes_.size()) == 0);
}

// --- PropertyWriter ------------------------------------------------------------------------------

bool PropertyWriter::Reserve(size_t n) {
  if (failed_) return false;
  if (buffer_.size() - size_ < n) {
    failed_ = true;
    error_ = Errc::kBufferTooSmall;
    return false;
  }
  return true;
}

PropertyWriter& PropertyWriter::AddInteger(PropertyId id, uint32_t value) {
  if (failed_) return *this;
  auto type = PropertyTypeOf(static_cast<uint8_t>(id));
  size_t n = 0;
  bool fits = true;
  if (!type) {
    fits = false;
  } else {
    switch (*type) {
      case PropertyType::kByte:
        n = 1;
        fits = value <= 0xFF;
        break;
      case PropertyType::kTwoByteInteger:
        n = 2;
        fits = value <= 0xFFFF;
        break;
      case PropertyType::kFourByteInteger:
        n = 4;
        break;
      case PropertyType::kVarInt:
        n = value <= kMaxVarInt ? VarIntSize(value) : 0;
        fits = n != 0;
        break;
      default:
        fits = false;
    }
  }
  if (!fits) {
    failed_ = true;
    error_ = Errc::kInvalidPropertyValue;
    return *this;
  }
  if (!Reserve(1 + n)) return *this;
  wire::WireWriter w(buffer_.data() + size_);
  w.VarInt(static_cast<uint8_t>(id));
  switch (*type) {
    case PropertyType::kByte:
      w.U8(static_cast<uint8_t>(value));
      break;
    case PropertyType::kTwoByteInteger:
      w.U16(static_cast<uint16_t>(value));
      break;
    case PropertyType::kFourByteInteger:
      w.U32(value);
      break;
    default:
      w.VarInt(value);
      break;
  }
  size_ += 1 + n;
  return *this;
}

PropertyWriter& PropertyWriter::AddString(PropertyId id, std::string_view value) {
  if (failed_) return *this;
  auto type = PropertyTypeOf(static_cast<uint8_t>(id));
  if (!type || *type != PropertyType::kUtf8String) {
    failed_ = true;
    error_ = Errc::kInvalidPropertyValue;
    return *this;
  }
  if (value.size() > kMaxStringSize) {
    failed_ = true;
    error_ = Errc::kFieldTooLong;
    return *this;
  }
  if (!Reserve(3 + value.size())) return *this;
  wire::WireWriter w(buffer_.data() + size_);
  w.U8(static_cast<uint8_t>(id));
  w.String(value);
  size_ += 3 + value.size();
  return *this;
}

PropertyWriter& PropertyWriter::AddBinary(PropertyId id, std::span<const uint8_t> value) {
  if (failed_) return *this;
  auto type = PropertyTypeOf(static_cast<uint8_t>(id));
  if (!type || *type != PropertyType::kBinary) {
    failed_ = true;
    error_ = Errc::kInvalidPropertyValue;
    return *this;
  }
  if (value.size() > kMaxStringSize) {
    failed_ = true;
    error_ = Errc::kFieldTooLong;
    return *this;
  }
  if (!Reserve(3 + value.size())) return *this;
  wire::WireWriter w(buffer_.data() + size_);
  w.U8(static_cast<uint8_t>(id));
  w.Binary(value);
  size_ += 3 + value.size();
  return *this;
}

PropertyWriter& PropertyWriter::AddUserProperty(std::string_view key, std::string_view value) {
  if (failed_) return *this;
  if (key.size() > kMaxStringSize || value.size() > kMaxStringSize) {
    failed_ = true;
    error_ = Errc::kFieldTooLong;
    return *this;
  }
  const size_t n = 1 + 2 + key.size() + 2 + value.size();
  if (!Reserve(n)) return *this;
  wire::WireWriter w(buffer_.data() + size_);
  w.U8(static_cast<uint8_t>(PropertyId::kUserProperty));
  w.String(key);
  w.String(value);
  size_ += n;
  return *this;
}

Result<Properties, Errc> PropertyWriter::Finish() const {
  if (failed_) return Err(error_);
  if (size_ > kMaxVarInt) return Err(Errc::kFieldTooLong);
  return Properties::FromValidated({buffer_.data(), size_});
}

Result<Properties, Errc> PropertyWriter::Finish(PropertyContext context) const {
  if (failed_) return Err(error_);
  return Properties::Parse({buffer_.data(), size_}, context);
}

}  // namespace mqb::codec
