// Kernel hardening checks: ASLR, mandatory access control, core dumps.
#pragma once

#include <string>

#include "agent/check.hpp"
#include "agent/facts/host_facts.hpp"

namespace annexa::agent::checks {

// kernel.aslr
Outcome evaluateAslr(const SysctlValue& randomizeVaSpace, bool liveSystem);

}  // namespace annexa::agent::checks
