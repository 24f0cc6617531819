#include "engine/clientid.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

namespace mqb::engine {

std::string Sha1Hex(std::string_view data) {
  unsigned char digest[WC_SHA_DIGEST_SIZE];
  (void)wc_ShaHash(reinterpret_cast<const unsigned char*>(data.data()),
                   static_cast<word32>(data.size()), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * WC_SHA_DIGEST_SIZE);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

namespace {

// EMQX's bytes_n: "id:seq" if it fits in n bytes, else the first n hex digits of its SHA-1.
std::string BytesN(const std::string& id, int seq, size_t n) {
  std::string c = id + ":" + std::to_string(seq);
  if (c.size() <= n) return c;
  return Sha1Hex(c).substr(0, n);
}

}  // namespace

std::string PoolClientId(std::string_view prefix, std::string_view connector,
                         std::string_view node_name, int seq, ProtoVer proto) {
  std::string lead(prefix);
  if (!lead.empty() && lead.back() != ':') lead.push_back(':');
  const std::string base = std::string(connector) + Sha1Hex(node_name).substr(0, 8);
  std::string full = lead + base + ":" + std::to_string(seq);
  constexpr size_t kV3Limit = 23;
  if (proto != ProtoVer::kV3 || full.size() <= kV3Limit) return full;
  if (lead.size() >= 20) return full;  // no room to shorten; the server decides
  return lead + BytesN(base, seq, kV3Limit - lead.size());
}

std::vector<PoolIdentity> PoolIdentities(const ConnectorConfig& c, std::string_view node_name) {
  std::vector<PoolIdentity> out;
  if (!c.static_clientids.empty()) {
    for (const auto& entry : c.static_clientids) {
      if (entry.node != node_name) continue;
      for (const auto& id : entry.ids) {
        out.push_back({id.clientid, id.username ? id.username : c.username,
                       id.password ? id.password : c.password});
      }
    }
    return out;
  }
  for (int seq = 1; seq <= c.pool_size; ++seq) {
    out.push_back({PoolClientId(c.clientid_prefix, c.name, node_name, seq, c.proto_ver), c.username,
                   c.password});
  }
  return out;
}

}  // namespace mqb::engine
