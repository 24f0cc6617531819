// The tuner's recommendation and findings on given sweeps (no network), its option parser, and
// the JSON the report command reads.
#include <gtest/gtest.h>

#include "bench/mqbridge_bench/tune.h"
#include "bench/mqbridge_bench/tune_report.h"

namespace mqb::bench {
namespace {

TuneRow Row(int pool, int inflight, double rate, double p99 = 1) {
  TuneRow r;
  r.pool_size = pool;
  r.max_inflight = inflight;
  r.rate = rate;
  r.p99_ms = p99;
  r.sent = r.received = static_cast<uint64_t>(rate);
  return r;
}

TuneResult Sweep(std::vector<TuneRow> rows, int qos = 1) {
  TuneResult r;
  r.remote = "127.0.0.1:1883";
  r.qos = qos;
  r.payload_bytes = 64;
  r.rows = std::move(rows);
  return r;
}

TEST(TuneRecommend, SmallestWithinFivePercentOfTheBest) {
  TuneOptions o;
  TuneResult r = Sweep({Row(1, 64, 10000), Row(2, 64, 19000), Row(4, 64, 30000), Row(8, 64, 31000),
                        Row(16, 64, 31200)});
  Recommend(o, r);
  ASSERT_TRUE(r.recommended.has_value());
  EXPECT_EQ(r.rows[*r.recommended].pool_size, 4);
  EXPECT_NE(r.recommendation.find("pool_size 4, max_inflight 64: within 3.8 % of the best rate"),
            std::string::npos)
      << r.recommendation;
  EXPECT_NE(r.recommendation.find("4 of its 16 connections"), std::string::npos);
}

TEST(TuneRecommend, SmallestThatCarriesTheTarget) {
  TuneOptions o;
  o.target_rate = 15000;
  TuneResult r = Sweep({Row(1, 16, 9000), Row(1, 64, 12000), Row(2, 16, 14900), Row(2, 64, 15100)});
  Recommend(o, r);
  ASSERT_TRUE(r.recommended.has_value());
  EXPECT_EQ(r.rows[*r.recommended].pool_size, 2);
  EXPECT_EQ(r.rows[*r.recommended].max_inflight, 16);  // 14,900 is within 2 % of the target
  EXPECT_NE(r.recommendation.find("carries the target 15000 msg/s"), std::string::npos);
}

TEST(TuneRecommend, TargetOutOfReachSaysSo) {
  TuneOptions o;
  o.target_rate = 50000;
  TuneResult r = Sweep({Row(1, 64, 9000), Row(2, 64, 9100)});
  Recommend(o, r);
  EXPECT_NE(r.recommendation.find("no setting reached the target 50000 msg/s"), std::string::npos);
  EXPECT_NE(r.findings.empty() ? std::string() : r.findings.back(), "");
  bool plateau = false;
  for (const auto& f : r.findings) plateau |= f.find("stopped growing") != std::string::npos;
  EXPECT_TRUE(plateau);
}

TEST(TuneRecommend, RefusedAndLossyStepsAreNotRecommended) {
  TuneOptions o;
  TuneRow refused = Row(4, 64, 0);
  refused.connect_failures = 2;
  refused.error = "connection closed";
  TuneRow lossy = Row(2, 64, 20000);
  lossy.lost = 15;
  lossy.loss = 0.001;
  TuneResult r = Sweep({Row(1, 64, 12000), lossy, refused});
  Recommend(o, r);
  ASSERT_TRUE(r.recommended.has_value());
  EXPECT_EQ(*r.recommended, 0u);
  ASSERT_GE(r.findings.size(), 2u);
  EXPECT_NE(r.findings[0].find("refused connections at 4 publishing connections"),
            std::string::npos);
  EXPECT_NE(r.findings[1].find("15 messages were lost at pool_size 2"), std::string::npos);
}

TEST(TuneRecommend, NothingCleanGivesNoRecommendation) {
  TuneOptions o;
  TuneRow bad = Row(1, 64, 100);
  bad.refused = 3;
  TuneResult r = Sweep({bad});
  Recommend(o, r);
  EXPECT_FALSE(r.recommended.has_value());
  EXPECT_NE(r.recommendation.find("no setting"), std::string::npos);
}

TEST(TuneReport, JsonRoundTripAndTextTable) {
  TuneOptions o;
  TuneResult r = Sweep({Row(1, 16, 1000, 0.5), Row(2, 16, 1900, 0.7)});
  r.rows[1].error = "quote \" and \\ backslash";
  Recommend(o, r);
  auto back = ParseTuneJson(TuneJson(r));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(TuneJson(back.value()), TuneJson(r));
  const std::string text = FormatTuneText(r);
  EXPECT_NE(text.find("<- recommended"), std::string::npos) << text;
  EXPECT_NE(text.find("recommendation: pool_size"), std::string::npos);
  EXPECT_FALSE(ParseTuneJson("{").ok());
  EXPECT_FALSE(ParseTuneJson("{\"rows\": [{\"rate\": 1}]}").ok());
}

TEST(TuneReport, HtmlIsSelfContained) {
  TuneOptions o;
  TuneResult r = Sweep({Row(1, 16, 1000), Row(1, 64, 1500), Row(2, 16, 1900), Row(2, 64, 2800)});
  Recommend(o, r);
  const std::string html = TuneHtml(r, "A <test> report");
  EXPECT_NE(html.find("<title>A &lt;test&gt; report</title>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // nothing fetched
  EXPECT_EQ(html.find("https://"), std::string::npos);
  size_t points = 0;
  for (size_t p = 0; (p = html.find("<circle class=\"point\"", p)) != std::string::npos; ++p)
    ++points;
  EXPECT_EQ(points, 8u);                                       // 4 steps x 2 charts
  EXPECT_NE(html.find("max_inflight 64"), std::string::npos);  // the legend
}

TEST(TuneOptionsParse, Errors) {
  auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), {"mqbridge-bench", "tune"});
    return ParseTuneOptions(static_cast<int>(args.size()), args.data());
  };
  EXPECT_TRUE(parse({"-p", "1883"}).ok());
  EXPECT_EQ(parse({"--inflight", "16,64"}).value().inflights, (std::vector<int>{16, 64}));
  EXPECT_NE(parse({"--inflight", "16,x"}).error().text.find("\"x\" is not a number"),
            std::string::npos);
  EXPECT_NE(parse({"--config", "a.toml"}).error().text.find("go together"), std::string::npos);
  EXPECT_NE(parse({"--max-connections", "1"}).error().text.find("subscriber"), std::string::npos);
  EXPECT_TRUE(parse({"--help"}).error().help);
}

}  // namespace
}  // namespace mqb::bench
