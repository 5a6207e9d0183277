// The ISMS registers kept next to the technical evidence: Statement of Applicability, risk acceptances
// (exceptions), risk register, non-conformities, readiness attestations, and the audit trail of changes.
// Plain values; storage is isms_store, logic on fleet data in soa/exceptions/nonconformity/readiness.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::collector::isms {

inline constexpr std::int64_t kDay = 86400;

enum class Implementation { Implemented, Partially, Planned, NotImplemented };
enum class Treatment { Mitigate, Transfer, Accept, Avoid };
enum class RiskLevel { Low, Medium, High, Critical };
enum class ExceptionScope { HostCheck, Check, Control };
enum class NcKind { Major, Minor, Ofi };
enum class NcState { Open, RootCause, CorrectiveAction, Verification, Closed };

std::string_view toString(Implementation v);  // implemented | partially | planned | not_implemented
std::string_view toString(Treatment v);       // mitigate | transfer | accept | avoid
std::string_view toString(RiskLevel v);       // low | medium | high | critical
std::string_view toString(ExceptionScope v);  // host_check | check | control
std::string_view toString(NcKind v);          // major | minor | ofi
std::string_view toString(NcState v);         // open | root_cause | corrective_action | verification | closed
Result<Implementation> parseImplementation(std::string_view text);
Result<Treatment> parseTreatment(std::string_view text);
Result<ExceptionScope> parseExceptionScope(std::string_view text);
Result<NcKind> parseNcKind(std::string_view text);
Result<NcState> parseNcState(std::string_view text);

// A document, record or other manual evidence behind a control.
struct ManualEvidence {
  std::int64_t id = 0;
  std::string controlId;
  std::string document;
  std::string location;
  std::string date;  // YYYY-MM-DD
  std::string reviewer;
  std::int64_t createdAt = 0;
  std::string createdBy;
};

// One row of the Statement of Applicability (there is always one per Annex A control).
struct SoaEntry {
  std::string controlId;
  bool applicable = true;
  std::string justification;  // why included or excluded
  Implementation implementation = Implementation::NotImplemented;
  std::string owner;
  std::optional<std::int64_t> reviewedAt;  // unset until a person first edits the row (seeded rows)
  std::int64_t updatedAt = 0;
  std::string updatedBy;
  std::vector<ManualEvidence> evidence;
};

// A risk acceptance: failures it matches count as "accepted" while it is valid, never as passing.
struct RiskAcceptance {
  static constexpr std::int64_t kMaxDuration = 366 * kDay;  // one year, leap day included
  std::int64_t id = 0;
  ExceptionScope scope = ExceptionScope::Check;
  std::string agentId;    // host_check only
  std::string checkId;    // host_check and check
  std::string controlId;  // control only
  std::string justification;
  std::string approver;
  std::int64_t validFrom = 0;
  std::int64_t expiresAt = 0;
  std::optional<std::int64_t> revokedAt;
  std::int64_t createdAt = 0;
  std::string createdBy;

  // Valid in [validFrom, expiresAt) unless revoked by then: the state at any past time is reconstructable.
  bool validAt(std::int64_t t) const { return validFrom <= t && t < expiresAt && (!revokedAt || *revokedAt > t); }
  // Does it cover a failure of `checkId` on `agentId`, counted for `controlId`?
  bool covers(std::string_view agent, std::string_view check, std::string_view control) const;
};
VoidResult validate(const RiskAcceptance& exception);

struct Risk {
  std::int64_t id = 0;
  std::string title;
  std::string assets;  // assets or scope
  std::string threat;
  std::string vulnerability;
  int likelihood = 1;  // 1..5
  int impact = 1;      // 1..5
  Treatment treatment = Treatment::Mitigate;
  std::vector<std::string> controls;  // Annex A ids
  std::string owner;
  std::optional<std::int64_t> dueDate;
  std::optional<int> residualLikelihood;
  std::optional<int> residualImpact;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;

  int score() const { return likelihood * impact; }
  std::optional<int> residualScore() const;
};
VoidResult validate(const Risk& risk);

// Score bands (score = likelihood × impact, 1..25), as data.
struct RiskBand {
  int minScore;
  int maxScore;
  RiskLevel level;
};
inline constexpr RiskBand kRiskBands[] = {
    {1, 4, RiskLevel::Low}, {5, 9, RiskLevel::Medium}, {10, 16, RiskLevel::High}, {17, 25, RiskLevel::Critical}};
RiskLevel riskLevel(int score);

struct NonConformity {
  std::int64_t id = 0;
  NcKind kind = NcKind::Minor;
  NcState state = NcState::Open;
  std::string title;
  std::string description;
  std::string controlId;            // may be empty for a finding outside Annex A
  std::vector<std::string> checks;  // fleet checks whose failure it is about (drives reopening)
  std::string source = "manual";    // manual | auto
  std::string rootCause;
  std::string correctiveAction;
  std::string actionOwner;
  std::optional<std::int64_t> actionDue;
  std::string verification;
  int reopenCount = 0;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
  std::optional<std::int64_t> closedAt;

  // The corrective action is late while the NC has not reached verification.
  bool overdue(std::int64_t now) const;
};

// The fields a transition needs, checked by transition().
struct NcTransition {
  NcState to = NcState::Open;
  std::string rootCause;
  std::string correctiveAction;
  std::string actionOwner;
  std::optional<std::int64_t> actionDue;
  std::string verification;
};
// open → root_cause → corrective_action → verification → closed; verification → corrective_action when the
// action did not work; closed → open (reopening). Anything else is refused with the allowed next states.
Result<NonConformity> transition(NonConformity nc, const NcTransition& t, std::int64_t now);
std::vector<NcState> allowedNext(NcState from);

// A person's statement that a readiness item is met (or not), with the evidence behind it.
struct Attestation {
  static constexpr std::int64_t kValidity = 365 * kDay;  // stale after twelve months
  std::string itemId;
  bool met = true;
  std::string attestedBy;
  std::string evidenceRef;
  std::int64_t attestedAt = 0;
  std::int64_t recordedAt = 0;
  std::string recordedBy;
  bool staleAt(std::int64_t now) const { return now - attestedAt > kValidity; }
};

struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string actor;   // operator CN, or "cli"
  std::string entity;  // soa | soa_evidence | exception | risk | nonconformity | attestation
  std::string entityId;
  std::string action;  // create | update | revoke | transition | reopen | attest | …
  std::string detail;  // JSON: the new state (and what changed)
};

}  // namespace annexa::collector::isms
