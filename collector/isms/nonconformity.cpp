#include "collector/isms/nonconformity.hpp"

#include <cstdio>

#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

std::string controlLabel(const SoaRow& r) {
  return r.entry.controlId + (r.posture ? " " + r.posture->control->title : std::string());
}

std::optional<NcProposal> proposalFor(const SoaRow& r, const FleetIndex& fleet, const NcOptions& options) {
  const auto& e = r.entry;
  if (!e.applicable) return std::nullopt;
  NcProposal p;
  p.controlId = e.controlId;
  std::vector<std::string> majorReasons;
  std::vector<std::string> minorReasons;
  for (const auto& c : r.checks) {
    if (c.failing == 0) continue;
    p.checks.push_back(c.checkId);
    const double share = fleet.hostsInScope > 0 ? static_cast<double>(c.failing) / fleet.hostsInScope : 0;
    const std::string what = c.checkId + " (" + std::string(toString(c.severity)) + ") fails on " +
                             std::to_string(c.failing) + " of " + std::to_string(fleet.hostsInScope) + " hosts (" +
                             percent(share) +
                             (c.failingStale > 0 ? ", " + std::to_string(c.failingStale) + " of them stale" : "") + ")";
    const bool serious = c.severity == Severity::High || c.severity == Severity::Critical;
    (serious && share > options.majorShare ? majorReasons : minorReasons).push_back(what);
  }
  const bool reviewed = e.reviewedAt.has_value();
  if (reviewed && e.implementation == Implementation::NotImplemented)
    majorReasons.push_back("the SoA declares it applicable but not implemented");
  if (!majorReasons.empty()) {
    p.kind = NcKind::Major;
    p.reason = text::join(majorReasons, "; ");
  } else if (!minorReasons.empty()) {
    p.kind = NcKind::Minor;
    p.reason = text::join(minorReasons, "; ");
  } else if (reviewed && r.noEvidence) {
    p.kind = NcKind::Minor;
    p.reason = "incomplete documentation: applicable, but no fleet or manual evidence";
  } else if (reviewed && (e.implementation == Implementation::Partially || e.implementation == Implementation::Planned)) {
    p.kind = NcKind::Ofi;
    p.reason = "implementation is " + std::string(toString(e.implementation));
  } else if (r.posture && r.posture->status == ControlStatus::Partial) {
    p.kind = NcKind::Ofi;
    p.reason = "fleet evidence incomplete: " + std::to_string(r.posture->hostsError) + " host(s) with errors, " +
               std::to_string(r.posture->hostsStale) + " stale";
  } else {
    return std::nullopt;
  }
  p.title = controlLabel(r) + ": " + p.reason;
  return p;
}

}  // namespace

std::vector<NcProposal> proposeNonConformities(const std::vector<SoaRow>& soa, const FleetIndex& fleet,
                                               const std::vector<NonConformity>& existing, const NcOptions& options) {
  std::vector<NcProposal> out;
  for (const auto& row : soa) {
    const bool tracked = std::any_of(existing.begin(), existing.end(), [&](const NonConformity& nc) {
      return nc.controlId == row.entry.controlId && nc.state != NcState::Closed;
    });
    if (tracked) continue;
    if (auto p = proposalFor(row, fleet, options)) out.push_back(std::move(*p));
  }
  std::stable_sort(out.begin(), out.end(), [](const NcProposal& a, const NcProposal& b) { return a.kind < b.kind; });
  return out;
}

NonConformity fromProposal(const NcProposal& p) {
  NonConformity nc;
  nc.kind = p.kind;
  nc.title = p.title;
  nc.description = p.reason;
  nc.controlId = p.controlId;
  nc.checks = p.checks;
  nc.source = "auto";
  return nc;
}

std::vector<NonConformity> reopenedByFleet(const std::vector<NonConformity>& ncs, const FleetIndex& fleet,
                                           const AcceptedFailure& accepted, std::int64_t now) {
  std::vector<NonConformity> out;
  for (const auto& nc : ncs) {
    if (nc.state != NcState::Closed || nc.checks.empty()) continue;
    const bool failsAgain = std::any_of(nc.checks.begin(), nc.checks.end(), [&](const std::string& check) {
      return checkOnControl(fleet, check, nc.controlId, accepted).failing > 0;
    });
    if (!failsAgain) continue;
    NcTransition reopen;
    reopen.to = NcState::Open;
    if (auto moved = transition(nc, reopen, now)) out.push_back(std::move(*moved));
  }
  return out;
}

}  // namespace annexa::collector::isms
