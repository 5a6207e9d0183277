#include "agent/checks/kernel.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>

#include "agent/facts/grub.hpp"
#include "agent/checks/check_helpers.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

// ---- kernel.aslr -------------------------------------------------------------------------------------------------

Outcome evaluateAslr(const SysctlValue& value, bool liveSystem) {
  const std::string expected = "2 (full randomisation: stack, mmap, heap)";
  const auto observed = effectiveSysctl(value, "kernel.randomize_va_space", liveSystem, "2");
  if (!observed.value) return Outcome::error(observed.evidence.observed, {observed.evidence});
  Evidence evidence = observed.evidence;
  evidence.expected = expected;
  if (*observed.value == "2") return Outcome::pass("Full address space layout randomisation is on", {evidence});
  return Outcome::fail("kernel.randomize_va_space is " + *observed.value + "; memory layout is predictable to exploits",
                       {evidence});
}

// ---- kernel.mac_enabled ------------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kAppArmorEnabledPath = "/sys/module/apparmor/parameters/enabled";
constexpr std::string_view kAppArmorProfilesPath = "/sys/kernel/security/apparmor/profiles";
constexpr std::string_view kSelinuxEnforcePath = "/sys/fs/selinux/enforce";
constexpr std::string_view kSelinuxConfigPath = "/etc/selinux/config";
constexpr std::string_view kEnforceExpected = "at least one profile in enforce mode";

// One LSM's verdict; the check passes when any LSM enforces.
struct LsmVerdict {
  enum class State { Absent, Enforcing, NotEnforcing, Unknown };
  State state = State::Absent;
  std::string summary;
  std::vector<Evidence> evidence;
};
using LsmState = LsmVerdict::State;

std::string unreadableText(const FileProbe& probe) { return "unreadable: " + probe.text; }

LsmVerdict appArmorRuntime(const MacFacts& facts) {
  const std::string enabledPath(kAppArmorEnabledPath);
  const std::string profilesPath(kAppArmorProfilesPath);
  if (facts.apparmorEnabled.isMissing())
    return {LsmState::Absent, "AppArmor is not in the running kernel",
            {{enabledPath, "missing (AppArmor not built in)", "Y"}}};
  if (facts.apparmorEnabled.isUnreadable())
    return {LsmState::Unknown, "cannot read " + enabledPath + ": " + facts.apparmorEnabled.text,
            {{enabledPath, unreadableText(facts.apparmorEnabled), "Y"}}};
  const std::string enabled(text::trim(facts.apparmorEnabled.text));
  if (enabled != "Y")
    return {LsmState::NotEnforcing, "AppArmor is disabled (enabled = " + enabled + ")",
            {{enabledPath, "enabled = " + enabled, "Y"}}};
  Evidence enabledEvidence{enabledPath, "Y", "Y"};
  if (facts.apparmorProfiles.isMissing())
    return {LsmState::Unknown,
            "AppArmor is enabled but its profiles cannot be read: securityfs is not mounted at /sys/kernel/security",
            {enabledEvidence, {profilesPath, "missing (securityfs not mounted)", std::string(kEnforceExpected)}}};
  if (facts.apparmorProfiles.isUnreadable())
    return {LsmState::Unknown, "AppArmor is enabled but its profiles cannot be read (" + facts.apparmorProfiles.text +
                                   "); run the agent as root",
            {enabledEvidence, {profilesPath, unreadableText(facts.apparmorProfiles), std::string(kEnforceExpected)}}};
  const auto counts = countAppArmorProfiles(facts.apparmorProfiles.text);
  Evidence profilesEvidence{profilesPath,
                            std::to_string(counts.enforce) + " enforce, " + std::to_string(counts.complain) +
                                " complain, " + std::to_string(counts.other) + " other",
                            std::string(kEnforceExpected)};
  const std::string complainNote =
      counts.complain ? " (" + std::to_string(counts.complain) + " more only in complain mode)" : "";
  if (counts.enforce > 0)
    return {LsmState::Enforcing, "AppArmor enforces " + std::to_string(counts.enforce) + " profiles" + complainNote,
            {enabledEvidence, profilesEvidence}};
  return {LsmState::NotEnforcing, "AppArmor is enabled but no profile is in enforce mode" + complainNote,
          {enabledEvidence, profilesEvidence}};
}

LsmVerdict selinuxRuntime(const MacFacts& facts) {
  const std::string path(kSelinuxEnforcePath);
  if (facts.selinuxEnforce.isMissing())
    return {LsmState::Absent, "SELinux is not active", {{path, "missing (selinuxfs not mounted)", "1"}}};
  if (facts.selinuxEnforce.isUnreadable())
    return {LsmState::Unknown, "cannot read " + path + ": " + facts.selinuxEnforce.text,
            {{path, unreadableText(facts.selinuxEnforce), "1"}}};
  const std::string value(text::trim(facts.selinuxEnforce.text));
  Evidence evidence{path, "enforce = " + value, "1"};
  if (value == "1") return {LsmState::Enforcing, "SELinux is enforcing", {evidence}};
  if (value == "0") return {LsmState::NotEnforcing, "SELinux is only permissive", {evidence}};
  return {LsmState::Unknown, "unexpected value in " + path + ": " + text::truncate(value, 40), {evidence}};
}

LsmVerdict selinuxOffline(const MacFacts& facts) {
  const std::string path(kSelinuxConfigPath);
  if (facts.selinuxConfig.isMissing())
    return {LsmState::Absent, "SELinux is not configured", {{path, "missing", "SELINUX=enforcing"}}};
  if (facts.selinuxConfig.isUnreadable())
    return {LsmState::Unknown, "cannot read " + path + ": " + facts.selinuxConfig.text,
            {{path, unreadableText(facts.selinuxConfig), "SELINUX=enforcing"}}};
  const auto mode = parseSelinuxMode(facts.selinuxConfig.text);
  Evidence evidence{path, mode ? "SELINUX=" + *mode : "no SELINUX= setting", "SELINUX=enforcing"};
  if (mode != "enforcing")
    return {LsmState::NotEnforcing, "SELinux is configured as " + mode.value_or("unset"), {evidence}};
  const auto& cmdline = facts.kernelCmdline;
  const bool disabled = std::find(cmdline.begin(), cmdline.end(), "selinux=0") != cmdline.end();
  const bool permissive = std::find(cmdline.begin(), cmdline.end(), "enforcing=0") != cmdline.end();
  if (disabled || permissive)
    return {LsmState::NotEnforcing,
            std::string("SELinux is configured enforcing but the kernel command line sets ") +
                (disabled ? "selinux=0" : "enforcing=0"),
            {evidence, {"/etc/default/grub", disabled ? "selinux=0" : "enforcing=0", "neither selinux=0 nor enforcing=0"}}};
  return {LsmState::Enforcing, "SELinux is configured to enforce at boot", {evidence}};
}

LsmVerdict appArmorOffline(const MacFacts& facts) {
  const auto& policy = facts.apparmorPolicy;
  if (!policy.parserInstalled)
    return {LsmState::Absent, "AppArmor is not installed",
            {{"/sbin/apparmor_parser", "missing (apparmor package not installed)", "installed"}}};
  const auto& cmdline = facts.kernelCmdline;
  if (std::find(cmdline.begin(), cmdline.end(), "apparmor=0") != cmdline.end())
    return {LsmState::NotEnforcing, "AppArmor is disabled on the kernel command line (apparmor=0)",
            {{"/etc/default/grub", "apparmor=0", "AppArmor not disabled"}}};
  Evidence evidence{"/etc/apparmor.d",
                    std::to_string(policy.enforce) + " enforce, " + std::to_string(policy.complain) + " complain, " +
                        std::to_string(policy.disabled) + " disabled profile files",
                    std::string(kEnforceExpected)};
  if (policy.enforce > 0)
    return {LsmState::Enforcing,
            "the image's AppArmor policy loads " + std::to_string(policy.enforce) + " profiles in enforce mode at boot",
            {evidence}};
  return {LsmState::NotEnforcing, "the image's AppArmor policy has no profile in enforce mode", {evidence}};
}

std::string joinSummaries(const std::vector<LsmVerdict>& verdicts, LsmState state) {
  std::vector<std::string> parts;
  for (const auto& v : verdicts)
    if (v.state == state) parts.push_back(v.summary);
  return text::join(parts, "; ");
}

// The mode of a "name (mode)" line of the AppArmor profiles file.
std::string_view profileMode(std::string_view line) {
  line = text::trim(line);
  if (line.empty() || line.back() != ')') return {};
  const auto open = line.rfind('(');
  if (open == std::string_view::npos) return {};
  return line.substr(open + 1, line.size() - open - 2);
}

}  // namespace

AppArmorProfileCounts countAppArmorProfiles(std::string_view profiles) {
  AppArmorProfileCounts counts;
  for (const auto line : text::lines(profiles)) {
    if (text::trim(line).empty()) continue;
    const auto mode = profileMode(line);
    if (mode == "enforce" || mode == "kill") ++counts.enforce;
    else if (mode == "complain") ++counts.complain;
    else ++counts.other;
  }
  return counts;
}

std::optional<std::string> parseSelinuxMode(std::string_view config) {
  std::optional<std::string> mode;
  for (const auto raw : text::lines(config)) {
    const auto line = text::stripComment(raw);
    if (!text::startsWith(line, "SELINUX=")) continue;
    auto value = text::trim(line.substr(8));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
    mode = text::toLower(value);
  }
  return mode;
}

Outcome evaluateMac(const MacFacts& facts) {
  // Runtime state is authoritative; an offline image without sys/ is judged by what it would boot with.
  const bool runtime = facts.liveSystem || !facts.apparmorEnabled.isMissing() || !facts.selinuxEnforce.isMissing();
  const std::vector<LsmVerdict> verdicts = runtime
                                               ? std::vector<LsmVerdict>{appArmorRuntime(facts), selinuxRuntime(facts)}
                                               : std::vector<LsmVerdict>{appArmorOffline(facts), selinuxOffline(facts)};
  std::vector<Evidence> evidence;
  for (const auto& v : verdicts) evidence.insert(evidence.end(), v.evidence.begin(), v.evidence.end());
  const auto any = [&](LsmState state) {
    return std::any_of(verdicts.begin(), verdicts.end(), [&](const LsmVerdict& v) { return v.state == state; });
  };
  if (any(LsmState::Enforcing)) return Outcome::pass(joinSummaries(verdicts, LsmState::Enforcing), evidence);
  if (any(LsmState::Unknown)) return Outcome::error(joinSummaries(verdicts, LsmState::Unknown), evidence);
  if (any(LsmState::NotEnforcing)) return Outcome::fail(joinSummaries(verdicts, LsmState::NotEnforcing), evidence);
  return Outcome::fail("No mandatory access control is active: neither AppArmor nor SELinux is " +
                           std::string(runtime ? "running" : "configured"),
                       evidence);
}

// ---- kernel.core_dumps_restricted --------------------------------------------------------------------------------

namespace {

enum class DumpRoute { File, Discarded, SystemdCoredump, OtherHandler };

DumpRoute classifyCorePattern(std::string_view pattern) {
  pattern = text::trim(pattern);
  if (pattern.empty() || pattern.front() != '|') return DumpRoute::File;
  const auto words = text::splitWords(pattern.substr(1));
  const std::string program = words.empty() ? std::string() : words.front();
  const auto base = baseName(program);
  if (base == "false" || base == "true") return DumpRoute::Discarded;
  if (text::contains(program, "systemd-coredump")) return DumpRoute::SystemdCoredump;
  return DumpRoute::OtherHandler;
}

// ProcessSizeMax takes sizes with units ("0", "0B", "2G"): only a zero size disables processing.
bool isZeroSize(std::string_view value) {
  value = text::trim(value);
  while (!value.empty() && std::isalpha(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  long long number = -1;
  return text::parseInt(value, number) && number == 0;
}

Evidence limitEvidence(const CoreLimit& limit) {
  std::string observed = limit.value ? limit.line : "no wildcard hard core limit (hard limit unlimited)";
  if (!limit.unreadable.empty()) observed += "; unreadable: " + text::join(limit.unreadable, ", ");
  return {limit.value ? limit.path : "/etc/security/limits.conf, /etc/security/limits.d/*.conf", observed,
          "* hard core 0"};
}

Evidence coredumpEvidence(const CoredumpConfig& config) {
  std::string observed = "Storage=" + (config.storage ? *config.storage + " (" + config.storageSource + ")"
                                                      : std::string("external (default)"));
  observed += ", ProcessSizeMax=" + (config.processSizeMax
                                         ? *config.processSizeMax + " (" + config.processSizeMaxSource + ")"
                                         : std::string("not set (default: cores are processed)"));
  if (!config.unreadable.empty()) observed += "; unreadable: " + text::join(config.unreadable, ", ");
  return {"/etc/systemd/coredump.conf(.d)", observed, "Storage=none and ProcessSizeMax=0"};
}

}  // namespace

void applyLimitsConf(std::string_view content, std::string_view path, CoreLimit& limit) {
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    const auto fields = text::splitWords(line);
    if (fields.size() < 4 || fields[0] != "*" || fields[2] != "core") continue;
    if (fields[1] != "hard" && fields[1] != "-") continue;
    limit.value = fields[3];
    limit.path = std::string(path);
    limit.line = std::string(line);
  }
}

void applyCoredumpConf(std::string_view content, std::string_view path, CoredumpConfig& config) {
  bool inCoredump = false;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      inCoredump = line == "[Coredump]";
      continue;
    }
    const auto eq = line.find('=');
    if (!inCoredump || eq == std::string_view::npos) continue;
    const auto key = text::trim(line.substr(0, eq));
    const std::string value(text::trim(line.substr(eq + 1)));
    if (key == "Storage") {
      config.storage = value;
      config.storageSource = std::string(path);
    } else if (key == "ProcessSizeMax") {
      config.processSizeMax = value;
      config.processSizeMaxSource = std::string(path);
    }
  }
}

Outcome evaluateCoreDumps(const CoreDumpFacts& facts) {
  auto suid = effectiveSysctl(facts.suidDumpable, "fs.suid_dumpable", facts.liveSystem, "0");
  if (!suid.value) return Outcome::error(suid.evidence.observed, {suid.evidence});
  suid.evidence.expected = "0 (set-uid programs never dump core)";
  auto pattern = effectiveSysctl(facts.corePattern, "kernel.core_pattern", facts.liveSystem, "core");
  if (!pattern.value) return Outcome::error(pattern.evidence.observed, {suid.evidence, pattern.evidence});
  pattern.evidence.expected = "|/bin/false, or a destination bound by a zero hard core limit";

  std::vector<Evidence> evidence{suid.evidence, pattern.evidence};
  const bool limitZero = facts.limit.value == "0";
  const bool limitUnknown = !limitZero && !facts.limit.unreadable.empty();
  bool restricted = false;
  bool unknown = false;
  std::string how;
  switch (classifyCorePattern(*pattern.value)) {
    case DumpRoute::Discarded:
      restricted = true;
      how = "core_pattern discards every core dump";
      break;
    case DumpRoute::SystemdCoredump: {
      evidence.push_back(coredumpEvidence(facts.coredump));
      evidence.push_back(limitEvidence(facts.limit));
      const bool storageNone = facts.coredump.storage && text::iequals(*facts.coredump.storage, "none");
      const bool noProcessing = facts.coredump.processSizeMax && isZeroSize(*facts.coredump.processSizeMax);
      if (storageNone && noProcessing) {
        restricted = true;
        how = "systemd-coredump neither stores nor processes core dumps";
      } else if (limitZero) {
        restricted = true;  // systemd-coredump honours the crashing process's core limit
        how = "the hard core limit 0 stops systemd-coredump from storing core dumps";
      } else if (limitUnknown || !facts.coredump.unreadable.empty()) {
        unknown = true;
        how = "cannot read all of the core limit and systemd-coredump configuration";
      } else {
        how = "systemd-coredump keeps core dumps (Storage=" + facts.coredump.storage.value_or("external") +
              ") and no hard core limit of 0 applies";
      }
      break;
    }
    case DumpRoute::File:
      evidence.push_back(limitEvidence(facts.limit));
      restricted = limitZero;
      unknown = limitUnknown;
      how = limitZero ? "a hard core limit of 0 stops core files"
                      : (limitUnknown ? "cannot read all pam_limits files"
                                      : "core files are written with no hard core limit of 0");
      break;
    case DumpRoute::OtherHandler: {
      evidence.push_back(limitEvidence(facts.limit));
      // The kernel does not apply the core limit to pipe handlers; whether one keeps the dump is its own business.
      const auto words = text::splitWords(text::trim(*pattern.value).substr(1));
      how = "core dumps are piped to " + (words.empty() ? std::string("an empty handler") : words.front()) +
            ", which the core limit does not bind";
      break;
    }
  }
  if (*suid.value != "0")
    return Outcome::fail("fs.suid_dumpable is " + *suid.value + ": set-uid programs may dump privileged memory; " + how,
                         evidence);
  if (restricted) return Outcome::pass("Core dumps are restricted: fs.suid_dumpable is 0 and " + how, evidence);
  if (unknown) return Outcome::error("Core dump restriction cannot be determined: " + how, evidence);
  return Outcome::fail("Core dumps are not restricted: " + how, evidence);
}

// ---- probes and registration -------------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxPolicyFiles = 500;

AppArmorPolicyFiles probeAppArmorPolicy(const SystemView& system) {
  AppArmorPolicyFiles policy;
  policy.parserInstalled = system.exists("/sbin/apparmor_parser") || system.exists("/usr/sbin/apparmor_parser");
  if (!policy.parserInstalled) return policy;
  const auto names = system.listDirectory("/etc/apparmor.d");
  if (!names) return policy;
  std::size_t seen = 0;
  for (const auto& name : *names) {
    if (name.front() == '.' || text::contains(name, ".dpkg-") || name.back() == '~' || name == "README") continue;
    const std::string path = joinPath("/etc/apparmor.d", name);
    if (!system.isRegularFile(path) || ++seen > kMaxPolicyFiles) continue;
    const auto content = system.readFile(path, 256 * 1024);
    if (!content || !text::contains(*content, "{")) continue;  // not a profile
    if (system.exists(joinPath("/etc/apparmor.d/disable", name))) {
      ++policy.disabled;
      continue;
    }
    bool complain = system.exists(joinPath("/etc/apparmor.d/force-complain", name));
    for (const auto line : text::lines(*content))
      if (text::contains(line, "flags=") && text::contains(line, "complain")) complain = true;
    complain ? ++policy.complain : ++policy.enforce;
  }
  return policy;
}

Outcome runMac(const CheckContext& ctx) {
  const auto& system = ctx.system;
  MacFacts facts;
  facts.liveSystem = system.isLive();
  facts.apparmorEnabled = probeFile(system, kAppArmorEnabledPath, 64);
  if (facts.apparmorEnabled.isRead()) facts.apparmorProfiles = probeFile(system, kAppArmorProfilesPath);
  facts.selinuxEnforce = probeFile(system, kSelinuxEnforcePath, 64);
  if (!facts.liveSystem && facts.apparmorEnabled.isMissing() && facts.selinuxEnforce.isMissing()) {
    facts.selinuxConfig = probeFile(system, kSelinuxConfigPath);
    facts.kernelCmdline = readDefaultGrubCmdline(system).words;
    facts.apparmorPolicy = probeAppArmorPolicy(system);
  }
  return evaluateMac(facts);
}

// Directories of a systemd configuration, lowest priority first: a same-named file in a later one replaces it.
constexpr const char* kCoredumpDropInDirectories[] = {"/usr/lib/systemd/coredump.conf.d",
                                                      "/usr/local/lib/systemd/coredump.conf.d",
                                                      "/run/systemd/coredump.conf.d", "/etc/systemd/coredump.conf.d"};

CoredumpConfig probeCoredumpConfig(const SystemView& system) {
  CoredumpConfig config;
  std::vector<std::string> files;
  files.emplace_back(system.exists("/etc/systemd/coredump.conf") ? "/etc/systemd/coredump.conf"
                                                                 : "/usr/lib/systemd/coredump.conf");
  std::map<std::string, std::string> dropIns;
  for (const char* dir : kCoredumpDropInDirectories)
    for (const auto& path : system.glob(std::string(dir) + "/*.conf")) dropIns[std::string(baseName(path))] = path;
  for (const auto& [name, path] : dropIns) files.push_back(path);
  for (const auto& path : files) {
    const auto file = probeFile(system, path);
    if (file.isRead()) applyCoredumpConf(file.text, path, config);
    else if (file.isUnreadable()) config.unreadable.push_back(file.text);
  }
  return config;
}

CoreLimit probeCoreLimit(const SystemView& system) {
  CoreLimit limit;
  std::vector<std::string> files{"/etc/security/limits.conf"};
  const auto dropIns = system.glob("/etc/security/limits.d/*.conf");
  files.insert(files.end(), dropIns.begin(), dropIns.end());
  for (const auto& path : files) {
    const auto file = probeFile(system, path);
    if (file.isRead()) applyLimitsConf(file.text, path, limit);
    else if (file.isUnreadable()) limit.unreadable.push_back(file.text);
  }
  return limit;
}

Outcome runCoreDumps(const CheckContext& ctx) {
  CoreDumpFacts facts;
  facts.liveSystem = ctx.system.isLive();
  facts.suidDumpable = ctx.facts.sysctl("fs.suid_dumpable");
  facts.corePattern = ctx.facts.sysctl("kernel.core_pattern");
  facts.limit = probeCoreLimit(ctx.system);
  if (facts.corePattern.live.value_or(facts.corePattern.configured.value_or("")).find("systemd-coredump") !=
      std::string::npos)
    facts.coredump = probeCoredumpConfig(ctx.system);
  return evaluateCoreDumps(facts);
}

Outcome runAslr(const CheckContext& ctx) {
  return evaluateAslr(ctx.facts.sysctl("kernel.randomize_va_space"), ctx.system.isLive());
}

constexpr CheckSpec kAslr{
    "kernel.aslr",
    "Kernel address space layout randomisation is full",
    Severity::Medium,
    "Full ASLR (randomize_va_space = 2) is part of a hardened secure configuration of the operating system (A.8.9): "
    "it makes memory-corruption exploits unreliable.",
    "Set kernel.randomize_va_space = 2 in /etc/sysctl.d/99-hardening.conf and run `sysctl --system`.",
};

constexpr CheckSpec kMac{
    "kernel.mac_enabled",
    "Mandatory access control (AppArmor or SELinux) is enforcing",
    Severity::High,
    "An enforcing mandatory access control policy confines services to what they need even when they run as root, "
    "which is part of the hardened, documented secure configuration of the operating system (A.8.9). The check reads "
    "the running kernel's LSM state (AppArmor profiles in enforce mode, SELinux enforce flag), or for an offline "
    "image the policy it would boot with.",
    "Debian/Ubuntu: install apparmor and apparmor-profiles, make sure the kernel command line has no apparmor=0, "
    "put profiles into enforce mode (`aa-enforce /etc/apparmor.d/<profile>`) and check with `aa-status`. "
    "RHEL family: set SELINUX=enforcing in /etc/selinux/config, remove selinux=0/enforcing=0 from the kernel "
    "command line, run `setenforce 1` and relabel if needed.",
};

constexpr CheckSpec kCoreDumps{
    "kernel.core_dumps_restricted",
    "Core dumps cannot leak process memory",
    Severity::Medium,
    "A core dump is a copy of a process's memory and may hold passwords, keys and personal data. Keeping set-uid "
    "programs from dumping (fs.suid_dumpable = 0) and stopping or discarding core dumps is part of the hardened "
    "configuration (A.8.9) and prevents uncontrolled copies of sensitive data on disk (A.8.12).",
    "Set fs.suid_dumpable = 0 in /etc/sysctl.d/99-hardening.conf and run `sysctl --system`; add `* hard core 0` to "
    "/etc/security/limits.d/99-coredump.conf; with systemd-coredump also set Storage=none and ProcessSizeMax=0 in "
    "/etc/systemd/coredump.conf.d/99-disable.conf (or set kernel.core_pattern = |/bin/false). Core handlers such as "
    "apport or abrt keep dumps regardless of the core limit: disable them.",
};

ANNEXA_REGISTER_CHECK(kAslr, runAslr);
ANNEXA_REGISTER_CHECK(kMac, runMac);
ANNEXA_REGISTER_CHECK(kCoreDumps, runCoreDumps);

}  // namespace
}  // namespace annexa::agent::checks
