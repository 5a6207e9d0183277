// The ISMS registers as the dashboard shows them: plain data parsed from the collector's JSON
// (/api/v1/soa, /exceptions, /risks, /nonconformities, /readiness, /calendar; see docs/isms.md). No ImGui, no network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "dashboard/snapshot.hpp"

namespace annexa::dashboard {

// ---- Statement of Applicability ----------------------------------------------------------------------------

struct SoaRow {
  std::string control;  // "A.5.1"
  std::string theme;
  std::string title;
  bool applicable = true;
  std::string justification;
  std::string implementation;  // "implemented", "partially", "planned", "not_implemented", ...
  std::string owner;
  std::string reviewedAt;      // empty: never reviewed
  std::string updatedBy;
  ControlStatus fleetStatus = ControlStatus::NotEvidenced;
  bool fleetEvidenced = false;  // some host reports a mapped check
  int checks = 0;
  int manualEvidence = 0;
  std::vector<std::int64_t> risks;
  bool noEvidence = false;  // flag "no_evidence": applicable, no fleet evidence, no manual evidence
  bool justificationMissing = false;
  bool notReviewed = false;
  std::vector<std::string> manualEvidenceText;  // "policy at wiki (2026-10-01, reviewed by ciso)"
};

struct SoaRegister {
  int applicable = 0;
  int excluded = 0;
  int noEvidence = 0;
  int justificationMissing = 0;
  std::vector<SoaRow> rows;  // catalog order, 93
};

// ---- Exceptions (risk acceptances) -------------------------------------------------------------------------

enum class ExceptionState { Valid, Scheduled, Expired, Revoked };
ExceptionState parseExceptionState(std::string_view text);  // unknown → Expired (never shown as valid)
std::string_view label(ExceptionState state);               // "valid", "scheduled", "expired", "revoked"

struct ExceptionRow {
  std::int64_t id = 0;
  std::string scope;   // "host_check", "check", "control"
  std::string target;  // "host-1 / ssh.permit_root_login", "ssh.permit_root_login", "A.8.5"
  std::string justification;
  std::string approver;
  std::string validFrom;  // YYYY-MM-DD
  std::string expiresAt;  // YYYY-MM-DD
  ExceptionState state = ExceptionState::Expired;
  int daysLeft = 0;
  std::string hostId;  // scope host_check: the agent id
  std::string check;   // scopes host_check and check
  std::string control; // scope control
  std::string createdBy;
};

struct ExceptionRegister {
  int expiringWithin30Days = 0;
  std::vector<ExceptionRow> rows;
};

// ---- Risks ------------------------------------------------------------------------------------------------

enum class RiskLevel { Low, Medium, High, Critical };
RiskLevel parseRiskLevel(std::string_view text);  // unknown → Critical (never understated)
std::string_view label(RiskLevel level);          // "low", ...

struct RiskRow {
  std::int64_t id = 0;
  std::string title;
  int likelihood = 0;
  int impact = 0;
  int score = 0;
  RiskLevel level = RiskLevel::Low;
  std::string treatment;
  std::vector<std::string> controls;
  std::string controlsText;
  std::vector<std::string> failingControls;
  bool treatmentEffective = true;
  std::string owner;
  std::string dueDate;  // YYYY-MM-DD or empty
  int residualScore = 0;  // 0: not assessed
  std::string assets;
  std::string threat;
  std::string vulnerability;
};
// A risk the organisation accepts is not "treated" by controls: failing linked controls do not make that
// treatment ineffective (the collector flags them anyway; the dashboard does not repeat it).
bool treatmentNotEffective(const RiskRow& risk);

// ---- Non-conformities -------------------------------------------------------------------------------------

enum class NcKind { Major, Minor, Ofi };
NcKind parseNcKind(std::string_view text);  // unknown → Major
std::string_view label(NcKind kind);        // "MAJOR", "MINOR", "OFI"

struct NcRow {
  std::int64_t id = 0;
  NcKind kind = NcKind::Major;
  std::string state;  // open, root_cause, corrective_action, verification, closed
  std::string title;
  std::string control;
  std::string correctiveAction;
  std::string actionOwner;
  std::string actionDue;  // YYYY-MM-DD or empty
  bool overdue = false;
  int reopenCount = 0;
  std::string description;
  std::string rootCause;
  std::string verification;
  std::vector<std::string> nextStates;  // the transitions the lifecycle allows from `state`
};

struct NcRegister {
  int open = 0;
  int overdue = 0;
  std::vector<NcRow> rows;
};
// The lifecycle in order, for the state column ("open → root_cause → …").
inline constexpr std::string_view kNcStates[] = {"open", "root_cause", "corrective_action", "verification", "closed"};

// ---- Readiness ----------------------------------------------------------------------------------------------

struct ReadinessItem {
  std::string id;
  std::string area;
  std::string title;
  bool computed = false;  // basis "fleet"; otherwise an attestation
  bool met = false;
  bool stale = false;     // attestation older than 12 months
  std::string note;
  std::string evidence;   // "3 of 4 hosts pass ssh.mfa_required, pam.mfa_module" or "attested by X: ref (date)"
};

struct ReadinessArea {
  std::string name;
  int met = 0;
  std::vector<ReadinessItem> items;
};

struct ReadinessBand {
  int min = 0;
  int max = 0;
  std::string level;  // "well_prepared"
  std::string label;  // "Well prepared"
};
// The guide's bands as docs/isms.md lists them, for a collector that does not send its own.
std::vector<ReadinessBand> defaultReadinessBands();
// "0-14 High risk, 15-21 Moderate risk, 22-25 Low risk, 26-28 Well prepared"
std::string bandsLegend(const std::vector<ReadinessBand>& bands);

struct Readiness {
  int score = 0;
  int maxScore = 0;
  std::string level;       // "high_risk", "moderate_risk", "low_risk"
  std::string assessment;  // "High risk: significant work needed", ...
  std::vector<ReadinessArea> areas;  // in the collector's order
  std::vector<ReadinessBand> bands;  // from the collector, else defaultReadinessBands()
};

// ---- Audit calendar and the overview's readiness summary (GET /api/v1/calendar) ------------------------------

struct AuditDate {
  std::string kind;   // "internal_audit", "stage1", "stage2", "management_review"
  std::string title;  // "Internal audit"
  std::string date;   // YYYY-MM-DD
  int days = 0;       // from today; 0 = today
};

struct AuditCalendar {
  bool received = false;  // false: the collector did not answer /api/v1/calendar (see IsmsData::error)
  // The calendar as set (dates YYYY-MM-DD; empty: not set).
  std::string scope;
  std::string internalAudit;
  std::string managementReview;
  std::string stage1;
  std::string stage2;
  std::string updatedAt;  // empty: never saved
  std::string updatedBy;
  // The summary.
  std::string today;
  std::optional<AuditDate> nextAudit;  // internal audit, Stage 1 or Stage 2, from today on
  std::optional<AuditDate> nextManagementReview;
  std::string lastManagementReview;  // empty: none yet
  int readinessScore = 0;
  int readinessMaxScore = 0;
  std::string readinessText;   // "20 / 27"
  std::string readinessLevel;  // "high_risk", "moderate_risk", "low_risk", "well_prepared"
  std::string readinessLabel;  // "Moderate risk"
  std::string readinessAssessment;
  int openMajorNonConformities = 0;
  bool ready = false;  // a missing or mistyped "ready" reads as not ready
  std::string reason;  // why not ready; empty when ready
  std::vector<std::string> reasons;

  bool anyDateSet() const {
    return !internalAudit.empty() || !managementReview.empty() || !stage1.empty() || !stage2.empty();
  }
};

// Everything of the ISMS fetched in one refresh. A register the collector did not answer stays empty and
// its error is kept (an older collector has no ISMS API: the fleet views still work).
struct IsmsData {
  SoaRegister soa;
  ExceptionRegister exceptions;
  std::vector<RiskRow> risks;
  NcRegister nonConformities;
  Readiness readiness;
  AuditCalendar calendar;
  std::string error;  // first failure, empty when all six arrived
};

Result<SoaRegister> parseSoa(std::string_view json);
Result<ExceptionRegister> parseExceptions(std::string_view json);
Result<std::vector<RiskRow>> parseRisks(std::string_view json);
Result<NcRegister> parseNonConformities(std::string_view json);
Result<Readiness> parseReadiness(std::string_view json);
Result<AuditCalendar> parseCalendar(std::string_view json);

}  // namespace annexa::dashboard
