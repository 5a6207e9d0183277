#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "collector/isms/isms_model.hpp"

namespace annexa::collector::isms {
namespace {

constexpr std::int64_t kNow = 1795424427;

RiskAcceptance acceptance(ExceptionScope scope, std::string agent, std::string check, std::string control) {
  RiskAcceptance e;
  e.scope = scope;
  e.agentId = std::move(agent);
  e.checkId = std::move(check);
  e.controlId = std::move(control);
  return e;
}

NcTransition to(NcState state, std::string rootCause = "", std::string action = "", std::string owner = "",
                std::optional<std::int64_t> due = std::nullopt, std::string verification = "") {
  NcTransition t;
  t.to = state;
  t.rootCause = std::move(rootCause);
  t.correctiveAction = std::move(action);
  t.actionOwner = std::move(owner);
  t.actionDue = due;
  t.verification = std::move(verification);
  return t;
}

TEST(RiskScoring, ScoreIsLikelihoodTimesImpactInFourBands) {
  EXPECT_EQ(riskLevel(1), RiskLevel::Low);
  EXPECT_EQ(riskLevel(4), RiskLevel::Low);
  EXPECT_EQ(riskLevel(5), RiskLevel::Medium);
  EXPECT_EQ(riskLevel(9), RiskLevel::Medium);
  EXPECT_EQ(riskLevel(10), RiskLevel::High);
  EXPECT_EQ(riskLevel(16), RiskLevel::High);
  EXPECT_EQ(riskLevel(20), RiskLevel::Critical);
  EXPECT_EQ(riskLevel(25), RiskLevel::Critical);
  auto risk = patchRisk(Risk{}, {{"title", "Laptop theft"}, {"likelihood", "4"}, {"impact", 5}, {"residual_likelihood", 2},
                                 {"residual_impact", 2}, {"controls", "A.8.24, A.7.10"}, {"due_date", "2027-03-01"}});
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_EQ(risk->score(), 20);
  EXPECT_EQ(risk->residualScore(), 4);
  EXPECT_EQ(risk->controls, (std::vector<std::string>{"A.8.24", "A.7.10"}));
  const auto j = toJson(*risk);
  EXPECT_EQ(j["level"], "critical");
  EXPECT_EQ(j["residual_level"], "low");
  EXPECT_EQ(j["due_date"], "2027-03-01");
}

TEST(RiskScoring, RefusesOutOfRangeValuesAndUnknownControls) {
  EXPECT_EQ(patchRisk(Risk{}, {{"title", "x"}, {"likelihood", 6}}).error(), "likelihood and impact must be 1 to 5");
  EXPECT_EQ(patchRisk(Risk{}, {{"title", "x"}, {"impact", "high"}}).error(), "impact must be a whole number");
  EXPECT_EQ(patchRisk(Risk{}, {{"title", "x"}, {"controls", "A.9.9"}}).error(), "unknown Annex A control A.9.9");
  EXPECT_EQ(patchRisk(Risk{}, {{"likelihood", 2}}).error(), "a risk needs a title");
  EXPECT_FALSE(patchRisk(Risk{}, {{"title", "x"}, {"treatment", "ignore"}}).ok());
}

TEST(Exceptions, ScopesMatchWhatTheySay) {
  const auto hostCheck = acceptance(ExceptionScope::HostCheck, "h1", "ssh.mfa_required", "");
  EXPECT_TRUE(hostCheck.covers("h1", "ssh.mfa_required", "A.8.5"));
  EXPECT_FALSE(hostCheck.covers("h2", "ssh.mfa_required", "A.8.5"));
  EXPECT_FALSE(hostCheck.covers("h1", "pam.mfa_module", "A.8.5"));
  const auto check = acceptance(ExceptionScope::Check, "", "ssh.mfa_required", "");
  EXPECT_TRUE(check.covers("any", "ssh.mfa_required", "A.8.5"));
  EXPECT_FALSE(check.covers("any", "pam.mfa_module", "A.8.5"));
  const auto control = acceptance(ExceptionScope::Control, "", "", "A.8.5");
  EXPECT_TRUE(control.covers("any", "pam.mfa_module", "A.8.5"));
  EXPECT_FALSE(control.covers("any", "ssh.permit_root_login", "A.8.2"));
}

TEST(Exceptions, ValidityWindowAndRevocation) {
  RiskAcceptance e;
  e.validFrom = 100;
  e.expiresAt = 200;
  EXPECT_FALSE(e.validAt(99));
  EXPECT_TRUE(e.validAt(100));
  EXPECT_TRUE(e.validAt(199));
  EXPECT_FALSE(e.validAt(200));  // expired: failures count again
  e.revokedAt = 150;
  EXPECT_TRUE(e.validAt(149));  // the state before the revocation is still known
  EXPECT_FALSE(e.validAt(150));
}

TEST(Exceptions, NeedJustificationApproverAndExpiryWithinAYear) {
  const nlohmann::json base = {{"scope", "check"}, {"check", "ssh.mfa_required"}, {"justification", "legacy jump host"},
                               {"approver", "ciso"}, {"expires_at", "2027-06-01"}};
  ASSERT_TRUE(exceptionFromJson(base, kNow).ok());
  auto j = base;
  j.erase("expires_at");
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "an exception needs an expiry date");
  j = base;
  j["expires_at"] = "2027-12-01";
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "an exception may last at most one year; renew it when it expires");
  j = base;
  j["justification"] = " ";
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "an exception needs a justification");
  j = base;
  j.erase("approver");
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "an exception needs an approver");
  j = base;
  j["scope"] = "host_check";
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "scope host_check needs a host (agent id) and a check");
  j = base;
  j["expires_at"] = "2026-01-01";
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "the expiry must be after the start");
  j["valid_from"] = "2025-12-01";
  EXPECT_EQ(exceptionFromJson(j, kNow).error(), "the expiry lies in the past");
}

TEST(NonConformityLifecycle, FollowsTheStepsAndRefusesShortcuts) {
  NonConformity nc;
  nc.title = "MFA missing";
  EXPECT_EQ(transition(nc, to(NcState::Closed, "", "", "", std::nullopt, "ok"), kNow).error(),
            "cannot move a non-conformity from open to closed; next: root_cause");
  EXPECT_EQ(transition(nc, to(NcState::RootCause), kNow).error(), "root_cause needs the root cause");
  auto step = transition(nc, to(NcState::RootCause, "no PAM module in the image"), kNow);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(transition(*step, to(NcState::CorrectiveAction, "", "add module"), kNow).error(),
            "corrective_action needs the action, its owner and a due date");
  step = transition(*step, to(NcState::CorrectiveAction, "", "add module", "ops", kNow + 86400), kNow);
  ASSERT_TRUE(step.ok());
  EXPECT_FALSE(step->overdue(kNow));
  EXPECT_TRUE(step->overdue(kNow + 2 * 86400));
  step = transition(*step, to(NcState::Verification), kNow);
  ASSERT_TRUE(step.ok());
  EXPECT_FALSE(step->overdue(kNow + 2 * 86400));  // done, waiting for verification
  // Verification failed: back to the action.
  EXPECT_TRUE(transition(*step, to(NcState::CorrectiveAction, "", "again", "ops", kNow), kNow).ok());
  step = transition(*step, to(NcState::Closed, "", "", "", std::nullopt, "all hosts pass"), kNow + 5);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->closedAt, kNow + 5);
  EXPECT_EQ(transition(*step, to(NcState::RootCause, "x"), kNow).error(),
            "cannot move a non-conformity from closed to root_cause; next: open");
  step = transition(*step, to(NcState::Open), kNow + 10);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->reopenCount, 1);
  EXPECT_FALSE(step->closedAt.has_value());
}

TEST(Attestations, RefuseFutureDatesAndGoStaleAfterTwelveMonths) {
  EXPECT_EQ(attestationFromJson({{"attested_by", "a"}, {"evidence_ref", "doc"}, {"attested_at", "2027-01-01"}}, kNow).error(),
            "attested_at lies in the future");
  EXPECT_EQ(attestationFromJson({{"attested_by", "a"}}, kNow).error(), "an attestation needs attested_by and evidence_ref");
  const auto a = attestationFromJson({{"attested_by", "a"}, {"evidence_ref", "doc"}, {"attested_at", "2025-11-23"}}, kNow);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->staleAt(a->attestedAt + 365 * kDay));
  EXPECT_TRUE(a->staleAt(a->attestedAt + 365 * kDay + 1));
}

}  // namespace
}  // namespace annexa::collector::isms
