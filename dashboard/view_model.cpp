#include "dashboard/view_model.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::dashboard {

std::string formatHourMinute(std::int64_t unixSeconds, bool utc) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm parts{};
  if (utc) gmtime_r(&t, &parts);
  else localtime_r(&t, &parts);
  char buffer[8];
  std::strftime(buffer, sizeof buffer, "%H:%M", &parts);
  return buffer;
}

std::string connectionBanner(const ConnectionState& c) {
  if (c.connected) return "connected to " + c.server + ", updated " + formatHourMinute(c.lastSuccess);
  if (!c.everConnected) {
    if (c.lastError.empty()) return "connecting to " + c.server + " ...";
    return "cannot reach " + c.server + " (since " + formatHourMinute(c.disconnectedSince) + "): " + c.lastError;
  }
  return "disconnected since " + formatHourMinute(c.disconnectedSince) + " - showing data from " +
         formatHourMinute(c.lastSuccess) + " (STALE): " + c.lastError;
}

// ---- Overview -----------------------------------------------------------------------------------------------

std::string controlHostCounts(const ControlRow& c) {
  const auto ofWhichStale = [](int stale) {
    return stale > 0 ? " (" + std::to_string(stale) + " of them stale)" : std::string();
  };
  return "hosts: " + std::to_string(c.hostsPassing) + " passing, " + std::to_string(c.hostsFailing) + " failing" +
         ofWhichStale(c.hostsFailingStale) + ", " + std::to_string(c.hostsAccepted) + " accepted" +
         ofWhichStale(c.hostsAcceptedStale) + ", " + std::to_string(c.hostsError) + " error, " +
         std::to_string(c.hostsStale) + " stale without failures";
}

std::vector<FailingCheck> topFailingChecks(const Findings& findings, std::size_t count) {
  std::vector<FailingCheck> checks;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& control : findings.controls) {
    for (const auto& f : control.checks) {
      auto [it, fresh] = index.emplace(f.check, checks.size());
      if (fresh) checks.push_back({f.check, f.title, f.severity, f.hosts, {}});
      checks[it->second].controls.push_back(control.id);
    }
  }
  const auto better = [](const FailingCheck& a, const FailingCheck& b) {
    if (a.hosts != b.hosts) return a.hosts > b.hosts;
    if (a.severity != b.severity) return a.severity < b.severity;  // critical first
    return a.check < b.check;
  };
  const auto keep = std::min(count, checks.size());
  std::partial_sort(checks.begin(), checks.begin() + static_cast<std::ptrdiff_t>(keep), checks.end(), better);
  checks.resize(keep);
  return checks;
}

DayChange changeSinceYesterday(const std::vector<ThemeDay>& history) {
  std::set<std::string> days;
  for (const auto& d : history) days.insert(d.day);
  DayChange change;
  if (days.size() < 2) return change;
  change.available = true;
  change.toDay = *days.rbegin();
  change.fromDay = *std::next(days.rbegin());
  std::map<std::string, ThemeChange> perTheme;
  for (const auto& d : history) {
    if (d.day != change.toDay && d.day != change.fromDay) continue;
    const int sign = d.day == change.toDay ? 1 : -1;
    auto& t = perTheme[d.theme];
    t.theme = d.theme;
    t.passingDelta += sign * d.passing;
    t.failingDelta += sign * d.failing;
  }
  for (auto& [name, t] : perTheme) change.themes.push_back(t);
  return change;
}

std::string dayChangeTitle(const DayChange& change, const std::string& today) {
  if (!change.available) return "Change since the previous recorded day (controls)";
  const auto day = parseRfc3339(today);
  if (day && change.toDay == today && change.fromDay == formatRfc3339(*day - 86400).substr(0, 10))
    return "Change since yesterday (controls)";
  return "Change from " + change.fromDay + " to " + change.toDay + " (controls; the last two recorded days)";
}

// ---- tables ---------------------------------------------------------------------------------------------------

void HostTableModel::setData(std::shared_ptr<const FleetData> fleet) {
  if (fleet == fleet_) return;
  fleet_ = std::move(fleet);
  dirty_ = true;
}

void HostTableModel::setFilter(const std::string& filterText) {
  auto lowered = text::toLower(text::trim(filterText));
  if (lowered == filter_) return;
  filter_ = std::move(lowered);
  dirty_ = true;
}

void HostTableModel::setStaleOnly(bool staleOnly) {
  if (staleOnly == staleOnly_) return;
  staleOnly_ = staleOnly;
  dirty_ = true;
}

void HostTableModel::setSort(HostColumn column, bool ascending) {
  if (column == column_ && ascending == ascending_) return;
  column_ = column;
  ascending_ = ascending;
  dirty_ = true;
}

const std::vector<std::uint32_t>& HostTableModel::rows() {
  if (!dirty_) return rows_;
  dirty_ = false;
  ++rebuilds_;
  rows_.clear();
  if (!fleet_) return rows_;
  const auto& hosts = fleet_->hosts;
  rows_.reserve(hosts.size());
  for (std::uint32_t i = 0; i < hosts.size(); ++i) {
    const auto& h = hosts[i];
    if (staleOnly_ && !h.stale) continue;
    if (!filter_.empty() && !text::icontains(h.hostname, filter_) && !text::icontains(h.os, filter_) &&
        !text::icontains(h.id, filter_))
      continue;
    rows_.push_back(i);
  }
  const auto key = [this, &hosts](std::uint32_t a, std::uint32_t b) -> int {  // <0, 0, >0
    const auto& x = hosts[a];
    const auto& y = hosts[b];
    switch (column_) {
      case HostColumn::Os: return x.os.compare(y.os);
      case HostColumn::LastSeen: return x.lastSeen < y.lastSeen ? -1 : x.lastSeen > y.lastSeen;
      case HostColumn::Pass: return x.pass - y.pass;
      case HostColumn::Fail: return x.fail - y.fail;
      case HostColumn::Stale: return static_cast<int>(x.stale) - static_cast<int>(y.stale);
      case HostColumn::Hostname: break;
    }
    return x.hostname.compare(y.hostname);
  };
  std::stable_sort(rows_.begin(), rows_.end(), [&](std::uint32_t a, std::uint32_t b) {
    int c = key(a, b);
    if (c == 0) c = hosts[a].hostname.compare(hosts[b].hostname);  // ties: by name, always ascending
    else if (!ascending_) c = -c;
    return c < 0;
  });
  return rows_;
}

void ControlTableModel::setData(std::shared_ptr<const FleetData> fleet) {
  if (fleet == fleet_) return;
  fleet_ = std::move(fleet);
  dirty_ = true;
}

void ControlTableModel::setFilter(const std::string& filterText) {
  auto lowered = text::toLower(text::trim(filterText));
  if (lowered == filter_) return;
  filter_ = std::move(lowered);
  dirty_ = true;
}

void ControlTableModel::setStatusShown(ControlStatus status, bool shown) {
  auto& slot = shown_[static_cast<std::size_t>(status)];
  if (slot == shown) return;
  slot = shown;
  dirty_ = true;
}

void ControlTableModel::setExcluded(const std::set<std::string>& excluded) {
  if (excluded == excluded_) return;
  excluded_ = excluded;
  dirty_ = true;
}

ControlStatus ControlTableModel::status(const ControlRow& control) const {
  return excluded_.count(control.id) ? ControlStatus::NotApplicable : control.status;
}

const std::vector<std::uint32_t>& ControlTableModel::rows() {
  if (!dirty_) return rows_;
  dirty_ = false;
  ++rebuilds_;
  rows_.clear();
  if (!fleet_) return rows_;
  for (std::uint32_t i = 0; i < fleet_->controls.size(); ++i) {
    const auto& c = fleet_->controls[i];
    if (!statusShown(status(c))) continue;
    if (!filter_.empty() && !text::icontains(c.id, filter_) && !text::icontains(c.title, filter_) &&
        !text::icontains(c.theme, filter_) && !text::icontains(c.iso2013Text, filter_))
      continue;
    rows_.push_back(i);
  }
  return rows_;
}

// ---- Findings -------------------------------------------------------------------------------------------------

std::vector<FindingGroup> groupFindings(const Findings& findings, Severity minimum, const std::string& filter) {
  const auto needle = text::toLower(text::trim(filter));
  std::vector<FindingGroup> groups;
  for (const auto& control : findings.controls) {  // already in catalog order
    std::map<Severity, FindingGroup> bySeverity;    // Critical < High < ... : critical first
    for (const auto& check : control.checks) {
      if (check.severity > minimum) continue;
      if (!needle.empty() && !text::icontains(control.id, needle) && !text::icontains(control.title, needle) &&
          !text::icontains(check.check, needle) && !text::icontains(check.title, needle))
        continue;
      auto& g = bySeverity[check.severity];
      if (g.checks.empty()) {
        g.controlId = control.id;
        g.controlTitle = control.title;
        g.theme = control.theme;
        g.severity = check.severity;
        g.firstSeen = check.firstSeen;
      }
      g.hostChecks += check.hosts;
      g.maxHosts = std::max(g.maxHosts, check.hosts);
      if (!check.firstSeen.empty() && (g.firstSeen.empty() || check.firstSeen < g.firstSeen)) g.firstSeen = check.firstSeen;
      g.checks.push_back(check);
    }
    for (auto& [severity, group] : bySeverity) {
      std::sort(group.checks.begin(), group.checks.end(),
                [](const FindingCheck& a, const FindingCheck& b) { return a.hosts > b.hosts || (a.hosts == b.hosts && a.check < b.check); });
      groups.push_back(std::move(group));
    }
  }
  return groups;
}

// ---- Trends ---------------------------------------------------------------------------------------------------

Chart themeTrend(const std::vector<ThemeDay>& history) {
  Chart chart;
  std::set<std::string> days;
  std::vector<std::string> themes;
  for (const auto& d : history) {
    days.insert(d.day);
    if (std::find(themes.begin(), themes.end(), d.theme) == themes.end()) themes.push_back(d.theme);
  }
  chart.days.assign(days.begin(), days.end());
  std::map<std::string, std::size_t> dayIndex;
  for (std::size_t i = 0; i < chart.days.size(); ++i) dayIndex[chart.days[i]] = i;
  for (const auto& theme : themes) chart.series.push_back({theme, std::vector<float>(chart.days.size(), 0.0f)});
  for (const auto& d : history) {
    const auto s = static_cast<std::size_t>(std::find(themes.begin(), themes.end(), d.theme) - themes.begin());
    const int total = d.passing + d.failing + d.partial + d.accepted;  // applicable and evidenced
    chart.series[s].values[dayIndex[d.day]] = total > 0 ? 100.0f * static_cast<float>(d.passing) / static_cast<float>(total) : 0.0f;
  }
  chart.maxValue = 100.0f;
  return chart;
}

Chart controlTrend(const ControlHistory& history) {
  Chart chart;
  Series passing{"hosts passing", {}}, failing{"hosts failing", {}};
  for (const auto& d : history.days) {
    chart.days.push_back(d.day);
    passing.values.push_back(static_cast<float>(d.passing));
    failing.values.push_back(static_cast<float>(d.failing));
    chart.maxValue = std::max({chart.maxValue, passing.values.back(), failing.values.back()});
  }
  chart.series = {std::move(passing), std::move(failing)};
  // Host counts on the axis: whole numbers in four equal steps.
  chart.maxValue = std::max(4.0f, std::ceil(chart.maxValue / 4.0f) * 4.0f);
  return chart;
}

// ---- Host detail ----------------------------------------------------------------------------------------------

std::vector<std::uint32_t> hostResultOrder(const HostDetail& detail) {
  std::vector<std::uint32_t> order(detail.results.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto rank = [](ResultStatus s) {
    switch (s) {
      case ResultStatus::Fail: return 0;
      case ResultStatus::Error: return 1;
      case ResultStatus::Pass: return 2;
      case ResultStatus::NotApplicable: return 3;
    }
    return 4;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& x = detail.results[a];
    const auto& y = detail.results[b];
    if (rank(x.status) != rank(y.status)) return rank(x.status) < rank(y.status);
    if (x.severity != y.severity) return x.severity < y.severity;
    return x.check < y.check;
  });
  return order;
}

}  // namespace annexa::dashboard
