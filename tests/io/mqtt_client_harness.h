// Test helpers for MqttClient system tests: a handler that records events for the test thread,
// and a client living on a ReactorThread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "io/mqtt_client.h"
#include "tests/io/reactor_harness.h"

namespace mqb::io::testing {

struct Message {
  std::string topic, payload;
  int qos = 0;
  bool retain = false, dup = false;
  std::vector<std::pair<std::string, std::string>> user_properties;
  std::vector<uint32_t> subscription_ids;  // 5.0 Subscription Identifier properties, in order
};

class Recorder : public MqttClientHandler {
 public:
  // Waits until `pred` (called under the lock) holds.
  bool WaitFor(const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, pred);
  }
  template <typename Fn>
  auto Locked(Fn fn) {
    std::lock_guard lock(mu_);
    return fn();
  }

  // All fields below are guarded by mu_ (use WaitFor/Locked).
  ClientStatus status = ClientStatus::kDisconnected;
  IoError error;
  int connects = 0, disconnects = 0;
  std::vector<Message> messages;
  std::vector<uint16_t> done;
  std::vector<std::vector<uint8_t>> subacks;
  int window_open = 0;
  std::function<void()> on_window_open;   // runs on the reactor thread
  std::function<void(uint16_t)> on_done;  // runs on the reactor thread

  void OnStatus(ClientStatus s, const IoError& e) override {
    Update([&] {
      status = s;
      if (s == ClientStatus::kConnected) ++connects;
      if (s == ClientStatus::kDisconnected) {
        ++disconnects;
        error = e;
      }
    });
  }
  void OnMessage(const codec::Publish& m) override {
    Message msg;
    msg.topic = std::string(m.topic);
    msg.payload.assign(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
    msg.qos = static_cast<int>(m.qos);
    msg.retain = m.retain;
    msg.dup = m.dup;
    for (codec::UserProperty up : m.properties.user_properties()) {
      msg.user_properties.emplace_back(std::string(up.key), std::string(up.value));
    }
    for (const codec::Property& p : m.properties) {
      if (p.id == codec::PropertyId::kSubscriptionIdentifier) {
        msg.subscription_ids.push_back(p.integer);
      }
    }
    Update([&] { messages.push_back(std::move(msg)); });
  }
  void OnPublishDone(uint16_t id, codec::ReasonCode) override {
    Update([&] { done.push_back(id); });
    if (on_done) on_done(id);
  }
  void OnSubscribeDone(uint16_t, std::span<const uint8_t> codes) override {
    Update([&] { subacks.emplace_back(codes.begin(), codes.end()); });
  }
  void OnWindowOpen() override {
    Update([&] { ++window_open; });
    if (on_window_open) on_window_open();
  }

 private:
  template <typename Fn>
  void Update(Fn fn) {
    {
      std::lock_guard lock(mu_);
      fn();
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
};

// A client on `rt`, created, started and destroyed on the reactor thread.
class TestClient {
 public:
  TestClient(ReactorThread& rt, MqttClientOptions options) : rt_(rt) {
    rt_.Call([&] {
      client_ = std::make_unique<MqttClient>(rt_.reactor(), std::move(options), &recorder_);
      client_->Start();
      return 0;
    });
  }
  ~TestClient() {
    rt_.Call([&] {
      client_.reset();
      return 0;
    });
  }
  bool WaitConnected(std::chrono::milliseconds t = std::chrono::seconds(20)) {
    return recorder_.WaitFor([&] { return recorder_.status == ClientStatus::kConnected; }, t);
  }
  bool WaitDisconnected(std::chrono::milliseconds t = std::chrono::seconds(20)) {
    return recorder_.WaitFor([&] { return recorder_.disconnects > 0; }, t);
  }
  // Subscribes and waits for the SUBACK.
  std::vector<uint8_t> Subscribe(const std::string& filter, codec::QoS qos,
                                 codec::SubscriptionOptions options = {}) {
    size_t before = recorder_.Locked([&] { return recorder_.subacks.size(); });
    options.qos = qos;
    rt_.Call([&] {
      std::vector<SubscriptionRequest> subs{{filter, options}};
      return client_->Subscribe(subs);
    });
    EXPECT_TRUE(recorder_.WaitFor([&] { return recorder_.subacks.size() > before; }));
    return recorder_.Locked([&] { return recorder_.subacks.back(); });
  }
  PublishStatus Publish(const std::string& topic, const std::string& payload, codec::QoS qos,
                        bool retain = false, codec::Properties props = {}) {
    return rt_.Call([&] {
      OutboundMessage m;
      m.topic = topic;
      m.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
      m.qos = qos;
      m.retain = retain;
      m.properties = props;
      return client_->Publish(m);
    });
  }
  MqttClient& client() { return *client_; }
  Recorder& recorder() { return recorder_; }

 private:
  ReactorThread& rt_;
  Recorder recorder_;
  std::unique_ptr<MqttClient> client_;
};

// Polls `pred` (for conditions no recorder event signals, such as a file's content).
inline bool Eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

inline MqttClientOptions Options(int port, codec::ProtocolVersion v, const std::string& id) {
  MqttClientOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<uint16_t>(port);
  o.version = v;
  o.client_id = id;
  o.keepalive_s = 30;
  o.reconnect_min = std::chrono::milliseconds(50);
  o.reconnect_max = std::chrono::milliseconds(200);
  return o;
}

}  // namespace mqb::io::testing
