// Where the ISMS registers meet fleet data: which failures valid exceptions accept, per-check host counts
// for a control, and whether a risk's treatment works.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/isms/isms_model.hpp"
#include "collector/posture/posture.hpp"
#include "collector/store/store.hpp"

namespace annexa::collector::isms {

// The exceptions valid at `now`, as the posture engine's acceptance test. Expired exceptions match nothing,
// so their failures count as failing again without anyone touching them.
AcceptedFailure acceptanceAt(const std::vector<RiskAcceptance>& exceptions, std::int64_t now);

inline constexpr std::int64_t kExpiryWarning = 30 * kDay;
// Valid exceptions that expire within `window` of `now`, soonest first.
std::vector<RiskAcceptance> expiringWithin(const std::vector<RiskAcceptance>& exceptions, std::int64_t now,
                                           std::int64_t window = kExpiryWarning);

// Current results of in-scope (not revoked) hosts, indexed by check.
struct FleetIndex {
  FleetIndex(const std::vector<AgentRecord>& agents, const std::vector<StatusRow>& statuses, std::int64_t now);
  std::int64_t now = 0;
  int hostsInScope = 0;
  std::unordered_map<std::string, bool> stale;  // in-scope agent id → stale
  std::unordered_map<std::string, std::vector<StatusRow>> byCheck;
};

// One check's standing across the fleet, as evidence for one control.
struct CheckOnControl {
  std::string checkId;
  Severity severity = Severity::Low;  // the highest severity reported
  int reporting = 0;
  int passing = 0;
  int failing = 0;       // failures not covered by an exception (a stale host's last failure counts)
  int failingStale = 0;  // of those, on stale hosts
  int accepted = 0;      // failures covered by a valid exception
  std::vector<std::string> failingHosts;
};
CheckOnControl checkOnControl(const FleetIndex& fleet, const std::string& checkId, const std::string& controlId,
                              const AcceptedFailure& accepted);

// A risk's treatment is not effective while any of its linked controls fails in the fleet.
struct RiskAssessment {
  bool treatmentEffective = true;
  std::vector<std::string> failingControls;
};
RiskAssessment assess(const Risk& risk, const FleetPosture& posture);

}  // namespace annexa::collector::isms
