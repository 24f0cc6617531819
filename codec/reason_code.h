// MQTT reason codes and the codec's error values.
//
// Two enums, one number space:
//   ReasonCode  - every one-byte MQTT 5.0 Reason Code as it appears on the wire (success codes
//                 such as 0x00 Success / 0x01 Granted QoS 1 included). Several names share a
//                 value, exactly as in the specification (0x00 = Success = Normal disconnection =
//                 Granted QoS 0).
//   Errc        - the codec's error enum: the MQTT 5.0 failure reason codes (0x80..0xA2, same
//                 numeric value as ReasonCode) plus codec-only errors (>= 0x100) that name the
//                 precise violation ("invalid UTF-8", "duplicate property", "need more bytes").
//                 ToReasonCode() maps each codec-only value to the reason code a v5 session puts
//                 in its DISCONNECT/CONNACK (0x81 Malformed Packet, 0x82 Protocol Error, ...).
// Errc is a std::error_code enum (category "mqtt"), so callers may use either form.
//
// Thread-safety: constants and pure functions only; the category object is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

namespace mqb::codec {

// MQTT 5.0 Reason Codes (spec 2.4, table 2-6). Values < 0x80 mean success.
enum class ReasonCode : uint8_t {
  kSuccess = 0x00,
  kNormalDisconnection = 0x00,
  kGrantedQoS0 = 0x00,
  kGrantedQoS1 = 0x01,
  kGrantedQoS2 = 0x02,
  kDisconnectWithWillMessage = 0x04,
  kNoMatchingSubscribers = 0x10,
  kNoSubscriptionExisted = 0x11,
  kContinueAuthentication = 0x18,
  kReAuthenticate = 0x19,
  kUnspecifiedError = 0x80,
  kMalformedPacket = 0x81,
  kProtocolError = 0x82,
  kImplementationSpecificError = 0x83,
  kUnsupportedProtocolVersion = 0x84,
  kClientIdentifierNotValid = 0x85,
  kBadUserNameOrPassword = 0x86,
  kNotAuthorized = 0x87,
  kServerUnavailable = 0x88,
  kServerBusy = 0x89,
  kBanned = 0x8A,
  kServerShuttingDown = 0x8B,
  kBadAuthenticationMethod = 0x8C,
  kKeepAliveTimeout = 0x8D,
  kSessionTakenOver = 0x8E,
  kTopicFilterInvalid = 0x8F,
  kTopicNameInvalid = 0x90,
  kPacketIdentifierInUse = 0x91,
  kPacketIdentifierNotFound = 0x92,
  kReceiveMaximumExceeded = 0x93,
  kTopicAliasInvalid = 0x94,
  kPacketTooLarge = 0x95,
  kMessageRateTooHigh = 0x96,
  kQuotaExceeded = 0x97,
  kAdministrativeAction = 0x98,
  kPayloadFormatInvalid = 0x99,
  kRetainNotSupported = 0x9A,
  kQoSNotSupported = 0x9B,
  kUseAnotherServer = 0x9C,
  kServerMoved = 0x9D,
  kSharedSubscriptionsNotSupported = 0x9E,
  kConnectionRateExceeded = 0x9F,
  kMaximumConnectTime = 0xA0,
  kSubscriptionIdentifiersNotSupported = 0xA1,
  kWildcardSubscriptionsNotSupported = 0xA2,
};

// MQTT 3.1 / 3.1.1 CONNACK return codes (3.1.1 spec 3.2.2.3). A v3.x Connack carries one of these
// in its `reason_code` byte.
enum class ConnectReturnCode : uint8_t {
  kAccepted = 0,
  kUnacceptableProtocolVersion = 1,
  kIdentifierRejected = 2,
  kServerUnavailable = 3,
  kBadUserNameOrPassword = 4,
  kNotAuthorized = 5,
};
// The v3.x SUBACK failure return code (3.1.1 only; 3.1 has none).
inline constexpr uint8_t kSubackFailureV311 = 0x80;

// The codec's error enum. Values 0x80..0xA2 equal the ReasonCode of the same name; values from
// 0x100 are codec-only refinements (their reason code is given after each).
enum class Errc : uint16_t {
  // --- MQTT 5.0 failure reason codes, used directly where the spec names one ---------------
  kUnspecifiedError = 0x80,
  kMalformedPacket = 0x81,
  kProtocolError = 0x82,
  kImplementationSpecificError = 0x83,
  kUnsupportedProtocolVersion = 0x84,
  kClientIdentifierNotValid = 0x85,
  kBadUserNameOrPassword = 0x86,
  kNotAuthorized = 0x87,
  kServerUnavailable = 0x88,
  kServerBusy = 0x89,
  kBanned = 0x8A,
  kServerShuttingDown = 0x8B,
  kBadAuthenticationMethod = 0x8C,
  kKeepAliveTimeout = 0x8D,
  kSessionTakenOver = 0x8E,
  kTopicFilterInvalid = 0x8F,
  kTopicNameInvalid = 0x90,
  kPacketIdentifierInUse = 0x91,
  kPacketIdentifierNotFound = 0x92,
  kReceiveMaximumExceeded = 0x93,
  kTopicAliasInvalid = 0x94,
  kPacketTooLarge = 0x95,
  kMessageRateTooHigh = 0x96,
  kQuotaExceeded = 0x97,
  kAdministrativeAction = 0x98,
  kPayloadFormatInvalid = 0x99,
  kRetainNotSupported = 0x9A,
  kQoSNotSupported = 0x9B,
  kUseAnotherServer = 0x9C,
  kServerMoved = 0x9D,
  kSharedSubscriptionsNotSupported = 0x9E,
  kConnectionRateExceeded = 0x9F,
  kMaximumConnectTime = 0xA0,
  kSubscriptionIdentifiersNotSupported = 0xA1,
  kWildcardSubscriptionsNotSupported = 0xA2,

  // --- codec-only: not protocol violations ---------------------------------------------------
  kNeedMoreBytes = 0x100,  // input ends inside a fixed header (Framer; not an error per se)
  kBufferTooSmall,         // encoder: caller's buffer cannot hold the packet
  kFieldTooLong,           // encoder: string/binary > 65535 bytes (packet > 256 MiB:
                           // kPacketTooLarge)

  // --- codec-only: Malformed Packet (0x81) ----------------------------------------------------
  kMalformedVarInt,           // Variable Byte Integer longer than 4 bytes or not minimal
  kMalformedRemainingLength,  // Remaining Length VBI longer than 4 bytes
  kTruncated,                 // a field runs past the end of the packet
  kTrailingBytes,             // bytes left after the last field of a fixed-size packet
  kInvalidPacketType,         // type 0, or AUTH (15) before MQTT 5.0
  kInvalidFixedHeaderFlags,   // reserved flag bits not as the spec requires
  kInvalidQoS,                // QoS 3 (PUBLISH header, Will QoS, subscription options)
  kQoS0WithDup,               // PUBLISH with DUP=1 and QoS 0 [MQTT-3.3.1-2]
  kInvalidUtf8,               // ill-formed UTF-8 or a surrogate code point [MQTT-1.5.4-1]
  kUtf8NullCharacter,         // U+0000 in a UTF-8 string [MQTT-1.5.4-2]
  kInvalidProtocolName,       // CONNECT protocol name is neither "MQTT" nor "MQIsdp" (or mismatch)
  kConnectReservedFlag,       // CONNECT flags bit 0 set [MQTT-3.1.2-3]
  kInvalidWillFlags,          // Will QoS/Retain set without the Will flag
  kPasswordWithoutUserName,   // 3.x: password flag without user name flag [MQTT-3.1.2-22]
  kUnknownProperty,           // property identifier not defined by MQTT 5.0
  kPropertyNotAllowed,        // property not allowed in this packet (spec 2.2.2.2)
  kInvalidSubscriptionOptions,  // reserved bits set in subscription options / requested QoS
  kInvalidReasonCode,           // reason code not valid for this packet type
  kEmptyTopicFilter,            // zero-length topic filter [MQTT-4.7.3-1]

  // --- codec-only: Protocol Error (0x82) ------------------------------------------------------
  kZeroPacketId,               // packet identifier 0 where a non-zero one is required
  kDuplicateProperty,          // a property that may appear once appears twice
  kInvalidPropertyValue,       // e.g. Receive Maximum 0, Maximum QoS 2, byte flag not 0/1
  kNoTopicFilters,             // SUBSCRIBE / UNSUBSCRIBE without any topic filter
  kInvalidRetainHandling,      // Retain Handling 3
  kSharedSubscriptionNoLocal,  // No Local on a shared subscription [MQTT-3.8.3-4]
  kZeroSubscriptionId,         // Subscription Identifier 0 (spec 3.3.2.3.8, 3.8.2.1.2)
  kEmptyTopicName,             // zero-length PUBLISH topic without a Topic Alias (3.3.2.1)

  // --- codec-only: Topic Name invalid (0x90) --------------------------------------------------
  kWildcardInTopicName,  // '+' or '#' in a PUBLISH / Will topic [MQTT-3.3.2-2]

  // --- codec-only: Topic Filter invalid (0x8F) ------------------------------------------------
  kInvalidWildcard,            // '#' not last or not a whole level, '+' not a whole level
  kInvalidSharedSubscription,  // "$share/" without a group, group with wildcards, no filter
};

// The wire reason code for an Errc: identity for 0x80..0xA2; the category named in the Errc
// comment for codec-only values (kNeedMoreBytes/kBufferTooSmall/kFieldTooLong: 0x83).
ReasonCode ToReasonCode(Errc e);

// Short English descriptions; never nullptr.
const char* ErrcName(Errc e);
const char* ReasonCodeName(ReasonCode rc);

// True for reason codes < 0x80.
constexpr bool IsSuccess(ReasonCode rc) { return static_cast<uint8_t>(rc) < 0x80; }

// The "mqtt" error category for std::error_code interop.
const std::error_category& MqttCategory();
std::error_code make_error_code(Errc e);  // NOLINT(readability-identifier-naming): ADL hook

}  // namespace mqb::codec

template <>
struct std::is_error_code_enum<mqb::codec::Errc> : std::true_type {};
