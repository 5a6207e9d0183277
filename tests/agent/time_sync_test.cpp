#include "agent/checks/time_sync.hpp"

#include <gtest/gtest.h>

#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

DaemonSighting running(std::string name) {
  return {std::move(name), DaemonState::Running, {"/proc", "process chronyd running (pid 7)", ""}};
}

TEST(TimeSync, LiveNeedsRunningClientAndSynchronisedClock) {
  TimeSyncFacts facts;
  facts.daemons.push_back(running("chrony"));
  facts.clock = KernelClock{true, 25000};
  auto outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence.back().source, "adjtimex(2)");
  EXPECT_EQ(outcome.evidence.back().observed, "synchronised (STA_UNSYNC clear, maxerror 25000 µs)");

  facts.clock = KernelClock{false, 16000000};
  outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "chrony running, but the kernel clock is not synchronised");

  facts.clock.reset();
  facts.clockError = "adjtimex: Operation not permitted";
  outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_NE(outcome.message.find("Operation not permitted"), std::string::npos);
}

TEST(TimeSync, LiveEnabledButStoppedClientFailsEvenWithSynchronisedClock) {
  TimeSyncFacts facts;
  facts.installed = {"/lib/systemd/systemd-timesyncd"};
  facts.daemons.push_back({"systemd-timesyncd",
                           DaemonState::Enabled,
                           {"systemd unit systemd-timesyncd.service", "enabled, but not running", ""}});
  facts.clock = KernelClock{true, 100};
  const auto outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "No NTP client is running");
  EXPECT_EQ(outcome.evidence[0].observed, "enabled, but not running");
}

TEST(TimeSync, NothingInstalledOrProcessesUnreadable) {
  TimeSyncFacts facts;
  auto outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "No NTP client is installed");
  facts.processError = "cannot list processes: /proc: Permission denied";
  EXPECT_EQ(evaluateTimeSync(facts).status, CheckStatus::Error);
}

TEST(TimeSync, OfflineRootEvaluatesConfigurationOnly) {
  TimeSyncFacts facts;
  facts.live = false;
  facts.daemons.push_back({"chrony", DaemonState::Enabled, {"systemd unit chrony.service", "enabled", ""}});
  const auto outcome = evaluateTimeSync(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_NE(outcome.message.find("configuration only"), std::string::npos);
}

TEST(TimeSync, FixtureTrees) {
  FixtureRoot chrony("time/chrony");
  auto result = runCheckOn(chrony, "time.sync_active");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.17"}));
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "systemd unit chrony.service");

  // chrony installed but not enabled, timesyncd masked.
  FixtureRoot disabled("time/disabled");
  result = runCheckOn(disabled, "time.sync_active");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "No NTP client is enabled");
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].observed, "installed (/usr/sbin/chronyd) but no unit enabled");
  EXPECT_FALSE(result.remediation.empty());
}

}  // namespace
}  // namespace annexa::agent::checks
