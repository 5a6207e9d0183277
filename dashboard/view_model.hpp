// View models: what each view shows, computed from a snapshot without any ImGui. Tables keep an order
// of row indices that is rebuilt only when the data, the filter or the sort order changed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dashboard/snapshot.hpp"

namespace annexa::dashboard {

// ---- time and connection text ------------------------------------------------------------------------------

// "14:05" in local time (UTC when utc is true).
std::string formatHourMinute(std::int64_t unixSeconds, bool utc = false);
// "connected to https://…, updated 14:05" / "disconnected since 14:07 …" / "connecting to …".
std::string connectionBanner(const ConnectionState& connection);

// ---- Overview -----------------------------------------------------------------------------------------------

struct FailingCheck {
  std::string check;
  std::string title;
  Severity severity = Severity::Medium;
  int hosts = 0;
  std::vector<std::string> controls;
};
// The checks failing on most hosts (a check mapped to several controls counts once).
std::vector<FailingCheck> topFailingChecks(const Findings& findings, std::size_t count = 10);

// "hosts: 2 passing, 3 failing (2 of them stale), …" for a control: stale hosts' last failures still count.
std::string controlHostCounts(const ControlRow& control);

struct ThemeChange {
  std::string theme;
  int passingDelta = 0;
  int failingDelta = 0;
};
struct DayChange {
  bool available = false;  // false until two days are recorded
  std::string fromDay;
  std::string toDay;
  std::vector<ThemeChange> themes;
};
// The latest recorded day against the one before it, per theme.
DayChange changeSinceYesterday(const std::vector<ThemeDay>& history);
// "Change since yesterday (controls)" only when the two days are yesterday and `today` (YYYY-MM-DD); otherwise
// "Change from 2026-11-20 to 2026-11-23 (controls; the last two recorded days)".
std::string dayChangeTitle(const DayChange& change, const std::string& today);

// ---- tables ---------------------------------------------------------------------------------------------------

enum class HostColumn { Hostname, Os, LastSeen, Pass, Fail, Stale };

class HostTableModel {
 public:
  void setData(std::shared_ptr<const FleetData> fleet);  // dirty only when it is another fleet
  void setFilter(const std::string& text);                 // case-insensitive: hostname, OS, id
  void setStaleOnly(bool staleOnly);
  void setSort(HostColumn column, bool ascending);
  // The visible rows as indices into fleet->hosts; rebuilt only when something above changed.
  const std::vector<std::uint32_t>& rows();
  const HostRow& host(std::uint32_t index) const { return fleet_->hosts[index]; }
  std::size_t rebuilds() const { return rebuilds_; }

 private:
  std::shared_ptr<const FleetData> fleet_;
  std::string filter_;
  bool staleOnly_ = false;
  HostColumn column_ = HostColumn::Hostname;
  bool ascending_ = true;
  bool dirty_ = true;
  std::vector<std::uint32_t> rows_;
  std::size_t rebuilds_ = 0;
};

class ControlTableModel {
 public:
  void setData(std::shared_ptr<const FleetData> fleet);
  void setFilter(const std::string& text);  // id, title, theme or a 2013 id
  // Which statuses are shown (all by default), indexed by ControlStatus.
  void setStatusShown(ControlStatus status, bool shown);
  // Controls the SoA excludes: shown (and filtered) as N/A.
  void setExcluded(const std::set<std::string>& excluded);
  ControlStatus status(const ControlRow& control) const;
  bool statusShown(ControlStatus status) const { return shown_[static_cast<std::size_t>(status)]; }
  const std::vector<std::uint32_t>& rows();
  const ControlRow& control(std::uint32_t index) const { return fleet_->controls[index]; }
  std::size_t rebuilds() const { return rebuilds_; }

 private:
  std::shared_ptr<const FleetData> fleet_;
  std::string filter_;
  std::array<bool, 6> shown_{true, true, true, true, true, true};
  std::set<std::string> excluded_;
  bool dirty_ = true;
  std::vector<std::uint32_t> rows_;
  std::size_t rebuilds_ = 0;
};

// ---- Findings -------------------------------------------------------------------------------------------------

// Failing results of one control at one severity.
struct FindingGroup {
  std::string controlId;
  std::string controlTitle;
  std::string theme;
  Severity severity = Severity::Medium;
  int hostChecks = 0;     // failing (host, check) pairs
  int maxHosts = 0;       // hosts failing the worst check of the group
  std::string firstSeen;  // earliest first-seen of its checks
  std::vector<FindingCheck> checks;
};
// Catalog order of controls, then severity (critical first); only severities at least `minimum`.
std::vector<FindingGroup> groupFindings(const Findings& findings, Severity minimum = Severity::Low,
                                        const std::string& filter = "");

// ---- Trends ---------------------------------------------------------------------------------------------------

struct Series {
  std::string name;
  std::vector<float> values;  // one per day
};
struct Chart {
  std::vector<std::string> days;
  std::vector<Series> series;
  float maxValue = 0;
};
// Per theme: the share of its applicable, evidenced controls passing (0–100 %) each day: not applicable and
// not evidenced controls are left out of the denominator; accepted ones stay in it (never passing).
Chart themeTrend(const std::vector<ThemeDay>& history);
// One control: hosts passing and failing each day.
Chart controlTrend(const ControlHistory& history);

// ---- Host detail ----------------------------------------------------------------------------------------------

// Failing first, then errors, passes, not applicable; by severity within each.
std::vector<std::uint32_t> hostResultOrder(const HostDetail& detail);

}  // namespace annexa::dashboard
