#include "io/tls.h"

// clang-format off
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
// clang-format on

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace mqb::io {

namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { wolfSSL_Init(); });
}

// wolfSSL's fixed-point ECC cache (FP_ECC) is per thread and must be freed by that thread.
struct ThreadEccCache {
  ~ThreadEccCache() { wc_ecc_fp_free(); }
};
void TouchThreadCache() {
  thread_local ThreadEccCache cache;
  (void)cache;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

const char* AlertName(int code) {
  switch (code) {
    case 10:
      return "unexpected message";
    case 20:
      return "bad record MAC";
    case 40:
      return "handshake failure";
    case 42:
      return "bad certificate";
    case 43:
      return "unsupported certificate";
    case 44:
      return "certificate revoked";
    case 45:
      return "certificate expired";
    case 46:
      return "certificate unknown";
    case 47:
      return "illegal parameter";
    case 48:
      return "unknown CA";
    case 49:
      return "access denied";
    case 50:
      return "decode error";
    case 51:
      return "decrypt error";
    case 70:
      return "protocol version";
    case 71:
      return "insufficient security";
    case 80:
      return "internal error";
    case 86:
      return "inappropriate fallback";
    case 109:
      return "missing extension";
    case 112:
      return "unrecognized name";
    case 116:
      return "certificate required";
    case 120:
      return "no application protocol";
    default:
      return nullptr;
  }
}

}  // namespace

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) wolfSSL_CTX_free(ctx_);
}

Result<std::shared_ptr<const TlsContext>, std::string> TlsContext::CreateClient(
    const TlsOptions& options) {
  return Create(options, true);
}

Result<std::shared_ptr<const TlsContext>, std::string> TlsContext::CreateServer(
    const TlsOptions& options) {
  return Create(options, false);
}

Result<std::shared_ptr<const TlsContext>, std::string> TlsContext::Create(const TlsOptions& options,
                                                                          bool client) {
  InitOnce();
  std::shared_ptr<TlsContext> self(new TlsContext());
  self->client_ = client;
  self->options_ = options;
  if (options.min_version > options.max_version) return Err(std::string("TLS: min version > max"));
  WOLFSSL_METHOD* method;
  if (options.max_version == TlsVersion::kTls12) {
    method = client ? wolfTLSv1_2_client_method() : wolfTLSv1_2_server_method();
  } else if (options.min_version == TlsVersion::kTls13) {
    method = client ? wolfTLSv1_3_client_method() : wolfTLSv1_3_server_method();
  } else {
    method = client ? wolfSSLv23_client_method() : wolfSSLv23_server_method();
  }
  self->ctx_ = wolfSSL_CTX_new(method);
  if (self->ctx_ == nullptr) return Err(std::string("TLS: cannot create context"));
  if (options.max_version == TlsVersion::kTls13 && options.min_version == TlsVersion::kTls12) {
    wolfSSL_CTX_SetMinVersion(self->ctx_, WOLFSSL_TLSV1_2);
  }
  if (!options.ca_file.empty() &&
      wolfSSL_CTX_load_verify_locations(self->ctx_, options.ca_file.c_str(), nullptr) !=
          WOLFSSL_SUCCESS) {
    return Err("TLS: cannot load CA file '" + options.ca_file + "'");
  }
  if (options.verify_peer && options.ca_file.empty()) {
    return Err(std::string("TLS: peer verification needs a CA file"));
  }
  if (!options.cert_file.empty() && wolfSSL_CTX_use_certificate_chain_file(
                                        self->ctx_, options.cert_file.c_str()) != WOLFSSL_SUCCESS) {
    return Err("TLS: cannot load certificate '" + options.cert_file + "'");
  }
  if (!options.key_file.empty() &&
      wolfSSL_CTX_use_PrivateKey_file(self->ctx_, options.key_file.c_str(), WOLFSSL_FILETYPE_PEM) !=
          WOLFSSL_SUCCESS) {
    return Err("TLS: cannot load private key '" + options.key_file + "'");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Err(std::string("TLS: a certificate needs its key and vice versa"));
  }
  if (!client && options.cert_file.empty()) {
    return Err(std::string("TLS: a server needs a certificate and key"));
  }
  int mode = WOLFSSL_VERIFY_NONE;
  if (options.verify_peer) {
    mode = WOLFSSL_VERIFY_PEER;
    if (!client) mode |= WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  wolfSSL_CTX_set_verify(self->ctx_, mode, nullptr);
  return std::shared_ptr<const TlsContext>(std::move(self));
}

Result<std::unique_ptr<TlsSession>, std::string> TlsSession::Create(
    std::shared_ptr<const TlsContext> context, std::string_view server_host) {
  TouchThreadCache();
  std::unique_ptr<TlsSession> self(new TlsSession());
  self->context_ = std::move(context);
  self->ssl_ = wolfSSL_new(self->context_->native());
  if (self->ssl_ == nullptr) return Err(std::string("TLS: cannot create session"));
  WOLFSSL* ssl = self->ssl_;
  wolfSSL_SSLSetIORecv(ssl, &TlsSession::RecvCallback);
  wolfSSL_SSLSetIOSend(ssl, &TlsSession::SendCallback);
  wolfSSL_SetIOReadCtx(ssl, self.get());
  wolfSSL_SetIOWriteCtx(ssl, self.get());
  const TlsOptions& opt = self->context_->options();
  if (self->context_->is_client()) {
    const std::string name = opt.sni.empty() ? std::string(server_host) : opt.sni;
    // SNI carries host names only, never IP literals (RFC 6066 section 3).
    if (!name.empty() && !IsIpLiteral(name) &&
        wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, name.data(),
                       static_cast<unsigned short>(name.size())) != WOLFSSL_SUCCESS) {
      return Err("TLS: cannot set SNI '" + name + "'");
    }
    if (opt.verify_peer && !name.empty() &&
        wolfSSL_check_domain_name(ssl, name.c_str()) != WOLFSSL_SUCCESS) {
      return Err("TLS: cannot set the expected host name '" + name + "'");
    }
  }
  if (!opt.alpn.empty()) {
    std::string list;
    for (const std::string& p : opt.alpn) {
      if (!list.empty()) list += ',';
      list += p;
    }
    if (wolfSSL_UseALPN(ssl, list.data(), static_cast<unsigned>(list.size()),
                        WOLFSSL_ALPN_FAILED_ON_MISMATCH) != WOLFSSL_SUCCESS) {
      return Err("TLS: cannot set ALPN '" + list + "'");
    }
  }
  return self;
}

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) wolfSSL_free(ssl_);
}

int TlsSession::RecvCallback(WOLFSSL* /*ssl*/, char* buf, int size, void* ctx) {
  auto* self = static_cast<TlsSession*>(ctx);
  const size_t available = self->in_.size() - self->in_offset_;
  if (available == 0) {
    return self->peer_closed_ ? WOLFSSL_CBIO_ERR_CONN_CLOSE : WOLFSSL_CBIO_ERR_WANT_READ;
  }
  const size_t n = std::min(available, static_cast<size_t>(size));
  std::memcpy(buf, self->in_.data() + self->in_offset_, n);
  self->in_offset_ += n;
  if (self->in_offset_ == self->in_.size()) {
    self->in_.clear();
    self->in_offset_ = 0;
  }
  return static_cast<int>(n);
}

int TlsSession::SendCallback(WOLFSSL* /*ssl*/, char* buf, int size, void* ctx) {
  auto* self = static_cast<TlsSession*>(ctx);
  if (self->out_ == nullptr) return WOLFSSL_CBIO_ERR_CONN_CLOSE;
  self->out_->insert(self->out_->end(), buf, buf + size);
  return size;
}

void TlsSession::Feed(std::span<const uint8_t> ciphertext) {
  if (in_offset_ > 0 && in_offset_ > in_.size() / 2) {
    in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(in_offset_));
    in_offset_ = 0;
  }
  in_.insert(in_.end(), ciphertext.begin(), ciphertext.end());
}

std::string TlsSession::DescribeError(int err) const {
  // In TLS 1.3 the client finishes first and learns of a rejected certificate from the alert
  // that follows; until application data has flowed that is still a handshake failure.
  const bool handshake = !handshake_done_ || !app_data_seen_;
  const std::string prefix = handshake ? "handshake failed: " : "TLS error: ";
  switch (err) {
    case ASN_NO_SIGNER_E:
      return "certificate verify failed: unknown CA";
    case DOMAIN_NAME_MISMATCH:
    case IPADDR_MISMATCH:
      return "certificate verify failed: hostname mismatch";
    case ASN_AFTER_DATE_E:
      return "certificate verify failed: certificate expired";
    case ASN_BEFORE_DATE_E:
      return "certificate verify failed: certificate not yet valid";
    case ASN_SELF_SIGNED_E:
      return "certificate verify failed: self-signed certificate";
    case NO_PEER_CERT:
      return prefix + "peer did not send a certificate";
    case SOCKET_ERROR_E:
    case SOCKET_PEER_CLOSED_E:
      return prefix + "peer closed";
    default:
      break;
  }
  WOLFSSL_ALERT_HISTORY history{};
  if (wolfSSL_get_alert_history(ssl_, &history) == WOLFSSL_SUCCESS &&
      history.last_rx.level == alert_fatal) {
    const char* name = AlertName(history.last_rx.code);
    return prefix + "peer alert: " +
           (name != nullptr ? std::string(name) : std::to_string(history.last_rx.code));
  }
  if (peer_closed_) return prefix + "peer closed";
  char text[WOLFSSL_MAX_ERROR_SZ] = {0};
  wolfSSL_ERR_error_string_n(static_cast<unsigned long>(err), text, sizeof(text));
  return prefix + text + " (" + std::to_string(err) + ")";
}

TlsSession::Status TlsSession::Handshake() {
  if (handshake_done_) return Status::kDone;
  int rc = context_->is_client() ? wolfSSL_connect(ssl_) : wolfSSL_accept(ssl_);
  if (rc == WOLFSSL_SUCCESS) {
    handshake_done_ = true;
    return Status::kDone;
  }
  int err = wolfSSL_get_error(ssl_, rc);
  if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) {
    if (peer_closed_) {
      error_ = "handshake failed: peer closed";
      return Status::kError;
    }
    return Status::kWantRead;
  }
  error_ = DescribeError(err);
  return Status::kError;
}

size_t TlsSession::Read(std::span<uint8_t> buf, Status* status) {
  int n = wolfSSL_read(ssl_, buf.data(), static_cast<int>(std::min<size_t>(buf.size(), 1 << 30)));
  if (n > 0) {
    app_data_seen_ = true;
    *status = Status::kDone;
    return static_cast<size_t>(n);
  }
  int err = wolfSSL_get_error(ssl_, n);
  if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) {
    *status = Status::kWantRead;
  } else if (err == WOLFSSL_ERROR_ZERO_RETURN) {
    *status = Status::kClosed;
  } else {
    error_ = DescribeError(err);
    *status = Status::kError;
  }
  return 0;
}

TlsSession::Status TlsSession::Write(std::span<const uint8_t> plain) {
  size_t off = 0;
  while (off < plain.size()) {
    const int chunk = static_cast<int>(std::min<size_t>(plain.size() - off, 1 << 20));
    int n = wolfSSL_write(ssl_, plain.data() + off, chunk);
    if (n <= 0) {
      error_ = DescribeError(wolfSSL_get_error(ssl_, n));
      return Status::kError;
    }
    off += static_cast<size_t>(n);
  }
  return Status::kDone;
}

void TlsSession::Shutdown() {
  if (handshake_done_) (void)wolfSSL_shutdown(ssl_);
}

std::string TlsSession::version() const { return wolfSSL_get_version(ssl_); }

std::string TlsSession::alpn() const {
  char* name = nullptr;
  unsigned short size = 0;
  if (wolfSSL_ALPN_GetProtocol(ssl_, &name, &size) != WOLFSSL_SUCCESS || name == nullptr) {
    return {};
  }
  return std::string(name, size);
}

}  // namespace mqb::io
