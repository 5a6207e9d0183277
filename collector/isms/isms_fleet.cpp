#include "collector/isms/isms_fleet.hpp"

#include <algorithm>

namespace annexa::collector::isms {

AcceptedFailure acceptanceAt(const std::vector<RiskAcceptance>& exceptions, std::int64_t now) {
  std::vector<RiskAcceptance> valid;
  for (const auto& e : exceptions)
    if (e.validAt(now)) valid.push_back(e);
  if (valid.empty()) return {};
  return [valid = std::move(valid)](const StatusRow& row, std::string_view controlId) {
    return std::any_of(valid.begin(), valid.end(),
                       [&](const RiskAcceptance& e) { return e.covers(row.agentId, row.checkId, controlId); });
  };
}

std::vector<RiskAcceptance> expiringWithin(const std::vector<RiskAcceptance>& exceptions, std::int64_t now,
                                           std::int64_t window) {
  std::vector<RiskAcceptance> out;
  for (const auto& e : exceptions)
    if (e.validAt(now) && e.expiresAt - now <= window) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.expiresAt < b.expiresAt; });
  return out;
}

FleetIndex::FleetIndex(const std::vector<AgentRecord>& agents, const std::vector<StatusRow>& statuses, std::int64_t t)
    : now(t) {
  for (const auto& a : agents) {
    if (a.revokedAt) continue;
    stale.emplace(a.id, isStale(a, now));
    ++hostsInScope;
  }
  for (const auto& row : statuses)
    if (stale.count(row.agentId)) byCheck[row.checkId].push_back(row);
}

CheckOnControl checkOnControl(const FleetIndex& fleet, const std::string& checkId, const std::string& controlId,
                              const AcceptedFailure& accepted) {
  CheckOnControl out;
  out.checkId = checkId;
  const auto rows = fleet.byCheck.find(checkId);
  if (rows == fleet.byCheck.end()) return out;
  for (const auto& row : rows->second) {
    ++out.reporting;
    out.severity = std::max(out.severity, row.severity);
    if (row.status == CheckStatus::Pass) ++out.passing;
    if (row.status != CheckStatus::Fail) continue;
    if (accepted && accepted(row, controlId)) {
      ++out.accepted;
    } else {
      ++out.failing;
      if (const auto stale = fleet.stale.find(row.agentId); stale != fleet.stale.end() && stale->second)
        ++out.failingStale;
      out.failingHosts.push_back(row.agentId);
    }
  }
  return out;
}

RiskAssessment assess(const Risk& risk, const FleetPosture& posture) {
  RiskAssessment out;
  for (const auto& c : posture.controls) {
    if (c.status != ControlStatus::Failing) continue;
    if (std::find(risk.controls.begin(), risk.controls.end(), c.control->id) == risk.controls.end()) continue;
    out.failingControls.push_back(c.control->id);
  }
  out.treatmentEffective = out.failingControls.empty();
  return out;
}

}  // namespace annexa::collector::isms
