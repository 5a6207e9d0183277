#include "agent/checks/check_helpers.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace annexa::agent::checks {

EffectiveSysctl effectiveSysctl(const SysctlValue& value, std::string_view key, bool liveSystem,
                                std::optional<std::string_view> kernelDefault) {
  std::string procPath = "/proc/sys/" + std::string(key);
  std::replace(procPath.begin() + 10, procPath.end(), '.', '/');
  EffectiveSysctl out;
  if (value.live) {
    out.value = value.live;
    out.evidence = {procPath, std::string(key) + " = " + *value.live, ""};
  } else if (!value.liveError.empty()) {
    out.evidence = {procPath, "cannot read the running value: " + value.liveError, ""};
  } else if (!liveSystem && !value.configErrors.empty()) {
    // An unread file could set the key (or override what a readable one sets): nothing can be concluded.
    out.evidence = {"sysctl configuration", "cannot read the boot configuration completely: " +
                                                text::join(value.configErrors, "; "),
                    ""};
  } else if (value.configured) {
    out.value = value.configured;
    out.evidence = {value.configuredIn, std::string(key) + " = " + *value.configured +
                                            (value.order.empty() ? std::string() : " (applied as " + value.order + " does)"),
                    ""};
  } else if (!liveSystem && kernelDefault) {
    out.value = std::string(*kernelDefault);
    out.evidence = {"sysctl configuration", std::string(key) + " not set (kernel default " +
                                                std::string(*kernelDefault) + ")", ""};
  } else {
    out.evidence = {procPath, "cannot read " + procPath + " and no sysctl configuration sets " + std::string(key), ""};
  }
  return out;
}

}  // namespace annexa::agent::checks
