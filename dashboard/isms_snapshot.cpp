#include "dashboard/isms_snapshot.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "dashboard/json_read.hpp"

namespace annexa::dashboard {
namespace {

using namespace json_read;

std::string day(const std::string& rfc3339) { return rfc3339.substr(0, 10); }

std::string exceptionTarget(const json& e) {
  const auto scope = str(e, "scope");
  if (scope == "host_check") return str(e, "host") + " / " + str(e, "check");
  if (scope == "control") return str(e, "control");
  return str(e, "check");
}

std::string readinessEvidence(const json& item, bool computed) {
  if (computed) {
    const auto& ev = object(item, "evidence");
    return std::to_string(num(ev, "hosts_passing")) + " of " + std::to_string(num(ev, "hosts_in_scope")) +
           " hosts pass " + text::join(strings(ev, "checks"), ", ");
  }
  const auto it = item.find("attestation");
  if (it == item.end() || !it->is_object()) return "no attestation recorded";
  return "attested by " + str(*it, "attested_by") + ": " + str(*it, "evidence_ref") + " (" + str(*it, "attested_at") + ")";
}

std::optional<AuditDate> auditDate(const json& summary, const char* key) {
  const auto it = summary.find(key);
  if (it == summary.end() || !it->is_object()) return std::nullopt;
  return AuditDate{str(*it, "kind"), str(*it, "title"), str(*it, "date"), num(*it, "days")};
}

}  // namespace

ExceptionState parseExceptionState(std::string_view t) {
  if (t == "valid") return ExceptionState::Valid;
  if (t == "scheduled") return ExceptionState::Scheduled;
  if (t == "revoked") return ExceptionState::Revoked;
  return ExceptionState::Expired;
}

std::string_view label(ExceptionState s) {
  switch (s) {
    case ExceptionState::Valid: return "valid";
    case ExceptionState::Scheduled: return "scheduled";
    case ExceptionState::Expired: return "expired";
    case ExceptionState::Revoked: return "revoked";
  }
  return "?";
}

RiskLevel parseRiskLevel(std::string_view t) {
  if (t == "low") return RiskLevel::Low;
  if (t == "medium") return RiskLevel::Medium;
  if (t == "high") return RiskLevel::High;
  return RiskLevel::Critical;
}

std::string_view label(RiskLevel l) {
  switch (l) {
    case RiskLevel::Low: return "low";
    case RiskLevel::Medium: return "medium";
    case RiskLevel::High: return "high";
    case RiskLevel::Critical: return "critical";
  }
  return "?";
}

bool treatmentNotEffective(const RiskRow& risk) { return !risk.treatmentEffective && risk.treatment != "accept"; }

std::vector<ReadinessBand> defaultReadinessBands() {
  return {{0, 14, "high_risk", "High risk"},
          {15, 21, "moderate_risk", "Moderate risk"},
          {22, 25, "low_risk", "Low risk"},
          {26, 28, "well_prepared", "Well prepared"}};
}

std::string bandsLegend(const std::vector<ReadinessBand>& bands) {
  std::vector<std::string> parts;
  for (const auto& b : bands) parts.push_back(std::to_string(b.min) + "-" + std::to_string(b.max) + " " + b.label);
  return text::join(parts, ", ");
}

NcKind parseNcKind(std::string_view t) {
  if (t == "minor") return NcKind::Minor;
  if (t == "ofi") return NcKind::Ofi;
  return NcKind::Major;
}

std::string_view label(NcKind k) {
  switch (k) {
    case NcKind::Major: return "MAJOR";
    case NcKind::Minor: return "MINOR";
    case NcKind::Ofi: return "OFI";
  }
  return "?";
}

Result<SoaRegister> parseSoa(std::string_view text) {
  return parseWith<SoaRegister>(text, "/api/v1/soa", [](const json& doc) -> Result<SoaRegister> {
    SoaRegister soa;
    const auto& summary = object(doc, "summary");
    soa.applicable = num(summary, "applicable");
    soa.excluded = num(summary, "excluded");
    soa.noEvidence = num(summary, "no_evidence");
    soa.justificationMissing = num(summary, "justification_missing");
    for (const auto& c : array(doc, "controls")) {
      SoaRow row;
      row.control = str(c, "control");
      row.theme = str(c, "theme");
      row.title = str(c, "title");
      row.applicable = flag(c, "applicable");
      row.justification = str(c, "justification");
      row.implementation = str(c, "implementation");
      row.owner = str(c, "owner");
      row.reviewedAt = day(str(c, "reviewed_at"));
      row.updatedBy = str(c, "updated_by");
      const auto& fleet = object(c, "fleet");
      row.fleetStatus = parseControlStatus(str(fleet, "status"));
      row.fleetEvidenced = flag(fleet, "evidenced");
      row.checks = static_cast<int>(array(fleet, "checks").size());
      row.manualEvidence = static_cast<int>(array(c, "manual_evidence").size());
      for (const auto& e : array(c, "manual_evidence"))
        row.manualEvidenceText.push_back(str(e, "document") + " at " + str(e, "location") + " (" + str(e, "date") +
                                         ", reviewed by " + str(e, "reviewer") + ")");
      for (const auto& r : array(c, "risks"))
        if (r.is_number_integer()) row.risks.push_back(r.get<std::int64_t>());
      for (const auto& f : strings(c, "flags")) {
        row.noEvidence = row.noEvidence || f == "no_evidence";
        row.justificationMissing = row.justificationMissing || f == "justification_missing";
        row.notReviewed = row.notReviewed || f == "not_reviewed";
      }
      soa.rows.push_back(std::move(row));
    }
    if (soa.rows.empty()) return makeError("/api/v1/soa: no controls");
    return soa;
  });
}

Result<ExceptionRegister> parseExceptions(std::string_view text) {
  return parseWith<ExceptionRegister>(text, "/api/v1/exceptions", [](const json& doc) -> Result<ExceptionRegister> {
    ExceptionRegister reg;
    reg.expiringWithin30Days = num(doc, "expiring_within_30_days");
    for (const auto& e : array(doc, "exceptions"))
      reg.rows.push_back({num64(e, "id"), str(e, "scope"), exceptionTarget(e), str(e, "justification"),
                          str(e, "approver"), day(str(e, "valid_from")), day(str(e, "expires_at")),
                          parseExceptionState(str(e, "state")), num(e, "days_left"), str(e, "host"), str(e, "check"),
                          str(e, "control"), str(e, "created_by")});
    return reg;
  });
}

Result<std::vector<RiskRow>> parseRisks(std::string_view text) {
  return parseWith<std::vector<RiskRow>>(text, "/api/v1/risks", [](const json& doc) -> Result<std::vector<RiskRow>> {
    std::vector<RiskRow> risks;
    for (const auto& r : array(doc, "risks")) {
      RiskRow row;
      row.id = num64(r, "id");
      row.title = str(r, "title");
      row.likelihood = num(r, "likelihood");
      row.impact = num(r, "impact");
      row.score = num(r, "score");
      row.level = parseRiskLevel(str(r, "level"));
      row.treatment = str(r, "treatment");
      row.controls = strings(r, "controls");
      row.controlsText = text::join(row.controls, ", ");
      row.failingControls = strings(r, "failing_controls");
      const auto effective = r.find("treatment_effective");
      row.treatmentEffective = effective == r.end() || !effective->is_boolean() || effective->get<bool>();
      row.owner = str(r, "owner");
      row.dueDate = str(r, "due_date");
      row.residualScore = num(r, "residual_score");
      row.assets = str(r, "assets");
      row.threat = str(r, "threat");
      row.vulnerability = str(r, "vulnerability");
      risks.push_back(std::move(row));
    }
    return risks;
  });
}

Result<NcRegister> parseNonConformities(std::string_view text) {
  return parseWith<NcRegister>(text, "/api/v1/nonconformities", [](const json& doc) -> Result<NcRegister> {
    NcRegister reg;
    reg.open = num(doc, "open");
    reg.overdue = num(doc, "overdue");
    for (const auto& n : array(doc, "nonconformities"))
      reg.rows.push_back({num64(n, "id"), parseNcKind(str(n, "kind")), str(n, "state"), str(n, "title"),
                          str(n, "control"), str(n, "corrective_action"), str(n, "action_owner"), str(n, "action_due"),
                          flag(n, "overdue"), num(n, "reopen_count"), str(n, "description"), str(n, "root_cause"),
                          str(n, "verification"), strings(n, "next_states")});
    return reg;
  });
}

Result<Readiness> parseReadiness(std::string_view text) {
  return parseWith<Readiness>(text, "/api/v1/readiness", [](const json& doc) -> Result<Readiness> {
    Readiness r;
    r.score = num(doc, "score");
    r.maxScore = num(doc, "max_score");
    r.level = str(doc, "level");
    r.assessment = str(doc, "assessment");
    for (const auto& i : array(doc, "items")) {
      ReadinessItem item;
      item.id = str(i, "id");
      item.area = str(i, "area");
      item.title = str(i, "title");
      item.computed = str(i, "basis") == "fleet";
      item.met = flag(i, "met");
      item.stale = flag(i, "stale");
      item.note = str(i, "note");
      item.evidence = readinessEvidence(i, item.computed);
      auto area = std::find_if(r.areas.begin(), r.areas.end(), [&](const ReadinessArea& a) { return a.name == item.area; });
      if (area == r.areas.end()) area = r.areas.insert(r.areas.end(), ReadinessArea{item.area, 0, {}});
      area->met += item.met ? 1 : 0;
      area->items.push_back(std::move(item));
    }
    for (const auto& b : array(doc, "bands"))
      r.bands.push_back({num(b, "min"), num(b, "max"), str(b, "level"), str(b, "label")});
    if (r.bands.empty()) r.bands = defaultReadinessBands();
    if (r.areas.empty()) return makeError("/api/v1/readiness: no items");
    return r;
  });
}

Result<AuditCalendar> parseCalendar(std::string_view text) {
  return parseWith<AuditCalendar>(text, "/api/v1/calendar", [](const json& doc) -> Result<AuditCalendar> {
    const auto summaryIt = doc.find("summary");
    if (summaryIt == doc.end() || !summaryIt->is_object()) return makeError("/api/v1/calendar: no summary");
    const auto& summary = *summaryIt;
    const auto& cal = object(doc, "calendar");
    AuditCalendar c;
    c.received = true;
    c.scope = str(cal, "scope");
    c.internalAudit = str(cal, "internal_audit");
    c.managementReview = str(cal, "management_review");
    c.stage1 = str(cal, "stage1");
    c.stage2 = str(cal, "stage2");
    c.updatedAt = str(cal, "updated_at");
    c.updatedBy = str(cal, "updated_by");
    c.today = str(summary, "today");
    c.nextAudit = auditDate(summary, "next_audit");
    c.nextManagementReview = auditDate(summary, "next_management_review");
    c.lastManagementReview = str(summary, "last_management_review");
    const auto& readiness = object(summary, "readiness");
    c.readinessScore = num(readiness, "score");
    c.readinessMaxScore = num(readiness, "max_score");
    c.readinessText = str(readiness, "score_text");
    if (c.readinessText.empty() && c.readinessMaxScore > 0)
      c.readinessText = std::to_string(c.readinessScore) + " / " + std::to_string(c.readinessMaxScore);
    c.readinessLevel = str(readiness, "level");
    c.readinessLabel = str(readiness, "label");
    c.readinessAssessment = str(readiness, "assessment");
    c.openMajorNonConformities = num(summary, "open_major_nonconformities");
    c.reasons = strings(summary, "reasons");
    c.reason = str(summary, "reason");
    if (c.reason.empty()) c.reason = text::join(c.reasons, "; ");
    // A major NC open always means not ready, whatever "ready" says.
    c.ready = flag(summary, "ready") && c.openMajorNonConformities == 0;
    if (!c.ready && c.reason.empty() && c.openMajorNonConformities > 0)
      c.reason = std::to_string(c.openMajorNonConformities) + " major non-conformity open";
    return c;
  });
}

}  // namespace annexa::dashboard
