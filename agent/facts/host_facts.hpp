// Facts several checks share, gathered once per run on first use: processes, packages, systemd units, sysctl.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"
#include "common/result.hpp"

namespace annexa::agent {

struct ProcessInfo {
  int pid = 0;
  std::string comm;     // /proc/PID/comm (kernel-truncated to 15 chars)
  std::string command;  // basename of argv[0] from /proc/PID/cmdline
  std::string cmdline;  // argv joined by spaces
};

struct PackageDatabase {
  std::string source;  // "/var/lib/dpkg/status" or "rpm"
  std::map<std::string, std::string, std::less<>> versions;  // installed package → version
  bool installed(std::string_view name) const { return versions.find(name) != versions.end(); }
};

// A kernel parameter: the running value (/proc/sys) and what the persistent config sets.
struct SysctlValue {
  std::optional<std::string> live;
  std::optional<std::string> configured;
  std::string configuredIn;  // file that sets it last
};

class HostFacts {
 public:
  explicit HostFacts(const SystemView& system) : system_(system) {}

  const Result<std::vector<ProcessInfo>>& processes();
  // First running process whose comm or argv[0] basename is one of the names.
  std::optional<ProcessInfo> findProcess(const std::vector<std::string_view>& names);

  const Result<PackageDatabase>& packages();

  SysctlValue sysctl(std::string_view key);

  // systemd: a unit file exists in one of the unit directories.
  bool unitExists(std::string_view unit) const;
  // Enabled: linked from a *.wants/ or *.requires/ directory and not masked.
  bool unitEnabled(std::string_view unit);
  // Active right now (live systems only: /run/systemd/units/invocation:UNIT).
  bool unitActive(std::string_view unit) const;

 private:
  const SystemView& system_;
  std::optional<Result<std::vector<ProcessInfo>>> processes_;
  std::optional<Result<PackageDatabase>> packages_;
  std::optional<std::map<std::string, std::pair<std::string, std::string>, std::less<>>> sysctlConfig_;
  std::optional<std::vector<std::string>> wantedUnits_;
};

// Parses dpkg's status file: packages whose Status is "install ok installed".
PackageDatabase parseDpkgStatus(std::string_view statusFile);
// Parses sysctl.conf syntax ("a.b.c = value", "a/b/c=value", leading '-' ignores errors) into key → value.
std::vector<std::pair<std::string, std::string>> parseSysctlConf(std::string_view content);

}  // namespace annexa::agent
