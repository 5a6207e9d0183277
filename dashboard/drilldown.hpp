// View models of the drill-downs (no ImGui): a control's host results in a sortable order (failures first),
// the failing hosts of one check, which valid exception covers a failure, and the SoA's exclusions applied to
// the fleet's statuses. Orders are rebuilt only when the data or the sort changed.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dashboard/isms_snapshot.hpp"
#include "dashboard/snapshot.hpp"

namespace annexa::dashboard {

// ---- Annex A: one control's (host, result) rows -------------------------------------------------------------

struct ResultRef {
  std::uint32_t host = 0;    // index into ControlDetail::hosts
  std::uint32_t result = 0;  // index into that host's results
};

// Failing first, then error, then stale hosts' other results, pass, not applicable.
enum class DrillRank { Fail, Error, Stale, Pass, NotApplicable };
DrillRank drillRank(const ControlHost& host, const ResultRow& result);
std::string_view label(DrillRank rank);  // "FAIL", "ERROR", "STALE", "PASS", "N/A"

enum class ControlResultColumn { Host, Check, Status, Severity, Message };

class ControlResultModel {
 public:
  void setData(std::shared_ptr<const ControlDetail> detail);  // dirty only when it is another detail
  void setSort(ControlResultColumn column, bool ascending);
  const std::vector<ResultRef>& rows();
  const ControlDetail* detail() const { return detail_.get(); }
  // True once after the rows of another control arrived (the view scrolls back to the top).
  bool takeControlChanged();
  std::size_t rebuilds() const { return rebuilds_; }

 private:
  std::shared_ptr<const ControlDetail> detail_;
  std::string controlId_;
  bool controlChanged_ = false;
  ControlResultColumn column_ = ControlResultColumn::Status;
  bool ascending_ = true;
  bool dirty_ = true;
  std::vector<ResultRef> rows_;
  std::size_t rebuilds_ = 0;
};

// Findings: the failing results of `check` in a control's detail, by hostname.
std::vector<ResultRef> failingHostsOf(const ControlDetail& detail, const std::string& check);
// "permitrootlogin yes" (want "permitrootlogin no"); the first evidence item whose observed value differs, else the message.
std::string observedText(const ResultRow& result);

// ---- exceptions ----------------------------------------------------------------------------------------------

// The valid exceptions, looked up the way the collector applies them (docs/isms.md): scope host_check covers
// one host's check, scope check the check on every host, scope control the failures of its mapped checks on it.
class ExceptionCover {
 public:
  ExceptionCover() = default;
  explicit ExceptionCover(const ExceptionRegister& reg);
  // The exception that accepts `check` failing on host `hostId` for `control`, or null.
  const ExceptionRow* find(const std::string& hostId, const std::string& check, const std::string& control) const;
  // A failing result mapped to several controls is accepted only when each of them is covered; this returns
  // that exception (the first), or null when some control is not covered.
  const ExceptionRow* findForAll(const std::string& hostId, const std::string& check,
                                 const std::vector<std::string>& controls) const;
  // Scope check, or scope control on `control`: every host failing `check` there is accepted.
  const ExceptionRow* wholeCheck(const std::string& check, const std::string& control) const;
  // The host_check exceptions on `check` (some hosts accepted, not all).
  std::vector<const ExceptionRow*> perHost(const std::string& check) const;
  bool empty() const { return valid_.empty(); }

 private:
  std::vector<ExceptionRow> valid_;
};

// "ACCEPTED (exception #4)"
std::string acceptedLabel(const ExceptionRow& exception);

// ---- Statement of Applicability ---------------------------------------------------------------------------------

// The controls the SoA excludes: N/A wherever the fleet's status is shown.
std::set<std::string> excludedControls(const SoaRegister& soa);
// The status as shown: N/A for an excluded control, else the collector's.
ControlStatus shownStatus(const ControlRow& control, const std::set<std::string>& excluded);
// Per theme counts with every excluded control moved to not applicable.
std::vector<ThemeCounts> themesWithExclusions(const FleetData& fleet, const std::set<std::string>& excluded);
// The theme history with each excluded control's daily status (its own series) moved to not applicable.
void applyExclusions(std::vector<ThemeDay>& history, const std::vector<ControlHistory>& excludedSeries,
                     const std::vector<ControlRow>& controls);

}  // namespace annexa::dashboard
