// The posture engine: from hosts and their current check results to the status of every Annex A control.
// Pure: no I/O, so it is tested on hand-built fleets.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/store/store.hpp"
#include "common/catalog.hpp"

namespace annexa::collector {

// Accepted: every failure is covered by a valid risk acceptance (exception); never counted as passing.
enum class ControlStatus { Passing, Failing, Partial, NotEvidenced, NotApplicable, Accepted };
std::string_view toString(ControlStatus status);

// A host whose last report is older than twice its interval is stale. Silence is neither compliance nor
// remediation: a stale host's last failures still count as failing (or accepted), its passes and errors no longer
// count and make the control partial at best.
bool isStale(const AgentRecord& agent, std::int64_t now);

struct ControlPosture {
  const Control* control = nullptr;
  ControlStatus status = ControlStatus::NotEvidenced;
  std::vector<std::string> checks;  // mapped check ids
  // Each in-scope host with results for the control counts once, in the bucket of its worst result.
  int hostsPassing = 0;
  int hostsFailing = 0;  // including stale hosts whose last results fail
  int hostsError = 0;
  int hostsStale = 0;  // stale hosts whose last results pass, err or do not apply: they count for nothing
  int hostsNotApplicable = 0;
  int hostsAccepted = 0;  // failing, but every failure there is covered by a valid exception (stale ones included)
  int hostsFailingStale = 0;   // of hostsFailing, how many are stale
  int hostsAcceptedStale = 0;  // of hostsAccepted, how many are stale
};

struct ThemeSummary {
  std::string theme;
  int passing = 0;
  int failing = 0;
  int partial = 0;
  int notEvidenced = 0;
  int notApplicable = 0;
  int accepted = 0;
};

struct FleetPosture {
  std::int64_t computedAt = 0;
  int hostsTotal = 0;
  int hostsStale = 0;
  std::vector<ThemeSummary> themes;
  std::vector<ControlPosture> controls;  // all 93, catalog order
};

// Whether a failing result counts as accepted for one of the controls its check maps to.
using AcceptedFailure = std::function<bool(const StatusRow& failure, std::string_view controlId)>;

// Revoked agents are out of scope. `statuses` are current results (StatusRow::at = since).
// Without `accepted`, no failure is accepted (and no control is ever Accepted).
FleetPosture computePosture(const Catalog& catalog, const CheckMapping& mapping, const std::vector<AgentRecord>& agents,
                            const std::vector<StatusRow>& statuses, std::int64_t now,
                            const AcceptedFailure& accepted = {});

// Recounts posture.themes from the controls' statuses (after a status was decided or changed).
void summariseThemes(FleetPosture& posture);

// One posture_daily row per control for `day` (YYYY-MM-DD): what the trend charts read back.
std::vector<DailyPostureRow> dailyPostureRows(const FleetPosture& posture, const std::string& day);

nlohmann::json toJson(const ControlPosture& control);
nlohmann::json toJson(const FleetPosture& posture);

}  // namespace annexa::collector
