// libFuzzer target for the embedded broker's core (BrokerCore, sans-I/O): the input is a script
// that interleaves bytes from up to eight clients with connects, closes, blocked and writable
// transports and the passing of time, so sessions, takeovers, QoS flows, retained messages,
// wills, shared subscriptions and ACL checks meet hostile bytes in every order.
//
// Script: a sequence of operations, each one byte (op = byte % 8) and its operands:
//   0: accept a new client (at most kMaxClients open)
//   1 k n <n bytes>: client k % open sends n bytes
//   2 k: client k closes its connection
//   3 s: s seconds pass, then Tick
//   4 k: client k's transport refuses writes (a full socket)
//   5 k: client k's transport takes writes again, then OnWritable
//   6 k <1 byte>: client k sends a well-formed CONNECT (v3.1.1 or v5 by the byte), so scripts
//      reach the states after CONNACK quickly
//   7: the broker shuts every connection (CloseAll)
// Every broker event is wanted by a hook that reads all its fields (so the event paths meet the
// same scripts). The core must never crash, leak (ASan), or write to a transport it closed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/broker/auth.h"
#include "engine/broker/broker_core.h"

namespace {

using mqb::engine::broker::Authenticator;
using mqb::engine::broker::BrokerCore;
using mqb::engine::broker::BrokerOptions;
using mqb::engine::broker::Client;
using mqb::engine::broker::TimePoint;
using mqb::engine::broker::Transport;

constexpr size_t kMaxClients = 8;

struct FuzzTransport : Transport {
  bool Write(std::span<const iovec> parts) override {
    if (closed) __builtin_trap();  // the core wrote after closing
    if (blocked) return false;
    for (const iovec& v : parts) written += v.iov_len;
    return true;
  }
  void Close() override { closed = true; }
  bool closed = false;
  bool blocked = false;
  size_t written = 0;
};

struct Conn {
  std::unique_ptr<FuzzTransport> transport;
  Client* client = nullptr;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::span<const uint8_t> Bytes(size_t n) {
    n = std::min(n, size_ - std::min(at_, size_));
    std::span<const uint8_t> out(data_ + at_, n);
    at_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

std::vector<uint8_t> ConnectPacket(bool v5, uint8_t id) {
  const char name[] = {'c', static_cast<char>('0' + id % 4)};  // a few ids: takeovers happen
  std::vector<uint8_t> p = {0x10,
                            0,
                            0x00,
                            0x04,
                            'M',
                            'Q',
                            'T',
                            'T',
                            static_cast<uint8_t>(v5 ? 5 : 4),
                            static_cast<uint8_t>(id & 0x10 ? 0x00 : 0x02),  // clean start or not
                            0x00,
                            0x0a};
  if (v5) p.push_back(0x00);  // no properties
  p.push_back(0x00);
  p.push_back(sizeof name);
  p.insert(p.end(), name, name + sizeof name);
  p[1] = static_cast<uint8_t>(p.size() - 2);
  return p;
}

const Authenticator& Acl() {
  static const std::unique_ptr<Authenticator> auth = [] {
    auto r = Authenticator::FromText(true, "",
                                     "deny all publish denied/#\n"
                                     "deny clientid:c1 subscribe secret/#\n"
                                     "allow user:%u all users/%u/#\n");
    if (!r.ok()) __builtin_trap();
    return std::move(r.value());
  }();
  return *auth;
}

// Wants every broker event and touches every field, so ASan sees any dangling view.
class EventSink : public mqb::engine::broker::PublishHook {
 public:
  EventSink() { set_wanted_events(~0u); }
  bool WantsTopic(std::string_view topic) override { return !topic.empty() && topic[0] == 'r'; }
  void OnPublish(const mqb::engine::broker::InboundMessage& m) override {
    sum_ += m.topic.size() + m.payload.size() + m.client_id.size();
  }
  void OnEvent(const mqb::engine::broker::BrokerEvent& e) override {
    for (std::string_view s : {e.client_id, e.username, e.peer, e.sockname, e.reason, e.topic}) {
      for (char c : s) sum_ += static_cast<unsigned char>(c);
    }
    for (const auto& p : e.properties) sum_ += static_cast<size_t>(p.id);
    if (e.message != nullptr) {
      const auto& m = **e.message;
      sum_ += m.topic.size() + m.payload.size() + m.publisher_id.size();
    }
  }
  size_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BrokerOptions options;
  options.max_packet_size = 4096;
  options.max_queued_messages = 16;
  options.max_inflight = 4;
  options.receive_maximum = 4;
  options.topic_alias_maximum = 4;
  options.max_keepalive = 30;
  BrokerCore core(options, &Acl());
  EventSink events;
  core.set_publish_hook(&events);
  TimePoint now = TimePoint() + std::chrono::hours(1);
  std::vector<Conn> conns;
  Reader in(data, size);

  // Frees the clients whose transport the core closed, as the network binding does.
  auto reap = [&] {
    for (size_t i = 0; i < conns.size();) {
      if (conns[i].transport->closed) {
        core.OnTransportClosed(conns[i].client, now);
        conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  };
  auto pick = [&]() -> Conn* {
    const uint8_t k = in.Byte();
    return conns.empty() ? nullptr : &conns[k % conns.size()];
  };

  while (!in.done()) {
    switch (in.Byte() % 8) {
      case 0:
        if (conns.size() < kMaxClients) {
          Conn c;
          c.transport = std::make_unique<FuzzTransport>();
          c.client =
              core.Accept(c.transport.get(), "10.0.0." + std::to_string(conns.size()) + ":1", now);
          conns.push_back(std::move(c));
        }
        break;
      case 1: {
        Conn* c = pick();
        const auto bytes = in.Bytes(in.Byte());
        if (c != nullptr) core.OnData(c->client, bytes, now);
        break;
      }
      case 2: {
        Conn* c = pick();
        if (c != nullptr) c->transport->closed = true;  // the peer went away
        break;
      }
      case 3:
        now += std::chrono::seconds(in.Byte());
        core.Tick(now);
        break;
      case 4: {
        Conn* c = pick();
        if (c != nullptr) c->transport->blocked = true;
        break;
      }
      case 5: {
        Conn* c = pick();
        if (c != nullptr && !c->transport->closed) {
          c->transport->blocked = false;
          core.OnWritable(c->client, now);
        }
        break;
      }
      case 6: {
        Conn* c = pick();
        const uint8_t how = in.Byte();
        if (c != nullptr) {
          const auto p = ConnectPacket(how & 1, how >> 1);
          core.OnData(c->client, p, now);
        }
        break;
      }
      case 7:
        core.CloseAll(now);
        break;
    }
    reap();
  }
  for (Conn& c : conns) {
    c.transport->closed = true;
  }
  reap();
  return 0;
}
