// Client ids of a connector's pool connections.
//
// Pattern (the seed guide's): [prefix:]{connector}{hex8}:{seq}, where hex8 is the first 8 lowercase
// hex digits of SHA-1(node name) -- stable across restarts, distinct across nodes -- and seq is the
// 1-based pool index. A ':' joins prefix and connector name unless the prefix already ends in ':'.
// Only for MQTT 3.1 (v3), whose servers may reject ids over 23 bytes, is a longer id shortened with
// EMQX's rule: id:seq longer than the room left is replaced by the first characters of its SHA-1
// hex digest (see docs/configuration.md).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"

namespace mqb::engine {

// Lowercase hex SHA-1 of `data` (40 characters).
std::string Sha1Hex(std::string_view data);

// The generated id of pool connection `seq` (1-based).
std::string PoolClientId(std::string_view prefix, std::string_view connector,
                         std::string_view node_name, int seq, ProtoVer proto);

// One pool connection's identity: client id and credentials.
struct PoolIdentity {
  std::string clientid;
  std::optional<std::string> username, password;
};

// The identities this node's pool uses for `c`: static ids assigned to `node_name` (each with its
// own credentials, falling back to the connector's), or pool_size generated ids. Empty when the
// connector has static ids but none for this node.
std::vector<PoolIdentity> PoolIdentities(const ConnectorConfig& c, std::string_view node_name);

}  // namespace mqb::engine
