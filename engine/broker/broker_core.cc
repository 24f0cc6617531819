// BrokerCore: lifecycle, framing, dispatch, timers and teardown. Packet handlers live in
// broker_connect.cc, broker_publish.cc and broker_subscribe.cc; routing in broker_route.cc.
#include "engine/broker/broker_core.h"

#include <algorithm>
#include <array>

#include "codec/decoder.h"
#include "codec/encoder.h"

namespace mqb::engine::broker {

using codec::ReasonCode;

BrokerCore::BrokerCore(BrokerOptions options, const Authenticator* auth)
    : options_(std::move(options)), auth_(auth) {}

BrokerCore::~BrokerCore() {
  for (Client* c : clients_) delete c;
}

Client* BrokerCore::Accept(Transport* transport, std::string peer, TimePoint now,
                           std::string sockname) {
  auto* c = new Client();
  c->transport = transport;
  c->peer = std::move(peer);
  c->sockname = std::move(sockname);
  c->accepted_at = now;
  c->last_received = now;
  c->framer.set_max_packet_size(options_.max_packet_size);
  clients_.insert(c);
  ++counters_.connections_accepted;
  return c;
}

void BrokerCore::OnData(Client* c, std::span<const uint8_t> bytes, TimePoint now) {
  if (c->state == Client::State::kClosed) return;
  c->last_received = now;
  c->framer.Feed(bytes);
  while (c->state != Client::State::kClosed) {
    auto next = c->framer.Next();
    if (!next.ok()) {
      ProtocolError(*c, codec::ToReasonCode(next.error()), now);
      return;
    }
    if (!next.value().has_value()) return;
    HandleFrame(*c, *next.value(), now);
  }
}

void BrokerCore::OnWritable(Client* c, TimePoint now) {
  if (c->state == Client::State::kConnected && c->session != nullptr) Drain(*c->session, now);
}

void BrokerCore::OnTransportClosed(Client* c, TimePoint now) {
  Shutdown(*c, now, /*close_transport=*/false);
  clients_.erase(c);
  delete c;
}

void BrokerCore::HandleFrame(Client& c, const codec::Frame& frame, TimePoint now) {
  if (c.state == Client::State::kAwaitConnect) {
    if (frame.type() != codec::PacketType::kConnect) {
      // [MQTT-3.1.0-1]: the first packet must be CONNECT; close without CONNACK.
      ++counters_.protocol_errors;
      Shutdown(c, now, true);
      return;
    }
    HandleConnect(c, frame, now);
    return;
  }
  if (frame.type() == codec::PacketType::kConnect) {
    ProtocolError(c, ReasonCode::kProtocolError, now);  // [MQTT-3.1.0-2]
    return;
  }
  auto decoded = codec::Decode(frame, c.version);
  if (!decoded.ok()) {
    ProtocolError(c, codec::ToReasonCode(decoded.error()), now);
    return;
  }
  codec::Packet& packet = decoded.value();
  if (auto* p = std::get_if<codec::Publish>(&packet)) {
    HandlePublish(c, *p, now);
  } else if (auto* a = std::get_if<codec::Puback>(&packet)) {
    HandlePuback(c, *a, now);
  } else if (auto* r = std::get_if<codec::Pubrec>(&packet)) {
    HandlePubrec(c, *r, now);
  } else if (auto* rl = std::get_if<codec::Pubrel>(&packet)) {
    HandlePubrel(c, *rl);
  } else if (auto* cp = std::get_if<codec::Pubcomp>(&packet)) {
    HandlePubcomp(c, *cp, now);
  } else if (auto* s = std::get_if<codec::Subscribe>(&packet)) {
    HandleSubscribe(c, *s, now);
  } else if (auto* u = std::get_if<codec::Unsubscribe>(&packet)) {
    HandleUnsubscribe(c, *u, now);
  } else if (std::holds_alternative<codec::Pingreq>(packet)) {
    Send(c, codec::Pingresp{});
  } else if (auto* d = std::get_if<codec::Disconnect>(&packet)) {
    HandleDisconnect(c, *d, now);
  } else {
    // AUTH (no enhanced authentication method was accepted) or a server-to-client packet.
    ProtocolError(c, ReasonCode::kProtocolError, now);
  }
}

bool BrokerCore::Send(Client& c, const codec::Packet& packet) {
  auto size = codec::EncodedSize(packet, c.version);
  if (!size.ok()) return false;
  if (c.scratch.size() < size.value()) c.scratch.resize(size.value());
  auto n = codec::Encode(packet, c.version, c.scratch);
  if (!n.ok()) return false;
  iovec iov{c.scratch.data(), n.value()};
  return c.transport->Write({&iov, 1});
}

void BrokerCore::ProtocolError(Client& c, ReasonCode rc, TimePoint now) {
  if (c.state == Client::State::kClosed) return;
  ++counters_.protocol_errors;
  c.disconnect_reason = EventReason(rc);
  if (c.state == Client::State::kConnected && c.version == codec::ProtocolVersion::kV5) {
    SendDisconnect(c, codec::IsValidDisconnectReasonCode(rc) ? rc : ReasonCode::kProtocolError);
  }
  Shutdown(c, now, true);
}

void BrokerCore::SendDisconnect(Client& c, ReasonCode rc) {
  codec::Disconnect d;
  d.reason_code = rc;
  std::array<uint8_t, 96> buf;
  codec::PropertyWriter w(buf);
  w.AddString(codec::PropertyId::kReasonString, codec::ReasonCodeName(rc));
  auto props = w.Finish(codec::PropertyContext::kDisconnect);
  if (props.ok() &&
      (c.maximum_packet_size == 0 || c.maximum_packet_size >= 5 + props.value().size_bytes())) {
    d.properties = props.value();
  }
  Send(c, d);
}

void BrokerCore::Shutdown(Client& c, TimePoint now, bool close_transport) {
  if (c.state == Client::State::kClosed) return;
  bool connected = c.state == Client::State::kConnected;
  if (connected) EmitDisconnected(c, now);
  c.state = Client::State::kClosed;
  if (connected && c.session != nullptr) {
    Session* s = c.session;
    s->client = nullptr;
    c.session = nullptr;
    if (c.will && c.closing_with_will) {
      if (c.will->delay == 0 || s->expiry_interval == 0) {
        PublishWill(*c.will, now);
      } else {
        s->will_at = now + std::chrono::seconds(c.will->delay);
        s->delayed_will = std::move(c.will);
      }
    }
    c.will.reset();
    if (s->expiry_interval == 0) {
      EndSession(s, now);
    } else if (s->expiry_interval != 0xFFFFFFFFu) {
      s->expires_at = now + std::chrono::seconds(s->expiry_interval);
    } else {
      s->expires_at = TimePoint::max();
    }
  }
  if (close_transport) c.transport->Close();
}

void BrokerCore::EndSession(Session* s, TimePoint now) {
  if (s->delayed_will) {
    WillMessage will = std::move(*s->delayed_will);
    s->delayed_will.reset();
    PublishWill(will, now);
  }
  for (auto& [full, sub] : s->subscriptions) trie_.Remove(sub.group, sub.filter, s);
  auto it = sessions_.find(s->client_id);
  if (it != sessions_.end() && it->second.get() == s) sessions_.erase(it);
}

void BrokerCore::Tick(TimePoint now) {
  std::vector<Client*> victims;
  for (Client* c : clients_) {
    if (c->state == Client::State::kAwaitConnect &&
        now - c->accepted_at > options_.connect_timeout) {
      ++counters_.connect_timeouts;
      victims.push_back(c);
    } else if (c->state == Client::State::kConnected && c->keep_alive != 0 &&
               now - c->last_received > std::chrono::milliseconds(c->keep_alive * 1500)) {
      ++counters_.keepalive_timeouts;
      victims.push_back(c);
    }
  }
  for (Client* c : victims) {
    if (c->state == Client::State::kConnected) {
      ProtocolError(*c, ReasonCode::kKeepAliveTimeout, now);
      --counters_.protocol_errors;  // counted as a keep-alive timeout instead
    } else {
      Shutdown(*c, now, true);
    }
  }
  expiring_scratch_.clear();
  for (auto& [id, s] : sessions_) {
    if (s->client != nullptr) continue;
    if (s->delayed_will && now >= s->will_at) {
      WillMessage will = std::move(*s->delayed_will);
      s->delayed_will.reset();
      PublishWill(will, now);
    }
    if (s->expiry_interval != 0xFFFFFFFFu && now >= s->expires_at) {
      expiring_scratch_.push_back(s.get());
    }
  }
  for (Session* s : expiring_scratch_) {
    ++counters_.sessions_expired;
    EndSession(s, now);
  }
}

void BrokerCore::CloseAll(TimePoint now) {
  std::vector<Client*> all(clients_.begin(), clients_.end());
  for (Client* c : all) {
    if (c->state == Client::State::kConnected && c->version == codec::ProtocolVersion::kV5) {
      SendDisconnect(*c, ReasonCode::kServerShuttingDown);
    }
    c->disconnect_reason = EventReason(ReasonCode::kServerShuttingDown);
    Shutdown(*c, now, true);
  }
}

const Session* BrokerCore::FindSession(std::string_view client_id) const {
  auto it = sessions_.find(client_id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

}  // namespace mqb::engine::broker
