#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;

const ControlPosture& control(const FleetPosture& p, const std::string& id) {
  for (const auto& c : p.controls)
    if (c.control->id == id) return c;
  throw std::runtime_error("no control " + id);
}

nlohmann::json exceptionBody(const std::string& scope, const std::string& key, const std::string& value) {
  return {{"scope", scope}, {key, value}, {"justification", "legacy system until migration"}, {"approver", "ciso"},
          {"valid_from", formatRfc3339(kNow - kDay)}, {"expires_at", formatRfc3339(kNow + 10 * kDay)}};
}

TEST(Soa, ExcludingAControlNeedsAJustificationAndSaysWhenFleetChecksEvidenceIt) {
  test::IsmsFixture f;
  f.host("h1", {{"ssh.mfa_required", CheckStatus::Fail}});
  auto reply = f.service.updateSoa("A.8.5", {{"applicable", false}}, "alice", kNow);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "excluding A.8.5 requires a justification: its fleet checks fail on 1 host result(s)");
  f.host("h2", {{"kernel.aslr", CheckStatus::Pass}});
  EXPECT_EQ(f.service.updateSoa("A.8.9", {{"applicable", "no"}}, "alice", kNow).error(),
            "excluding A.8.9 requires a justification: fleet checks evidence it");
  EXPECT_EQ(f.service.updateSoa("A.7.4", {{"applicable", "no"}}, "alice", kNow).error(),
            "excluding A.7.4 requires a justification");
  reply = f.service.updateSoa("A.7.4", {{"applicable", "no"}, {"justification", "no physical premises"}}, "alice", kNow);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_FALSE(reply.body["applicable"].get<bool>());
  EXPECT_EQ(f.service.updateSoa("A.9.1", {{"owner", "x"}}, "alice", kNow).status, 404);
  EXPECT_EQ(f.service.updateSoa("A.5.1", {{"implementation", "done"}}, "alice", kNow).status, 400);
}

TEST(Soa, FlagsApplicableControlsWithoutAnyEvidence) {
  test::IsmsFixture f;
  f.host("h1", {{"ssh.mfa_required", CheckStatus::Pass}});
  auto soa = f.service.soa(kNow).body;
  EXPECT_EQ(soa["summary"]["controls"], 93);
  const auto flags = [&](const std::string& id) {
    for (const auto& c : soa["controls"])
      if (c["control"] == id) return c["flags"].get<std::vector<std::string>>();
    return std::vector<std::string>{};
  };
  EXPECT_EQ(flags("A.5.1"), (std::vector<std::string>{"no_evidence", "justification_missing", "not_reviewed"}));
  EXPECT_EQ(flags("A.8.5"), (std::vector<std::string>{"justification_missing", "not_reviewed"}));  // fleet evidence
  ASSERT_EQ(f.service.addEvidence("A.5.1", {{"document", "IS policy v3"}, {"location", "intranet/policies"},
                                            {"date", "2026-10-01"}, {"reviewer", "ciso"}},
                                  "alice", kNow)
                .status,
            201);
  EXPECT_EQ(f.service.addEvidence("A.5.1", {{"document", "x"}}, "alice", kNow).status, 400);
  soa = f.service.soa(kNow).body;
  EXPECT_EQ(flags("A.5.1"), (std::vector<std::string>{"justification_missing", "not_reviewed"}));
  EXPECT_NE(f.service.soaHtml(kNow).find("IS policy v3"), std::string::npos);
}

TEST(Exceptions, MatchingFailuresCountAsAcceptedUntilExpiry) {
  test::IsmsFixture f;
  f.host("h1", {{"ssh.mfa_required", CheckStatus::Fail}});
  f.host("h2", {{"ssh.mfa_required", CheckStatus::Pass}});
  EXPECT_EQ(control(f.service.fleet(kNow).posture, "A.8.5").status, ControlStatus::Failing);

  // A host_check exception for the other host does not match.
  auto other = exceptionBody("host_check", "host", "h2");
  other["check"] = "ssh.mfa_required";
  other["expires_at"] = formatRfc3339(kNow + 40 * kDay);
  ASSERT_EQ(f.service.addException(other, "alice", kNow).status, 201);
  EXPECT_EQ(control(f.service.fleet(kNow).posture, "A.8.5").status, ControlStatus::Failing);

  auto body = exceptionBody("host_check", "host", "h1");
  body["check"] = "ssh.mfa_required";
  ASSERT_EQ(f.service.addException(body, "alice", kNow).status, 201);
  auto p = f.service.fleet(kNow).posture;
  const auto& c = control(p, "A.8.5");
  EXPECT_EQ(c.status, ControlStatus::Accepted);
  EXPECT_EQ(c.hostsAccepted, 1);
  EXPECT_EQ(c.hostsPassing, 1);  // shown separately from passing
  EXPECT_EQ(c.hostsFailing, 0);

  // Expired: failing again, with nobody touching it.
  f.report("h1", {{"ssh.mfa_required", CheckStatus::Fail}}, kNow + 11 * kDay);
  f.report("h2", {{"ssh.mfa_required", CheckStatus::Pass}}, kNow + 11 * kDay);
  EXPECT_EQ(control(f.service.fleet(kNow + 11 * kDay).posture, "A.8.5").status, ControlStatus::Failing);
  // Expiring within 30 days is listed.
  const auto listed = f.service.exceptions(kNow, 30).body;
  ASSERT_EQ(listed["exceptions"].size(), 1u);  // the other one runs 40 days
  EXPECT_EQ(listed["exceptions"][0]["host"], "h1");
  EXPECT_EQ(listed["exceptions"][0]["state"], "valid");
  EXPECT_EQ(listed["exceptions"][0]["days_left"], 10);
  EXPECT_EQ(f.service.exceptions(kNow, 5).body["exceptions"].size(), 0u);
  EXPECT_EQ(f.service.exceptions(kNow + 11 * kDay).body["exceptions"][1]["state"], "expired");
}

TEST(Exceptions, CheckAndControlScopesAndUnknownTargets) {
  test::IsmsFixture f;
  f.host("h1", {{"ssh.permit_root_login", CheckStatus::Fail}});  // maps to A.8.2 and A.8.5
  ASSERT_EQ(f.service.addException(exceptionBody("control", "control", "A.8.2"), "alice", kNow).status, 201);
  auto p = f.service.fleet(kNow).posture;
  EXPECT_EQ(control(p, "A.8.2").status, ControlStatus::Accepted);
  EXPECT_EQ(control(p, "A.8.5").status, ControlStatus::Failing);  // the control scope covers only A.8.2
  ASSERT_EQ(f.service.addException(exceptionBody("check", "check", "ssh.permit_root_login"), "alice", kNow).status, 201);
  EXPECT_EQ(control(f.service.fleet(kNow).posture, "A.8.5").status, ControlStatus::Accepted);

  EXPECT_EQ(f.service.addException(exceptionBody("check", "check", "no.such_check"), "alice", kNow).error(),
            "unknown check no.such_check");
  auto body = exceptionBody("host_check", "host", "ghost");
  body["check"] = "ssh.permit_root_login";
  EXPECT_EQ(f.service.addException(body, "alice", kNow).error(), "unknown host ghost");
  EXPECT_EQ(f.service.revokeException(99, "alice", kNow).status, 404);
}

TEST(Risks, TreatmentNotEffectiveWhileALinkedControlFails) {
  test::IsmsFixture f;
  f.host("h1", {{"backup.recent", CheckStatus::Fail}, {"ssh.mfa_required", CheckStatus::Pass}});
  auto added = f.service.addRisk({{"title", "Ransomware"}, {"likelihood", 4}, {"impact", 5}, {"controls", "A.8.13,A.8.5"}},
                                 "alice", kNow);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.body["score"], 20);
  EXPECT_EQ(added.body["level"], "critical");
  EXPECT_FALSE(added.body["treatment_effective"].get<bool>());
  EXPECT_EQ(added.body["failing_controls"], nlohmann::json({"A.8.13"}));
  EXPECT_EQ(added.body["flag"], "treatment not effective");
  f.report("h1", {{"backup.recent", CheckStatus::Pass}, {"ssh.mfa_required", CheckStatus::Pass}}, kNow + 60);
  const auto id = added.body["id"].get<std::int64_t>();
  EXPECT_TRUE(f.service.risk(id, kNow + 60).body["treatment_effective"].get<bool>());
  EXPECT_EQ(f.service.updateRisk(id, {{"impact", 0}}, "alice", kNow).status, 400);
  EXPECT_EQ(f.service.updateRisk(id + 1, {{"impact", 2}}, "alice", kNow).status, 404);
}

}  // namespace
}  // namespace annexa::collector::isms
