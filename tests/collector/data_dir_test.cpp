// collector.json and --listen parsing: what operators type must be read exactly, or refused with a reason.
#include <gtest/gtest.h>

#include <fstream>

#include "collector/app/data_dir.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {

TEST(Listen, ParsesIpv4AndBracketedIpv6) {
  auto v4 = parseListen("127.0.0.1:18443");
  ASSERT_TRUE(v4.ok()) << v4.error();
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 18443);
  auto v6 = parseListen("[::1]:0");
  ASSERT_TRUE(v6.ok()) << v6.error();
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
  EXPECT_FALSE(parseListen("127.0.0.1").ok());
  EXPECT_FALSE(parseListen("127.0.0.1:65536").ok());
  EXPECT_FALSE(parseListen("127.0.0.1:http").ok());
}

class ConfigTest : public ::testing::Test {
 protected:
  Result<CollectorConfig> load(const std::string& json) {
    std::ofstream(dir_.config()) << json;
    return loadCollectorConfig(dir_);
  }
  test::FixtureRoot root_;
  DataDir dir_{root_.path()};
};

TEST_F(ConfigTest, ReadsEveryKey) {
  auto config = load(R"({"listen": "[::1]:9443", "threads": 3, "body_limit_bytes": 2048, "retention_days": 30,
                         "agent_certificate_days": 90, "default_interval_seconds": 300,
                         "timeouts_ms": {"handshake": 100, "header": 200, "body": 300, "idle": 400}})");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->server.address, "::1");
  EXPECT_EQ(config->server.port, 9443);
  EXPECT_EQ(config->server.threads, 3);
  EXPECT_EQ(config->server.bodyLimit, 2048u);
  EXPECT_EQ(config->server.handshakeTimeout, std::chrono::milliseconds(100));
  EXPECT_EQ(config->server.idleTimeout, std::chrono::milliseconds(400));
  EXPECT_EQ(config->maintenance.retentionDays, 30);
  EXPECT_EQ(config->api.agentCertificateDays, 90);
  EXPECT_EQ(config->api.defaultIntervalSeconds, 300);
}

TEST_F(ConfigTest, RefusesUnknownKeysAndBadValuesWithTheReason) {
  auto unknown = load(R"({"listne": "127.0.0.1:1"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("unknown key \"listne\""), std::string::npos);
  auto small = load(R"({"body_limit_bytes": 10})");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().find("body_limit_bytes must be between"), std::string::npos);
  auto oneDay = load(R"({"retention_days": 1})");  // shorter than a short report may reach back
  ASSERT_FALSE(oneDay.ok());
  EXPECT_NE(oneDay.error().find("retention_days must be between 2 and"), std::string::npos) << oneDay.error();
  auto timeout = load(R"({"timeouts_ms": {"read": 10}})");
  ASSERT_FALSE(timeout.ok());
  EXPECT_NE(timeout.error().find("unknown timeout \"read\""), std::string::npos);
  EXPECT_FALSE(load(R"({"threads": "two"})").ok());
  EXPECT_FALSE(load("[]").ok());
}

}  // namespace
}  // namespace annexa::collector
