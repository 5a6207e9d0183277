// A control's status from all its requirements: checks, documents, records and inventory, at an instant.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "collector/isms/evidence_posture.hpp"
#include "collector/isms/isms_model.hpp"
#include "common/clock.hpp"

namespace annexa::collector {
namespace {

using isms::kDay;

std::int64_t day(const char* date) { return *parseRfc3339(date); }
const std::int64_t kToday = day("2026-11-23");

class EvidencePostureTest : public ::testing::Test {
 protected:
  // The check posture: every control NotEvidenced unless set, one fresh host.
  FleetPosture checks(const std::map<std::string, ControlStatus>& statuses = {}) const {
    FleetPosture posture;
    posture.hostsTotal = 1;
    for (const auto& theme : Catalog::themes()) posture.themes.push_back({theme});
    for (const auto& control : Catalog::builtin().controls()) {
      ControlPosture c;
      c.control = &control;
      c.checks = CheckMapping::builtin().checksFor(control.id);
      const auto it = statuses.find(control.id);
      c.status = it != statuses.end() ? it->second : ControlStatus::NotEvidenced;
      posture.controls.push_back(c);
    }
    return posture;
  }

  void document(const char* requirementId, std::vector<std::string> controls, const char* approvedOn,
                std::optional<std::int64_t> supersedes = std::nullopt) {
    isms::Document d;
    d.id = static_cast<std::int64_t>(documents_.size()) + 1;
    d.title = "doc " + std::to_string(d.id);
    d.requirement = requirementId;
    d.controls = std::move(controls);
    d.approvedOn = day(approvedOn);
    d.supersedes = supersedes;
    documents_.push_back(d);
  }
  void record(const char* requirementId, std::int64_t performedOn) {
    isms::Record r;
    r.id = static_cast<std::int64_t>(records_.size()) + 1;
    r.requirement = requirementId;
    r.performedOn = performedOn;
    records_.push_back(r);
  }

  std::vector<ControlEvidence> combine(const FleetPosture& posture, std::int64_t at = kToday) const {
    return combineEvidence(posture, {EvidenceRequirements::builtin(), documents_, records_, excluded_}, at);
  }
  static const ControlEvidence& control(const std::vector<ControlEvidence>& all, const std::string& id) {
    for (const auto& c : all)
      if (c.controlId == id) return c;
    throw std::runtime_error("no control " + id);
  }
  static const RequirementEvidence& requirement(const ControlEvidence& c, const std::string& id) {
    for (const auto& r : c.requirements)
      if (r.requirement->id == id) return r;
    throw std::runtime_error("no requirement " + id);
  }

  std::vector<isms::Document> documents_;
  std::vector<isms::Record> records_;
  std::set<std::string, std::less<>> excluded_;
};

TEST_F(EvidencePostureTest, NothingAtAllIsNotEvidenced) {
  for (const auto& c : combine(checks())) EXPECT_EQ(c.status, ControlStatus::NotEvidenced) << c.controlId;
}

TEST_F(EvidencePostureTest, AnOverdueDocumentFailsItsControlUntilANewVersionAndAtShowsEachDay) {
  document("", {"A.5.1"}, "2025-10-19");  // 400 days before kToday, 12-month review
  auto evidence = combine(checks());
  EXPECT_EQ(control(evidence, "A.5.1").status, ControlStatus::Failing);
  EXPECT_EQ(requirement(control(evidence, "A.5.1"), "security-policy").detail,
            "document 1 (\"doc 1\") is overdue: its review was due on 2026-10-19");

  document("", {"A.5.1"}, "2026-11-20", 1);
  evidence = combine(checks());
  EXPECT_EQ(control(evidence, "A.5.1").status, ControlStatus::Passing);
  EXPECT_EQ(requirement(control(evidence, "A.5.1"), "security-policy").documents, std::vector<std::int64_t>{2});
  // A day in between: the old version was overdue and the new one not yet approved.
  EXPECT_EQ(control(combine(checks(), day("2026-11-01")), "A.5.1").status, ControlStatus::Failing);
  // Within 30 days of the first review date the old version was due: still passing.
  EXPECT_EQ(control(combine(checks(), day("2026-10-01")), "A.5.1").status, ControlStatus::Passing);
  EXPECT_EQ(requirement(control(combine(checks(), day("2026-10-01")), "A.5.1"), "security-policy").status,
            RequirementStatus::Due);
  // Before the first approval nothing existed.
  EXPECT_EQ(control(combine(checks(), day("2025-10-18")), "A.5.1").status, ControlStatus::NotEvidenced);
}

TEST_F(EvidencePostureTest, PassingOnlyWhenChecksDocumentAndRecordAreAllMet) {
  const auto passingChecks = checks({{"A.8.13", ControlStatus::Passing}});
  // Passing checks alone now leave the backup policy and the restore test missing.
  EXPECT_EQ(control(combine(passingChecks), "A.8.13").status, ControlStatus::Failing);
  document("backup-policy", {"A.8.13"}, "2026-06-01");
  EXPECT_EQ(control(combine(passingChecks), "A.8.13").status, ControlStatus::Failing);
  record("restore-test", kToday - 10 * kDay);
  EXPECT_EQ(control(combine(passingChecks), "A.8.13").status, ControlStatus::Passing);

  EXPECT_EQ(control(combine(checks({{"A.8.13", ControlStatus::Failing}})), "A.8.13").status, ControlStatus::Failing);
  EXPECT_EQ(control(combine(checks({{"A.8.13", ControlStatus::Accepted}})), "A.8.13").status, ControlStatus::Accepted);
  // Stale or erroring hosts: partial.
  EXPECT_EQ(control(combine(checks({{"A.8.13", ControlStatus::Partial}})), "A.8.13").status, ControlStatus::Partial);
  // No host reports the backup checks yet, but the paperwork is in: partial, not passing.
  EXPECT_EQ(control(combine(checks()), "A.8.13").status, ControlStatus::Partial);
}

TEST_F(EvidencePostureTest, ARecordCountsForItsCadencePlusGraceThenFailsTheControl) {
  document("logging-policy", {"A.8.15", "A.8.16"}, "2026-06-01");
  const auto fleet = checks({{"A.8.15", ControlStatus::Passing}, {"A.8.16", ControlStatus::Passing}});
  record("log-review", day("2026-10-01"));  // 30 days + 10 % = 33 days: counts through 2026-11-02
  EXPECT_EQ(control(combine(fleet, day("2026-11-03") - 1), "A.8.15").status, ControlStatus::Passing);
  const auto lapsed = combine(fleet, day("2026-11-03"));
  EXPECT_EQ(control(lapsed, "A.8.15").status, ControlStatus::Failing);
  EXPECT_EQ(requirement(control(lapsed, "A.8.16"), "log-review").detail,
            "record 1 of 2026-10-01 stopped counting on 2026-11-03; a new one is overdue");
  EXPECT_EQ(control(combine(fleet, day("2026-09-30")), "A.8.15").status, ControlStatus::Failing);  // before any record
}

TEST_F(EvidencePostureTest, ADocumentForOneRequirementDoesNotAnswerAnotherOfTheSameControl) {
  document("access-control-policy", {"A.5.15", "A.8.4"}, "2026-06-01");
  const auto evidence = combine(checks());
  EXPECT_EQ(requirement(control(evidence, "A.8.4"), "source-code-access").status, RequirementStatus::Missing);
  // Without a requirement, a document answers every document requirement of its controls.
  document("", {"A.8.4"}, "2026-06-01");
  EXPECT_EQ(requirement(control(combine(checks()), "A.8.4"), "source-code-access").status, RequirementStatus::Met);
}

TEST_F(EvidencePostureTest, SoaExclusionMakesAControlNotApplicableWhateverItsEvidence) {
  excluded_.insert("A.7.4");
  excluded_.insert("A.8.5");
  const auto evidence = combine(checks({{"A.8.5", ControlStatus::Failing}}));
  EXPECT_EQ(control(evidence, "A.7.4").status, ControlStatus::NotApplicable);
  EXPECT_EQ(control(evidence, "A.8.5").status, ControlStatus::NotApplicable);
  EXPECT_EQ(control(evidence, "A.8.5").checkStatus, ControlStatus::Failing);
}

TEST_F(EvidencePostureTest, InventoryNotYetReportedDoesNotCountAndTheHostListDoes) {
  document("information-asset-register", {"A.5.9"}, "2026-06-01");
  auto evidence = combine(checks());
  EXPECT_EQ(requirement(control(evidence, "A.5.9"), "asset-inventory").status, RequirementStatus::NotCollected);
  EXPECT_EQ(control(evidence, "A.5.9").status, ControlStatus::Passing);
  EXPECT_EQ(requirement(control(evidence, "A.8.1"), "asset-inventory").detail, "the fleet does not report host_owners yet");
}

TEST_F(EvidencePostureTest, OneCurrentItemPerRequirementLeavesNoApplicableControlNotEvidenced) {
  std::map<std::string, ControlStatus> allChecksPass;
  for (const auto& control : Catalog::builtin().controls())
    if (!CheckMapping::builtin().checksFor(control.id).empty()) allChecksPass[control.id] = ControlStatus::Passing;
  for (const auto& r : EvidenceRequirements::builtin().requirements()) {
    if (r.kind == RequirementKind::Document) document(r.id.c_str(), r.controls, "2026-11-01");
    if (r.kind == RequirementKind::Record) record(r.id.c_str(), day("2026-11-01"));
  }
  excluded_.insert("A.7.12");
  auto posture = checks(allChecksPass);
  const auto evidence = combine(posture);
  for (const auto& c : evidence)
    EXPECT_EQ(c.status, c.controlId == "A.7.12" ? ControlStatus::NotApplicable : ControlStatus::Passing) << c.controlId;

  applyEvidence(posture, evidence);
  int passing = 0;
  int notApplicable = 0;
  for (const auto& theme : posture.themes) {
    passing += theme.passing;
    notApplicable += theme.notApplicable;
    EXPECT_EQ(theme.notEvidenced, 0) << theme.theme;
  }
  EXPECT_EQ(passing, 92);
  EXPECT_EQ(notApplicable, 1);
  EXPECT_EQ(posture.controls.back().status, ControlStatus::Passing);
}

TEST_F(EvidencePostureTest, JsonListsEveryRequirementWithItsRationale) {
  document("", {"A.5.1"}, "2026-01-15");
  const auto j = toJson(control(combine(checks()), "A.5.1"));
  EXPECT_EQ(j["control"], "A.5.1");
  EXPECT_EQ(j["status"], "passing");
  EXPECT_EQ(j["check_status"], "not_evidenced");
  ASSERT_EQ(j["requirements"].size(), 1u);
  EXPECT_EQ(j["requirements"][0]["id"], "security-policy");
  EXPECT_EQ(j["requirements"][0]["kind"], "document");
  EXPECT_EQ(j["requirements"][0]["until"], "2027-01-15");
  EXPECT_EQ(j["requirements"][0]["rationale"], EvidenceRequirements::builtin().find("security-policy")->rationale);
}

}  // namespace
}  // namespace annexa::collector
