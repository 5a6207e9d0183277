#include "collector/posture/posture.hpp"

#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace annexa::collector {
namespace {

// A host's standing on one control, from the worst of its mapped check results.
enum class HostStanding : std::uint8_t { None, NotApplicable, Pass, Accepted, Error, Fail };

HostStanding standingOf(CheckStatus status) {
  switch (status) {
    case CheckStatus::Pass: return HostStanding::Pass;
    case CheckStatus::Fail: return HostStanding::Fail;
    case CheckStatus::Error: return HostStanding::Error;
    case CheckStatus::NotApplicable: return HostStanding::NotApplicable;
  }
  return HostStanding::Error;
}

ControlStatus decide(const ControlPosture& c) {
  if (c.checks.empty()) return ControlStatus::NotEvidenced;
  if (c.hostsFailing > 0) return ControlStatus::Failing;
  if (c.hostsError > 0 || c.hostsStale > 0) return ControlStatus::Partial;
  if (c.hostsAccepted > 0) return ControlStatus::Accepted;
  if (c.hostsPassing > 0) return ControlStatus::Passing;
  if (c.hostsNotApplicable > 0) return ControlStatus::NotApplicable;
  return ControlStatus::NotEvidenced;  // mapped checks, but no host has reported them
}

}  // namespace

std::string_view toString(ControlStatus status) {
  switch (status) {
    case ControlStatus::Passing: return "passing";
    case ControlStatus::Failing: return "failing";
    case ControlStatus::Partial: return "partial";
    case ControlStatus::NotEvidenced: return "not_evidenced";
    case ControlStatus::NotApplicable: return "not_applicable";
    case ControlStatus::Accepted: return "accepted";
  }
  return "not_evidenced";
}

bool isStale(const AgentRecord& agent, std::int64_t now) {
  if (!agent.lastSeen) return true;
  return now - *agent.lastSeen > 2 * std::max<std::int64_t>(agent.intervalSeconds, 60);
}

FleetPosture computePosture(const Catalog& catalog, const CheckMapping& mapping, const std::vector<AgentRecord>& agents,
                            const std::vector<StatusRow>& statuses, std::int64_t now, const AcceptedFailure& accepted) {
  FleetPosture posture;
  posture.computedAt = now;
  const auto& controls = catalog.controls();
  posture.controls.resize(controls.size());

  std::unordered_map<std::string, std::size_t> controlIndex;
  for (std::size_t i = 0; i < controls.size(); ++i) {
    controlIndex.emplace(controls[i].id, i);
    posture.controls[i].control = &controls[i];
  }
  std::unordered_map<std::string, std::vector<std::size_t>> checkControls;
  for (const auto& [check, ids] : mapping.entries()) {
    for (const auto& id : ids) {
      const auto it = controlIndex.find(id);
      if (it == controlIndex.end()) continue;
      checkControls[check].push_back(it->second);
      posture.controls[it->second].checks.push_back(check);
    }
  }

  std::unordered_map<std::string, std::size_t> hostIndex;
  std::vector<bool> stale;
  for (const auto& agent : agents) {
    if (agent.revokedAt) continue;
    hostIndex.emplace(agent.id, stale.size());
    stale.push_back(isStale(agent, now));
  }
  posture.hostsTotal = static_cast<int>(stale.size());
  for (const bool s : stale) posture.hostsStale += s ? 1 : 0;

  // hosts × controls standings, worst result wins.
  std::vector<HostStanding> standing(stale.size() * controls.size(), HostStanding::None);
  for (const auto& row : statuses) {
    const auto host = hostIndex.find(row.agentId);
    const auto mapped = checkControls.find(row.checkId);
    if (host == hostIndex.end() || mapped == checkControls.end()) continue;
    for (const auto c : mapped->second) {
      HostStanding s = standingOf(row.status);
      if (s == HostStanding::Fail && accepted && accepted(row, controls[c].id)) s = HostStanding::Accepted;
      auto& cell = standing[host->second * controls.size() + c];
      if (s > cell) cell = s;
    }
  }
  for (std::size_t h = 0; h < stale.size(); ++h) {
    for (std::size_t c = 0; c < controls.size(); ++c) {
      const auto s = standing[h * controls.size() + c];
      auto& control = posture.controls[c];
      if (s == HostStanding::None) continue;
      if (stale[h]) {
        // Its last failures still stand; anything better is no longer known to hold.
        if (s == HostStanding::Fail) {
          ++control.hostsFailing;
          ++control.hostsFailingStale;
        } else if (s == HostStanding::Accepted) {
          ++control.hostsAccepted;
          ++control.hostsAcceptedStale;
        } else {
          ++control.hostsStale;
        }
        continue;
      }
      switch (s) {
        case HostStanding::Pass: ++control.hostsPassing; break;
        case HostStanding::Fail: ++control.hostsFailing; break;
        case HostStanding::Error: ++control.hostsError; break;
        case HostStanding::NotApplicable: ++control.hostsNotApplicable; break;
        case HostStanding::Accepted: ++control.hostsAccepted; break;
        case HostStanding::None: break;
      }
    }
  }

  for (auto& control : posture.controls) control.status = decide(control);
  summariseThemes(posture);
  return posture;
}

void summariseThemes(FleetPosture& posture) {
  posture.themes.clear();
  for (const auto& theme : Catalog::themes()) posture.themes.push_back({theme});
  for (const auto& control : posture.controls) {
    for (auto& theme : posture.themes) {
      if (theme.theme != control.control->theme) continue;
      switch (control.status) {
        case ControlStatus::Passing: ++theme.passing; break;
        case ControlStatus::Failing: ++theme.failing; break;
        case ControlStatus::Partial: ++theme.partial; break;
        case ControlStatus::NotEvidenced: ++theme.notEvidenced; break;
        case ControlStatus::NotApplicable: ++theme.notApplicable; break;
        case ControlStatus::Accepted: ++theme.accepted; break;
      }
    }
  }
}

std::vector<DailyPostureRow> dailyPostureRows(const FleetPosture& posture, const std::string& day) {
  std::vector<DailyPostureRow> rows;
  rows.reserve(posture.controls.size());
  for (const auto& c : posture.controls)
    rows.push_back({day, c.control->id, std::string(toString(c.status)), c.hostsPassing, c.hostsFailing, c.hostsError,
                    c.hostsStale});
  return rows;
}

nlohmann::json toJson(const ControlPosture& c) {
  return {{"id", c.control->id},
          {"theme", c.control->theme},
          {"title", c.control->title},
          {"iso2013", c.control->iso2013},
          {"status", toString(c.status)},
          {"checks", c.checks},
          {"hosts", {{"passing", c.hostsPassing},
                     {"failing", c.hostsFailing},
                     {"failing_stale", c.hostsFailingStale},
                     {"error", c.hostsError},
                     {"stale", c.hostsStale},
                     {"not_applicable", c.hostsNotApplicable},
                     {"accepted", c.hostsAccepted},
                     {"accepted_stale", c.hostsAcceptedStale}}}};
}

nlohmann::json toJson(const FleetPosture& posture) {
  auto themes = nlohmann::json::array();
  nlohmann::json totals = {{"passing", 0},        {"failing", 0},        {"partial", 0},
                           {"not_evidenced", 0},  {"not_applicable", 0}, {"accepted", 0}};
  for (const auto& t : posture.themes) {
    themes.push_back({{"theme", t.theme},
                      {"passing", t.passing},
                      {"failing", t.failing},
                      {"partial", t.partial},
                      {"not_evidenced", t.notEvidenced},
                      {"not_applicable", t.notApplicable},
                      {"accepted", t.accepted}});
    totals["passing"] = totals["passing"].get<int>() + t.passing;
    totals["failing"] = totals["failing"].get<int>() + t.failing;
    totals["partial"] = totals["partial"].get<int>() + t.partial;
    totals["not_evidenced"] = totals["not_evidenced"].get<int>() + t.notEvidenced;
    totals["not_applicable"] = totals["not_applicable"].get<int>() + t.notApplicable;
    totals["accepted"] = totals["accepted"].get<int>() + t.accepted;
  }
  auto controls = nlohmann::json::array();
  for (const auto& c : posture.controls) controls.push_back(toJson(c));
  return {{"computed_at", formatRfc3339(posture.computedAt)},
          {"summary", {{"hosts", {{"total", posture.hostsTotal},
                                  {"online", posture.hostsTotal - posture.hostsStale},
                                  {"stale", posture.hostsStale}}},
                       {"controls", totals},
                       {"themes", themes}}},
          {"controls", controls}};
}

}  // namespace annexa::collector
