// Test harness for the sans-I/O BrokerCore: an in-memory Transport and a scripted client that
// encodes packets with the codec, feeds them to the core, and decodes what the core wrote.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/framer.h"
#include "engine/broker/broker_core.h"
#include "gtest/gtest.h"

namespace mqb::engine::broker::testing {

class MemoryTransport : public Transport {
 public:
  bool Write(std::span<const iovec> parts) override {
    if (blocked) return false;
    for (const iovec& v : parts) {
      auto* p = static_cast<const uint8_t*>(v.iov_base);
      out.insert(out.end(), p, p + v.iov_len);
    }
    return true;
  }
  void Close() override { closed = true; }
  std::vector<uint8_t> out;
  bool closed = false;
  bool blocked = false;
};

// One packet received from the broker, with the bytes its views point into.
struct Received {
  std::vector<uint8_t> bytes;
  codec::Packet packet;
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&packet);
  }
};

inline std::vector<uint8_t> Bytes(std::initializer_list<int> list) {
  std::vector<uint8_t> v;
  for (int b : list) v.push_back(static_cast<uint8_t>(b));
  return v;
}

class TestClient {
 public:
  TestClient(BrokerCore& core, TimePoint* now, codec::ProtocolVersion version,
             std::string peer = "127.0.0.1:5000")
      : core_(core), now_(now), version_(version) {
    client_ = core_.Accept(&transport_, std::move(peer), *now_);
  }
  ~TestClient() {
    if (client_ != nullptr) core_.OnTransportClosed(client_, *now_);
  }

  void SendRaw(std::vector<uint8_t> bytes) { core_.OnData(client_, bytes, *now_); }
  void Send(const codec::Packet& p) {
    auto size = codec::EncodedSize(p, version_);
    ASSERT_TRUE(size.ok()) << codec::ErrcName(size.error());
    std::vector<uint8_t> buf(size.value());
    auto n = codec::Encode(p, version_, buf);
    ASSERT_TRUE(n.ok());
    SendRaw(std::move(buf));
  }
  // CONNECT with the given client id; returns the CONNACK (or nullptr).
  std::unique_ptr<Received> Connect(std::string_view client_id, bool clean = true,
                                    uint16_t keep_alive = 60, codec::Properties props = {}) {
    codec::Connect c;
    c.version = version_;
    c.client_id = client_id;
    c.clean_start = clean;
    c.keep_alive = keep_alive;
    c.properties = props;
    Send(c);
    return Next();
  }
  // The next packet the broker sent, or nullptr.
  std::unique_ptr<Received> Next() {
    Drain();
    if (received_.empty()) return nullptr;
    auto r = std::move(received_.front());
    received_.pop_front();
    return r;
  }
  size_t Pending() {
    Drain();
    return received_.size();
  }
  const std::vector<uint8_t>& raw() const { return transport_.out; }
  void ClearRaw() {
    transport_.out.clear();
    consumed_ = 0;
  }
  // The peer drops the connection (no DISCONNECT).
  void Drop() {
    core_.OnTransportClosed(client_, *now_);
    client_ = nullptr;
  }
  bool closed() const { return transport_.closed; }
  MemoryTransport& transport() { return transport_; }
  Client* client() { return client_; }

 private:
  void Drain() {
    while (consumed_ < transport_.out.size()) {
      std::span<const uint8_t> rest(transport_.out.data() + consumed_,
                                    transport_.out.size() - consumed_);
      auto frame = codec::NextFrame(rest);
      ASSERT_TRUE(frame.ok());
      if (!frame.value()) return;
      auto r = std::make_unique<Received>();
      r->bytes.assign(frame.value()->bytes.begin(), frame.value()->bytes.end());
      consumed_ += r->bytes.size();
      auto decoded = codec::DecodePacket(r->bytes, version_);
      ASSERT_TRUE(decoded.ok()) << codec::ErrcName(decoded.error());
      r->packet = decoded.value();
      received_.push_back(std::move(r));
    }
  }

  BrokerCore& core_;
  TimePoint* now_;
  codec::ProtocolVersion version_;
  MemoryTransport transport_;
  Client* client_ = nullptr;
  size_t consumed_ = 0;
  std::deque<std::unique_ptr<Received>> received_;
};

inline std::string_view AsString(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace mqb::engine::broker::testing
