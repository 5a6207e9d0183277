#include "collector/isms/soa.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "collector/isms/csv.hpp"
#include "collector/isms/isms_html.hpp"
#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

std::vector<std::string> flagsOf(const SoaRow& r) {
  std::vector<std::string> flags;
  if (r.noEvidence) flags.emplace_back("no_evidence");
  if (r.justificationMissing) flags.emplace_back("justification_missing");
  if (!r.entry.reviewedAt) flags.emplace_back("not_reviewed");
  return flags;
}

std::string fleetStatus(const SoaRow& r) { return r.posture ? std::string(toString(r.posture->status)) : "not_evidenced"; }

std::string idList(const std::vector<std::int64_t>& ids) {
  std::vector<std::string> parts;
  for (const auto id : ids) parts.push_back(std::to_string(id));
  return text::join(parts, ",");
}

}  // namespace

std::vector<SoaRow> soaRows(const std::vector<SoaEntry>& entries, const FleetPosture& posture, const FleetIndex& fleet,
                            const AcceptedFailure& accepted, const std::vector<Risk>& risks) {
  std::map<std::string, const ControlPosture*, std::less<>> byId;
  for (const auto& c : posture.controls) byId.emplace(c.control->id, &c);
  std::vector<SoaRow> rows;
  for (const auto& entry : entries) {
    SoaRow row;
    row.entry = entry;
    if (const auto it = byId.find(entry.controlId); it != byId.end()) row.posture = it->second;
    if (row.posture) {
      for (const auto& check : row.posture->checks) {
        row.checks.push_back(checkOnControl(fleet, check, entry.controlId, accepted));
        row.fleetEvidence = row.fleetEvidence || row.checks.back().reporting > 0;
      }
    }
    for (const auto& risk : risks)
      if (std::find(risk.controls.begin(), risk.controls.end(), entry.controlId) != risk.controls.end())
        row.risks.push_back(risk.id);
    row.noEvidence = entry.applicable && !row.fleetEvidence && entry.evidence.empty();
    row.justificationMissing = text::trim(entry.justification).empty();
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json toJson(const SoaRow& r) {
  auto j = toJson(r.entry);
  if (r.posture) {
    j["theme"] = r.posture->control->theme;
    j["title"] = r.posture->control->title;
  }
  auto checks = nlohmann::json::array();
  for (const auto& c : r.checks)
    checks.push_back({{"check", c.checkId}, {"severity", toString(c.severity)}, {"hosts_reporting", c.reporting},
                      {"hosts_passing", c.passing}, {"hosts_failing", c.failing},
                      {"hosts_failing_stale", c.failingStale}, {"hosts_accepted", c.accepted}});
  j["fleet"] = {{"status", fleetStatus(r)}, {"checks", checks}, {"evidenced", r.fleetEvidence}};
  j["risks"] = r.risks;
  j["flags"] = flagsOf(r);
  return j;
}

nlohmann::json soaJson(const std::vector<SoaRow>& rows) {
  auto controls = nlohmann::json::array();
  int applicable = 0;
  int noEvidence = 0;
  int missing = 0;
  for (const auto& r : rows) {
    controls.push_back(toJson(r));
    applicable += r.entry.applicable ? 1 : 0;
    noEvidence += r.noEvidence ? 1 : 0;
    missing += r.justificationMissing ? 1 : 0;
  }
  return {{"summary", {{"controls", rows.size()}, {"applicable", applicable},
                       {"excluded", static_cast<int>(rows.size()) - applicable}, {"no_evidence", noEvidence},
                       {"justification_missing", missing}}},
          {"controls", controls}};
}

VoidResult checkSoaChange(const SoaEntry& after, const SoaRow& current) {
  if (after.applicable || !text::trim(after.justification).empty()) return success();
  int failing = 0;
  for (const auto& c : current.checks) failing += c.failing;
  std::string why = "excluding " + after.controlId + " requires a justification";
  if (failing > 0)
    why += ": its fleet checks fail on " + std::to_string(failing) + " host result(s)";
  else if (current.fleetEvidence)
    why += ": fleet checks evidence it";
  return makeError(why);
}

std::string soaCsv(const std::vector<SoaRow>& rows) {
  std::vector<csv::Row> out;
  for (const auto& r : rows) {
    std::vector<std::string> evidence;
    for (const auto& e : r.entry.evidence) evidence.push_back(e.document + " (" + e.location + ", " + e.date + ", " + e.reviewer + ")");
    int failing = 0;
    int accepted = 0;
    for (const auto& c : r.checks) {
      failing += c.failing;
      accepted += c.accepted;
    }
    out.push_back({r.entry.controlId, r.posture ? r.posture->control->theme : "", r.posture ? r.posture->control->title : "",
                   r.entry.applicable ? "yes" : "no", r.entry.justification, std::string(toString(r.entry.implementation)),
                   r.entry.owner, r.posture ? text::join(r.posture->checks, " ") : "", fleetStatus(r),
                   std::to_string(failing), std::to_string(accepted), text::join(evidence, "; "), idList(r.risks),
                   text::join(flagsOf(r), " ")});
  }
  return csv::format({"control", "theme", "title", "applicable", "justification", "implementation", "owner", "checks",
                      "fleet_status", "failing_results", "accepted_results", "manual_evidence", "risks", "flags"},
                     out);
}

std::string soaHtml(const std::vector<SoaRow>& rows, std::int64_t now) {
  std::string h =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Statement of Applicability</title><style>"
      "body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;"
      "vertical-align:top}tr.flagged td{background:#fde2e2}.excluded{color:#666}</style></head><body>\n"
      "<h1>Statement of Applicability (ISO/IEC 27001:2022 Annex A)</h1>\n<p>Generated " + formatRfc3339(now) +
      ". Rows in red are applicable controls without any evidence.</p>\n<table>\n<tr><th>Control</th><th>Title</th>"
      "<th>Applicable</th><th>Justification</th><th>Implementation</th><th>Owner</th><th>Fleet evidence</th>"
      "<th>Manual evidence</th><th>Risks</th></tr>\n";
  for (const auto& r : rows) {
    std::string checks;
    for (const auto& c : r.checks)
      checks += htmlEscape(c.checkId) + ": " + std::to_string(c.passing) + " pass, " + std::to_string(c.failing) +
                " fail" + (c.failingStale > 0 ? " (" + std::to_string(c.failingStale) + " stale)" : "") + ", " +
                std::to_string(c.accepted) + " accepted<br>";
    std::string manual;
    for (const auto& e : r.entry.evidence)
      manual += htmlEscape(e.document + " — " + e.location + " (" + e.date + ", " + e.reviewer + ")") + "<br>";
    h += std::string("<tr") + (r.noEvidence ? " class=\"flagged\"" : r.entry.applicable ? "" : " class=\"excluded\"") +
         "><td>" + htmlEscape(r.entry.controlId) + "</td><td>" +
         htmlEscape(r.posture ? r.posture->control->title : "") + "</td><td>" + (r.entry.applicable ? "yes" : "no") +
         "</td><td>" + htmlEscape(r.entry.justification) + "</td><td>" + std::string(toString(r.entry.implementation)) +
         "</td><td>" + htmlEscape(r.entry.owner) + "</td><td>" + fleetStatus(r) + "<br>" + checks + "</td><td>" + manual +
         "</td><td>" + idList(r.risks) + "</td></tr>\n";
  }
  return h + "</table>\n</body></html>\n";
}

Result<std::vector<SoaEntry>> soaChangesFromCsv(std::string_view text, const std::vector<SoaRow>& current) {
  auto table = csv::parseTable(text, {"control"});
  if (!table) return makeError(table.error());
  std::vector<SoaEntry> changes;
  for (std::size_t i = 0; i < table->records.size(); ++i) {
    const auto& record = table->records[i];
    const std::string at = "line " + std::to_string(table->lines[i]) + ": ";
    const auto& id = record.at("control");
    const auto row = std::find_if(current.begin(), current.end(), [&](const SoaRow& r) { return r.entry.controlId == id; });
    if (row == current.end()) return makeError(at + "unknown Annex A control \"" + id + "\"");
    nlohmann::json patch = nlohmann::json::object();
    for (const char* key : {"applicable", "justification", "implementation", "owner"})
      if (record.count(key)) patch[key] = record.at(key);
    auto updated = patchSoa(row->entry, patch);
    if (!updated) return makeError(at + updated.error());
    if (auto ok = checkSoaChange(*updated, *row); !ok) return makeError(at + ok.error());
    const auto& before = row->entry;
    if (updated->applicable != before.applicable || updated->justification != before.justification ||
        updated->implementation != before.implementation || updated->owner != before.owner)
      changes.push_back(std::move(*updated));
  }
  return changes;
}

}  // namespace annexa::collector::isms
