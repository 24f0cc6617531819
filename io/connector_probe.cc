#include "io/connector_probe.h"

#include <unistd.h>

#include "io/mqtt_client.h"
#include "io/reactor.h"

namespace mqb::io {

namespace {

class ProbeHandler final : public MqttClientHandler {
 public:
  explicit ProbeHandler(Reactor& reactor) : reactor_(reactor) {}
  void set_client(MqttClient* client) { client_ = client; }
  void OnStatus(ClientStatus status, const IoError& error) override {
    if (status == ClientStatus::kConnected) {
      connected_ = true;
      client_->Stop();  // DISCONNECT, flush, close; OnStatus(kDisconnected) follows
      return;
    }
    if (status == ClientStatus::kDisconnected) {
      if (!connected_) error_ = error;
      reactor_.Stop();
    }
  }
  void OnMessage(const codec::Publish&) override {}
  bool connected() const { return connected_; }
  const IoError& error() const { return error_; }

 private:
  Reactor& reactor_;
  MqttClient* client_ = nullptr;
  bool connected_ = false;
  IoError error_;
};

}  // namespace

ProbeResult ProbeConnector(MqttClientOptions options, std::chrono::milliseconds timeout) {
  ProbeResult result;
  ReactorOptions ro;
  ro.quiet = true;
  ro.recv_buffer_count = 8;
  ro.queue_depth = 16;
  auto reactor = Reactor::Create(ro);
  if (!reactor.ok()) {
    result.code = IoErrc::kSocket;
    result.message = "cannot start the I/O reactor: " + reactor.error();
    return result;
  }
  Reactor& r = *reactor.value();
  if (options.client_id.empty()) options.client_id = "mqbridge-probe-" + std::to_string(getpid());
  options.auto_reconnect = false;
  options.connect_timeout = timeout;
  const std::string where = options.host + ":" + std::to_string(options.port);
  ProbeHandler handler(r);
  bool timed_out = false;
  {
    MqttClient client(r, options, &handler);
    handler.set_client(&client);
    // A guard in case a stage has no deadline of its own (e.g. a half-finished CONNACK).
    r.AddTimer(timeout + std::chrono::milliseconds(500), [&] {
      timed_out = true;
      r.Stop();
    });
    r.Post([&] { client.Start(); });
    r.Run();
  }
  if (handler.connected()) {
    result.ok = true;
    result.message = "connector available";
    return result;
  }
  IoError e = handler.error();
  if (timed_out && e.ok()) {
    e = {IoErrc::kTimeout, 0, "timed out after " + std::to_string(timeout.count()) + " ms"};
  }
  result.code = e.code;
  switch (e.code) {
    case IoErrc::kSocket:
      // "connect: Connection refused" -> "TCP connect to host:port failed: Connection refused"
      if (e.message.rfind("connect: ", 0) == 0) {
        result.message = "TCP connect to " + where + " failed: " + e.message.substr(9);
      } else {
        result.message = e.message + " (" + where + ")";
      }
      break;
    case IoErrc::kTimeout:
      if (e.message.find("CONNACK") != std::string::npos) {
        result.message = "timed out after " + std::to_string(timeout.count()) +
                         " ms waiting for CONNACK from " + where;
      } else {
        result.message = e.message + " (" + where + ")";
      }
      break;
    case IoErrc::kNone:
      result.code = IoErrc::kClosedByPeer;
      result.message = "connection to " + where + " ended without CONNACK";
      break;
    default:
      result.message = e.message;
      break;
  }
  return result;
}

}  // namespace mqb::io
