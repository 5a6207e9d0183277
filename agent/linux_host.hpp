// The Linux side of agent/platform.hpp that tests also call with a fixture tree.
#pragma once

#include "agent/config.hpp"
#include "agent/runner.hpp"
#include "agent/system_view.hpp"
#include "common/catalog.hpp"
#include "common/model.hpp"

namespace annexa::agent {

Result<Report> runChecks(const SystemView& system, const AgentConfig& config, const CheckMapping& mapping,
                         const RunOptions& options);

// Hostname, kernel, machine id and os-release of the system (live, or an offline root).
HostInfo collectHostInfo(const SystemView& system);

}  // namespace annexa::agent
