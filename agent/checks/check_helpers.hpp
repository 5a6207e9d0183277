// Small helpers shared by check implementations (not by probes of other layers).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/facts/host_facts.hpp"
#include "common/model.hpp"

namespace annexa::agent::checks {

struct EffectiveSysctl {
  std::optional<std::string> value;  // empty when it could not be determined (evidence.observed says why)
  Evidence evidence;
};

// The value a kernel parameter has: the running value on a live system; for an offline root the persistent
// configuration, or the kernel default when nothing sets it.
EffectiveSysctl effectiveSysctl(const SysctlValue& value, std::string_view key, bool liveSystem,
                                std::optional<std::string_view> kernelDefault);

}  // namespace annexa::agent::checks
