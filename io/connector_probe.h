// ProbeConnector: connect once to a remote broker and report whether it is usable, and if not,
// exactly why ("mqbridge connector test", the seed guide's "Test" button).
//
// It resolves the host, connects over TCP, runs the TLS handshake if enabled, sends CONNECT and
// waits for CONNACK, then disconnects cleanly. Failure reasons are the precise texts of the layer
// that failed, e.g.:
//   "DNS failure: cannot resolve 'nosuch.invalid': Name or service not known"
//   "TCP connect to 127.0.0.1:1884 failed: Connection refused"
//   "certificate verify failed: unknown CA"
//   "CONNACK: bad username or password"          "CONNACK: not authorized"
//   "timed out after 5000 ms waiting for CONNACK"
//
// Blocking: runs its own short-lived reactor on the calling thread; returns within about
// `timeout`. Thread-safety: safe to call from any thread.
#pragma once

#include <chrono>
#include <string>

#include "io/io_error.h"
#include "io/mqtt_options.h"

namespace mqb::io {

struct ProbeResult {
  bool ok = false;
  IoErrc code = IoErrc::kNone;
  std::string message;  // "connector available" when ok
};

// `options`: host, port, TLS, credentials, version, client id (empty: "mqbridge-probe-<pid>").
// Reconnect settings are ignored.
ProbeResult ProbeConnector(MqttClientOptions options,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace mqb::io
