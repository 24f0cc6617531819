#include "tests/support/tls_material.h"

#include <stdexcept>

namespace mqb::testing {

namespace {
void Run(const std::string& cmd) {
  auto r = RunCommand(cmd);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + cmd + "\n" + r.output);
}
}  // namespace

TlsMaterial GenerateTlsMaterial(const TempDir& dir) {
  TlsMaterial m;
  m.ca_cert = dir.File("ca.pem");
  m.ca_key = dir.File("ca.key");
  m.server_cert = dir.File("server.pem");
  m.server_key = dir.File("server.key");
  m.client_cert = dir.File("client.pem");
  m.client_key = dir.File("client.key");
  m.other_ca_cert = dir.File("other-ca.pem");
  const std::string d = dir.path();
  Run("openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj '/CN=mqbridge test CA' "
      "-keyout " +
      m.ca_key + " -out " + m.ca_cert + " 2>&1");
  Run("openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj '/CN=other CA' "
      "-keyout " +
      d + "/other-ca.key -out " + m.other_ca_cert + " 2>&1");
  WriteFile(d + "/server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  Run("openssl req -newkey rsa:2048 -nodes -sha256 -subj '/CN=localhost' -keyout " + m.server_key +
      " -out " + d + "/server.csr 2>&1");
  Run("openssl x509 -req -sha256 -days 2 -in " + d + "/server.csr -CA " + m.ca_cert + " -CAkey " +
      m.ca_key + " -CAcreateserial -extfile " + d + "/server.ext -out " + m.server_cert + " 2>&1");
  Run("openssl req -newkey rsa:2048 -nodes -sha256 -subj '/CN=mqbridge-client' -keyout " +
      m.client_key + " -out " + d + "/client.csr 2>&1");
  Run("openssl x509 -req -sha256 -days 2 -in " + d + "/client.csr -CA " + m.ca_cert + " -CAkey " +
      m.ca_key + " -CAcreateserial -out " + m.client_cert + " 2>&1");
  return m;
}

}  // namespace mqb::testing
