#include "agent/facts/daemons.hpp"

#include <algorithm>

#include "agent/facts/host_facts.hpp"
#include "common/text.hpp"

namespace annexa::agent {

DaemonSighting observeDaemon(const CheckContext& ctx, const DaemonSpec& spec) {
  DaemonSighting sighting;
  sighting.name = std::string(spec.name);
  if (ctx.system.isLive()) {
    std::vector<std::string_view> names;
    for (const auto name : spec.processes)
      if (!name.empty()) names.push_back(name);
    if (const auto process = names.empty() ? std::nullopt : ctx.facts.findProcess(names)) {
      sighting.state = DaemonState::Running;
      sighting.evidence = {"/proc",
                           "process " + (process->command.empty() ? process->comm : process->command) +
                               " running (pid " + std::to_string(process->pid) + ")",
                           ""};
      return sighting;
    }
    for (const auto unit : spec.units)
      if (!unit.empty() && ctx.facts.unitActive(unit)) {
        sighting.state = DaemonState::Running;
        sighting.evidence = {"/run/systemd/units", std::string(unit) + " active", ""};
        return sighting;
      }
  }
  for (const auto unit : spec.units)
    if (!unit.empty() && ctx.facts.unitEnabled(unit)) {
      sighting.state = DaemonState::Enabled;
      sighting.evidence = {"systemd unit " + std::string(unit),
                           ctx.system.isLive() ? "enabled, but not running"
                                               : "enabled (offline root: configuration only, not seen running)",
                           ""};
      return sighting;
    }
  return sighting;
}

bool isInService(const DaemonSighting& sighting, bool liveSystem) {
  return sighting.state == DaemonState::Running || (!liveSystem && sighting.state == DaemonState::Enabled);
}

std::string processListingError(const CheckContext& ctx) {
  if (!ctx.system.isLive()) return {};
  const auto& processes = ctx.facts.processes();
  return processes ? std::string() : processes.error();
}

std::string firstExisting(const SystemView& system, std::initializer_list<std::string_view> paths) {
  for (const auto path : paths)
    if (system.exists(path)) return std::string(path);
  return {};
}

std::string describeAge(std::int64_t seconds) {
  if (seconds < 0) return "in the future";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + " min ago";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " h ago";
  return std::to_string(seconds / 86400) + " days ago";
}

}  // namespace annexa::agent
