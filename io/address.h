// Host/port parsing and name resolution for outbound connections.
//
// Resolve() calls getaddrinfo(), which blocks: on a running reactor thread use ResolveAsync
// (resolver.h) for names. Literals never block; Listener::Listen resolves its bind address here
// (set-up time, normally a literal). Thread-safety: free functions, safe from any thread.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/io_error.h"

namespace mqb::io {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string ToString() const;
};

// "host", "host:port", "[v6addr]:port", optionally prefixed by "mqtt://" or "mqtts://".
Result<HostPort, std::string> ParseHostPort(std::string_view text, uint16_t default_port);

// First address for host:port (IPv4 preferred). Errors: IoErrc::kDns with the resolver's text.
Result<SocketAddress, IoError> Resolve(const std::string& host, uint16_t port);

}  // namespace mqb::io
