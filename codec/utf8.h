// UTF-8 validation for MQTT strings (3.1.1 / 5.0 section 1.5.4): well-formed UTF-8 (RFC 3629: no
// overlong forms, no code points above U+10FFFF), no surrogates U+D800..U+DFFF, no U+0000.
// Other control characters and non-characters are accepted (the specs allow receivers to accept
// them). ASCII runs are checked eight bytes at a time.
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "base/result.h"
#include "codec/reason_code.h"

namespace mqb::codec {

// Errors: kUtf8NullCharacter, kInvalidUtf8.
Result<void, Errc> ValidateMqttUtf8(std::string_view s);

}  // namespace mqb::codec
