// The pack's CSVs, one row at a time through csv::formatRow (RFC 4180: quoted when needed, CRLF).
#include "collector/isms/csv.hpp"
#include "collector/pack/pack_writers.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::pack {
namespace {

void row(std::ostream& out, const csv::Row& fields) { out << csv::formatRow(fields); }

std::string time(std::int64_t t) { return formatRfc3339(t); }
std::string time(const std::optional<std::int64_t>& t) { return t ? formatRfc3339(*t) : std::string(); }
std::string yesNo(bool b) { return b ? "yes" : "no"; }
std::string number(const std::optional<int>& n) { return n ? std::to_string(*n) : std::string(); }

// A control's status as the pack reports it: excluded controls are not applicable whatever the fleet says.
std::string controlStatus(const ControlPosture& c, const PackIndex& idx) {
  return idx.applicable(c.control->id) ? std::string(toString(c.status))
                                       : std::string(toString(ControlStatus::NotApplicable));
}

const ControlPosture* postureOf(const PackData& d, std::string_view controlId) {
  for (const auto& c : d.posture.controls)
    if (c.control && c.control->id == controlId) return &c;
  return nullptr;
}

// Several evidence items share one cell each, one item per line.
std::string evidenceColumn(const std::vector<Evidence>& items, std::string Evidence::*field) {
  std::vector<std::string> parts;
  for (const auto& e : items) parts.push_back(e.*field);
  return text::join(parts, "\n");
}

}  // namespace

void writeControlsCsv(const PackData& d, std::ostream& out) {
  const PackIndex idx(d);
  row(out, {"control", "iso2013", "theme", "title", "applicable", "status", "hosts_passing", "hosts_failing",
            "hosts_error", "hosts_stale", "hosts_accepted", "mapped_checks"});
  for (const auto& c : d.posture.controls) {
    if (!c.control) continue;
    row(out, {c.control->id, text::join(c.control->iso2013, " "), c.control->theme, c.control->title,
              yesNo(idx.applicable(c.control->id)), controlStatus(c, idx), std::to_string(c.hostsPassing),
              std::to_string(c.hostsFailing), std::to_string(c.hostsError), std::to_string(c.hostsStale),
              std::to_string(c.hostsAccepted), text::join(c.checks, " ")});
  }
}

void writeResultsCsv(const PackData& d, std::ostream& out) {
  const PackIndex idx(d);
  row(out, {"host", "agent_id", "check", "title", "status", "severity", "observed_at", "since", "evidence_source",
            "evidence_observed", "evidence_expected", "report_id", "report_sha256"});
  for (const auto& r : d.results)
    row(out, {std::string(idx.hostname(r.agentId)), r.agentId, r.result.check, r.result.title,
              std::string(toString(r.result.status)), std::string(toString(r.result.severity)), time(r.observedAt),
              time(r.since), evidenceColumn(r.result.evidence, &Evidence::source),
              evidenceColumn(r.result.evidence, &Evidence::observed),
              evidenceColumn(r.result.evidence, &Evidence::expected), r.reportId, r.reportSha256});
}

void writeSoaCsv(const PackData& d, std::ostream& out) {
  const PackIndex idx(d);
  row(out, {"control", "title", "applicable", "justification", "implementation", "owner", "status", "reviewed_at",
            "updated_at", "updated_by", "manual_evidence"});
  for (const auto& s : d.soa) {
    const auto* posture = postureOf(d, s.controlId);
    std::vector<std::string> evidence;
    for (const auto& e : s.evidence) evidence.push_back(e.document + " (" + e.location + ", " + e.date + ")");
    row(out, {s.controlId, posture ? posture->control->title : std::string(), yesNo(s.applicable), s.justification,
              std::string(toString(s.implementation)), s.owner, posture ? controlStatus(*posture, idx) : std::string(),
              time(s.reviewedAt), time(s.updatedAt), s.updatedBy, text::join(evidence, "\n")});
  }
}

void writeNonConformitiesCsv(const PackData& d, std::ostream& out) {
  row(out, {"id", "kind", "state", "title", "description", "control", "checks", "source", "root_cause",
            "corrective_action", "action_owner", "action_due", "overdue", "verification", "reopen_count", "created_at",
            "updated_at", "closed_at"});
  for (const auto& nc : d.nonConformities)
    row(out, {std::to_string(nc.id), std::string(toString(nc.kind)), std::string(toString(nc.state)), nc.title,
              nc.description, nc.controlId, text::join(nc.checks, " "), nc.source, nc.rootCause, nc.correctiveAction,
              nc.actionOwner, time(nc.actionDue), yesNo(nc.overdue(d.at)), nc.verification,
              std::to_string(nc.reopenCount), time(nc.createdAt), time(nc.updatedAt), time(nc.closedAt)});
}

void writeExceptionsCsv(const PackData& d, std::ostream& out) {
  const PackIndex idx(d);
  row(out, {"id", "scope", "agent_id", "host", "check", "control", "justification", "approver", "valid_from",
            "expires_at", "revoked_at", "valid_at_posture", "created_at", "created_by"});
  for (const auto& x : d.exceptions)
    row(out, {std::to_string(x.id), std::string(toString(x.scope)), x.agentId,
              x.agentId.empty() ? std::string() : std::string(idx.hostname(x.agentId)), x.checkId, x.controlId,
              x.justification, x.approver, time(x.validFrom), time(x.expiresAt), time(x.revokedAt),
              yesNo(x.validAt(d.at)), time(x.createdAt), x.createdBy});
}

void writeRisksCsv(const PackData& d, std::ostream& out) {
  row(out, {"id", "title", "assets", "threat", "vulnerability", "likelihood", "impact", "score", "level", "treatment",
            "controls", "owner", "due_date", "residual_likelihood", "residual_impact", "residual_score",
            "treatment_effective", "failing_controls"});
  for (const auto& [r, a] : d.risks)
    row(out, {std::to_string(r.id), r.title, r.assets, r.threat, r.vulnerability, std::to_string(r.likelihood),
              std::to_string(r.impact), std::to_string(r.score()), std::string(toString(isms::riskLevel(r.score()))),
              std::string(toString(r.treatment)), text::join(r.controls, " "), r.owner, time(r.dueDate),
              number(r.residualLikelihood), number(r.residualImpact), number(r.residualScore()),
              yesNo(a.treatmentEffective), text::join(a.failingControls, " ")});
}

}  // namespace annexa::collector::pack
