#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "bench/mqbridge_bench/bench_options.h"

namespace mqb::bench {
namespace {

Result<BenchOptions, ParseError> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "mqbridge-bench");
  return ParseOptions(static_cast<int>(args.size()), args.data());
}

TEST(BenchOptions, ParsesTheIssueOptions) {
  auto r = Parse({"bridge",      "-h",
                  "localhost",   "-p",
                  "1999",        "--sub-host",
                  "10.0.0.1",    "--sub-port",
                  "2000",        "-V",
                  "5",           "-c",
                  "8",           "--sub-connections",
                  "2",           "-R",
                  "100",         "-t",
                  "bench/%i/%c", "--sub-topic",
                  "pub/#",       "-q",
                  "1",           "-s",
                  "1024",        "--rate",
                  "500",         "-L",
                  "1000",        "--shared",
                  "g1",          "--tls",
                  "--insecure",  "--json"});
  ASSERT_TRUE(r.ok()) << r.error().text;
  const BenchOptions& o = r.value();
  EXPECT_EQ(o.mode, Mode::kBridge);
  EXPECT_EQ(o.broker.host, "localhost");
  EXPECT_EQ(o.broker.port, 1999);
  EXPECT_EQ(o.sub_broker.host, "10.0.0.1");
  EXPECT_EQ(o.sub_broker.port, 2000);
  EXPECT_EQ(o.version, codec::ProtocolVersion::kV5);
  EXPECT_EQ(o.connections, 8);
  EXPECT_EQ(o.sub_connections, 2);
  EXPECT_DOUBLE_EQ(o.connect_rate, 100);
  EXPECT_EQ(o.qos, codec::QoS::kAtLeastOnce);
  EXPECT_EQ(o.sub_qos, codec::QoS::kAtLeastOnce);  // follows --qos
  EXPECT_EQ(o.payload_size, 1024u);
  EXPECT_DOUBLE_EQ(o.rate, 500);
  EXPECT_EQ(o.count, 1000u);
  EXPECT_EQ(o.shared_group, "g1");
  EXPECT_TRUE(o.tls);
  EXPECT_TRUE(o.insecure);
  EXPECT_TRUE(o.json);
}

TEST(BenchOptions, RejectsBadInput) {
  EXPECT_FALSE(Parse({}).ok());                             // no mode
  EXPECT_FALSE(Parse({"flood", "-L", "1"}).ok());           // unknown mode
  EXPECT_FALSE(Parse({"pub"}).ok());                        // publishes forever
  EXPECT_FALSE(Parse({"pub", "-L", "1", "-q", "3"}).ok());  // QoS out of range
  EXPECT_FALSE(Parse({"pub", "-L", "1", "-V", "6"}).ok());  // no such version
  EXPECT_FALSE(Parse({"pub", "-L", "1", "-c", "0"}).ok());
  EXPECT_FALSE(Parse({"pub", "-L", "1", "--rate", "-5"}).ok());
  auto help = Parse({"--help"});
  ASSERT_FALSE(help.ok());
  EXPECT_TRUE(help.error().help);
  EXPECT_NE(help.error().text.find("--sub-topic"), std::string::npos);
}

TEST(BenchOptions, ExpandsPatterns) {
  EXPECT_EQ(ExpandPattern("bench/%i/%c", 3, "cid", Mode::kPub), "bench/3/cid");
  EXPECT_EQ(ExpandPattern("c-%m-%i", 12, "", Mode::kSub), "c-sub-12");
  EXPECT_EQ(ExpandPattern("p%p", 0, "", Mode::kSub), "p" + std::to_string(::getpid()));
  EXPECT_EQ(ExpandPattern("100%% %x%", 1, "", Mode::kSub), "100% %x%");
}

}  // namespace
}  // namespace mqb::bench
