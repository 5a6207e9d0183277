// "Does this service run?": a daemon seen by its processes and systemd units, live or in an offline root. Shared
// by the monitoring, logging, time and backup checks.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "agent/check.hpp"

namespace annexa::agent {

// A service known by its process names (comm or argv[0] basename) and systemd units; unused slots stay empty.
struct DaemonSpec {
  std::string_view name;
  std::array<std::string_view, 4> processes;
  std::array<std::string_view, 4> units;
};

enum class DaemonState { Absent, Enabled, Running };

struct DaemonSighting {
  std::string name;
  DaemonState state = DaemonState::Absent;
  Evidence evidence;
};

// Live: a running process or an active unit is Running, an enabled unit alone is Enabled.
// Offline root: only configuration can be seen, so an enabled unit is Enabled (and nothing is Running).
DaemonSighting observeDaemon(const CheckContext& ctx, const DaemonSpec& spec);
// Whether a sighting shows the service doing its job: running on a live system, enabled in an offline image.
bool isInService(const DaemonSighting& sighting, bool liveSystem);
// The reason processes could not be listed on a live system ("" when they could, or offline).
std::string processListingError(const CheckContext& ctx);
// The first of the paths that exists on the audited system, or "".
std::string firstExisting(const SystemView& system, std::initializer_list<std::string_view> paths);
// "42 min ago", "5 h ago", "3 days ago" for an age in seconds.
std::string describeAge(std::int64_t seconds);

}  // namespace annexa::agent
