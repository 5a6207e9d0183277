// CSV export and import of the ISMS registers (RFC 4180, see csv.hpp).
#include <algorithm>

#include "collector/isms/csv.hpp"
#include "collector/isms/isms_json.hpp"
#include "collector/isms/isms_service.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

const std::vector<std::string> kRiskColumns = {
    "id", "title", "assets", "threat", "vulnerability", "likelihood", "impact", "score", "level", "treatment",
    "controls", "owner", "due_date", "residual_likelihood", "residual_impact", "treatment_effective"};
const std::vector<std::string> kExceptionColumns = {"id", "scope", "host", "check", "control", "justification",
                                                    "approver", "valid_from", "expires_at", "revoked_at", "state"};
const std::vector<std::string> kNcColumns = {"id", "kind", "state", "title", "control", "checks", "root_cause",
                                             "corrective_action", "action_owner", "action_due", "verification",
                                             "overdue", "reopen_count"};

// The JSON value of a column as CSV text: strings as they are, lists joined with commas, null empty.
std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const auto& x : v) parts.push_back(cell(x));
    return text::join(parts, ",");
  }
  return v.dump();
}

std::vector<csv::Row> rowsOf(const nlohmann::json& list, const std::vector<std::string>& columns) {
  std::vector<csv::Row> rows;
  for (const auto& item : list) {
    csv::Row row;
    for (const auto& c : columns) row.push_back(item.contains(c) ? cell(item[c]) : "");
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json patchOf(const std::map<std::string, std::string>& record, const std::vector<std::string>& columns) {
  nlohmann::json patch = nlohmann::json::object();
  for (const auto& c : columns)
    if (record.count(c) && c != "id") patch[c] = record.at(c);
  return patch;
}

std::string lineOf(const csv::Table& t, std::size_t i) { return "line " + std::to_string(t.lines[i]) + ": "; }

}  // namespace

std::string IsmsService::exportCsv(Register which, std::int64_t now) {
  switch (which) {
    case Register::Soa: return soaCsv(soaRows(fleet(now)));
    case Register::Risks: return csv::format(kRiskColumns, rowsOf(risks(now).body["risks"], kRiskColumns));
    case Register::Exceptions:
      return csv::format(kExceptionColumns, rowsOf(exceptions(now).body["exceptions"], kExceptionColumns));
    case Register::NonConformities:
      return csv::format(kNcColumns, rowsOf(nonConformities(now).body["nonconformities"], kNcColumns));
  }
  return "";
}

Reply IsmsService::importCsv(Register which, std::string_view text, const std::string& actor, std::int64_t now) {
  if (which == Register::Soa) {
    const auto view = fleet(now);
    auto changes = soaChangesFromCsv(text, soaRows(view));
    if (!changes) return errorReply(400, changes.error());
    for (const auto& entry : *changes) isms_.saveSoa(entry, actor, now);
    return {200, {{"updated", changes->size()}}};
  }
  if (which == Register::Risks) {
    auto table = csv::parseTable(text, {"title"});
    if (!table) return errorReply(400, table.error());
    std::vector<Risk> adds;
    std::vector<Risk> updates;
    for (std::size_t i = 0; i < table->records.size(); ++i) {
      const auto& record = table->records[i];
      Risk base;
      long long id = 0;
      const std::string idText = record.count("id") ? std::string(text::trim(record.at("id"))) : "";
      if (!idText.empty()) {
        const auto existing = text::parseInt(idText, id) ? isms_.risk(id) : std::nullopt;
        if (!existing) return errorReply(400, lineOf(*table, i) + "no risk with id \"" + idText + "\"");
        base = *existing;
      }
      auto risk = patchRisk(base, patchOf(record, kRiskColumns));
      if (!risk) return errorReply(400, lineOf(*table, i) + risk.error());
      (idText.empty() ? adds : updates).push_back(std::move(*risk));
    }
    for (const auto& r : adds) isms_.addRisk(r, actor, now);
    for (const auto& r : updates) isms_.updateRisk(r, actor, now);
    return {200, {{"added", adds.size()}, {"updated", updates.size()}}};
  }
  if (which == Register::Exceptions) {
    auto table = csv::parseTable(text, {"justification", "approver", "expires_at"});
    if (!table) return errorReply(400, table.error());
    const auto known = isms_.exceptions();
    std::vector<RiskAcceptance> adds;
    for (std::size_t i = 0; i < table->records.size(); ++i) {
      const auto& record = table->records[i];
      long long id = 0;
      // Rows exported earlier keep their id: importing them again adds nothing.
      if (record.count("id") && text::parseInt(record.at("id"), id) &&
          std::any_of(known.begin(), known.end(), [&](const RiskAcceptance& e) { return e.id == id; }))
        continue;
      auto patch = patchOf(record, {"scope", "host", "check", "control", "justification", "approver", "valid_from",
                                    "expires_at"});
      for (auto it = patch.begin(); it != patch.end();)
        it = it->get<std::string>().empty() && it.key() != "justification" ? patch.erase(it) : std::next(it);
      auto e = checkedException(patch, now);
      if (!e) return errorReply(400, lineOf(*table, i) + e.error());
      adds.push_back(std::move(*e));
    }
    for (const auto& e : adds) isms_.addException(e, actor, now);
    return {200, {{"added", adds.size()}}};
  }
  return errorReply(400, "non-conformities are exported only; record them with nc add");
}

}  // namespace annexa::collector::isms
