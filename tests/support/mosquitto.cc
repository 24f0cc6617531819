#include "tests/support/mosquitto.h"

#include <signal.h>

#include <stdexcept>

namespace mqb::testing {

Mosquitto::Mosquitto(MosquittoOptions options) : options_(std::move(options)) {
  port_ = FreePort();
  std::string conf = "listener " + std::to_string(port_) + " 127.0.0.1\n";
  conf += "persistence false\nuser root\nlog_dest stdout\nlog_type error\nlog_type warning\n";
  conf += "log_type notice\nlog_type information\nconnection_messages true\n";
  if (options_.users.empty()) {
    conf += "allow_anonymous true\n";
  } else {
    std::string pw = dir_.File("passwd");
    WriteFile(pw, "");
    for (auto& [user, pass] : options_.users) {
      auto r = RunCommand("mosquitto_passwd -b '" + pw + "' '" + user + "' '" + pass + "'");
      if (r.exit_code != 0) throw std::runtime_error("mosquitto_passwd failed: " + r.output);
    }
    conf += "allow_anonymous false\npassword_file " + pw + "\n";
  }
  if (!options_.cafile.empty()) {
    conf += "cafile " + options_.cafile + "\ncertfile " + options_.certfile + "\nkeyfile " +
            options_.keyfile + "\n";
    conf += std::string("require_certificate ") +
            (options_.require_certificate ? "true" : "false") + "\n";
  }
  conf += options_.extra_config;
  if (!conf.empty() && conf.back() != '\n') conf += "\n";
  WriteFile(dir_.File("mosquitto.conf"), conf);
  Start();
}

Mosquitto::~Mosquitto() {
  if (process_) {
    Resume();
    process_->Stop(std::chrono::seconds(2));
  }
}

void Mosquitto::Start() {
  if (process_ && process_->running()) return;
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"mosquitto", "-c", dir_.File("mosquitto.conf")},
      dir_.File("mosquitto.log"));
  if (!WaitForPort(port_)) {
    throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) + ": " +
                             Log());
  }
}

void Mosquitto::Kill() {
  if (!process_) return;
  process_->Signal(SIGCONT);
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(5));
}

void Mosquitto::Pause() {
  if (process_) process_->Signal(SIGSTOP);
}

void Mosquitto::Resume() {
  if (process_) process_->Signal(SIGCONT);
}

std::string Mosquitto::Log() const { return ReadFile(dir_.File("mosquitto.log")); }

}  // namespace mqb::testing
