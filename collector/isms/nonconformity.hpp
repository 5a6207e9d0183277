// Non-conformities from fleet data: proposals (major / minor / OFI per applicable control) and the reopening
// of closed ones whose checks fail again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collector/isms/isms_fleet.hpp"
#include "collector/isms/isms_model.hpp"
#include "collector/isms/soa.hpp"

namespace annexa::collector::isms {

struct NcOptions {
  // Major when a critical/high check of an applicable control fails on more than this share of in-scope hosts.
  double majorShare = 0.20;
};

struct NcProposal {
  NcKind kind = NcKind::Minor;
  std::string controlId;
  std::vector<std::string> checks;  // the failing checks (empty for documentation findings)
  std::string title;
  std::string reason;
};

// One proposal per applicable control, the most serious finding first:
//   major — a critical/high check fails (not accepted) on more than majorShare of in-scope hosts, or a reviewed
//           SoA row declares the control not implemented;
//   minor — any other failing check (isolated lapses: few hosts or medium/low severity), or a reviewed applicable
//           control with no evidence at all (incomplete documentation);
//   ofi   — a reviewed control only partially implemented or planned, or whose evidence has errors or stale hosts.
// Controls that already have an NC not yet closed are skipped.
std::vector<NcProposal> proposeNonConformities(const std::vector<SoaRow>& soa, const FleetIndex& fleet,
                                               const std::vector<NonConformity>& existing, const NcOptions& options);

NonConformity fromProposal(const NcProposal& proposal);

// Closed NCs whose checks fail again (failures not covered by a valid exception), already moved back to open.
std::vector<NonConformity> reopenedByFleet(const std::vector<NonConformity>& ncs, const FleetIndex& fleet,
                                           const AcceptedFailure& accepted, std::int64_t now);

}  // namespace annexa::collector::isms
