#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/commands.h"
#include "engine/config.h"
#include "io/connector_probe.h"

namespace mqb::engine {

int RunConnectorTest(const ConnectorTestCommand& cmd) {
  io::MqttClientOptions o;
  bool scheme_tls = false;
  if (auto r = ParseServer(cmd.server, o.host, o.port, &scheme_tls); !r) {
    std::fprintf(stderr, "error: --server %s: %s\n", cmd.server.c_str(), r.error().c_str());
    return 2;
  }
  auto timeout = ParseDuration(cmd.timeout);
  if (!timeout || *timeout == Duration::max() || timeout->count() == 0) {
    std::fprintf(stderr, "error: --timeout %s: expected a duration such as \"10s\"\n",
                 cmd.timeout.c_str());
    return 2;
  }
  // Any TLS option implies TLS; a CA file implies verification unless --insecure.
  o.tls_enable = cmd.tls || scheme_tls || !cmd.cacertfile.empty() || !cmd.certfile.empty();
  o.tls.ca_file = cmd.cacertfile;
  o.tls.cert_file = cmd.certfile;
  o.tls.key_file = cmd.keyfile;
  o.tls.sni = cmd.sni;
  o.tls.verify_peer = !cmd.cacertfile.empty() && !cmd.insecure;
  if (cmd.proto_ver == "v3") {
    o.version = codec::ProtocolVersion::kV31;
  } else if (cmd.proto_ver == "v5") {
    o.version = codec::ProtocolVersion::kV5;
  } else {
    o.version = codec::ProtocolVersion::kV311;
  }
  o.client_id = cmd.clientid;
  if (!cmd.username.empty()) o.username = cmd.username;
  if (!cmd.password.empty()) {
    std::string pw = cmd.password;
    if (pw.rfind("file://", 0) == 0) {
      std::ifstream in(pw.substr(7), std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "error: --password: cannot read %s\n", pw.substr(7).c_str());
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      pw = ss.str();
      while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r' || pw.back() == ' ')) {
        pw.pop_back();
      }
    }
    o.password = pw;
  }
  o.connect_timeout = *timeout;
  io::ProbeResult r = io::ProbeConnector(o, *timeout);
  if (r.ok) {
    std::printf("connector available\n");
    return 0;
  }
  std::printf("connector not available: %s\n", r.message.c_str());
  return 1;
}

}  // namespace mqb::engine
