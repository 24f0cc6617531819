// Test helpers for real processes and sockets: free ports, temporary directories, child processes.
//
// Thread-safety: none of these classes is safe to share between threads without locking.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace mqb::testing {

// Asks the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read it back, close).
int FreePort();

// True once a TCP connect to 127.0.0.1:port succeeds, polling until `timeout`.
bool WaitForPort(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `content` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

// A child process with stdout and stderr sent to a log file. Killed (SIGKILL) on destruction if
// still running.
class Process {
 public:
  // argv[0] is looked up in PATH. `log_path` empty: output goes to /dev/null.
  Process(std::vector<std::string> argv, std::string log_path = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int sig);
  // Sends SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit status as from waitpid.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Waits for exit up to `timeout`; returns the exit code (or 128+signal), -1 on timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::string log_path_;
};

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed, -1 when it could not be run
  std::string output;  // stdout and stderr interleaved
};
// Runs `command` with /bin/sh -c, capturing output; gives up (SIGKILL) after `timeout`.
CommandResult RunCommand(const std::string& command,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The Debian system python (which has python3-paho-mqtt), not any python3 first in PATH.
inline const char* SystemPython() { return "/usr/bin/python3"; }

}  // namespace mqb::testing
