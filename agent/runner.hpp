// Runs the registered checks and assembles an annexa.report/1 report.
#pragma once

#include <string>
#include <vector>

#include "agent/check.hpp"
#include "common/catalog.hpp"
#include "common/model.hpp"

namespace annexa::agent {

struct RunOptions {
  std::vector<std::string> onlyChecks;  // empty: all enabled checks
};

// Unknown ids in `only` are reported as an error (a typo must not silently run nothing).
Result<std::vector<const CheckDefinition*>> selectChecks(const AgentConfig& config, const RunOptions& options);

// Runs one check; an exception escaping a check becomes an `error` result, never a crash of the run.
CheckResult runCheck(const CheckDefinition& check, CheckContext& context, const CheckMapping& mapping);
// Text from the system that is not UTF-8 (a Latin-1 path, a binary file) written as "\\xNN", with an evidence
// line saying so: a report must always serialise. True when something was rewritten.
bool makeUtf8(CheckResult& result);

// Runs `checks` with the platform's context into a report about `host` (id, times, duration filled in).
Report runSelectedChecks(HostInfo host, const std::vector<const CheckDefinition*>& checks, CheckContext& context,
                         const CheckMapping& mapping);
// A run's `now` for CheckContext: the wall clock in seconds since the epoch.
std::int64_t runStartSeconds();

}  // namespace annexa::agent
