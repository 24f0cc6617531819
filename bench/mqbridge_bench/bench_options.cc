#include "bench/mqbridge_bench/bench_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <map>

namespace mqb::bench {

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kConn:
      return "conn";
    case Mode::kPub:
      return "pub";
    case Mode::kSub:
      return "sub";
    case Mode::kBridge:
      return "bridge";
  }
  return "?";
}

std::string ExpandPattern(const std::string& pattern, int index, const std::string& client_id,
                          Mode mode) {
  std::string out;
  out.reserve(pattern.size() + 16);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[i + 1]) {
      case 'i':
        out += std::to_string(index);
        break;
      case 'c':
        out += client_id;
        break;
      case 'p':
        out += std::to_string(::getpid());
        break;
      case 'm':
        out += ModeName(mode);
        break;
      case '%':
        out += '%';
        break;
      default:
        out += pattern[i];
        out += pattern[i + 1];
        break;
    }
    ++i;
  }
  return out;
}

namespace {

Result<void, std::string> Validate(BenchOptions& o) {
  if (o.connections < 1) return Err(std::string("--connections must be at least 1"));
  if (o.sub_connections < 1) return Err(std::string("--sub-connections must be at least 1"));
  if (o.threads < 1 || o.sub_threads < 1) return Err(std::string("--threads must be at least 1"));
  if (o.rate < 0 || o.connect_rate < 0 || o.duration_s < 0 || o.drain_s < 0) {
    return Err(std::string("rates and durations must not be negative"));
  }
  const bool publishes = o.mode == Mode::kPub || o.mode == Mode::kBridge;
  if (publishes && o.count == 0 && o.duration_s == 0) {
    return Err(std::string("give --limit (messages per publisher) or --duration"));
  }
  if (o.mode == Mode::kConn && o.duration_s == 0) o.duration_s = 1;
  if (!o.sub_qos_given) o.sub_qos = o.qos;
  if (o.max_inflight == 0) return Err(std::string("--inflight must be at least 1"));
  return {};
}

}  // namespace

Result<BenchOptions, ParseError> ParseOptions(int argc, const char* const* argv) {
  BenchOptions o;
  CLI::App app{
      "mqbridge-bench: MQTT load generator (connections, publish, subscribe, end to end through a "
      "bridge)"};
  app.set_help_flag("--help", "Print this help and exit");

  const std::map<std::string, Mode> modes{
      {"conn", Mode::kConn}, {"pub", Mode::kPub}, {"sub", Mode::kSub}, {"bridge", Mode::kBridge}};
  app.add_option("mode", o.mode, "conn | pub | sub | bridge")
      ->required()
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));

  app.add_option("-h,--host", o.broker.host, "Broker host (bridge mode: broker A, publishers)");
  app.add_option("-p,--port", o.broker.port, "Broker port");
  app.add_option("--sub-host", o.sub_broker.host, "Bridge mode: broker B host (subscribers)");
  app.add_option("--sub-port", o.sub_broker.port, "Bridge mode: broker B port");
  int version = 4;
  app.add_option("-V,--protocol-version", version, "MQTT protocol version: 3 (3.1), 4 (3.1.1), 5")
      ->check(CLI::IsMember({3, 4, 5}));
  app.add_option("-u,--username", o.username, "Username");
  app.add_option("-P,--password", o.password, "Password");
  app.add_flag("--tls", o.tls, "Connect with TLS");
  app.add_option("--cafile", o.ca_file, "CA certificate (PEM); enables server verification");
  app.add_option("--certfile", o.cert_file, "Client certificate (PEM), mutual TLS");
  app.add_option("--keyfile", o.key_file, "Client private key (PEM)");
  app.add_option("--sni", o.sni, "TLS server name (default: the host)");
  app.add_flag("--insecure", o.insecure, "Do not verify the server certificate");

  app.add_option("-c,--connections", o.connections,
                 "Connections (pub/bridge: publishers, sub: subscribers)");
  app.add_option("--sub-connections", o.sub_connections, "Bridge mode: subscribers on broker B");
  app.add_option("-R,--conn-rate", o.connect_rate, "Connections started per second (0: at once)");
  app.add_option("--threads", o.threads, "Reactor threads for the connections");
  app.add_option("--sub-threads", o.sub_threads, "Bridge mode: reactor threads for subscribers");
  app.add_option("--client-id", o.client_id,
                 "Client id pattern: %p pid, %m mode, %i connection index");
  app.add_option("-k,--keepalive", o.keepalive_s, "Keepalive seconds");
  app.add_option("--inflight", o.max_inflight, "QoS 1/2 in-flight window per publisher");

  app.add_option(
      "-t,--topic", o.topic,
      "Publish topic (pub, bridge) or subscription filter (sub); %i index, %c client id");
  app.add_option("--sub-topic", o.sub_topic, "Bridge mode: subscription filter on broker B");
  app.add_option("--shared", o.shared_group, "Subscribe in shared group ($share/<group>/...)");
  int qos = 0, sub_qos = -1;
  app.add_option("-q,--qos", qos, "QoS of publishes (and subscriptions)")->check(CLI::Range(0, 2));
  app.add_option("--sub-qos", sub_qos, "QoS of subscriptions (default: --qos)")
      ->check(CLI::Range(0, 2));
  app.add_flag("-r,--retain", o.retain, "Publish with the retain flag");
  app.add_option("-s,--size", o.payload_size, "Payload bytes (at least 24: the stamp)");
  app.add_option("-m,--payload-file", o.payload_file,
                 "Payload from a file (its first 24 bytes are overwritten by the stamp)");
  app.add_option("--rate", o.rate, "Messages/s per publisher (0: flat out)");
  app.add_option("-L,--limit", o.count,
                 "Messages per publisher (sub: messages per subscriber to wait for)");
  app.add_option("-d,--duration", o.duration_s, "Seconds to publish (sub/conn: to run)");
  app.add_option("--drain", o.drain_s, "Seconds to wait for outstanding messages after publishing");
  app.add_option("--ready-timeout", o.ready_timeout_s,
                 "Bridge mode: seconds to wait for a probe to pass end to end");
  app.add_flag("--json", o.json, "Print the summary as JSON on stdout");
  app.add_flag("--quiet", o.quiet, "No progress lines");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return Err(ParseError{app.help(), true});
  } catch (const CLI::ParseError& e) {
    return Err(ParseError{std::string(e.what()) + "\nRun with --help for the options.", false});
  }
  o.version = static_cast<codec::ProtocolVersion>(version);
  o.qos = static_cast<codec::QoS>(qos);
  if (sub_qos >= 0) {
    o.sub_qos = static_cast<codec::QoS>(sub_qos);
    o.sub_qos_given = true;
  }
  if (auto v = Validate(o); !v.ok()) return Err(ParseError{v.error(), false});
  return o;
}

}  // namespace mqb::bench
