#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/evidence_requirements.hpp"

namespace annexa {
namespace {

const EvidenceRequirements& builtin() { return EvidenceRequirements::builtin(); }

TEST(EvidenceRequirements, EveryControlHasAtLeastOneRequirement) {
  for (const auto& control : Catalog::builtin().controls())
    EXPECT_FALSE(builtin().forControl(control.id).empty()) << control.id << " has no evidence requirement";
}

TEST(EvidenceRequirements, EveryMappedCheckCountsTowardsItsControl) {
  const auto& mapping = CheckMapping::builtin();
  for (const auto& [check, controls] : mapping.entries())
    for (const auto& control : controls) {
      bool listed = false;
      for (const auto* requirement : builtin().forControl(control))
        if (requirement->kind == RequirementKind::Check)
          for (const auto& c : requirement->checks) listed = listed || c == check;
      EXPECT_TRUE(listed) << check << " → " << control;
    }
}

TEST(EvidenceRequirements, CadencesAndReviewIntervalsOfKnownRequirements) {
  const auto* accessReview = builtin().find("access-review");
  ASSERT_NE(accessReview, nullptr);
  EXPECT_EQ(accessReview->kind, RequirementKind::Record);
  EXPECT_EQ(accessReview->cadenceDays, 90);
  EXPECT_EQ(builtin().find("continuity-exercise")->cadenceDays, 365);
  EXPECT_EQ(builtin().find("log-review")->cadenceDays, 30);
  // One record serves two controls.
  const auto* restore = builtin().find("restore-test");
  ASSERT_NE(restore, nullptr);
  EXPECT_EQ(restore->cadenceDays, 180);
  EXPECT_EQ(std::set<std::string>(restore->controls.begin(), restore->controls.end()),
            (std::set<std::string>{"A.8.13", "A.5.30"}));
  // A document without review_months gets the 12-month default.
  EXPECT_EQ(builtin().find("security-policy")->kind, RequirementKind::Document);
  EXPECT_EQ(builtin().find("security-policy")->reviewMonths, 12);
  EXPECT_EQ(builtin().recordGracePercent(), 10);
  EXPECT_EQ(builtin().find("asset-inventory")->facts, (std::vector<std::string>{"hosts", "host_owners"}));
  EXPECT_EQ(builtin().find("no-such-requirement"), nullptr);
}

TEST(EvidenceRequirements, AllFourKindsAreUsedAndEveryRequirementHasARationale) {
  std::set<RequirementKind> kinds;
  for (const auto& requirement : builtin().requirements()) {
    kinds.insert(requirement.kind);
    EXPECT_GE(requirement.rationale.size(), EvidenceRequirements::kMinRationaleLength) << requirement.id;
    EXPECT_FALSE(requirement.title.empty()) << requirement.id;
  }
  EXPECT_EQ(kinds.size(), 4u);
}

TEST(EvidenceRequirements, AtLeastTwentySevenControlsHaveAnAutomatedRequirement) {
  std::set<std::string> automated;
  for (const auto& requirement : builtin().requirements())
    if (requirement.automated()) automated.insert(requirement.controls.begin(), requirement.controls.end());
  // 22 controls with agent checks, plus inventory for A.5.9, A.5.15, A.5.16, A.8.18 and A.8.32.
  EXPECT_EQ(automated.size(), 27u);
  EXPECT_TRUE(automated.count("A.5.9"));
  EXPECT_FALSE(automated.count("A.5.1"));
}

TEST(EvidenceRequirements, KindNamesRoundTrip) {
  for (const auto kind : {RequirementKind::Check, RequirementKind::Document, RequirementKind::Record, RequirementKind::Inventory})
    EXPECT_EQ(parseRequirementKind(requirementKindName(kind)), kind);
  EXPECT_EQ(parseRequirementKind("policy"), std::nullopt);
}

// The builtin document, broken in one way at a time.
nlohmann::json builtinDocument() { return nlohmann::json::parse(embeddedRequirementsJson()); }

nlohmann::json& requirementNamed(nlohmann::json& doc, const std::string& id) {
  for (auto& item : doc["requirements"])
    if (item["id"] == id) return item;
  throw std::runtime_error("no requirement " + id);
}

std::string loadError(const nlohmann::json& doc) {
  auto parsed = EvidenceRequirements::parse(doc.dump(), Catalog::builtin(), CheckMapping::builtin());
  return parsed ? std::string{} : parsed.error();
}

TEST(EvidenceRequirements, BuiltinDocumentParsesUnchanged) { EXPECT_EQ(loadError(builtinDocument()), ""); }

TEST(EvidenceRequirements, UnknownControlIsRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "security-policy")["controls"].push_back("A.5.38");
  EXPECT_EQ(loadError(doc), "evidence requirement security-policy: unknown control A.5.38");
}

TEST(EvidenceRequirements, UnknownCheckIsRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "clock-checks")["checks"].push_back("time.ntp_secure");
  EXPECT_EQ(loadError(doc), "evidence requirement clock-checks: unknown check time.ntp_secure");
}

TEST(EvidenceRequirements, CheckNotMappedToTheControlIsRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "clock-checks")["checks"].push_back("firewall.enabled");
  EXPECT_EQ(loadError(doc), "evidence requirement clock-checks: check firewall.enabled is not mapped to A.8.17 in the check mapping");
}

TEST(EvidenceRequirements, MappedCheckMissingFromTheCheckRequirementsIsRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "backup-checks")["checks"] = {"backup.configured"};
  EXPECT_EQ(loadError(doc), "evidence requirements: check backup.recent evidences A.8.13 in the check mapping, but no "
                            "check requirement of A.8.13 lists it");
}

TEST(EvidenceRequirements, DuplicateIdIsRefused) {
  auto doc = builtinDocument();
  doc["requirements"].push_back(requirementNamed(doc, "log-review"));
  EXPECT_EQ(loadError(doc), "evidence requirements: duplicate id log-review");
}

TEST(EvidenceRequirements, BadCadencesAreRefused) {
  const auto errorWithCadence = [](const nlohmann::json& cadence) {
    auto doc = builtinDocument();
    requirementNamed(doc, "log-review")["cadence_days"] = cadence;
    return loadError(doc);
  };
  const std::string expected = "evidence requirement log-review: \"cadence_days\" must be a whole number from 1 to 1098, got ";
  EXPECT_EQ(errorWithCadence(0), expected + "0");
  EXPECT_EQ(errorWithCadence(-30), expected + "-30");
  EXPECT_EQ(errorWithCadence(1099), expected + "1099");
  EXPECT_EQ(errorWithCadence(30.5), expected + "30.5");
  EXPECT_EQ(errorWithCadence("30"), expected + "\"30\"");
  EXPECT_EQ(errorWithCadence(1), "");
  EXPECT_EQ(errorWithCadence(1098), "");

  auto doc = builtinDocument();
  requirementNamed(doc, "log-review").erase("cadence_days");
  EXPECT_EQ(loadError(doc), "evidence requirement log-review: a record requirement needs \"cadence_days\"");
}

TEST(EvidenceRequirements, BadReviewIntervalAndGraceAreRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "security-policy")["review_months"] = 0;
  EXPECT_EQ(loadError(doc), "evidence requirement security-policy: \"review_months\" must be a whole number from 1 to 36, got 0");
  doc = builtinDocument();
  requirementNamed(doc, "security-policy")["review_months"] = 24;
  auto parsed = EvidenceRequirements::parse(doc.dump(), Catalog::builtin(), CheckMapping::builtin());
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->find("security-policy")->reviewMonths, 24);

  doc = builtinDocument();
  doc["record_grace_percent"] = 101;
  EXPECT_EQ(loadError(doc), "evidence requirements: \"record_grace_percent\" must be a whole number from 0 to 100, got 101");
}

TEST(EvidenceRequirements, FieldsOfAnotherKindAndUnknownFieldsAreRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "security-policy")["cadence_days"] = 30;
  EXPECT_EQ(loadError(doc), "evidence requirement security-policy: \"cadence_days\" belongs to record requirements, not document ones");
  doc = builtinDocument();
  requirementNamed(doc, "log-review")["cadence_day"] = 30;
  EXPECT_EQ(loadError(doc), "evidence requirement log-review: unknown field \"cadence_day\"");
}

TEST(EvidenceRequirements, BadKindIdRationaleAndFactAreRefused) {
  auto doc = builtinDocument();
  requirementNamed(doc, "log-review")["kind"] = "attestation";
  EXPECT_EQ(loadError(doc), "evidence requirement log-review: \"kind\" must be one of check, document, record, inventory");

  doc = builtinDocument();
  requirementNamed(doc, "log-review")["id"] = "Log Review";
  EXPECT_EQ(loadError(doc), "evidence requirement \"Log Review\": an id is lowercase letters, digits and '-', starting with a letter");

  doc = builtinDocument();
  requirementNamed(doc, "log-review")["rationale"] = "TODO";
  EXPECT_EQ(loadError(doc), "evidence requirement log-review: \"rationale\" is too short (at least 40 characters)");

  doc = builtinDocument();
  requirementNamed(doc, "log-review").erase("rationale");
  EXPECT_EQ(loadError(doc), "evidence requirement log-review: missing \"rationale\"");

  doc = builtinDocument();
  requirementNamed(doc, "asset-inventory")["facts"].push_back("firmware");
  EXPECT_EQ(loadError(doc), "evidence requirement asset-inventory: unknown inventory fact firmware");

  doc = builtinDocument();
  requirementNamed(doc, "asset-inventory")["controls"].push_back("A.5.9");
  EXPECT_EQ(loadError(doc), "evidence requirement asset-inventory: \"controls\" lists A.5.9 twice");
}

TEST(EvidenceRequirements, ControlWithoutRequirementIsRefused) {
  auto doc = builtinDocument();
  auto& requirements = doc["requirements"];
  for (auto it = requirements.begin(); it != requirements.end();)
    it = (*it)["id"] == "audit-testing-rules" ? requirements.erase(it) : std::next(it);
  EXPECT_EQ(loadError(doc), "evidence requirements: control A.8.34 has no requirement");
}

TEST(EvidenceRequirements, LoadFileNamesThePath) {
  const auto path = std::filesystem::temp_directory_path() / ("annexa-requirements-" + std::to_string(::getpid()) + ".json");
  {
    auto doc = builtinDocument();
    requirementNamed(doc, "log-review")["cadence_days"] = 0;
    std::ofstream(path) << doc.dump();
  }
  auto loaded = EvidenceRequirements::loadFile(path, Catalog::builtin(), CheckMapping::builtin());
  std::filesystem::remove(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind(path.string() + ": evidence requirement log-review: \"cadence_days\"", 0), 0u) << loaded.error();
  EXPECT_FALSE(EvidenceRequirements::loadFile(path, Catalog::builtin(), CheckMapping::builtin()));
}

TEST(EvidenceRequirements, TheShippedFileIsTheEmbeddedOne) {
  auto loaded = EvidenceRequirements::loadFile(std::string(ANNEXA_SOURCE_DIR) + "/configs/evidence-requirements.json",
                                               Catalog::builtin(), CheckMapping::builtin());
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->requirements().size(), builtin().requirements().size());
}

}  // namespace
}  // namespace annexa
