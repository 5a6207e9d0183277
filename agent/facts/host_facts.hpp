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
  SysctlValue() = default;
  SysctlValue(std::optional<std::string> liveValue, std::optional<std::string> configuredValue, std::string file)
      : live(std::move(liveValue)), configured(std::move(configuredValue)), configuredIn(std::move(file)) {}

  std::optional<std::string> live;
  std::optional<std::string> configured;
  std::string configuredIn;  // file (and line) whose setting applies at boot
  std::string liveError;     // /proc/sys/KEY is there but could not be read (unreadable, a directory, …)
  // The boot configuration could not be read completely (an unreadable sysctl.d file, an unlistable directory, or
  // an offline root with no /etc at all): what it sets, or whether it sets anything, is unknown.
  std::vector<std::string> configErrors;
  std::string order;  // how the files were applied: "systemd-sysctl" or "sysctl --system"
};

// One assignment of a sysctl.d file, key in systemd's normalised slash form ("net/ipv4/conf/all/rp_filter").
struct SysctlAssignment {
  std::string key;
  std::optional<std::string> value;  // nullopt: "-key" alone, which only excludes the key from globs
  std::string file;
  int line = 0;
  bool glob = false;  // the key holds *, ? or [
};
// systemd's sysctl_normalize(): when the first separator is '.', dots and slashes swap ("net.ipv4.conf.eth0/1.x" →
// "net/ipv4/conf/eth0.1/x"); leading '/' dropped.
std::string normaliseSysctlKey(std::string_view key);
// sysctl.d syntax as systemd-sysctl parses it: '#'/';' comments, "key = value", "-key = value" (errors ignored),
// "-key" (a glob exclusion); other lines are not assignments.
std::vector<SysctlAssignment> parseSysctlFile(std::string_view content, std::string_view file);
// The value the boot applies to a key: systemd-sysctl (files in name order, a later assignment replaces an earlier
// one, an explicit key always beats a glob, among globs the last wins) or procps `sysctl --system` (the last
// explicit line wins and beats globs; among globs the last wins; "-key" excludes nothing). `key` is normalised.
std::optional<SysctlAssignment> effectiveSysctlAssignment(const std::vector<SysctlAssignment>& ordered,
                                                          std::string_view key, bool systemdSemantics);

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
  // Enabled: linked from a *.wants/ or *.requires/ directory, not masked, and its unit file can be read.
  bool unitEnabled(std::string_view unit);
  // Active right now (live systems only: /run/systemd/units/invocation:UNIT).
  bool unitActive(std::string_view unit) const;

 private:
  const SystemView& system_;
  std::optional<Result<std::vector<ProcessInfo>>> processes_;
  std::optional<Result<PackageDatabase>> packages_;
  struct SysctlConfig {
    std::vector<SysctlAssignment> assignments;  // in the order they are applied
    std::vector<std::string> errors;
    bool systemd = true;
  };
  const SysctlConfig& sysctlConfig();
  std::optional<SysctlConfig> sysctlConfig_;
  std::optional<std::vector<std::string>> wantedUnits_;
};

// Parses dpkg's status file: packages whose Status is "install ok installed".
PackageDatabase parseDpkgStatus(std::string_view statusFile);
// Parses sysctl.conf syntax ("a.b.c = value", "a/b/c=value", leading '-' ignores errors) into key → value
// (keys in dotted form, for display).
std::vector<std::pair<std::string, std::string>> parseSysctlConf(std::string_view content);

}  // namespace annexa::agent
