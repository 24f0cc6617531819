// The SQL tester behind `mqbridge sql --sql '<rule>' --context '<json>'`, like EMQX's rule
// tester: compiles the rule, builds a message.publish event (or the `$bridges/mqtt:<name>` event
// when the rule's first FROM names one) from the context with EMQX's defaults for the columns it
// leaves out, runs the rule once and reports:
//   exit_code 0: output = the rule output as JSON (a list for FOREACH)
//   exit_code 1: output = "no match" (FROM or WHERE did not match, or FOREACH produced nothing)
//   exit_code 2: output = the error text (SQL syntax/compile error, bad context, evaluation error)
//
// Defaults: clientid "c_emqx", username "u_emqx", topic "t/a", qos 1, payload
// '{"msg": "hello"}', flags {}, pub_props {"User-Property": {}}, peerhost "127.0.0.1",
// peername "127.0.0.1:12345", publish_received_at/timestamp = now (ms), node
// "mqbridge@127.0.0.1", id = a fresh 32-hex-digit id, metadata.rule_id "sql_tester". A context
// key overrides its column; unknown keys become extra columns. A non-string payload in the
// context is JSON-encoded.
//
// Broker events (rules/event_catalog.h): `context.event_type` ("client_connected", ...; the
// dotted name works too) or a rule whose first FROM names an event picks one; its columns get
// the catalogue's examples (times = now), the context's keys override them. "message_publish"
// and "$bridges/mqtt:*" are event_types too; an unknown event_type is a context error.
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>

namespace mqb::rules {

struct SqlTestResult {
  int exit_code;
  std::string output;
};

SqlTestResult RunSqlTester(std::string_view sql, std::string_view context_json);

}  // namespace mqb::rules
