// IoError: why a connection, handshake or MQTT session ended or failed, as a value.
//
// `code` classifies the failure for programs; `message` is the precise text for people
// ("connection refused", "certificate verify failed: unknown CA", "CONNACK: bad username or
// password"). A default-constructed IoError means "no error" (an orderly close).
//
// Thread-safety: a plain value.
#pragma once

#include <string>

namespace mqb::io {

enum class IoErrc {
  kNone = 0,
  kClosedByPeer,   // orderly EOF from the remote
  kClosedLocally,  // Close()/Abort() by the owner, or reactor shutdown
  kSocket,         // an errno from a socket operation (refused, reset, unreachable, ...)
  kDns,            // name resolution failed
  kTimeout,        // connect / handshake / CONNACK / PINGRESP did not arrive in time
  kTls,            // TLS handshake or record failure
  kProtocol,       // the remote broke the MQTT protocol (malformed packet, bad state)
  kRefused,        // CONNACK with a failure reason code
  kDisconnected,   // the broker sent DISCONNECT
};

struct IoError {
  IoErrc code = IoErrc::kNone;
  int sys_errno = 0;    // for kSocket: the errno; for kRefused: the CONNACK reason code
  std::string message;  // precise human-readable reason

  bool ok() const { return code == IoErrc::kNone; }
  static IoError Errno(int err, const std::string& what);
};

}  // namespace mqb::io
