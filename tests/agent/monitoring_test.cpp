#include "agent/checks/monitoring.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

constexpr std::int64_t kDailyBuilt = 1'700'039'580;  // tests/fixtures/monitoring/protected/var/lib/clamav/daily.cld
constexpr std::int64_t kDay = 86400;

bool anyEvidenceContains(const std::vector<Evidence>& evidence, std::string_view needle) {
  return std::any_of(evidence.begin(), evidence.end(), [&](const Evidence& e) {
    return e.observed.find(needle) != std::string::npos || e.source.find(needle) != std::string::npos;
  });
}

DaemonSighting sighting(std::string name, DaemonState state) {
  return {std::move(name),
          state,
          {"systemd unit x.service", state == DaemonState::Running ? "process x running (pid 42)" : "enabled", ""}};
}

// ---- monitoring.agent_present ------------------------------------------------------------------------------------

TEST(MonitoringAgent, RunningAgentPassesEnabledOnlyDoesNotOnALiveSystem) {
  MonitoringFacts facts;
  facts.agents.push_back(sighting("Falco", DaemonState::Running));
  auto outcome = evaluateMonitoringAgent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "Falco running");

  facts.agents[0] = sighting("Falco", DaemonState::Enabled);
  outcome = evaluateMonitoringAgent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "enabled"));

  facts.live = false;  // an offline image can only show configuration
  outcome = evaluateMonitoringAgent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_NE(outcome.message.find("offline root"), std::string::npos);
}

TEST(MonitoringAgent, AideNeedsScheduleAndDatabase) {
  MonitoringFacts facts;
  facts.aide.binary = "/usr/bin/aide";
  EXPECT_EQ(evaluateMonitoringAgent(facts).message,
            "AIDE is installed but never scheduled, and no detection agent runs");

  facts.aide.scheduledBy = "dailyaidecheck.timer (OnCalendar=daily)";
  facts.aide.databasePresent = false;
  facts.aide.databaseNote = "no aide.db in /var/lib/aide";
  auto outcome = evaluateMonitoringAgent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "no aide.db"));

  facts.aide.databasePresent.reset();
  facts.aide.databaseNote = "cannot read /var/lib/aide: Permission denied";
  EXPECT_EQ(evaluateMonitoringAgent(facts).status, CheckStatus::Error);

  facts.aide.databasePresent = true;
  EXPECT_EQ(evaluateMonitoringAgent(facts).status, CheckStatus::Pass);
}

TEST(MonitoringAgent, UnlistableProcessesAreAnError) {
  MonitoringFacts facts;
  facts.processError = "cannot list processes: /proc: Permission denied";
  EXPECT_EQ(evaluateMonitoringAgent(facts).status, CheckStatus::Error);
  EXPECT_EQ(evaluateMonitoringAgent(MonitoringFacts{}).status, CheckStatus::Fail);
}

TEST(MonitoringAgent, FixtureTrees) {
  FixtureRoot edr("monitoring/edr");
  auto result = runCheckOn(edr, "monitoring.agent_present");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.16", "A.8.7"}));
  EXPECT_EQ(result.evidence[0].source, "systemd unit falcon-sensor.service");

  FixtureRoot protectedHost("monitoring/protected");
  result = runCheckOn(protectedHost, "monitoring.agent_present");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "dailyaidecheck.timer (OnCalendar=daily)"));

  protectedHost.remove("/var/lib/aide/aide.db");
  result = runCheckOn(protectedHost, "monitoring.agent_present");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;

  FixtureRoot bare("monitoring/bare");
  result = runCheckOn(bare, "monitoring.agent_present");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_FALSE(result.remediation.empty());
}

// ---- malware.protection ------------------------------------------------------------------------------------------

MalwareFacts clamavWithSignatures(std::vector<SignatureFile> signatures) {
  MalwareFacts facts;
  facts.clamav.binary = "/usr/sbin/clamd";
  facts.clamav.services.push_back(sighting("freshclam", DaemonState::Running));
  facts.clamav.signatures = std::move(signatures);
  return facts;
}

TEST(MalwareProtection, ParsesCvdHeader) {
  EXPECT_EQ(parseCvdBuildTime("ClamAV-VDB:15 Nov 2023 09-13 +0000:27094:2046400:90:X:X:raynman:1700039580      "),
            1700039580);
  EXPECT_EQ(parseCvdBuildTime("ClamAV-VDB:15 Nov 2023:27094"), std::nullopt);
  EXPECT_EQ(parseCvdBuildTime("\x1f\x8b compressed"), std::nullopt);
}

TEST(MalwareProtection, DailySignatureAgeDecides) {
  const std::int64_t now = 1'750'000'000;
  auto facts = clamavWithSignatures(
      {{"/var/lib/clamav/main.cvd", now - 400 * kDay, true}, {"/var/lib/clamav/daily.cld", now - 2 * kDay, true}});
  auto outcome = evaluateMalwareProtection(facts, now, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence.back().source, "/var/lib/clamav/daily.cld");
  EXPECT_NE(outcome.evidence.back().observed.find("2 days ago"), std::string::npos);

  // A fresh bytecode database does not make stale daily signatures current.
  facts = clamavWithSignatures(
      {{"/var/lib/clamav/bytecode.cld", now - kDay, true}, {"/var/lib/clamav/daily.cld", now - 9 * kDay, false}});
  outcome = evaluateMalwareProtection(facts, now, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.evidence.back().observed.find("modified"), std::string::npos);

  facts = clamavWithSignatures({});
  EXPECT_EQ(evaluateMalwareProtection(facts, now, 7).status, CheckStatus::Fail);
  facts.clamav.signatureError = "/var/lib/clamav: Permission denied";
  EXPECT_EQ(evaluateMalwareProtection(facts, now, 7).status, CheckStatus::Error);
}

TEST(MalwareProtection, InstalledButIdleOrAbsentFails) {
  MalwareFacts idle;
  idle.clamav.binary = "/usr/bin/clamscan";
  auto outcome = evaluateMalwareProtection(idle, 0, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "ClamAV is installed but neither clamd nor freshclam runs");

  idle.clamav.scheduledUpdate = "/etc/cron.d/clamav-update: 0 */3 * * * root /usr/share/clamav/freshclam-sleep";
  idle.clamav.signatures = {{"/var/lib/clamav/daily.cvd", 1000, true}};
  EXPECT_EQ(evaluateMalwareProtection(idle, 1000 + kDay, 7).status, CheckStatus::Pass);

  MalwareFacts none;
  EXPECT_EQ(evaluateMalwareProtection(none, 0, 7).status, CheckStatus::Fail);
  none.edrs.push_back(sighting("SentinelOne", DaemonState::Running));
  outcome = evaluateMalwareProtection(none, 0, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "SentinelOne protects this host");
}

TEST(MalwareProtection, FixtureTrees) {
  FixtureRoot protectedHost("monitoring/protected");
  auto result = runCheckOn(protectedHost, "malware.protection", {}, kDailyBuilt + 2 * kDay);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.back().source, "/var/lib/clamav/daily.cld");
  EXPECT_EQ(result.evidence.back().observed, "built 2023-11-15T09:13:00Z (2 days ago)");

  result = runCheckOn(protectedHost, "malware.protection", {}, kDailyBuilt + 10 * kDay);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "ClamAV signatures date from 10 days ago, beyond the 7-day limit");

  AgentConfig lenient;
  lenient.thresholds.signatureMaxAgeDays = 14;
  EXPECT_EQ(runCheckOn(protectedHost, "malware.protection", lenient, kDailyBuilt + 10 * kDay).status,
            CheckStatus::Pass);

  // Without a readable header the file's mtime is the signature age.
  protectedHost.write("/var/lib/clamav/daily.cld", "corrupt");
  protectedHost.setMtime("/var/lib/clamav/daily.cld", kDailyBuilt + 9 * kDay);
  result = runCheckOn(protectedHost, "malware.protection", {}, kDailyBuilt + 10 * kDay);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_NE(result.evidence.back().observed.find("modified"), std::string::npos);

  FixtureRoot edr("monitoring/edr");
  result = runCheckOn(edr, "malware.protection");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.7"}));

  FixtureRoot bare("monitoring/bare");
  result = runCheckOn(bare, "malware.protection");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "ClamAV is installed but neither clamd nor freshclam runs");
}

}  // namespace
}  // namespace annexa::agent::checks
