// What evidences each Annex A control: agent checks, documents under review, records of recurring activities and
// fleet inventory. Ships as configs/evidence-requirements.json, embedded in the binaries and validated at load
// against the catalog and the check mapping.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/catalog.hpp"
#include "common/result.hpp"

namespace annexa {

enum class RequirementKind { Check, Document, Record, Inventory };

std::string_view requirementKindName(RequirementKind kind);
std::optional<RequirementKind> parseRequirementKind(std::string_view name);

struct EvidenceRequirement {
  std::string id;  // "access-review": lowercase letters, digits and '-'
  RequirementKind kind = RequirementKind::Document;
  std::string title;
  std::vector<std::string> controls;  // the Annex A controls it serves, at least one
  std::string rationale;              // for the auditor, in our own words
  std::vector<std::string> checks;    // Check: each mapped to every control above in check-mapping.json
  int reviewMonths = 0;               // Document: approved documents are due for review after this many months
  int cadenceDays = 0;                // Record: one record satisfies the requirement for this many days (+ grace)
  std::vector<std::string> facts;     // Inventory: the fleet facts it reads (see inventoryFacts())

  // Check and inventory requirements are met by the fleet itself, with no one uploading anything.
  bool automated() const { return kind == RequirementKind::Check || kind == RequirementKind::Inventory; }
};

class EvidenceRequirements {
 public:
  static constexpr int kDefaultReviewMonths = 12;
  static constexpr int kMaxReviewMonths = 36;
  static constexpr int kMaxCadenceDays = 3 * 366;
  static constexpr int kDefaultGracePercent = 10;
  static constexpr std::size_t kMaxIdLength = 64;
  static constexpr std::size_t kMaxTitleLength = 200;
  static constexpr std::size_t kMinRationaleLength = 40;  // a placeholder ("TODO") is not a rationale
  static constexpr std::size_t kMaxRationaleLength = 2000;

  // Parses and validates; the error names the first problem found.
  static Result<EvidenceRequirements> parse(std::string_view jsonText, const Catalog& catalog,
                                            const CheckMapping& mapping);
  static Result<EvidenceRequirements> loadFile(const std::filesystem::path& path, const Catalog& catalog,
                                               const CheckMapping& mapping);
  // The requirements compiled in from configs/evidence-requirements.json, against the builtin catalog and mapping.
  static const EvidenceRequirements& builtin();

  // The fleet facts an inventory requirement may name, with what each holds.
  static const std::map<std::string, std::string, std::less<>>& inventoryFacts();

  const std::vector<EvidenceRequirement>& requirements() const { return requirements_; }
  const EvidenceRequirement* find(std::string_view id) const;
  // The requirements serving a control, in file order.
  std::vector<const EvidenceRequirement*> forControl(std::string_view controlId) const;
  // A record's grace period as a share of its cadence (default 10 %).
  int recordGracePercent() const { return gracePercent_; }

 private:
  std::vector<EvidenceRequirement> requirements_;
  std::map<std::string, std::size_t, std::less<>> index_;
  int gracePercent_ = kDefaultGracePercent;
};

std::string_view embeddedRequirementsJson();

}  // namespace annexa
