#include "engine/cluster/etcd_client.h"

// clang-format off
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/coding.h>
// clang-format on

#include <httplib.h>
#include <simdjson.h>

#include <charconv>

#include "engine/json_writer.h"

namespace mqb::engine::cluster {
namespace {

EtcdError Unavailable(std::string m) {
  return EtcdError{EtcdError::Kind::kUnavailable, std::move(m)};
}
EtcdError Rejected(std::string m) { return EtcdError{EtcdError::Kind::kRejected, std::move(m)}; }

// An int64 field the gateway writes as a string ("5") or, rarely, a number; 0 when absent.
int64_t Int64(simdjson::dom::element e, std::string_view field) {
  auto v = e[field];
  if (v.error()) return 0;
  if (auto s = v.get_string(); !s.error()) {
    int64_t out = 0;
    std::from_chars(s.value().data(), s.value().data() + s.value().size(), out);
    return out;
  }
  if (auto i = v.get_int64(); !i.error()) return i.value();
  return 0;
}

std::string String(simdjson::dom::element e, std::string_view field) {
  auto v = e[field].get_string();
  return v.error() ? std::string() : std::string(v.value());
}

KeyValue ParseKv(simdjson::dom::element kv) {
  KeyValue out;
  out.key = Base64Decode(String(kv, "key")).value_or("");
  out.value = Base64Decode(String(kv, "value")).value_or("");
  out.mod_revision = Int64(kv, "mod_revision");
  out.lease = Int64(kv, "lease");
  return out;
}

// The key range that holds every key starting with `prefix` (etcd's range_end convention).
std::string PrefixEnd(std::string prefix) {
  for (size_t i = prefix.size(); i-- > 0;) {
    if (static_cast<unsigned char>(prefix[i]) < 0xff) {
      prefix[i] = static_cast<char>(prefix[i] + 1);
      prefix.resize(i + 1);
      return prefix;
    }
  }
  return std::string(1, '\0');  // every key
}

Result<simdjson::dom::element, EtcdError> Parse(simdjson::dom::parser& parser,
                                                const std::string& text) {
  auto doc = parser.parse(text);
  if (doc.error()) return Err(Rejected("etcd answered with malformed JSON"));
  return doc.value();
}

int64_t HeaderRevision(simdjson::dom::element doc) {
  auto header = doc["header"];
  return header.error() ? 0 : Int64(header.value(), "revision");
}

// An answer parsed and handed to `read(doc, text)`, which makes the call's result from it.
template <typename T, typename F>
Result<T, EtcdError> Parsed(Result<std::string, EtcdError> body, F read) {
  if (!body.ok()) return Err(body.error());
  simdjson::dom::parser parser;
  auto doc = Parse(parser, body.value());
  if (!doc.ok()) return Err(doc.error());
  return read(doc.value(), body.value());
}

// A call whose answer carries nothing the caller needs.
Result<void, EtcdError> Discard(Result<std::string, EtcdError> body) {
  if (!body.ok()) return Err(body.error());
  return {};
}

std::string LeaseBody(int64_t lease) {
  JsonWriter w;
  w.BeginObject().Key("ID").String(std::to_string(lease)).EndObject();
  return w.str();
}

// cpp-httplib's error as a reason a user can act on.
std::string Why(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot connect (connection refused or no route)";
    case httplib::Error::ConnectionTimeout:
      return "connect timed out";
    case httplib::Error::Read:
      return "no answer (timed out or the connection closed)";
    case httplib::Error::Write:
      return "cannot send the request";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the TLS certificates ([cluster.ssl] files)";
    case httplib::Error::SSLServerVerification:
      return "TLS: etcd's certificate is not trusted ([cluster.ssl] cacertfile)";
    default:
      return httplib::to_string(e);
  }
}

// POSTs `body`. The gateway ends its error answers with a chunked trailer
// (Grpc-Trailer-Content-Type) that cpp-httplib 0.11 cannot read: the status and body have arrived
// by then, so such an answer counts as received.
httplib::Result Send(httplib::Client& c, const std::string& path, const std::string& body,
                     const std::string& token) {
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body;
  req.set_header("Content-Type", "application/json");
  if (!token.empty()) req.set_header("Authorization", token);
  std::string received;
  req.content_receiver = [&received](const char* data, size_t size, uint64_t, uint64_t) {
    received.append(data, size);
    return true;
  };
  auto res = std::make_unique<httplib::Response>();
  httplib::Error error = httplib::Error::Success;
  const bool sent = c.send(req, *res, error);
  const bool trailer_only =
      !sent && error == httplib::Error::Read && res->status > 0 && res->has_header("Trailer");
  if (!sent && !trailer_only) return httplib::Result(nullptr, error);
  res->body = std::move(received);
  return httplib::Result(std::move(res), httplib::Error::Success);
}

}  // namespace

std::string Base64Encode(const std::string& bytes) {
  if (bytes.empty()) return {};
  std::string out(bytes.size() * 4 / 3 + 8, '\0');
  word32 size = static_cast<word32>(out.size());
  if (Base64_Encode_NoNl(reinterpret_cast<const byte*>(bytes.data()),
                         static_cast<word32>(bytes.size()), reinterpret_cast<byte*>(out.data()),
                         &size) != 0) {
    return {};
  }
  out.resize(size);
  return out;
}

std::optional<std::string> Base64Decode(const std::string& text) {
  if (text.empty()) return std::string();
  std::string out(text.size(), '\0');
  word32 size = static_cast<word32>(out.size());
  if (Base64_Decode(reinterpret_cast<const byte*>(text.data()), static_cast<word32>(text.size()),
                    reinterpret_cast<byte*>(out.data()), &size) != 0) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

EtcdClient::EtcdClient(EtcdOptions options) : options_(std::move(options)) {}
EtcdClient::~EtcdClient() = default;

std::unique_ptr<httplib::Client> EtcdClient::Connect(size_t endpoint, int read_timeout_ms) const {
  const std::string& url = options_.endpoints[endpoint];
  std::unique_ptr<httplib::Client> c;
  if (!options_.certfile.empty()) {
    c = std::make_unique<httplib::Client>(url, options_.certfile, options_.keyfile);
  } else {
    c = std::make_unique<httplib::Client>(url);
  }
  if (!options_.cacertfile.empty()) c->set_ca_cert_path(options_.cacertfile.c_str());
  c->set_connection_timeout(0, options_.timeout_ms * 1000);
  c->set_read_timeout(read_timeout_ms / 1000, (read_timeout_ms % 1000) * 1000);
  c->set_write_timeout(options_.timeout_ms / 1000, (options_.timeout_ms % 1000) * 1000);
  return c;
}

Result<void, EtcdError> EtcdClient::Authenticate(size_t endpoint) {
  JsonWriter w;
  w.BeginObject().Key("name").String(options_.username).Key("password").String(options_.password);
  w.EndObject();
  auto c = Connect(endpoint, options_.timeout_ms);
  auto res = Send(*c, "/v3/auth/authenticate", w.str(), "");
  if (!res) {
    return Err(Unavailable(options_.endpoints[endpoint] + ": " + Why(res.error())));
  }
  simdjson::dom::parser parser;
  auto doc = Parse(parser, res->body);
  if (!doc.ok()) return Err(doc.error());
  if (res->status != 200) {
    return Err(Rejected(options_.endpoints[endpoint] +
                        ": authentication failed: " + String(doc.value(), "message")));
  }
  token_ = String(doc.value(), "token");
  return {};
}

Result<std::string, EtcdError> EtcdClient::CallOnce(size_t endpoint, const std::string& path,
                                                    const std::string& body, int read_timeout_ms,
                                                    bool* auth_expired) {
  if (!options_.username.empty() && token_.empty()) {
    if (auto a = Authenticate(endpoint); !a.ok()) return Err(a.error());
  }
  auto c = Connect(endpoint, read_timeout_ms > 0 ? read_timeout_ms : options_.timeout_ms);
  auto res = Send(*c, path, body, token_);
  const std::string& url = options_.endpoints[endpoint];
  if (!res) return Err(Unavailable(url + ": " + Why(res.error())));
  if (res->status >= 500 && res->status != 503) {
    return Err(Unavailable(url + ": HTTP " + std::to_string(res->status)));
  }
  if (res->status != 200) {
    simdjson::dom::parser parser;
    auto doc = parser.parse(res->body);
    std::string message = doc.error() ? res->body : String(doc.value(), "message");
    if (message.find("token") != std::string::npos && !options_.username.empty()) {
      *auth_expired = true;
    }
    if (res->status == 503) return Err(Unavailable(url + ": " + message));
    return Err(Rejected(url + ": " + message));
  }
  return res->body;
}

Result<std::string, EtcdError> EtcdClient::Call(const std::string& path, const std::string& body,
                                                int read_timeout_ms) {
  if (stopped_) return Err(Unavailable("stopped"));
  if (options_.endpoints.empty()) return Err(Unavailable("no etcd endpoints configured"));
  EtcdError last;
  for (size_t i = 0; i < options_.endpoints.size(); ++i) {
    const size_t e = (preferred_ + i) % options_.endpoints.size();
    bool auth_expired = false;
    auto r = CallOnce(e, path, body, read_timeout_ms, &auth_expired);
    if (!r.ok() && auth_expired) {
      token_.clear();
      auth_expired = false;
      r = CallOnce(e, path, body, read_timeout_ms, &auth_expired);
    }
    if (r.ok()) {
      preferred_ = e;
      return r;
    }
    if (r.error().kind == EtcdError::Kind::kRejected) return r;
    token_.clear();  // a token is per member only for some auth setups; ask the next one afresh
    last = r.error();
  }
  return Err(last);
}

Result<std::vector<KeyValue>, EtcdError> EtcdClient::Range(const std::string& key,
                                                           const std::string& range_end,
                                                           int64_t* revision) {
  JsonWriter w;
  w.BeginObject().Key("key").String(Base64Encode(key));
  if (!range_end.empty()) w.Key("range_end").String(Base64Encode(range_end));
  w.EndObject();
  return Parsed<std::vector<KeyValue>>(
      Call("/v3/kv/range", w.str()),
      [revision](simdjson::dom::element doc,
                 const std::string&) -> Result<std::vector<KeyValue>, EtcdError> {
        if (revision) *revision = HeaderRevision(doc);
        std::vector<KeyValue> out;
        auto kvs = doc["kvs"].get_array();
        if (!kvs.error()) {
          for (simdjson::dom::element kv : kvs.value()) out.push_back(ParseKv(kv));
        }
        return out;
      });
}

Result<std::optional<KeyValue>, EtcdError> EtcdClient::Get(const std::string& key,
                                                           int64_t* revision) {
  auto kvs = Range(key, "", revision);
  if (!kvs.ok()) return Err(kvs.error());
  if (kvs.value().empty()) return std::optional<KeyValue>();
  return std::optional<KeyValue>(std::move(kvs.value().front()));
}

Result<std::vector<KeyValue>, EtcdError> EtcdClient::GetPrefix(const std::string& prefix,
                                                               int64_t* revision) {
  return Range(prefix, PrefixEnd(prefix), revision);
}

Result<int64_t, EtcdError> EtcdClient::Put(const std::string& key, const std::string& value,
                                           int64_t lease) {
  JsonWriter w;
  w.BeginObject().Key("key").String(Base64Encode(key)).Key("value").String(Base64Encode(value));
  if (lease != 0) w.Key("lease").String(std::to_string(lease));
  w.EndObject();
  return Parsed<int64_t>(
      Call("/v3/kv/put", w.str()),
      [](simdjson::dom::element doc, const std::string&) -> Result<int64_t, EtcdError> {
        return HeaderRevision(doc);
      });
}

Result<std::optional<int64_t>, EtcdError> EtcdClient::CompareAndPut(const std::string& key,
                                                                    const std::string& value,
                                                                    int64_t expected) {
  const std::string k = Base64Encode(key);
  JsonWriter w;
  w.BeginObject().Key("compare").BeginArray().BeginObject();
  w.Key("key").String(k).Key("target").String("MOD").Key("result").String("EQUAL");
  w.Key("mod_revision").String(std::to_string(expected)).EndObject().EndArray();
  w.Key("success").BeginArray().BeginObject().Key("request_put").BeginObject();
  w.Key("key").String(k).Key("value").String(Base64Encode(value)).EndObject().EndObject();
  w.EndArray().EndObject();
  return Parsed<std::optional<int64_t>>(
      Call("/v3/kv/txn", w.str()),
      [](simdjson::dom::element doc,
         const std::string&) -> Result<std::optional<int64_t>, EtcdError> {
        auto succeeded = doc["succeeded"].get_bool();
        if (succeeded.error() || !succeeded.value()) return std::optional<int64_t>();
        return std::optional<int64_t>(HeaderRevision(doc));
      });
}

Result<void, EtcdError> EtcdClient::Delete(const std::string& key) {
  JsonWriter w;
  w.BeginObject().Key("key").String(Base64Encode(key)).EndObject();
  return Discard(Call("/v3/kv/deleterange", w.str()));
}

Result<int64_t, EtcdError> EtcdClient::GrantLease(int64_t ttl_seconds) {
  JsonWriter w;
  w.BeginObject().Key("TTL").String(std::to_string(ttl_seconds)).EndObject();
  return Parsed<int64_t>(
      Call("/v3/lease/grant", w.str()),
      [](simdjson::dom::element doc, const std::string&) -> Result<int64_t, EtcdError> {
        const int64_t id = Int64(doc, "ID");
        if (id == 0) return Err(Rejected("etcd granted no lease: " + String(doc, "error")));
        return id;
      });
}

Result<int64_t, EtcdError> EtcdClient::KeepAlive(int64_t lease) {
  // A stream of one message: {"result": {"ID": ..., "TTL": ...}}; TTL absent once it expired.
  return Parsed<int64_t>(
      Call("/v3/lease/keepalive", LeaseBody(lease)),
      [](simdjson::dom::element doc, const std::string& text) -> Result<int64_t, EtcdError> {
        auto result = doc["result"];
        if (result.error()) return Err(Rejected("etcd: keepalive: " + text));
        return Int64(result.value(), "TTL");
      });
}

Result<void, EtcdError> EtcdClient::RevokeLease(int64_t lease) {
  return Discard(Call("/v3/lease/revoke", LeaseBody(lease)));
}

Result<std::string, EtcdError> EtcdClient::Lock(const std::string& name, int64_t lease,
                                                int wait_ms) {
  JsonWriter w;
  w.BeginObject().Key("name").String(Base64Encode(name));
  w.Key("lease").String(std::to_string(lease)).EndObject();
  return Parsed<std::string>(
      Call("/v3/lock/lock", w.str(), wait_ms),
      [](simdjson::dom::element doc, const std::string& text) -> Result<std::string, EtcdError> {
        auto key = Base64Decode(String(doc, "key"));
        if (!key || key->empty()) return Err(Rejected("etcd: lock: " + text));
        return *key;
      });
}

Result<void, EtcdError> EtcdClient::Unlock(const std::string& lock_key) {
  JsonWriter w;
  w.BeginObject().Key("key").String(Base64Encode(lock_key)).EndObject();
  return Discard(Call("/v3/lock/unlock", w.str()));
}

Result<void, EtcdError> EtcdClient::Watch(const std::string& key, bool prefix,
                                          int64_t start_revision, int idle_ms,
                                          const WatchFn& on_change) {
  if (stopped_) return {};
  if (options_.endpoints.empty()) return Err(Unavailable("no etcd endpoints configured"));
  if (!options_.username.empty() && token_.empty()) {
    if (auto a = Authenticate(preferred_); !a.ok()) return Err(a.error());
  }
  auto c = Connect(preferred_, idle_ms);
  {
    std::lock_guard lock(watch_mu_);
    if (stopped_) return {};
    watch_client_ = c.get();
  }
  JsonWriter w;
  w.BeginObject().Key("create_request").BeginObject().Key("key").String(Base64Encode(key));
  if (prefix) w.Key("range_end").String(Base64Encode(PrefixEnd(key)));
  w.Key("start_revision").String(std::to_string(start_revision)).EndObject().EndObject();
  httplib::Request req;
  req.method = "POST";
  req.path = "/v3/watch";
  req.body = w.str();
  req.set_header("Content-Type", "application/json");
  if (!token_.empty()) req.set_header("Authorization", token_);
  std::string pending;
  std::string failure;
  simdjson::dom::parser parser;
  req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    if (stopped_) return false;
    pending.append(data, size);
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      const std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      auto doc = parser.parse(line);
      if (doc.error()) continue;
      auto result = doc.value()["result"];
      if (result.error()) {
        failure = "watch: " + line;
        return false;
      }
      if (Int64(result.value(), "compact_revision") != 0) {
        failure = "watch: revision compacted";
        return false;
      }
      auto events = result.value()["events"].get_array();
      if (events.error()) continue;
      for (simdjson::dom::element ev : events.value()) {
        auto kv = ev["kv"];
        if (kv.error()) continue;
        on_change(ParseKv(kv.value()), String(ev, "type") == "DELETE");
      }
    }
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool sent = c->send(req, res, error);
  {
    std::lock_guard lock(watch_mu_);
    watch_client_ = nullptr;
  }
  if (stopped_) return {};
  if (!failure.empty()) return Err(Rejected(failure));
  if (!sent) {
    return Err(Unavailable(options_.endpoints[preferred_] + ": watch: " + Why(error)));
  }
  return Err(Unavailable(options_.endpoints[preferred_] + ": watch ended (HTTP " +
                         std::to_string(res.status) + ")"));
}

void EtcdClient::Stop() {
  stopped_ = true;
  std::lock_guard lock(watch_mu_);
  if (watch_client_ != nullptr) watch_client_->stop();
}

}  // namespace mqb::engine::cluster
