// Agent transport pieces that need no collector: backoff bounds, argument checks, state loading.
// Delivery against a real collector is tested in tests/e2e/delivery_test.cpp.
#include <gtest/gtest.h>

#include <random>

#include "agent/delivery.hpp"
#include "agent/enrollment.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {
using std::chrono::seconds;

TEST(Backoff, DoublesWithFullJitterWithinBounds) {
  std::mt19937_64 rng(42);
  const struct {
    int failures;
    long long low, high;
  } cases[] = {{0, 2, 5}, {1, 2, 5}, {2, 5, 10}, {3, 10, 20}, {5, 40, 80}, {9, 640, 1280}, {10, 1280, 2560}};
  for (const auto& c : cases) {
    long long lowest = c.high;
    long long highest = c.low;
    for (int i = 0; i < 20000; ++i) {
      const long long d = backoffDelay(c.failures, seconds(5), seconds(3600), rng).count();
      ASSERT_GE(d, c.low) << "failures " << c.failures;
      ASSERT_LE(d, c.high) << "failures " << c.failures;
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    // Full jitter: both ends of the window are reached.
    EXPECT_EQ(lowest, c.low) << "failures " << c.failures;
    EXPECT_EQ(highest, c.high) << "failures " << c.failures;
  }
}

TEST(Backoff, IsCappedAndNeverZero) {
  std::mt19937_64 rng(7);
  for (const int failures : {11, 12, 20, 31, 64, 1000, std::numeric_limits<int>::max()}) {
    for (int i = 0; i < 200; ++i) {
      const auto d = backoffDelay(failures, seconds(5), seconds(3600), rng);
      ASSERT_GE(d, seconds(1800));
      ASSERT_LE(d, seconds(3600));
    }
  }
  for (int i = 0; i < 200; ++i) {
    ASSERT_GE(backoffDelay(1, seconds(1), seconds(1), rng), seconds(1));
    ASSERT_GE(backoffDelay(3, seconds(0), seconds(60), rng), seconds(1));
  }
}

TEST(Enrollment, RefusesBadArgumentsBeforeContactingAnyone) {
  test::FixtureRoot dir;
  const StateDir state{dir.path() / "state"};
  const std::string pin = "SHA256:" + std::string(64, 'b');
  auto plain = enrollAgent({"http://127.0.0.1:1", "t", pin, state, 900, false});
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().find("https://"), std::string::npos);
  auto badPin = enrollAgent({"https://127.0.0.1:1", "t", "SHA256:abc", state, 900, false});
  ASSERT_FALSE(badPin.ok());
  EXPECT_NE(badPin.error().find("--ca-fingerprint"), std::string::npos);
  auto noToken = enrollAgent({"https://127.0.0.1:1", "", pin, state, 900, false});
  ASSERT_FALSE(noToken.ok());
  EXPECT_NE(noToken.error().find("--token"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(state.key()));
}

TEST(Enrollment, UnreachableCollectorIsAClearError) {
  test::FixtureRoot dir;
  // Port 1 on loopback: nothing listens there.
  auto result = enrollAgent({"https://127.0.0.1:1", "t", "SHA256:" + std::string(64, 'b'),
                             StateDir{dir.path() / "state"}, 900, false});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("cannot connect to https://127.0.0.1:1"), std::string::npos) << result.error();
}

TEST(Identity, MissingStateSaysHowToEnroll) {
  test::FixtureRoot dir;
  auto identity = loadIdentity(StateDir{dir.path()});
  ASSERT_FALSE(identity.ok());
  EXPECT_NE(identity.error().find("annexa-agent enroll"), std::string::npos);
}

}  // namespace
}  // namespace annexa::agent
