// BenchOptions: everything one mqbridge-bench run is told on its command line, and the parser.
//
// Modes:
//   conn    open `connections` connections at `connect_rate`, hold them for `duration`, report
//           connect times.
//   pub     `connections` publishers to host:port.
//   sub     `connections` subscribers on host:port; loss is judged from sequence gaps.
//   bridge  `sub_connections` subscribers on sub_host:sub_port (broker B) and `connections`
//           publishers on host:port (broker A); end-to-end latency, and loss from the counts the
//           publishers really sent.
//
// Topic patterns: %i is replaced by the connection index, %c by the client id.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "codec/protocol.h"

namespace mqb::bench {

enum class Mode { kConn, kPub, kSub, kBridge };
const char* ModeName(Mode mode);

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 1883;
};

struct BenchOptions {
  Mode mode = Mode::kPub;
  Endpoint broker;      // publishers (pub, bridge), subscribers (sub), conn
  Endpoint sub_broker;  // bridge mode: the subscribers' broker (B)
  codec::ProtocolVersion version = codec::ProtocolVersion::kV311;
  std::string username, password;
  // TLS (both brokers).
  bool tls = false;
  std::string ca_file, cert_file, key_file, sni;
  bool insecure = false;  // do not verify the server certificate

  int connections = 1;      // publishers (pub, bridge), subscribers (sub), connections (conn)
  int sub_connections = 1;  // bridge mode subscribers
  double connect_rate = 0;  // connections started per second; 0: all at once
  int threads = 1;          // reactor threads for the connections (bridge: publishers)
  int sub_threads = 1;      // bridge mode: reactor threads for the subscribers
  std::string client_id = "mqbb-%p-%m-%i";  // %p process id, %m mode, %i index
  uint16_t keepalive_s = 60;
  uint16_t max_inflight = 64;

  std::string topic = "bench/%i";     // publish topic (pub, bridge) or filter (sub)
  std::string sub_topic = "bench/#";  // bridge mode: subscription filter on broker B
  std::string shared_group;           // subscribe as $share/<group>/<filter>
  codec::QoS qos = codec::QoS::kAtMostOnce;
  codec::QoS sub_qos = codec::QoS::kAtMostOnce;  // defaults to qos unless given
  bool sub_qos_given = false;
  bool retain = false;
  size_t payload_size = 64;
  std::string payload_file;
  double rate = 0;              // messages/s per publisher; 0: flat out
  uint64_t count = 0;           // messages per publisher (sub: per subscriber); 0: no limit
  double duration_s = 0;        // run length; 0: no limit (needs count)
  double drain_s = 5;           // after publishing: wait this long at most for the rest
  double ready_timeout_s = 20;  // bridge mode: wait this long for a probe to come through
  bool json = false;
  bool quiet = false;  // no progress lines
};

// Parses argv. The error text is the usage message (or the error) to print; `help` set when
// --help was asked for (exit 0).
struct ParseError {
  std::string text;
  bool help = false;
};
Result<BenchOptions, ParseError> ParseOptions(int argc, const char* const* argv);

// "%i" -> index, "%c" -> client id (topics); "%p" -> pid, "%m" -> mode (client ids).
std::string ExpandPattern(const std::string& pattern, int index, const std::string& client_id,
                          Mode mode);

}  // namespace mqb::bench
