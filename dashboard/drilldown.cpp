#include "dashboard/drilldown.hpp"

#include <algorithm>
#include <tuple>

namespace annexa::dashboard {
namespace {

int& bucket(ThemeCounts& t, ControlStatus s) {
  switch (s) {
    case ControlStatus::Passing: return t.passing;
    case ControlStatus::Failing: return t.failing;
    case ControlStatus::Partial: return t.partial;
    case ControlStatus::NotEvidenced: return t.notEvidenced;
    case ControlStatus::NotApplicable: return t.notApplicable;
    case ControlStatus::Accepted: return t.accepted;
  }
  return t.notEvidenced;
}

int& bucket(ThemeDay& d, ControlStatus s) {
  switch (s) {
    case ControlStatus::Passing: return d.passing;
    case ControlStatus::Failing: return d.failing;
    case ControlStatus::Partial: return d.partial;
    case ControlStatus::NotEvidenced: return d.notEvidenced;
    case ControlStatus::NotApplicable: return d.notApplicable;
    case ControlStatus::Accepted: return d.accepted;
  }
  return d.notEvidenced;
}

}  // namespace

// ---- Annex A ---------------------------------------------------------------------------------------------------

DrillRank drillRank(const ControlHost& host, const ResultRow& result) {
  switch (result.status) {
    case ResultStatus::Fail: return DrillRank::Fail;  // a stale host's last failure still counts
    case ResultStatus::Error: return DrillRank::Error;
    case ResultStatus::Pass: return host.stale ? DrillRank::Stale : DrillRank::Pass;
    case ResultStatus::NotApplicable: return host.stale ? DrillRank::Stale : DrillRank::NotApplicable;
  }
  return DrillRank::Error;
}

std::string_view label(DrillRank rank) {
  switch (rank) {
    case DrillRank::Fail: return "FAIL";
    case DrillRank::Error: return "ERROR";
    case DrillRank::Stale: return "STALE";
    case DrillRank::Pass: return "PASS";
    case DrillRank::NotApplicable: return "N/A";
  }
  return "?";
}

void ControlResultModel::setData(std::shared_ptr<const ControlDetail> detail) {
  if (detail == detail_) return;
  const std::string id = detail ? detail->control.id : std::string();
  if (id != controlId_) controlChanged_ = true;
  controlId_ = id;
  detail_ = std::move(detail);
  dirty_ = true;
}

void ControlResultModel::setSort(ControlResultColumn column, bool ascending) {
  if (column == column_ && ascending == ascending_) return;
  column_ = column;
  ascending_ = ascending;
  dirty_ = true;
}

bool ControlResultModel::takeControlChanged() { return std::exchange(controlChanged_, false); }

const std::vector<ResultRef>& ControlResultModel::rows() {
  if (!dirty_) return rows_;
  dirty_ = false;
  ++rebuilds_;
  rows_.clear();
  if (!detail_) return rows_;
  const auto& hosts = detail_->hosts;
  for (std::uint32_t h = 0; h < hosts.size(); ++h)
    for (std::uint32_t r = 0; r < hosts[h].results.size(); ++r) rows_.push_back({h, r});
  const auto host = [&](const ResultRef& x) -> const ControlHost& { return hosts[x.host]; };
  const auto result = [&](const ResultRef& x) -> const ResultRow& { return hosts[x.host].results[x.result]; };
  const auto compare = [&](const ResultRef& a, const ResultRef& b) -> int {  // <0, 0, >0 in the chosen column
    switch (column_) {
      case ControlResultColumn::Host: return host(a).hostname.compare(host(b).hostname);
      case ControlResultColumn::Check: return result(a).check.compare(result(b).check);
      case ControlResultColumn::Severity:
        return static_cast<int>(result(a).severity) - static_cast<int>(result(b).severity);
      case ControlResultColumn::Message: return result(a).message.compare(result(b).message);
      case ControlResultColumn::Status: break;
    }
    return static_cast<int>(drillRank(host(a), result(a))) - static_cast<int>(drillRank(host(b), result(b)));
  };
  std::stable_sort(rows_.begin(), rows_.end(), [&](const ResultRef& a, const ResultRef& b) {
    int c = compare(a, b);
    if (c != 0) return ascending_ ? c < 0 : c > 0;
    // Ties: failures first, then by host and check, always ascending, so the order is stable between refreshes.
    return std::make_tuple(drillRank(host(a), result(a)), std::cref(host(a).hostname), std::cref(result(a).check)) <
           std::make_tuple(drillRank(host(b), result(b)), std::cref(host(b).hostname), std::cref(result(b).check));
  });
  return rows_;
}

std::vector<ResultRef> failingHostsOf(const ControlDetail& detail, const std::string& check) {
  std::vector<ResultRef> out;
  for (std::uint32_t h = 0; h < detail.hosts.size(); ++h)
    for (std::uint32_t r = 0; r < detail.hosts[h].results.size(); ++r) {
      const auto& result = detail.hosts[h].results[r];
      if (result.check == check && result.status == ResultStatus::Fail) out.push_back({h, r});
    }
  std::stable_sort(out.begin(), out.end(), [&](const ResultRef& a, const ResultRef& b) {
    return detail.hosts[a.host].hostname < detail.hosts[b.host].hostname;
  });
  return out;
}

std::string observedText(const ResultRow& result) {
  for (const auto& e : result.evidence)
    if (e.observed != e.expected) return e.observed + "  (want: " + e.expected + ")";
  if (!result.evidence.empty()) return result.evidence.front().observed;
  return result.message;
}

// ---- exceptions ------------------------------------------------------------------------------------------------

ExceptionCover::ExceptionCover(const ExceptionRegister& reg) {
  for (const auto& e : reg.rows)
    if (e.state == ExceptionState::Valid) valid_.push_back(e);
}

const ExceptionRow* ExceptionCover::find(const std::string& hostId, const std::string& check,
                                         const std::string& control) const {
  for (const auto& e : valid_) {
    if (e.scope == "host_check" && e.hostId == hostId && e.check == check) return &e;
    if (e.scope == "check" && e.check == check) return &e;
    if (e.scope == "control" && !control.empty() && e.control == control) return &e;
  }
  return nullptr;
}

const ExceptionRow* ExceptionCover::findForAll(const std::string& hostId, const std::string& check,
                                               const std::vector<std::string>& controls) const {
  if (controls.empty()) return find(hostId, check, "");
  const ExceptionRow* first = nullptr;
  for (const auto& control : controls) {
    const auto* e = find(hostId, check, control);
    if (!e) return nullptr;
    if (!first) first = e;
  }
  return first;
}

const ExceptionRow* ExceptionCover::wholeCheck(const std::string& check, const std::string& control) const {
  for (const auto& e : valid_) {
    if (e.scope == "check" && e.check == check) return &e;
    if (e.scope == "control" && !control.empty() && e.control == control) return &e;
  }
  return nullptr;
}

std::vector<const ExceptionRow*> ExceptionCover::perHost(const std::string& check) const {
  std::vector<const ExceptionRow*> out;
  for (const auto& e : valid_)
    if (e.scope == "host_check" && e.check == check) out.push_back(&e);
  return out;
}

std::string acceptedLabel(const ExceptionRow& exception) {
  return "ACCEPTED (exception #" + std::to_string(exception.id) + ")";
}

// ---- SoA -------------------------------------------------------------------------------------------------------

std::set<std::string> excludedControls(const SoaRegister& soa) {
  std::set<std::string> out;
  for (const auto& r : soa.rows)
    if (!r.applicable) out.insert(r.control);
  return out;
}

ControlStatus shownStatus(const ControlRow& control, const std::set<std::string>& excluded) {
  return excluded.count(control.id) ? ControlStatus::NotApplicable : control.status;
}

std::vector<ThemeCounts> themesWithExclusions(const FleetData& fleet, const std::set<std::string>& excluded) {
  auto themes = fleet.themes;
  if (excluded.empty()) return themes;
  for (const auto& c : fleet.controls) {
    if (!excluded.count(c.id) || c.status == ControlStatus::NotApplicable) continue;
    for (auto& t : themes) {
      if (t.theme != c.theme) continue;
      auto& from = bucket(t, c.status);
      if (from > 0) --from;
      ++t.notApplicable;
    }
  }
  return themes;
}

void applyExclusions(std::vector<ThemeDay>& history, const std::vector<ControlHistory>& excludedSeries,
                     const std::vector<ControlRow>& controls) {
  for (const auto& series : excludedSeries) {
    const auto control = std::find_if(controls.begin(), controls.end(),
                                      [&](const ControlRow& c) { return c.id == series.controlId; });
    if (control == controls.end()) continue;
    for (const auto& day : series.days) {
      if (day.status == ControlStatus::NotApplicable) continue;
      for (auto& d : history) {
        if (d.day != day.day || d.theme != control->theme) continue;
        auto& from = bucket(d, day.status);
        if (from > 0) {
          --from;
          ++d.notApplicable;
        }
      }
    }
  }
}

}  // namespace annexa::dashboard
