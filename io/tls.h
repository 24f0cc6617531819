// TLS over memory buffers with wolfSSL: TlsContext (configuration) and TlsSession (one
// connection's state machine, sans-I/O).
//
// TlsSession never touches a socket. wolfSSL's custom I/O callbacks read ciphertext from an
// input buffer filled by Feed() (returning WOLFSSL_CBIO_ERR_WANT_READ when it is empty) and append
// the ciphertext it produces to an output vector chosen by the caller (the connection's send
// queue, so no extra copy). The Connection drives it: Feed received bytes, call Handshake() until
// kDone, then Read() plaintext; Write() plaintext.
//
// Failures are reported precisely: "certificate verify failed: unknown CA", "certificate verify
// failed: hostname mismatch", "handshake failed: peer closed", "handshake failed: peer alert:
// certificate required", ...
//
// Thread-safety: a TlsContext is immutable after creation and may be shared by sessions on any
// thread. A TlsSession belongs to one connection (one reactor thread).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct WOLFSSL_CTX;
struct WOLFSSL;

namespace mqb::io {

enum class TlsVersion { kTls12, kTls13 };

struct TlsOptions {
  bool verify_peer = false;       // client: check the server chain and name; server: require a
                                  // client certificate (mutual TLS)
  std::string ca_file;            // PEM trust anchors (required for verify_peer)
  std::string cert_file;          // PEM certificate (server: required; client: mutual TLS)
  std::string key_file;           // PEM private key for cert_file
  std::string sni;                // client: server name; empty = the server host name
  std::vector<std::string> alpn;  // protocol names offered (client) or accepted (server)
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
};

class TlsContext {
 public:
  static Result<std::shared_ptr<const TlsContext>, std::string> CreateClient(
      const TlsOptions& options);
  static Result<std::shared_ptr<const TlsContext>, std::string> CreateServer(
      const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  bool is_client() const { return client_; }
  const TlsOptions& options() const { return options_; }
  WOLFSSL_CTX* native() const { return ctx_; }

 private:
  TlsContext() = default;
  static Result<std::shared_ptr<const TlsContext>, std::string> Create(const TlsOptions& options,
                                                                       bool client);
  WOLFSSL_CTX* ctx_ = nullptr;
  bool client_ = true;
  TlsOptions options_;
};

class TlsSession {
 public:
  enum class Status { kDone, kWantRead, kClosed, kError };

  // `server_host`: for clients, the host being connected to; the SNI and the name the certificate
  // is checked against are options().sni if set, else this.
  static Result<std::unique_ptr<TlsSession>, std::string> Create(
      std::shared_ptr<const TlsContext> context, std::string_view server_host);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Where produced ciphertext goes (appended). Must be set before any other call.
  void set_output(std::vector<uint8_t>* out) { out_ = out; }
  void Feed(std::span<const uint8_t> ciphertext);
  // Marks that the peer closed the transport (EOF), to word errors precisely.
  void PeerClosed() { peer_closed_ = true; }

  Status Handshake();
  // Plaintext into `buf`: >0 bytes read; 0 with *status kWantRead (need more input), kClosed
  // (close_notify received) or kError.
  size_t Read(std::span<uint8_t> buf, Status* status);
  Status Write(std::span<const uint8_t> plain);
  void Shutdown();  // queues close_notify

  bool handshake_done() const { return handshake_done_; }
  const std::string& error() const { return error_; }
  std::string version() const;  // "TLSv1.3"
  std::string alpn() const;     // negotiated protocol, empty if none

 private:
  TlsSession() = default;
  static int RecvCallback(WOLFSSL* ssl, char* buf, int size, void* ctx);
  static int SendCallback(WOLFSSL* ssl, char* buf, int size, void* ctx);
  std::string DescribeError(int err) const;
  friend class TlsContext;

  std::shared_ptr<const TlsContext> context_;
  WOLFSSL* ssl_ = nullptr;
  std::vector<uint8_t>* out_ = nullptr;
  std::vector<uint8_t> in_;
  size_t in_offset_ = 0;
  bool handshake_done_ = false;
  bool peer_closed_ = false;
  bool app_data_seen_ = false;
  std::string error_;
};

}  // namespace mqb::io
