// EtcdClient: the few etcd v3 calls the cluster needs, through etcd's HTTP/JSON gateway (the
// /v3/... endpoints every etcd 3.4+ server answers) with the project's HTTP client, cpp-httplib.
// Debian packages no C++ etcd client; the gateway needs only HTTP/1.1 and JSON, which mqbridge
// already has (docs/cluster.md).
//
// Keys and values are bytes; the gateway carries them base64-encoded and int64 fields as JSON
// strings, which this class hides. Endpoints are tried in order; the one that answered last is
// tried first next time. With a user name, the client authenticates (/v3/auth/authenticate) and
// sends the token; an expired token is renewed once per call.
//
// Errors are values: kUnavailable (no endpoint answered: connection refused, timeout, HTTP 5xx),
// kRejected (etcd answered with an error: bad credentials, permission, a lease that does not
// exist), each with a message naming the endpoint and the reason.
//
// Thread-safety: one EtcdClient per thread. Watch blocks its thread; Stop (from any thread) makes
// a running Watch return.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace httplib {
class Client;
}

namespace mqb::engine::cluster {

struct EtcdOptions {
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", "https://10.0.0.1:2379"
  std::string username, password;      // empty username: no authentication
  std::string cacertfile;              // https: the CA that signed etcd's certificate
  std::string certfile, keyfile;       // https: a client certificate, when etcd asks for one
  int timeout_ms = 2000;               // connect and read timeout of one call
};

struct EtcdError {
  enum class Kind { kUnavailable, kRejected } kind = Kind::kUnavailable;
  std::string message;
};

struct KeyValue {
  std::string key, value;
  int64_t mod_revision = 0;
  int64_t lease = 0;
};

class EtcdClient {
 public:
  explicit EtcdClient(EtcdOptions options);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  // The key, or nullopt if it does not exist. *revision (optional) gets the store's revision.
  Result<std::optional<KeyValue>, EtcdError> Get(const std::string& key,
                                                 int64_t* revision = nullptr);
  // Every key that starts with `prefix`, in key order.
  Result<std::vector<KeyValue>, EtcdError> GetPrefix(const std::string& prefix,
                                                     int64_t* revision = nullptr);
  // Writes the key (attached to `lease` unless 0); returns the new revision.
  Result<int64_t, EtcdError> Put(const std::string& key, const std::string& value,
                                 int64_t lease = 0);
  // Writes the key only if its mod_revision is still `expected` (0: the key must not exist).
  // Returns the new revision, or nullopt when the key changed in between (nothing written).
  Result<std::optional<int64_t>, EtcdError> CompareAndPut(const std::string& key,
                                                          const std::string& value,
                                                          int64_t expected);
  Result<void, EtcdError> Delete(const std::string& key);

  // A lease of `ttl_seconds`; returns its id.
  Result<int64_t, EtcdError> GrantLease(int64_t ttl_seconds);
  // Renews the lease; returns the TTL left, 0 if the lease no longer exists.
  Result<int64_t, EtcdError> KeepAlive(int64_t lease);
  Result<void, EtcdError> RevokeLease(int64_t lease);

  // etcd's distributed lock `name`, held until Unlock or until `lease` expires; waits up to
  // `wait_ms` for another holder. Returns the lock's key (for Unlock).
  Result<std::string, EtcdError> Lock(const std::string& name, int64_t lease, int wait_ms);
  Result<void, EtcdError> Unlock(const std::string& lock_key);

  // Watches `key` (with `prefix`, every key starting with it) from `start_revision` and calls
  // `on_change` for each change (value empty and deleted true for a delete), until the stream ends
  // (etcd gone, `idle_ms` without a message, compaction) or Stop. Returns why it ended; ok after
  // Stop.
  using WatchFn = std::function<void(const KeyValue& kv, bool deleted)>;
  Result<void, EtcdError> Watch(const std::string& key, bool prefix, int64_t start_revision,
                                int idle_ms, const WatchFn& on_change);
  // Makes a running Watch (and every later call) return at once.
  void Stop();

 private:
  // POSTs `body` to `path` on the first endpoint that answers; the parsed body is handed to the
  // caller as text.
  // `read_timeout_ms` 0: options_.timeout_ms.
  Result<std::string, EtcdError> Call(const std::string& path, const std::string& body,
                                      int read_timeout_ms = 0);
  Result<std::string, EtcdError> CallOnce(size_t endpoint, const std::string& path,
                                          const std::string& body, int read_timeout_ms,
                                          bool* auth_expired);
  // The keys from `key` up to `range_end` (empty: `key` alone).
  Result<std::vector<KeyValue>, EtcdError> Range(const std::string& key,
                                                 const std::string& range_end, int64_t* revision);
  std::unique_ptr<httplib::Client> Connect(size_t endpoint, int read_timeout_ms) const;
  Result<void, EtcdError> Authenticate(size_t endpoint);

  EtcdOptions options_;
  size_t preferred_ = 0;
  std::string token_;
  std::atomic<bool> stopped_{false};
  std::mutex watch_mu_;  // guards watch_client_ against Stop from another thread
  httplib::Client* watch_client_ = nullptr;
};

// Base64 as the gateway carries bytes.
std::string Base64Encode(const std::string& bytes);
std::optional<std::string> Base64Decode(const std::string& text);

}  // namespace mqb::engine::cluster
