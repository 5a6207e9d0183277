// The ISMS registers: parsing (shapes as the collector writes them; the render test parses a real collector's
// answers too) and the view models that order and filter them.
#include <gtest/gtest.h>

#include "dashboard/isms_view_model.hpp"
#include "tests/dashboard/fake_api.hpp"

namespace annexa::dashboard {
namespace {

using test::FakeApi;

TEST(IsmsParse, SoaRowsFlagsAndEvidence) {
  auto soa = parseSoa(FakeApi::soa().dump());
  ASSERT_TRUE(soa) << soa.error();
  EXPECT_EQ(soa->applicable, 2);
  EXPECT_EQ(soa->excluded, 1);
  EXPECT_EQ(soa->noEvidence, 1);
  ASSERT_EQ(soa->rows.size(), 3u);
  const auto& none = soa->rows[0];
  EXPECT_EQ(none.control, "A.5.1");
  EXPECT_TRUE(none.applicable);
  EXPECT_TRUE(none.noEvidence);
  EXPECT_TRUE(none.justificationMissing);
  EXPECT_TRUE(none.notReviewed);
  EXPECT_EQ(none.fleetStatus, ControlStatus::NotEvidenced);
  const auto& excluded = soa->rows[1];
  EXPECT_FALSE(excluded.applicable);
  EXPECT_EQ(excluded.justification, "cloud only: no premises");
  EXPECT_EQ(excluded.reviewedAt, "2026-11-01");
  const auto& evidenced = soa->rows[2];
  EXPECT_EQ(evidenced.fleetStatus, ControlStatus::Failing);
  EXPECT_TRUE(evidenced.fleetEvidenced);
  EXPECT_EQ(evidenced.checks, 1);
  EXPECT_EQ(evidenced.manualEvidence, 1);
  EXPECT_EQ(evidenced.owner, "ops");
  EXPECT_EQ(evidenced.implementation, "implemented");
  EXPECT_EQ(evidenced.risks, (std::vector<std::int64_t>{1}));
}

TEST(IsmsParse, ExceptionsTargetsAndStates) {
  auto reg = parseExceptions(FakeApi::exceptions().dump());
  ASSERT_TRUE(reg) << reg.error();
  EXPECT_EQ(reg->expiringWithin30Days, 1);
  ASSERT_EQ(reg->rows.size(), 3u);
  EXPECT_EQ(reg->rows[0].target, "pkg.security_updates");
  EXPECT_EQ(reg->rows[1].target, "host-1 / ssh.permit_root_login");
  EXPECT_EQ(reg->rows[2].target, "A.8.8");
  EXPECT_EQ(reg->rows[1].expiresAt, "2026-12-05");
  EXPECT_EQ(reg->rows[1].daysLeft, 12);
  EXPECT_EQ(reg->rows[2].state, ExceptionState::Expired);
  EXPECT_EQ(parseExceptionState("new"), ExceptionState::Expired);  // never shown as valid by accident
}

TEST(IsmsParse, RisksScoresAndTreatmentEffectiveness) {
  auto risks = parseRisks(FakeApi::risks().dump());
  ASSERT_TRUE(risks) << risks.error();
  ASSERT_EQ(risks->size(), 2u);
  const auto& r = (*risks)[0];
  EXPECT_EQ(r.score, 20);
  EXPECT_EQ(r.likelihood * r.impact, r.score);
  EXPECT_EQ(r.level, RiskLevel::Critical);
  EXPECT_FALSE(r.treatmentEffective);
  EXPECT_EQ(r.failingControls, (std::vector<std::string>{"A.8.5"}));
  EXPECT_EQ(r.controlsText, "A.8.5");
  EXPECT_EQ(r.dueDate, "2026-12-31");
  EXPECT_EQ(r.residualScore, 6);
  EXPECT_TRUE((*risks)[1].treatmentEffective);
  EXPECT_EQ((*risks)[1].dueDate, "");
  EXPECT_EQ(parseRiskLevel("unheard of"), RiskLevel::Critical);  // never understated
}

TEST(IsmsParse, NonConformitiesKindsStatesOverdue) {
  auto reg = parseNonConformities(FakeApi::nonConformities().dump());
  ASSERT_TRUE(reg) << reg.error();
  EXPECT_EQ(reg->open, 2);
  EXPECT_EQ(reg->overdue, 1);
  ASSERT_EQ(reg->rows.size(), 3u);
  EXPECT_EQ(reg->rows[1].kind, NcKind::Major);
  EXPECT_EQ(reg->rows[1].state, "corrective_action");
  EXPECT_EQ(reg->rows[1].actionOwner, "ops");
  EXPECT_EQ(reg->rows[1].actionDue, "2026-11-01");
  EXPECT_TRUE(reg->rows[1].overdue);
  EXPECT_EQ(reg->rows[2].kind, NcKind::Ofi);
  EXPECT_EQ(label(NcKind::Ofi), "OFI");
  EXPECT_EQ(ncStateIndex("corrective_action"), 2);
  EXPECT_EQ(ncStateIndex("nonsense"), -1);
}

TEST(IsmsParse, ReadinessGroupsItemsByArea) {
  auto r = parseReadiness(FakeApi::readiness().dump());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->score, 2);
  EXPECT_EQ(r->maxScore, 3);
  EXPECT_EQ(r->level, "high_risk");
  EXPECT_EQ(r->assessment, "High risk: significant work needed");
  ASSERT_EQ(r->areas.size(), 2u);
  EXPECT_EQ(r->areas[0].name, "ISMS program");
  EXPECT_EQ(r->areas[0].met, 1);
  ASSERT_EQ(r->areas[0].items.size(), 2u);
  EXPECT_EQ(r->areas[0].items[0].evidence, "attested by ciso: DOC-1 (2026-10-01)");
  EXPECT_TRUE(r->areas[0].items[1].stale);
  EXPECT_FALSE(r->areas[0].items[1].met);
  const auto& mfa = r->areas[1].items[0];
  EXPECT_TRUE(mfa.computed);
  EXPECT_EQ(mfa.evidence, "3 of 3 hosts pass ssh.mfa_required, pam.mfa_module");
}

TEST(IsmsParse, CalendarNextAuditReadinessAndMajorNcs) {
  auto c = parseCalendar(FakeApi::calendar().dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->received);
  EXPECT_TRUE(c->anyDateSet());
  EXPECT_EQ(c->scope, "Production servers and staff laptops");
  EXPECT_EQ(c->stage2, "2027-02-15");
  EXPECT_EQ(c->updatedBy, "alice");
  ASSERT_TRUE(c->nextAudit);
  EXPECT_EQ(c->nextAudit->kind, "internal_audit");
  EXPECT_EQ(c->nextAudit->title, "Internal audit");
  EXPECT_EQ(c->nextAudit->date, "2026-12-01");
  EXPECT_EQ(c->nextAudit->days, 8);
  ASSERT_TRUE(c->nextManagementReview);
  EXPECT_EQ(c->nextManagementReview->days, 22);
  EXPECT_EQ(c->lastManagementReview, "2026-05-04");
  EXPECT_EQ(c->readinessScore, 20);
  EXPECT_EQ(c->readinessMaxScore, 27);
  EXPECT_EQ(c->readinessText, "20 / 27");
  EXPECT_EQ(c->readinessLevel, "moderate_risk");
  EXPECT_EQ(c->readinessLabel, "Moderate risk");
  EXPECT_EQ(c->openMajorNonConformities, 1);
  EXPECT_FALSE(c->ready);
  EXPECT_EQ(c->reason.rfind("1 major non-conformity open; ", 0), 0u) << c->reason;
  EXPECT_EQ(c->reasons.size(), 2u);
}

TEST(IsmsParse, CalendarWithNullsIsNotSetAndAMajorNcIsNeverReady) {
  auto c = parseCalendar(R"({"calendar": {"scope": "", "internal_audit": null, "management_review": null, "stage1": null,
      "stage2": "", "updated_at": null, "updated_by": null},
    "summary": {"today": "2026-11-23", "next_audit": null, "next_management_review": null, "last_management_review": null,
      "readiness": {"score": 27, "max_score": 27, "score_text": "27 / 27", "level": "well_prepared", "label": "Well prepared",
                    "assessment": "Well prepared"},
      "open_major_nonconformities": 0, "ready": true, "reason": null, "reasons": []}})");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->anyDateSet());
  EXPECT_FALSE(c->nextAudit);
  EXPECT_FALSE(c->nextManagementReview);
  EXPECT_TRUE(c->lastManagementReview.empty());
  EXPECT_TRUE(c->updatedAt.empty());
  EXPECT_TRUE(c->ready);
  EXPECT_TRUE(c->reason.empty());

  // "ready" with a major NC open (an inconsistent answer) still shows NOT READY, with a reason.
  auto doc = FakeApi::calendar();
  doc["summary"]["ready"] = true;
  doc["summary"]["reason"] = nullptr;
  doc["summary"]["reasons"] = nlohmann::json::array();
  auto major = parseCalendar(doc.dump());
  ASSERT_TRUE(major) << major.error();
  EXPECT_FALSE(major->ready);
  EXPECT_EQ(major->reason, "1 major non-conformity open");

  EXPECT_FALSE(parseCalendar(R"({"calendar": {}})"));  // no summary
  EXPECT_FALSE(parseCalendar("[]"));
  auto noReady = parseCalendar(R"({"summary": {"ready": "yes"}})");
  ASSERT_TRUE(noReady);
  EXPECT_FALSE(noReady->ready);  // a mistyped "ready" is not ready
}

TEST(IsmsParse, MalformedIsAnErrorNotACrash) {
  EXPECT_FALSE(parseSoa("{"));
  EXPECT_FALSE(parseSoa(R"({"controls": []})"));  // a SoA always has the 93 rows
  EXPECT_FALSE(parseReadiness("[]"));
  auto risks = parseRisks(R"({"risks": [{"id": "x", "score": "high", "controls": [1, "A.5.1"]}]})");
  ASSERT_TRUE(risks);  // wrong types read as defaults
  EXPECT_EQ((*risks)[0].score, 0);
  EXPECT_EQ((*risks)[0].controls, (std::vector<std::string>{"A.5.1"}));
}

TEST(IsmsViewModel, SoaFiltersByTextThemeAndFlag) {
  const auto soa = *parseSoa(FakeApi::soa().dump());
  EXPECT_EQ(filterSoa(soa, {}).size(), 3u);
  EXPECT_EQ(filterSoa(soa, {"premises", "", false}), (std::vector<std::uint32_t>{1}));  // the justification
  EXPECT_EQ(filterSoa(soa, {"OPS", "", false}), (std::vector<std::uint32_t>{2}));       // the owner, any case
  EXPECT_EQ(filterSoa(soa, {"", "Technological", false}), (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(filterSoa(soa, {"", "", true}), (std::vector<std::uint32_t>{0}));  // applicable, no evidence
  EXPECT_TRUE(soaFlagged(soa.rows[0]));
  EXPECT_FALSE(soaFlagged(soa.rows[1]));  // excluded: nothing to evidence
  EXPECT_TRUE(filterSoa(soa, {"", "Physical", true}).empty());
}

TEST(IsmsViewModel, ExceptionsExpiringSoonFirstInactiveLast) {
  auto reg = *parseExceptions(FakeApi::exceptions().dump());
  EXPECT_EQ(exceptionOrder(reg), (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_TRUE(expiringSoon(reg.rows[1]));
  EXPECT_FALSE(expiringSoon(reg.rows[0]));
  EXPECT_FALSE(expiringSoon(reg.rows[2]));  // expired is not "expiring"
  EXPECT_TRUE(inactive(reg.rows[2]));
  reg.rows[0].daysLeft = 3;  // two expiring: the sooner first
  EXPECT_EQ(exceptionOrder(reg), (std::vector<std::uint32_t>{0, 1, 2}));
  reg.rows[0].state = ExceptionState::Revoked;
  EXPECT_EQ(exceptionOrder(reg), (std::vector<std::uint32_t>{1, 0, 2}));
}

TEST(IsmsViewModel, RisksByScoreNonConformitiesOverdueFirst) {
  auto risks = *parseRisks(FakeApi::risks().dump());
  EXPECT_EQ(riskOrder(risks), (std::vector<std::uint32_t>{0, 1}));
  risks[1].score = 25;
  EXPECT_EQ(riskOrder(risks), (std::vector<std::uint32_t>{1, 0}));
  const auto ncs = *parseNonConformities(FakeApi::nonConformities().dump());
  EXPECT_EQ(ncOrder(ncs), (std::vector<std::uint32_t>{1, 2, 0}));  // overdue major, open OFI, closed
}

}  // namespace
}  // namespace annexa::dashboard
