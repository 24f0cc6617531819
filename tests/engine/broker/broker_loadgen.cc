// engine_broker_loadgen: fan-in / fan-out throughput and latency of the embedded broker beside
// mosquitto, on the same machine and the same load (not a ctest; see docs/broker.md).
//
//   engine_broker_loadgen --target mqb|mosquitto --mode fanout|fanin --clients N --messages M
//                         [--payload BYTES] [--rate MSGS_PER_S]
//
// fanout: one publisher, N subscribers of one topic (N*M deliveries); fanin: N publishers
// (M/N messages each), one subscriber of "bench/#". Raw MQTT 3.1.1, QoS 0. Each payload carries
// its send time; latency is receive time minus send time (same host, steady clock). --rate 0
// floods (throughput); a rate paces the publishers (latency under a given load).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/broker/broker.h"
#include "tests/support/mosquitto.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

int Dial(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      std::perror("send");
      std::exit(1);
    }
    off += static_cast<size_t>(n);
  }
}

void ReadExact(int fd, size_t n) {
  char buf[64];
  while (n > 0) {
    ssize_t r = recv(fd, buf, std::min(n, sizeof(buf)), 0);
    if (r <= 0) {
      std::fprintf(stderr, "handshake read failed\n");
      std::exit(1);
    }
    n -= static_cast<size_t>(r);
  }
}

std::string VarInt(size_t v) {
  std::string out;
  do {
    uint8_t b = v % 128;
    v /= 128;
    if (v > 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v > 0);
  return out;
}

std::string Str(const std::string& s) {
  return std::string(1, static_cast<char>(s.size() >> 8)) + static_cast<char>(s.size() & 255) + s;
}

int Connect(int port, const std::string& id) {
  int fd = Dial(port);
  std::string body = Str("MQTT") + std::string("\x04\x02\x00\x3c", 4) + Str(id);
  WriteAll(fd, "\x10" + VarInt(body.size()) + body);
  ReadExact(fd, 4);
  return fd;
}

void Subscribe(int fd, const std::string& filter) {
  std::string body = std::string("\x00\x01", 2) + Str(filter) + std::string(1, '\0');
  WriteAll(fd, "\x82" + VarInt(body.size()) + body);
  ReadExact(fd, 5);
}

std::string Publish(const std::string& topic, size_t payload) {
  std::string body = Str(topic) + std::string(std::max<size_t>(payload, 8), 'p');
  return "\x30" + VarInt(body.size()) + body;
}

struct Receiver {
  std::vector<int> fds;
  std::atomic<uint64_t> received{0};
  std::vector<uint32_t> latency_us;
  std::atomic<bool> stop{false};

  void Run(uint64_t expected) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    std::vector<std::string> bufs(fds.size());
    for (size_t i = 0; i < fds.size(); ++i) {
      fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    }
    latency_us.reserve(expected);
    std::vector<epoll_event> events(256);
    char chunk[65536];
    while (received.load() < expected && !stop.load()) {
      int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
      for (int e = 0; e < n; ++e) {
        size_t i = events[e].data.u64;
        std::string& buf = bufs[i];
        while (true) {
          ssize_t r = recv(fds[i], chunk, sizeof(chunk), 0);
          if (r <= 0) break;
          buf.append(chunk, static_cast<size_t>(r));
        }
        int64_t now = NowNs();
        size_t pos = 0;
        uint64_t got = 0;
        while (true) {
          if (buf.size() - pos < 2) break;
          size_t len = 0, mul = 1, k = pos + 1;
          bool complete = false;
          for (; k < buf.size() && k < pos + 5; ++k) {
            len += (static_cast<uint8_t>(buf[k]) & 127) * mul;
            mul *= 128;
            if ((static_cast<uint8_t>(buf[k]) & 128) == 0) {
              complete = true;
              ++k;
              break;
            }
          }
          if (!complete || buf.size() - k < len) break;
          if ((static_cast<uint8_t>(buf[pos]) >> 4) == 3) {
            size_t tlen = (static_cast<uint8_t>(buf[k]) << 8) | static_cast<uint8_t>(buf[k + 1]);
            int64_t sent;
            std::memcpy(&sent, buf.data() + k + 2 + tlen, 8);
            latency_us.push_back(static_cast<uint32_t>(std::max<int64_t>(0, now - sent) / 1000));
            ++got;
          }
          pos = k + len;
        }
        buf.erase(0, pos);
        received.fetch_add(got);
      }
    }
    close(ep);
  }
};

void PublishLoop(int fd, const std::string& topic, size_t payload, uint64_t count, double rate) {
  std::string packet = Publish(topic, payload);
  size_t stamp_at = packet.size() - std::max<size_t>(payload, 8);
  const size_t batch = rate > 0 ? 1 : 32;
  std::string out;
  auto start = SteadyClock::now();
  for (uint64_t i = 0; i < count;) {
    out.clear();
    if (rate > 0) {
      std::this_thread::sleep_until(start +
                                    std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / rate)));
    }
    int64_t now = NowNs();
    std::memcpy(packet.data() + stamp_at, &now, 8);
    for (size_t b = 0; b < batch && i < count; ++b, ++i) out += packet;
    WriteAll(fd, out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string target = "mqb", mode = "fanout";
  int clients = 100;
  uint64_t messages = 100'000;
  size_t payload = 64;
  double rate = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--target")
      target = v;
    else if (k == "--mode")
      mode = v;
    else if (k == "--clients")
      clients = std::stoi(v);
    else if (k == "--messages")
      messages = std::stoull(v);
    else if (k == "--payload")
      payload = std::stoul(v);
    else if (k == "--rate")
      rate = std::stod(v);
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  std::unique_ptr<mqb::engine::broker::Broker> mqb_broker;
  std::unique_ptr<mqb::testing::Mosquitto> mosq;
  int port = 0;
  if (target == "mqb") {
    mqb::engine::broker::BrokerOptions o;
    o.max_queued_messages = 100'000;
    mqb::engine::ListenerConfig l;
    l.port = 0;
    auto b = mqb::engine::broker::Broker::Start(o, {l});
    if (!b.ok()) {
      std::fprintf(stderr, "%s\n", b.error().c_str());
      return 1;
    }
    mqb_broker = std::move(b).value();
    port = mqb_broker->ports()[0];
  } else {
    mqb::testing::MosquittoOptions mo;
    mo.extra_config = "max_queued_messages 100000\nmax_connections -1\n";
    mosq = std::make_unique<mqb::testing::Mosquitto>(mo);
    port = mosq->port();
  }

  Receiver rx;
  std::vector<int> pubs;
  uint64_t expected = 0;
  if (mode == "fanout") {
    for (int i = 0; i < clients; ++i) {
      int fd = Connect(port, "sub" + std::to_string(i));
      Subscribe(fd, "bench/t");
      rx.fds.push_back(fd);
    }
    pubs.push_back(Connect(port, "pub0"));
    expected = messages * static_cast<uint64_t>(clients);
  } else {
    int fd = Connect(port, "sub0");
    Subscribe(fd, "bench/#");
    rx.fds.push_back(fd);
    for (int i = 0; i < clients; ++i) pubs.push_back(Connect(port, "pub" + std::to_string(i)));
    expected = messages / static_cast<uint64_t>(clients) * static_cast<uint64_t>(clients);
  }
  auto start = SteadyClock::now();
  std::thread receiver([&] { rx.Run(expected); });
  std::vector<std::thread> senders;
  for (size_t i = 0; i < pubs.size(); ++i) {
    uint64_t count = mode == "fanout" ? messages : messages / static_cast<uint64_t>(clients);
    double r = rate > 0 ? rate / static_cast<double>(pubs.size()) : 0;
    senders.emplace_back([&, i, count, r] {
      PublishLoop(pubs[i], "bench/t" + std::string(mode == "fanin" ? "/" + std::to_string(i) : ""),
                  payload, count, r);
    });
  }
  for (auto& t : senders) t.join();
  // Wait for the tail: stop when everything arrived or nothing arrived for 2 s.
  uint64_t last = 0;
  auto last_change = SteadyClock::now();
  auto end = SteadyClock::now();
  while (rx.received.load() < expected) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    uint64_t now = rx.received.load();
    if (now != last) {
      last = now;
      last_change = SteadyClock::now();
    } else if (SteadyClock::now() - last_change > std::chrono::seconds(2)) {
      break;
    }
  }
  end = rx.received.load() < expected ? last_change : SteadyClock::now();
  if (end < start) end = start;
  rx.stop = true;
  receiver.join();
  double secs = std::chrono::duration<double>(end - start).count();
  std::vector<uint32_t>& lat = rx.latency_us;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    return lat.empty() ? 0u : lat[static_cast<size_t>(p * (lat.size() - 1))];
  };
  std::printf(
      "target=%s mode=%s clients=%d messages=%llu payload=%zu rate=%.0f delivered=%llu/%llu "
      "time=%.3fs throughput=%.0f msg/s latency_us p50=%u p99=%u max=%u\n",
      target.c_str(), mode.c_str(), clients, static_cast<unsigned long long>(messages), payload,
      rate, static_cast<unsigned long long>(rx.received.load()),
      static_cast<unsigned long long>(expected), secs,
      static_cast<double>(rx.received.load()) / secs, pct(0.5), pct(0.99),
      lat.empty() ? 0u : lat.back());
  if (mqb_broker) {
    auto c = mqb_broker->counters();
    std::printf("mqb counters: received=%llu sent=%llu dropped_send_buffer_full=%llu\n",
                static_cast<unsigned long long>(c.publishes_received),
                static_cast<unsigned long long>(c.publishes_sent),
                static_cast<unsigned long long>(c.dropped_send_buffer_full));
  }
  for (int fd : rx.fds) close(fd);
  for (int fd : pubs) close(fd);
  return 0;
}
