// A real mosquitto broker for system tests, started on a free port with a generated config.
//
// Thread-safety: not thread-safe; use from the test's main thread.
#pragma once

#include <memory>
#include <string>

#include "tests/support/process.h"

namespace mqb::testing {

struct MosquittoOptions {
  // TLS listener: paths to PEM files. Empty cafile: plain TCP.
  std::string cafile, certfile, keyfile;
  bool require_certificate = false;
  // Username:password lines; non-empty: anonymous access off, a password file is generated with
  // mosquitto_passwd.
  std::vector<std::pair<std::string, std::string>> users;
  // Extra lines appended to the config verbatim (e.g. "max_inflight_messages 10").
  std::string extra_config;
};

class Mosquitto {
 public:
  // Starts the broker on a free port and waits until it accepts connections; throws on failure.
  explicit Mosquitto(MosquittoOptions options = {});
  ~Mosquitto();
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  void Kill();    // SIGKILL: the remote dies mid-stream
  void Start();   // (re)start on the same port, waiting until it accepts connections
  void Pause();   // SIGSTOP: a hung remote (socket open, nothing answered)
  void Resume();  // SIGCONT
  std::string Log() const;
  const std::string& dir() const { return dir_.path(); }

 private:
  MosquittoOptions options_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace mqb::testing
