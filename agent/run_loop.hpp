// `annexa-agent run`: the scheduled loop of check, spool and deliver.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "agent/enrollment.hpp"
#include "agent/spool.hpp"

namespace annexa::agent {

struct RunLoopOptions {
  StateDir state;
  std::optional<std::string> configPath;
  std::optional<std::int64_t> intervalSeconds;
  bool once = false;
  std::chrono::seconds backoffCap{3600};
  SpoolLimits spoolLimits;
};

// `annexa-agent run`: check, spool, deliver; repeat on the interval (±10 % jitter) until a stop request (agent/platform.hpp).
// Returns the exit code (with --once: 0 delivered, 1 spooled but not delivered, 2 fatal).
int runAgentLoop(const RunLoopOptions& options, std::ostream& out, std::ostream& err);

}  // namespace annexa::agent
