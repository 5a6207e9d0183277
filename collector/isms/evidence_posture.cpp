#include "collector/isms/evidence_posture.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "collector/isms/isms_model.hpp"

namespace annexa::collector {
namespace {

using isms::Document;
using isms::DocumentStatus;
using isms::kDay;

// The inventory facts the collector holds today; the others arrive with the agent's inventory report.
bool factCollected(std::string_view fact) { return fact == "hosts"; }

std::string hostCounts(const ControlPosture& c) {
  std::string out = std::to_string(c.hostsPassing) + " hosts pass, " + std::to_string(c.hostsFailing) + " fail";
  if (c.hostsAccepted > 0) out += ", " + std::to_string(c.hostsAccepted) + " accepted";
  if (c.hostsError > 0) out += ", " + std::to_string(c.hostsError) + " error";
  if (c.hostsStale > 0) out += ", " + std::to_string(c.hostsStale) + " stale";
  return out;
}

RequirementEvidence checkEvidence(const ControlPosture& c) {
  RequirementEvidence e;
  switch (c.status) {
    case ControlStatus::Passing: e.status = RequirementStatus::Met; break;
    case ControlStatus::Failing: e.status = RequirementStatus::Failing; break;
    case ControlStatus::Partial: e.status = RequirementStatus::Partial; break;
    case ControlStatus::Accepted: e.status = RequirementStatus::Accepted; break;
    case ControlStatus::NotApplicable: e.status = RequirementStatus::NotApplicable; break;
    case ControlStatus::NotEvidenced: e.status = RequirementStatus::Missing; break;
  }
  e.detail = c.status == ControlStatus::NotEvidenced ? "no host reports these checks yet"
             : c.status == ControlStatus::NotApplicable ? "the checks do not apply on any host"
                                                         : hostCounts(c);
  return e;
}

bool serves(const Document& d, const EvidenceRequirement& requirement, std::string_view controlId) {
  if (!d.requirement.empty()) return d.requirement == requirement.id;
  return std::find(d.controls.begin(), d.controls.end(), controlId) != d.controls.end();
}

int rank(DocumentStatus s) { return s == DocumentStatus::Current ? 0 : s == DocumentStatus::Due ? 1 : 2; }

RequirementEvidence documentEvidence(const EvidenceRequirement& requirement, std::string_view controlId,
                                     const std::vector<Document>& documents, std::int64_t at) {
  std::vector<std::pair<DocumentStatus, const Document*>> serving;
  for (const auto& d : documents) {
    if (!serves(d, requirement, controlId)) continue;
    const auto status = isms::documentStatusAt(d, isms::supersededOn(d, documents), at);
    if (status != DocumentStatus::NotYetApproved && status != DocumentStatus::Retired) serving.emplace_back(status, &d);
  }
  std::stable_sort(serving.begin(), serving.end(), [](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  RequirementEvidence e;
  if (serving.empty()) {
    e.status = RequirementStatus::Missing;
    e.detail = "no approved document in force";
    return e;
  }
  for (const auto& [status, d] : serving) e.documents.push_back(d->id);
  const auto& [best, document] = serving.front();
  e.until = isms::nextReviewDate(*document);
  const std::string name = "document " + std::to_string(document->id) + " (\"" + document->title + "\")";
  switch (best) {
    case DocumentStatus::Current:
      e.status = RequirementStatus::Met;
      e.detail = name + " is current, next review " + isms::formatDay(*e.until);
      break;
    case DocumentStatus::Due:
      e.status = RequirementStatus::Due;
      e.detail = name + " is due for review on " + isms::formatDay(*e.until);
      break;
    default:
      e.status = RequirementStatus::Failing;
      e.detail = name + " is overdue: its review was due on " + isms::formatDay(*e.until);
      break;
  }
  return e;
}

RequirementEvidence recordEvidence(const EvidenceRequirement& requirement, const EvidenceInputs& inputs, std::int64_t at) {
  const auto standing = isms::recordStandingAt(requirement, inputs.requirements.recordGracePercent(), inputs.records, at);
  RequirementEvidence e;
  if (!standing.latest) {
    e.status = RequirementStatus::Missing;
    e.detail = "no record yet (one every " + std::to_string(requirement.cadenceDays) + " days)";
    return e;
  }
  e.record = standing.latest->id;
  e.until = standing.validUntil;
  const std::string name = "record " + std::to_string(standing.latest->id) + " of " + isms::formatDay(standing.latest->performedOn);
  if (standing.status == isms::RecordStatus::Current) {
    e.status = RequirementStatus::Met;
    e.detail = name + " counts through " + isms::formatDay(*standing.validUntil - kDay);
  } else {
    e.status = RequirementStatus::Failing;
    e.detail = name + " stopped counting on " + isms::formatDay(*standing.validUntil) + "; a new one is overdue";
  }
  return e;
}

RequirementEvidence inventoryEvidence(const EvidenceRequirement& requirement, const FleetPosture& fleet) {
  RequirementEvidence e;
  for (const auto& fact : requirement.facts)
    if (!factCollected(fact)) {
      e.status = RequirementStatus::NotCollected;
      e.detail = "the fleet does not report " + fact + " yet";
      return e;
    }
  const int fresh = fleet.hostsTotal - fleet.hostsStale;
  e.status = fleet.hostsTotal == 0 ? RequirementStatus::Missing
             : fleet.hostsStale > 0 ? RequirementStatus::Partial
                                    : RequirementStatus::Met;
  e.detail = std::to_string(fresh) + " hosts reporting, " + std::to_string(fleet.hostsStale) + " stale";
  return e;
}

bool counts(RequirementStatus s) { return s != RequirementStatus::NotCollected && s != RequirementStatus::NotApplicable; }

ControlStatus rollUp(const ControlEvidence& control) {
  bool any = false;
  bool allMissing = true;
  bool failing = false;
  bool allMet = true;
  bool accepted = false;
  for (const auto& r : control.requirements) {
    if (!counts(r.status)) continue;
    any = true;
    const auto kind = r.requirement->kind;
    const bool missingPaperwork =
        r.status == RequirementStatus::Missing && (kind == RequirementKind::Document || kind == RequirementKind::Record);
    allMissing = allMissing && r.status == RequirementStatus::Missing;
    failing = failing || r.status == RequirementStatus::Failing || missingPaperwork;
    accepted = accepted || r.status == RequirementStatus::Accepted;
    allMet = allMet && (r.status == RequirementStatus::Met || r.status == RequirementStatus::Due ||
                        r.status == RequirementStatus::Accepted);
  }
  if (!any) return control.checkStatus == ControlStatus::NotApplicable ? ControlStatus::NotApplicable : ControlStatus::NotEvidenced;
  if (allMissing) return ControlStatus::NotEvidenced;  // nothing at all exists yet
  if (failing) return ControlStatus::Failing;
  if (allMet) return accepted ? ControlStatus::Accepted : ControlStatus::Passing;
  return ControlStatus::Partial;
}

}  // namespace

std::string_view toString(RequirementStatus status) {
  switch (status) {
    case RequirementStatus::Met: return "met";
    case RequirementStatus::Due: return "due";
    case RequirementStatus::Accepted: return "accepted";
    case RequirementStatus::Partial: return "partial";
    case RequirementStatus::Failing: return "failing";
    case RequirementStatus::Missing: return "missing";
    case RequirementStatus::NotCollected: return "not_collected";
    case RequirementStatus::NotApplicable: return "not_applicable";
  }
  return "unknown";
}

std::vector<ControlEvidence> combineEvidence(const FleetPosture& checks, const EvidenceInputs& inputs, std::int64_t at) {
  std::vector<ControlEvidence> out;
  out.reserve(checks.controls.size());
  for (const auto& c : checks.controls) {
    ControlEvidence control;
    control.controlId = c.control->id;
    control.checkStatus = c.status;
    for (const auto* requirement : inputs.requirements.forControl(control.controlId)) {
      RequirementEvidence e;
      switch (requirement->kind) {
        case RequirementKind::Check: e = checkEvidence(c); break;
        case RequirementKind::Document: e = documentEvidence(*requirement, control.controlId, inputs.documents, at); break;
        case RequirementKind::Record: e = recordEvidence(*requirement, inputs, at); break;
        case RequirementKind::Inventory: e = inventoryEvidence(*requirement, checks); break;
      }
      e.requirement = requirement;
      control.requirements.push_back(std::move(e));
    }
    control.status = inputs.excludedControls.count(control.controlId) ? ControlStatus::NotApplicable : rollUp(control);
    out.push_back(std::move(control));
  }
  return out;
}

void applyEvidence(FleetPosture& posture, const std::vector<ControlEvidence>& evidence) {
  for (std::size_t i = 0; i < posture.controls.size() && i < evidence.size(); ++i)
    posture.controls[i].status = evidence[i].status;
  summariseThemes(posture);
}

nlohmann::json toJson(const RequirementEvidence& r) {
  return {{"id", r.requirement->id},
          {"kind", requirementKindName(r.requirement->kind)},
          {"title", r.requirement->title},
          {"status", toString(r.status)},
          {"detail", r.detail},
          {"documents", r.documents},
          {"record", r.record ? nlohmann::json(*r.record) : nlohmann::json(nullptr)},
          {"until", r.until ? nlohmann::json(isms::formatDay(*r.until)) : nlohmann::json(nullptr)},
          {"rationale", r.requirement->rationale}};
}

nlohmann::json toJson(const ControlEvidence& c) {
  auto requirements = nlohmann::json::array();
  for (const auto& r : c.requirements) requirements.push_back(toJson(r));
  return {{"control", c.controlId},
          {"status", toString(c.status)},
          {"check_status", toString(c.checkStatus)},
          {"requirements", requirements}};
}

}  // namespace annexa::collector
