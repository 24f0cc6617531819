// MQTT 5.0 properties: a zero-copy, validated view over an encoded property block, and a writer
// that encodes a property block into a caller's buffer without heap allocation.
//
// Wire format (docs/codec.md, "Properties"): Property Length (Variable Byte Integer) followed by
// that many bytes of (identifier VBI, value) pairs. A Properties object refers to the pairs only
// (the bytes after the length); the length prefix is produced by the encoder.
//
// IMPORTANT: lifetime. A Properties object borrows the bytes it was built on (the receive buffer
// of a decoded packet, or a PropertyWriter's buffer). Those bytes must outlive it.
//
// Thread-safety: Properties is an immutable view; distinct and shared const objects are safe.
// PropertyWriter: distinct objects safe, shared objects unsafe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// Property identifiers (MQTT 5.0 spec 2.2.2.2, table 2-4). Values are wire values.
enum class PropertyId : uint8_t {
  kPayloadFormatIndicator = 0x01,           // byte          PUBLISH, Will
  kMessageExpiryInterval = 0x02,            // four-byte     PUBLISH, Will
  kContentType = 0x03,                      // UTF-8         PUBLISH, Will
  kResponseTopic = 0x08,                    // UTF-8         PUBLISH, Will
  kCorrelationData = 0x09,                  // binary        PUBLISH, Will
  kSubscriptionIdentifier = 0x0B,           // VBI           PUBLISH, SUBSCRIBE
  kSessionExpiryInterval = 0x11,            // four-byte     CONNECT, CONNACK, DISCONNECT
  kAssignedClientIdentifier = 0x12,         // UTF-8         CONNACK
  kServerKeepAlive = 0x13,                  // two-byte      CONNACK
  kAuthenticationMethod = 0x15,             // UTF-8         CONNECT, CONNACK, AUTH
  kAuthenticationData = 0x16,               // binary        CONNECT, CONNACK, AUTH
  kRequestProblemInformation = 0x17,        // byte          CONNECT
  kWillDelayInterval = 0x18,                // four-byte     Will
  kRequestResponseInformation = 0x19,       // byte          CONNECT
  kResponseInformation = 0x1A,              // UTF-8         CONNACK
  kServerReference = 0x1C,                  // UTF-8         CONNACK, DISCONNECT
  kReasonString = 0x1F,                     // UTF-8         CONNACK, acks, SUBACK, UNSUBACK,
                                            //               DISCONNECT, AUTH
  kReceiveMaximum = 0x21,                   // two-byte      CONNECT, CONNACK
  kTopicAliasMaximum = 0x22,                // two-byte      CONNECT, CONNACK
  kTopicAlias = 0x23,                       // two-byte      PUBLISH
  kMaximumQoS = 0x24,                       // byte          CONNACK
  kRetainAvailable = 0x25,                  // byte          CONNACK
  kUserProperty = 0x26,                     // UTF-8 pair    every packet with properties, Will
  kMaximumPacketSize = 0x27,                // four-byte     CONNECT, CONNACK
  kWildcardSubscriptionAvailable = 0x28,    // byte          CONNACK
  kSubscriptionIdentifierAvailable = 0x29,  // byte          CONNACK
  kSharedSubscriptionAvailable = 0x2A,      // byte          CONNACK
};

enum class PropertyType : uint8_t {
  kByte,
  kTwoByteInteger,
  kFourByteInteger,
  kVarInt,
  kUtf8String,
  kBinary,
  kUtf8StringPair,
};

// Where a property block appears; decides which identifiers are allowed.
enum class PropertyContext : uint8_t {
  kConnect,
  kWill,
  kConnack,
  kPublish,
  kPuback,
  kPubrec,
  kPubrel,
  kPubcomp,
  kSubscribe,
  kSuback,
  kUnsubscribe,
  kUnsuback,
  kDisconnect,
  kAuth,
};

// The value type of a known identifier; nullopt for identifiers MQTT 5.0 does not define.
std::optional<PropertyType> PropertyTypeOf(uint8_t id);
// True if `id` may appear in a property block of `context` (spec 2.2.2.2).
bool IsPropertyAllowed(PropertyId id, PropertyContext context);
// True for the identifiers that may appear more than once in one block: User Property anywhere,
// Subscription Identifier in PUBLISH.
bool IsPropertyRepeatable(PropertyId id, PropertyContext context);
const char* PropertyName(PropertyId id);  // "Topic Alias", ...; never nullptr

// One decoded property. Which member is meaningful depends on PropertyTypeOf(id):
// integers (byte, two-/four-byte, VBI) -> `integer`; UTF-8 string -> `string`; binary ->
// `binary`; UTF-8 string pair (User Property) -> `string` (key) and `value`.
struct Property {
  PropertyId id{};
  uint32_t integer = 0;
  std::string_view string;
  std::string_view value;
  std::span<const uint8_t> binary;
};

struct UserProperty {
  std::string_view key;
  std::string_view value;
};

// A validated property block. Lookups are linear scans (blocks are small); iteration yields
// properties in wire order.
class Properties {
 public:
  // An empty block.
  constexpr Properties() = default;

  // Validates `bytes` (the pairs after the Property Length) for `context`: identifiers known
  // (kUnknownProperty) and allowed (kPropertyNotAllowed), values well formed (kTruncated,
  // kMalformedVarInt, kInvalidUtf8, kUtf8NullCharacter), no duplicates (kDuplicateProperty),
  // values in range (kInvalidPropertyValue, kZeroSubscriptionId, kTopicAliasInvalid).
  static Result<Properties, Errc> Parse(std::span<const uint8_t> bytes, PropertyContext context);

  // Wraps bytes already validated (e.g. by Parse or written by PropertyWriter).
  // REQUIRES: `bytes` is a well-formed property block.
  static constexpr Properties FromValidated(std::span<const uint8_t> bytes) {
    Properties p;
    p.bytes_ = bytes;
    return p;
  }

  std::span<const uint8_t> bytes() const { return bytes_; }
  size_t size_bytes() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Forward iteration over the properties in wire order.
  class Iterator {
   public:
    using value_type = Property;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    using reference = const Property&;
    using pointer = const Property*;
    Iterator() = default;
    const Property& operator*() const { return current_; }
    const Property* operator->() const { return &current_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator copy = *this;
      ++*this;
      return copy;
    }
    bool operator==(const Iterator& o) const { return pos_ == o.pos_; }

   private:
    friend class Properties;
    Iterator(const uint8_t* pos, const uint8_t* end);
    void Load();
    const uint8_t* pos_ = nullptr;   // start of the current property, == end_ at the end
    const uint8_t* next_ = nullptr;  // start of the following property
    const uint8_t* end_ = nullptr;
    Property current_;
  };
  Iterator begin() const;
  Iterator end() const;

  // First occurrence of `id`, or nullopt. Get*() of an id of another type returns nullopt.
  std::optional<Property> Find(PropertyId id) const;
  bool Has(PropertyId id) const { return Find(id).has_value(); }
  std::optional<uint32_t> GetInteger(PropertyId id) const;  // byte, two-/four-byte, VBI
  std::optional<std::string_view> GetString(PropertyId id) const;
  std::optional<std::span<const uint8_t>> GetBinary(PropertyId id) const;

  // User Properties in wire order: `for (UserProperty up : props.user_properties())`.
  class UserPropertyRange user_properties() const;

  // Byte-wise equality of the encoded blocks.
  bool operator==(const Properties& o) const;

 private:
  std::span<const uint8_t> bytes_;
};

// The User Properties of a block, in wire order (see Properties::user_properties()).
class UserPropertyRange {
 public:
  class Iterator {
   public:
    using value_type = UserProperty;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;
    using reference = value_type;
    using pointer = void;
    Iterator() = default;
    UserProperty operator*() const { return {it_->string, it_->value}; }
    Iterator& operator++() {
      ++it_;
      Skip();
      return *this;
    }
    bool operator==(const Iterator& o) const { return it_ == o.it_; }

   private:
    friend class UserPropertyRange;
    Iterator(Properties::Iterator it, Properties::Iterator end) : it_(it), end_(end) { Skip(); }
    void Skip() {
      while (!(it_ == end_) && it_->id != PropertyId::kUserProperty) ++it_;
    }
    Properties::Iterator it_, end_;
  };
  explicit UserPropertyRange(Properties props) : props_(props) {}
  Iterator begin() const { return {props_.begin(), props_.end()}; }
  Iterator end() const { return {props_.end(), props_.end()}; }

 private:
  Properties props_;
};

inline UserPropertyRange Properties::user_properties() const { return UserPropertyRange(*this); }

// Encodes a property block into a caller-provided buffer (no heap allocation):
//
//   std::array<uint8_t, 128> storage;
//   PropertyWriter w(storage);
//   w.AddInteger(PropertyId::kMessageExpiryInterval, 60);
//   w.AddUserProperty("k", "v");
//   auto props = w.Finish(PropertyContext::kPublish);  // Result<Properties, Errc>
//
// Errors are sticky: the first one (kBufferTooSmall, kFieldTooLong, or kInvalidPropertyValue for
// an integer that does not fit the identifier's type or an Add* of the wrong type) is returned by
// Finish(); later Add* calls are ignored.
class PropertyWriter {
 public:
  explicit PropertyWriter(std::span<uint8_t> buffer) : buffer_(buffer) {}
  PropertyWriter(const PropertyWriter&) = delete;
  PropertyWriter& operator=(const PropertyWriter&) = delete;

  PropertyWriter& AddInteger(PropertyId id, uint32_t value);  // byte, two-/four-byte, VBI ids
  PropertyWriter& AddString(PropertyId id, std::string_view value);
  PropertyWriter& AddBinary(PropertyId id, std::span<const uint8_t> value);
  PropertyWriter& AddUserProperty(std::string_view key, std::string_view value);

  // The block written so far, without validation against a packet.
  Result<Properties, Errc> Finish() const;
  // The block written so far, validated by Properties::Parse(bytes, context).
  Result<Properties, Errc> Finish(PropertyContext context) const;
  size_t size() const { return size_; }

 private:
  bool Reserve(size_t n);
  std::span<uint8_t> buffer_;
  size_t size_ = 0;
  Errc error_ = Errc{};
  bool failed_ = false;
};

}  // namespace mqb::codec
