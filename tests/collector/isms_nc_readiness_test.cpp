#include <gtest/gtest.h>

#include <tuple>

#include <nlohmann/json.hpp>

#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;

nlohmann::json proposalFor(const nlohmann::json& proposals, const std::string& control) {
  for (const auto& p : proposals["proposals"])
    if (p["control"] == control) return p;
  return nullptr;
}

TEST(NonConformities, HighSeverityFailingOnMoreThanTheShareIsMajor) {
  test::IsmsFixture f;
  f.fleet("h", 10, 2, "ssh.mfa_required", Severity::High);  // 20 %: not more than the share
  auto p = proposalFor(f.service.proposals(kNow).body, "A.8.5");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["kind"], "minor");
  EXPECT_EQ(p["checks"], nlohmann::json({"ssh.mfa_required"}));
  f.report("h-2", {{"ssh.mfa_required", CheckStatus::Fail, Severity::High}}, kNow + 1);  // 30 %
  p = proposalFor(f.service.proposals(kNow + 1).body, "A.8.5");
  EXPECT_EQ(p["kind"], "major");
  EXPECT_EQ(p["reason"], "ssh.mfa_required (high) fails on 3 of 10 hosts (30%)");
}

TEST(NonConformities, FailuresOfHostsThatWentSilentStillCountAndAreNamed) {
  test::IsmsFixture f;
  f.fleet("h", 10, 3, "ssh.mfa_required", Severity::High);
  const std::int64_t dayLater = kNow + 86400;  // every host is stale by then
  const auto p = proposalFor(f.service.proposals(dayLater).body, "A.8.5");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["kind"], "major");
  EXPECT_EQ(p["reason"], "ssh.mfa_required (high) fails on 3 of 10 hosts (30%, 3 of them stale)");
  const auto soa = f.service.soaControl("A.8.5", dayLater).body;
  EXPECT_EQ(soa["fleet"]["status"], "failing");
  int failingStale = -1;
  for (const auto& c : soa["fleet"]["checks"])
    if (c["check"] == "ssh.mfa_required") failingStale = c["hosts_failing_stale"];
  EXPECT_EQ(failingStale, 3);
}

TEST(NonConformities, MediumSeverityIsMinorAndTheShareIsConfigurable) {
  test::IsmsFixture f;
  f.fleet("h", 4, 3, "kernel.aslr", Severity::Medium);
  EXPECT_EQ(proposalFor(f.service.proposals(kNow).body, "A.8.9")["kind"], "minor");
  f.fleet("s", 6, 1, "ssh.mfa_required", Severity::Critical);  // 1 of 10 hosts
  EXPECT_EQ(proposalFor(f.service.proposals(kNow).body, "A.8.5")["kind"], "minor");
  IsmsService strict(*f.store, *f.isms, Catalog::builtin(), CheckMapping::builtin(), {{.majorShare = 0.05}, {}});
  EXPECT_EQ(proposalFor(strict.proposals(kNow).body, "A.8.5")["kind"], "major");
}

TEST(NonConformities, DeclaredNotImplementedIsMajorAndDocumentationGapsMinor) {
  test::IsmsFixture f;
  EXPECT_TRUE(f.service.proposals(kNow).body["proposals"].empty());  // nothing reviewed, no fleet: nothing proposed
  ASSERT_TRUE(f.service.updateSoa("A.5.1", {{"justification", "required"}, {"implementation", "not_implemented"}}, "a", kNow).ok());
  ASSERT_TRUE(f.service.updateSoa("A.5.2", {{"justification", "required"}, {"implementation", "implemented"}}, "a", kNow).ok());
  ASSERT_TRUE(f.service.updateSoa("A.5.3", {{"justification", "required"}, {"implementation", "planned"}}, "a", kNow).ok());
  const auto proposals = f.service.proposals(kNow).body;
  EXPECT_EQ(proposalFor(proposals, "A.5.1")["kind"], "major");
  EXPECT_EQ(proposalFor(proposals, "A.5.2")["kind"], "minor");  // implemented, but no evidence at all
  EXPECT_EQ(proposalFor(proposals, "A.5.2")["reason"], "incomplete documentation: applicable, but no fleet or manual evidence");
  EXPECT_EQ(proposals["proposals"][0]["kind"], "major");  // most serious first
  // Applying records them; a control with an NC still open is not proposed again.
  EXPECT_EQ(f.service.applyProposals("a", kNow).body["created"].size(), 3u);
  EXPECT_TRUE(f.service.proposals(kNow).body["proposals"].empty());
}

TEST(NonConformities, ClosedOnesReopenWhenTheirChecksFailAgain) {
  test::IsmsFixture f;
  f.host("h1", {{"backup.recent", CheckStatus::Fail}});
  ASSERT_EQ(f.service.applyProposals("alice", kNow).body["created"].size(), 1u);
  const std::int64_t id = 1;
  const auto move = [&](nlohmann::json body) { return f.service.transitionNonConformity(id, body, "alice", kNow); };
  EXPECT_EQ(move({{"to", "closed"}}).status, 400);
  ASSERT_TRUE(move({{"to", "root_cause"}, {"root_cause", "backup job disabled"}}).ok());
  ASSERT_TRUE(move({{"to", "corrective_action"}, {"corrective_action", "re-enable"}, {"action_owner", "ops"},
                    {"action_due", "2026-11-20"}})
                  .ok());
  EXPECT_TRUE(f.service.nonConformity(id, kNow).body["overdue"].get<bool>());
  ASSERT_TRUE(move({{"to", "verification"}}).ok());
  f.report("h1", {{"backup.recent", CheckStatus::Pass}}, kNow + 10);
  ASSERT_TRUE(move({{"to", "closed"}, {"verification", "backups recent on all hosts"}}).ok());
  EXPECT_EQ(f.service.maintain(kNow + 20), 0);

  f.report("h1", {{"backup.recent", CheckStatus::Fail}}, kNow + 30);
  EXPECT_EQ(f.service.maintain(kNow + 40), 1);
  const auto nc = f.service.nonConformity(id, kNow + 40).body;
  EXPECT_EQ(nc["state"], "open");
  EXPECT_EQ(nc["reopen_count"], 1);
  EXPECT_EQ(f.isms->audit("nonconformity", "1").back().action, "reopen");
  EXPECT_EQ(f.service.transitionNonConformity(42, {{"to", "root_cause"}}, "alice", kNow).status, 404);
}

TEST(Readiness, ComputedItemsNeedTheShareOfInScopeHostsPassing) {
  test::IsmsFixture f;
  for (int i = 0; i < 20; ++i)
    f.host("h" + std::to_string(i), {{"ssh.mfa_required", i == 0 ? CheckStatus::Fail : CheckStatus::Pass},
                                     {"pam.mfa_module", CheckStatus::Pass}});
  const auto item = [](const nlohmann::json& r, const std::string& id) {
    for (const auto& i : r["items"])
      if (i["id"] == id) return i;
    return nlohmann::json();
  };
  auto r = f.service.readiness(kNow).body;
  ASSERT_EQ(r["items"].size(), 27u);
  auto mfa = item(r, "access.mfa");
  EXPECT_TRUE(mfa["met"].get<bool>());  // 19 of 20 = 95 %
  EXPECT_EQ(mfa["evidence"]["hosts_passing"], 19);
  EXPECT_EQ(mfa["evidence"]["hosts_in_scope"], 20);
  EXPECT_EQ(mfa["evidence"]["checks"], nlohmann::json({"ssh.mfa_required", "pam.mfa_module"}));
  EXPECT_FALSE(item(r, "data.backups")["met"].get<bool>());  // no host reports backups

  f.report("h1", {{"ssh.mfa_required", CheckStatus::Pass}, {"pam.mfa_module", CheckStatus::Error}}, kNow + 1);
  EXPECT_FALSE(item(f.service.readiness(kNow + 1).body, "access.mfa")["met"].get<bool>());  // 18 of 20
  IsmsService lenient(*f.store, *f.isms, Catalog::builtin(), CheckMapping::builtin(), {{}, {.passShare = 0.9}});
  EXPECT_TRUE(item(lenient.readiness(kNow + 1).body, "access.mfa")["met"].get<bool>());
  // Hosts that stopped reporting are in scope but do not pass.
  EXPECT_EQ(item(lenient.readiness(kNow + 86400).body, "access.mfa")["evidence"]["hosts_passing"], 0);
}

// The guide's bands, word for word, at every boundary; they run to 28 although the checklist has 27 items.
TEST(Readiness, BandsAreTheGuidesAtEveryBoundary) {
  const std::vector<std::tuple<int, std::string, std::string>> expected = {
      {0, "high_risk", "High risk (significant work needed)"},
      {14, "high_risk", "High risk (significant work needed)"},
      {15, "moderate_risk", "Moderate risk (key areas require attention)"},
      {21, "moderate_risk", "Moderate risk (key areas require attention)"},
      {22, "low_risk", "Low risk (minor improvements needed)"},
      {25, "low_risk", "Low risk (minor improvements needed)"},
      {26, "well_prepared", "Well prepared (ready for audit)"},
      {27, "well_prepared", "Well prepared (ready for audit)"},
      {28, "well_prepared", "Well prepared (ready for audit)"},
  };
  for (const auto& [score, level, text] : expected) {
    EXPECT_EQ(readinessBand(score).level, level) << score;
    EXPECT_EQ(readinessBand(score).assessment(), text) << score;
  }
  EXPECT_EQ(std::size(kReadinessBands), 4u);
  EXPECT_EQ(kReadinessBands[3].maxScore, 28);
  EXPECT_EQ(scoreText(26), "26 / 27");
}

// Scores 25 and 26 reached through the service: 21 attestations plus computed items met by one passing host.
TEST(Readiness, ServiceScoreCrossesFromLowRiskToWellPrepared) {
  test::IsmsFixture f;
  for (const auto& item : readinessItems()) {
    if (item.computed()) continue;
    ASSERT_EQ(f.service.attest(std::string(item.id), {{"attested_by", "ciso"}, {"evidence_ref", "DOC"},
                                                       {"attested_at", "2026-06-01"}}, "alice", kNow).status, 200);
  }
  f.host("h1", {{"logging.remote_forwarding", CheckStatus::Pass}, {"monitoring.agent_present", CheckStatus::Pass},
                {"backup.configured", CheckStatus::Pass}, {"backup.recent", CheckStatus::Pass},
                {"ssh.mfa_required", CheckStatus::Pass}});
  auto r = f.service.readiness(kNow).body;
  EXPECT_EQ(r["score_text"], "25 / 27");
  EXPECT_EQ(r["level"], "low_risk");
  f.report("h1", {{"logging.remote_forwarding", CheckStatus::Pass}, {"monitoring.agent_present", CheckStatus::Pass},
                  {"backup.configured", CheckStatus::Pass}, {"backup.recent", CheckStatus::Pass},
                  {"ssh.mfa_required", CheckStatus::Pass}, {"auth.password_quality", CheckStatus::Pass}});
  r = f.service.readiness(kNow).body;
  EXPECT_EQ(r["score_text"], "26 / 27");
  EXPECT_EQ(r["level"], "well_prepared");
  EXPECT_EQ(r["assessment"], "Well prepared (ready for audit)");
  EXPECT_EQ(r["max_score"], 27);
}

TEST(Readiness, AttestationsGoStaleAndTheScoreIsBanded) {
  ASSERT_EQ(readinessItems().size(), 27u);
  ASSERT_EQ(static_cast<int>(readinessItems().size()), kReadinessMaxScore);

  test::IsmsFixture f;
  int attested = 0;
  for (const auto& item : readinessItems()) {
    if (item.computed()) continue;
    const auto reply = f.service.attest(std::string(item.id), {{"attested_by", "ciso"}, {"evidence_ref", "ISMS-DOC-1"},
                                                               {"attested_at", "2026-01-15"}}, "alice", kNow);
    ASSERT_EQ(reply.status, 200) << reply.body;
    ++attested;
  }
  EXPECT_EQ(attested, 21);
  auto r = f.service.readiness(kNow).body;
  EXPECT_EQ(r["score"], 21);
  EXPECT_EQ(r["assessment"], "Moderate risk (key areas require attention)");
  EXPECT_EQ(r["score_text"], "21 / 27");
  f.host("h1", {{"logging.remote_forwarding", CheckStatus::Pass}});
  r = f.service.readiness(kNow).body;
  EXPECT_EQ(r["score"], 22);
  EXPECT_EQ(r["level"], "low_risk");
  EXPECT_EQ(r["assessment"], "Low risk (minor improvements needed)");
  // A year after 2026-01-15 the attestations are stale; the host's data went stale too.
  r = f.service.readiness(kNow + 60 * kDay).body;
  EXPECT_EQ(r["score"], 0);
  EXPECT_EQ(r["items"][0]["note"], "attestation older than 12 months");
  EXPECT_EQ(f.service.attest("access.mfa", {{"attested_by", "a"}, {"evidence_ref", "x"}}, "alice", kNow).status, 400);
  EXPECT_EQ(f.service.attest("nope", {{"attested_by", "a"}, {"evidence_ref", "x"}}, "alice", kNow).status, 404);
}

}  // namespace
}  // namespace annexa::collector::isms
