// Kernel hardening checks: ASLR, mandatory access control, core dumps.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/file_probe.hpp"
#include "agent/facts/host_facts.hpp"

namespace annexa::agent::checks {

// kernel.aslr
Outcome evaluateAslr(const SysctlValue& randomizeVaSpace, bool liveSystem);

// kernel.mac_enabled
struct AppArmorProfileCounts {
  int enforce = 0;  // "enforce" and "kill" modes block what the policy denies
  int complain = 0;
  int other = 0;    // unconfined, prompt, …
};
// /sys/kernel/security/apparmor/profiles: one "name (mode)" per line.
AppArmorProfileCounts countAppArmorProfiles(std::string_view profiles);
// /etc/selinux/config: the SELINUX= value (lower case), or nothing when the key is absent.
std::optional<std::string> parseSelinuxMode(std::string_view config);

// The policy shipped in an offline image: /etc/apparmor.d top-level profile files.
struct AppArmorPolicyFiles {
  bool parserInstalled = false;  // apparmor_parser present (the apparmor package)
  int enforce = 0;
  int complain = 0;
  int disabled = 0;  // linked from /etc/apparmor.d/disable
};

struct MacFacts {
  bool liveSystem = true;
  FileProbe apparmorEnabled;   // /sys/module/apparmor/parameters/enabled
  FileProbe apparmorProfiles;  // /sys/kernel/security/apparmor/profiles
  FileProbe selinuxEnforce;    // /sys/fs/selinux/enforce
  // Offline roots without runtime state only:
  FileProbe selinuxConfig;  // /etc/selinux/config
  std::vector<std::string> kernelCmdline;  // configured in /etc/default/grub (apparmor=0, selinux=0, enforcing=0)
  AppArmorPolicyFiles apparmorPolicy;
};
Outcome evaluateMac(const MacFacts& facts);

// kernel.core_dumps_restricted
// The wildcard hard core limit pam_limits applies ("* hard core 0" or "* - core 0"); the last entry wins.
struct CoreLimit {
  std::optional<std::string> value;
  std::string path;  // the file and line that set it
  std::string line;
  std::vector<std::string> unreadable;
};
void applyLimitsConf(std::string_view content, std::string_view path, CoreLimit& limit);

// systemd-coredump's Storage= and ProcessSizeMax= after coredump.conf and its drop-ins.
struct CoredumpConfig {
  std::optional<std::string> storage;
  std::string storageSource;
  std::optional<std::string> processSizeMax;
  std::string processSizeMaxSource;
  std::vector<std::string> unreadable;
};
void applyCoredumpConf(std::string_view content, std::string_view path, CoredumpConfig& config);

struct CoreDumpFacts {
  bool liveSystem = true;
  SysctlValue suidDumpable;
  SysctlValue corePattern;
  CoreLimit limit;
  CoredumpConfig coredump;
};
Outcome evaluateCoreDumps(const CoreDumpFacts& facts);

}  // namespace annexa::agent::checks
