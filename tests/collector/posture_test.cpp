#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/posture/posture.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kNow = 1795424427;

AgentRecord host(const std::string& id, std::optional<std::int64_t> lastSeen, bool revoked = false) {
  AgentRecord a;
  a.id = id;
  a.lastSeen = lastSeen;
  a.intervalSeconds = 900;
  if (revoked) a.revokedAt = kNow - 10;
  return a;
}

const ControlPosture& control(const FleetPosture& p, const std::string& id) {
  for (const auto& c : p.controls)
    if (c.control->id == id) return c;
  throw std::runtime_error("no control " + id);
}

FleetPosture compute(const std::vector<AgentRecord>& agents, const std::vector<StatusRow>& rows) {
  return computePosture(Catalog::builtin(), CheckMapping::builtin(), agents, rows, kNow);
}

TEST(Posture, UnmappedControlsAreNotEvidenced) {
  const auto p = compute({host("a", kNow)}, {{"a", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow}});
  ASSERT_EQ(p.controls.size(), 93u);
  EXPECT_EQ(control(p, "A.5.1").status, ControlStatus::NotEvidenced);
  EXPECT_TRUE(control(p, "A.5.1").checks.empty());
}

TEST(Posture, AnyFailingHostFailsTheControl) {
  const auto p = compute({host("a", kNow), host("b", kNow)},
                         {{"a", "ssh.permit_root_login", CheckStatus::Pass, Severity::High, kNow},
                          {"b", "ssh.permit_root_login", CheckStatus::Fail, Severity::High, kNow}});
  const auto& c = control(p, "A.8.2");
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsPassing, 1);
  EXPECT_EQ(c.hostsFailing, 1);
}

TEST(Posture, AllPassingHostsPassAndErrorsMakeItPartial) {
  auto p = compute({host("a", kNow), host("b", kNow)},
                   {{"a", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
                    {"b", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow}});
  EXPECT_EQ(control(p, "A.8.9").status, ControlStatus::Passing);
  p = compute({host("a", kNow), host("b", kNow)},
              {{"a", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
               {"b", "kernel.aslr", CheckStatus::Error, Severity::Medium, kNow}});
  EXPECT_EQ(control(p, "A.8.9").status, ControlStatus::Partial);
  EXPECT_EQ(control(p, "A.8.9").hostsError, 1);
}

TEST(Posture, WorstMappedCheckDecidesAHostsStanding) {
  // A.8.5 is evidenced by several ssh/auth checks: one failing check fails the host for the control.
  const auto p = compute({host("a", kNow)}, {{"a", "ssh.permit_root_login", CheckStatus::Pass, Severity::High, kNow},
                                             {"a", "ssh.max_auth_tries", CheckStatus::Fail, Severity::Medium, kNow}});
  EXPECT_EQ(control(p, "A.8.5").hostsFailing, 1);
  EXPECT_EQ(control(p, "A.8.5").hostsPassing, 0);
  EXPECT_EQ(control(p, "A.8.2").status, ControlStatus::Passing);
}

TEST(Posture, StaleHostsCountAgainstTheControl) {
  const auto p = compute({host("fresh", kNow - 60), host("old", kNow - 3 * 900)},
                         {{"fresh", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
                          {"old", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow}});
  EXPECT_EQ(p.hostsStale, 1);
  EXPECT_EQ(control(p, "A.8.9").hostsStale, 1);
  EXPECT_EQ(control(p, "A.8.9").hostsPassing, 1);
  EXPECT_EQ(control(p, "A.8.9").status, ControlStatus::Partial);
  EXPECT_TRUE(isStale(host("never", std::nullopt), kNow));
  EXPECT_FALSE(isStale(host("edge", kNow - 1800), kNow));
  EXPECT_TRUE(isStale(host("edge", kNow - 1801), kNow));
}

TEST(Posture, AStaleHostKeepsItsLastFailures) {
  // Silence is not remediation: a host that failed and went quiet keeps the control failing.
  const auto p = compute({host("fresh", kNow - 60), host("old", kNow - 3 * 900)},
                         {{"fresh", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
                          {"old", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow - 3 * 900}});
  const auto& c = control(p, "A.8.9");
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailing, 1);
  EXPECT_EQ(c.hostsFailingStale, 1);
  EXPECT_EQ(c.hostsStale, 0);  // counted once, as failing
  EXPECT_EQ(c.hostsPassing, 1);
  const auto j = toJson(c);
  EXPECT_EQ(j["hosts"]["failing"], 1);
  EXPECT_EQ(j["hosts"]["failing_stale"], 1);
  EXPECT_EQ(j["status"], "failing");
}

TEST(Posture, StaleFailuresAndStalePassesTogether) {
  // Three failing hosts, two of them stale; one stale host that passed: failing, "3 failing, of which 2 stale".
  const auto p = compute({host("f1", kNow), host("f2", kNow - 7200), host("f3", kNow - 7200), host("p1", kNow - 7200)},
                         {{"f1", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow},
                          {"f2", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow - 7200},
                          {"f3", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow - 7200},
                          {"p1", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow - 7200}});
  const auto& c = control(p, "A.8.9");
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailing, 3);
  EXPECT_EQ(c.hostsFailingStale, 2);
  EXPECT_EQ(c.hostsStale, 1);
  EXPECT_EQ(c.hostsPassing, 0);
  EXPECT_EQ(p.hostsStale, 3);
}

TEST(Posture, AStaleHostsAcceptedFailureIsAccepted) {
  const AcceptedFailure acceptOld = [](const StatusRow& row, std::string_view) { return row.agentId == "old"; };
  const auto p = computePosture(Catalog::builtin(), CheckMapping::builtin(),
                                {host("fresh", kNow - 60), host("old", kNow - 3 * 900)},
                                {{"fresh", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
                                 {"old", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow - 3 * 900}},
                                kNow, acceptOld);
  const auto& c = control(p, "A.8.9");
  EXPECT_EQ(c.status, ControlStatus::Accepted);
  EXPECT_EQ(c.hostsAccepted, 1);
  EXPECT_EQ(c.hostsAcceptedStale, 1);
  EXPECT_EQ(c.hostsFailing, 0);
  EXPECT_EQ(c.hostsStale, 0);
}

TEST(Posture, RevokedHostsAreOutOfScope) {
  const auto p = compute({host("a", kNow), host("gone", kNow, true)},
                         {{"a", "kernel.aslr", CheckStatus::Pass, Severity::Medium, kNow},
                          {"gone", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow}});
  EXPECT_EQ(p.hostsTotal, 1);
  EXPECT_EQ(control(p, "A.8.9").status, ControlStatus::Passing);
}

TEST(Posture, MappedButUnreportedIsNotEvidencedAndNotApplicableStaysSo) {
  auto p = compute({host("a", kNow)}, {});
  EXPECT_EQ(control(p, "A.8.24").status, ControlStatus::NotEvidenced);
  EXPECT_FALSE(control(p, "A.8.24").checks.empty());
  p = compute({host("a", kNow)}, {{"a", "desktop.screen_lock", CheckStatus::NotApplicable, Severity::Medium, kNow}});
  EXPECT_EQ(control(p, "A.7.7").status, ControlStatus::NotApplicable);
}

TEST(Posture, JsonSummarisesThemes) {
  const auto p = compute({host("a", kNow)}, {{"a", "kernel.aslr", CheckStatus::Fail, Severity::Medium, kNow}});
  const auto j = toJson(p);
  EXPECT_EQ(j["summary"]["hosts"]["total"], 1);
  EXPECT_EQ(j["controls"].size(), 93u);
  int sum = 0;
  for (const auto& t : j["summary"]["themes"])
    sum += t["passing"].get<int>() + t["failing"].get<int>() + t["partial"].get<int>() +
           t["not_evidenced"].get<int>() + t["not_applicable"].get<int>();
  EXPECT_EQ(sum, 93);
  EXPECT_GE(j["summary"]["controls"]["failing"].get<int>(), 1);
}

}  // namespace
}  // namespace annexa::collector
