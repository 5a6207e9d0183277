// A control's status from all its evidence requirements (issue 18): the check posture (computePosture, whose rules
// stay as they are), documents under review, records of recurring activities and fleet inventory, at one instant.
// Pure: the callers load documents and records and pass the SoA's exclusions.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/isms/evidence_status.hpp"
#include "collector/posture/posture.hpp"
#include "common/evidence_requirements.hpp"

namespace annexa::collector {

// Met: satisfied (a document `due` for review still is). Accepted: the checks fail, every failure under a valid
// exception. Partial: some hosts pass and none fail, or hosts are stale or erroring. Missing: nothing exists yet.
// NotCollected: inventory facts the fleet does not report yet. NotApplicable: the checks apply on no host. Neither
// counts towards the control.
enum class RequirementStatus { Met, Due, Accepted, Partial, Failing, Missing, NotCollected, NotApplicable };
std::string_view toString(RequirementStatus status);

struct RequirementEvidence {
  const EvidenceRequirement* requirement = nullptr;
  RequirementStatus status = RequirementStatus::Missing;
  std::string detail;                   // one line for the auditor: why this status
  std::vector<std::int64_t> documents;  // documents serving it at the instant (approved, not retired), best first
  std::optional<std::int64_t> record;   // the record that counts (the latest performed by then)
  std::optional<std::int64_t> until;    // next review (documents) or end of validity (records)
};

struct ControlEvidence {
  std::string controlId;
  ControlStatus status = ControlStatus::NotEvidenced;       // from every requirement
  ControlStatus checkStatus = ControlStatus::NotEvidenced;  // the check posture alone
  std::vector<RequirementEvidence> requirements;
};

struct EvidenceInputs {
  const EvidenceRequirements& requirements;
  const std::vector<isms::Document>& documents;
  const std::vector<isms::Record>& records;
  const std::set<std::string, std::less<>>& excludedControls;  // SoA: not applicable
};

// One entry per control of `checks`, in its order.
std::vector<ControlEvidence> combineEvidence(const FleetPosture& checks, const EvidenceInputs& inputs, std::int64_t at);

// Sets each control's status to its combined one and recounts the theme summaries.
void applyEvidence(FleetPosture& posture, const std::vector<ControlEvidence>& evidence);

nlohmann::json toJson(const RequirementEvidence& requirement);
nlohmann::json toJson(const ControlEvidence& control);

}  // namespace annexa::collector
