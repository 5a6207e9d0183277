// What a Windows probe may use: the WindowsView (registry, account and audit policy, services, volumes), the agent
// config and the run's start `now` (seconds since the epoch), fixed so age checks are testable.
#pragma once

#include <cstdint>

#include "agent/config.hpp"
#include "agent/windows/windows_view.hpp"

namespace annexa::agent {

struct CheckContext {
  const WindowsView& windows;
  const AgentConfig& config;
  std::int64_t now;
};

}  // namespace annexa::agent
