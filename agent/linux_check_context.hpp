// What a Linux probe may use. `now` is the run's start (seconds since the epoch), fixed so age checks are testable.
#pragma once

#include <cstdint>

#include "agent/config.hpp"
#include "agent/system_view.hpp"

namespace annexa::agent {

class HostFacts;

struct CheckContext {
  const SystemView& system;
  const AgentConfig& config;
  HostFacts& facts;
  std::int64_t now;
};

}  // namespace annexa::agent
