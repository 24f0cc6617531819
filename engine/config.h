// The mqbridge configuration: one TOML file whose sections mirror EMQX's objects (node, broker,
// api, connectors.mqtt.*, actions.mqtt.*, sources.mqtt.*, rules.*), with EMQX's defaults.
//
// LoadConfig validates everything it can without touching the network: unknown keys, wrong types,
// bad values and dangling references are errors that name the file, line and key. Secrets may be
// given as "file:///path" (the file's content, trailing whitespace stripped). Soft problems that
// EMQX also tolerates (bridge_mode with v5, QoS 2 on a source, ...) become warnings.
//
// Thread-safety: a Config is an immutable value once loaded; share it freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/units.h"

namespace mqb::engine {

enum class ProtoVer : uint8_t { kV3 = 3, kV4 = 4, kV5 = 5 };
const char* ProtoVerName(ProtoVer v);

struct TlsClientOptions {
  bool enable = false;
  bool verify_peer = false;  // verify = "verify_peer" | "verify_none" (default)
  std::vector<std::string> versions = {"tlsv1.3", "tlsv1.2"};
  std::string server_name_indication;  // empty: the server's host name; "disable": none
  std::string cacertfile, certfile, keyfile, password, ciphers;
  std::vector<std::string> alpn;
  int depth = 10;
  bool operator==(const TlsClientOptions&) const = default;
};

struct TlsServerOptions {
  bool enable = false;
  std::string cacertfile, certfile, keyfile;
  bool verify_peer = false;  // request and verify client certificates
  bool fail_if_no_peer_cert = false;
  bool operator==(const TlsServerOptions&) const = default;
};

struct StaticClientId {
  std::string clientid;
  std::optional<std::string> username, password;
  bool operator==(const StaticClientId&) const = default;
};

struct StaticClientIds {
  std::string node;
  std::vector<StaticClientId> ids;
  bool operator==(const StaticClientIds&) const = default;
};

struct HealthOptions {
  Duration health_check_interval{15'000};
  Duration health_check_timeout{60'000};
  bool start_after_created = true;
  Duration start_timeout{5'000};
  bool operator==(const HealthOptions&) const = default;
};

struct ConnectorConfig {
  std::string name;
  bool enable = true;
  std::string description;
  std::string host;  // from `server`
  uint16_t port = 1883;
  std::string clientid_prefix;
  std::vector<StaticClientIds> static_clientids;
  int pool_size = 8;
  ProtoVer proto_ver = ProtoVer::kV4;
  bool bridge_mode = false;
  std::optional<std::string> username, password;
  bool clean_start = true;
  Duration keepalive{160'000};
  Duration connect_timeout{10'000};
  Duration retry_interval{15'000};
  int max_inflight = 32;
  int max_qos = 2;  // 1: cap QoS 2 to 1 (AWS IoT Core, Azure IoT Hub)
  bool tcp_nodelay = true;
  uint64_t tcp_sndbuf = 0, tcp_recbuf = 0;  // 0: kernel default
  TlsClientOptions ssl;
  HealthOptions resource_opts;
  int line = 0;  // where it was declared, for messages
  bool operator==(const ConnectorConfig&) const = default;
};

struct ActionResourceOptions {
  int worker_pool_size = 16;
  std::string dispatch_strategy = "per_clientid";  // per_clientid | random
  std::string query_mode = "async";                // async | sync
  Duration request_ttl{45'000};                    // Duration::max(): infinity
  int inflight_window = 100;
  uint64_t max_buffer_bytes = 256ull << 20;
  Duration health_check_interval{15'000};
  Duration health_check_timeout{60'000};
  Duration resume_interval{0};  // 0: derived, max(1s, min(hci, ttl/3))
  Duration metrics_flush_interval{5'000};
};

// Templates are kept as text here; the rules module compiles them.
struct MqttActionConfig {
  std::string name;
  std::string connector;
  bool enable = true;
  std::string description;
  std::string topic;                   // required template
  std::string qos = "1";               // literal 0..2 or a single ${placeholder}
  std::string retain = "false";        // literal bool or a single ${placeholder}
  std::optional<std::string> payload;  // unset: the rule output as JSON
  ActionResourceOptions resource_opts;
  int line = 0;
};

struct MqttSourceConfig {
  std::string name;
  std::string connector;
  bool enable = true;
  std::string description;
  std::string topic;  // may be $share/group/filter
  int qos = 1;        // 2 is downgraded to 1
  bool no_local = false;
  bool retain_as_published = true;
  HealthOptions resource_opts;
  int line = 0;
};

// One entry of a rule's `actions` list.
struct RuleActionConfig {
  enum class Kind { kMqtt, kRepublish, kConsole } kind = Kind::kMqtt;
  std::string action;  // kMqtt: the action name ("mqtt:<name>" -> "<name>")
  // kRepublish:
  std::string topic;
  std::string qos = "${qos}";
  std::string retain = "${retain}";
  std::string payload = "${payload}";
  std::map<std::string, std::string> user_properties;
};

struct RuleConfig {
  std::string name;
  bool enable = true;
  std::string description;
  std::string sql;
  std::vector<RuleActionConfig> actions;
  int line = 0;
};

struct ListenerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 1883;
  TlsServerOptions ssl;
  bool operator==(const ListenerConfig&) const = default;
};

struct BrokerConfig {
  bool enable = true;
  std::vector<ListenerConfig> listeners = {ListenerConfig{}};
  bool allow_anonymous = true;
  std::string password_file;
  std::string acl_file;
  uint64_t max_packet_size = 1ull << 20;
  int max_inflight = 32;
  uint64_t max_queued_messages = 1000;
  Duration session_expiry_max{7'200'000};
  Duration max_keepalive{65'535'000};  // Server Keep Alive cap told to 5.0 clients
  Duration connect_timeout{10'000};    // time allowed from accept to CONNECT
  int receive_maximum = 128;           // inbound QoS 2 awaiting PUBREL per client
  int topic_alias_maximum = 64;        // inbound topic aliases per 5.0 client
  int outbound_topic_aliases = 64;     // aliases the broker assigns per 5.0 client (0: none)
  bool queue_qos0_offline = false;     // also queue QoS 0 for disconnected sessions
  bool retain_available = true;
  // Back-pressure: while more than this many messages wait in the queues of connected remotes,
  // the broker stops reading from the clients whose messages feed them (0: never).
  int max_bridge_backlog = 20000;
  bool operator==(const BrokerConfig&) const = default;
};

struct ApiConfig {
  bool enable = true;
  std::string host = "127.0.0.1";
  uint16_t port = 18083;
  // Lines "key:secret[:role]" loaded at start (EMQX's api_key.bootstrap_file); empty: none.
  std::string bootstrap_file;
  Duration token_expiry{3'600'000};  // bearer tokens from POST /api/v5/login
  int max_failed_logins = 5;         // per source address within login_lockout, then 429
  Duration login_lockout{60'000};
  TlsServerOptions ssl;  // HTTPS for the API (certfile + keyfile)
  bool operator==(const ApiConfig&) const = default;
};

struct NodeConfig {
  std::string name = "mqbridge@127.0.0.1";
  std::string log_level = "info";
  Duration status_log_interval{0};  // 0: off
  int io_threads = 0;               // 0: one per core
  // Managed configuration (API changes), users and API keys live here; relative paths are
  // relative to the working directory, as EMQX's node.data_dir.
  std::string data_dir = "data";
  bool operator==(const NodeConfig&) const = default;
};

// [cluster]: nodes sharing one configuration through etcd (docs/cluster.md).
struct ClusterConfig {
  std::string store = "none";          // "none" (this node alone) or "etcd"
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379"; required with store = "etcd"
  std::string prefix = "/mqbridge";    // every key this cluster writes starts with it
  std::string username;                // etcd user (empty: no authentication)
  std::optional<std::string> password;
  std::string cacertfile, certfile, keyfile;  // https endpoints
  Duration lease_ttl{10'000};                 // a node that stops renewing leaves after this long
  Duration status_interval{2'000};            // how often a node publishes its status and counters
  Duration request_timeout{2'000};            // one call to etcd
  bool operator==(const ClusterConfig&) const = default;
};

struct Config {
  std::string path;
  NodeConfig node;
  BrokerConfig broker;
  ApiConfig api;
  ClusterConfig cluster;
  std::map<std::string, ConnectorConfig> connectors;
  std::map<std::string, MqttActionConfig> actions;
  std::map<std::string, MqttSourceConfig> sources;
  std::map<std::string, RuleConfig> rules;
  std::vector<std::string> warnings;  // "file:line: text"
};

// Parses and validates a config file. The error is a human-readable "file:line: key: why".
Result<Config, std::string> LoadConfig(const std::string& path);
// Same from text; `origin` names it in messages.
Result<Config, std::string> ParseConfig(std::string_view text, const std::string& origin);

// Splits "host[:port]" with an optional mqtt:// or mqtts:// scheme (mqtts sets *tls and defaults
// the port to 8883). IPv6 literals go in brackets: "[::1]:1883".
Result<void, std::string> ParseServer(std::string_view server, std::string& host, uint16_t& port,
                                      bool* tls);

}  // namespace mqb::engine
