#include "agent/checks/usb.hpp"

#include <algorithm>
#include <map>

#include "agent/facts/host_facts.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

namespace {

constexpr std::string_view kModule = "usb_storage";
constexpr std::string_view kModprobeSources = "/etc/modprobe.d, /run/modprobe.d, /lib/modprobe.d, /usr/lib/modprobe.d";
constexpr std::string_view kDaemonConfigPath = "/etc/usbguard/usbguard-daemon.conf";
constexpr std::string_view kDefaultRuleFile = "/etc/usbguard/rules.conf";

std::string normaliseModule(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

bool listNamesModule(std::string_view list) {
  for (const auto& name : text::split(list, ','))
    if (normaliseModule(name) == kModule) return true;
  return false;
}

}  // namespace

void applyModprobeConf(std::string_view content, std::string_view path, ModprobeRules& rules) {
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    const auto words = text::splitWords(line);
    if (words.size() < 2 || normaliseModule(words[1]) != kModule) continue;
    if (words[0] == "blacklist" && !rules.blacklist) {
      rules.blacklist = std::string(line);
      rules.blacklistSource = std::string(path);
    } else if (words[0] == "install" && words.size() >= 3 && !rules.install) {
      rules.install = std::string(line);
      rules.installSource = std::string(path);
    }
  }
}

bool isRefusingInstallCommand(std::string_view installLine) {
  const auto words = text::splitWords(installLine);
  if (words.size() < 3) return false;
  const auto program = baseName(words[2]);
  return program == "false" || program == "true";
}

bool moduleListed(std::string_view procModules, std::string_view module) {
  for (const auto line : text::lines(procModules))
    if (text::startsWith(line, module) && line.size() > module.size() && line[module.size()] == ' ') return true;
  return false;
}

CmdlineBlock parseCmdlineBlock(std::string_view cmdline) {
  CmdlineBlock block;
  for (const auto& word : text::splitWords(cmdline)) {
    if (text::startsWith(word, "module_blacklist=") && listNamesModule(std::string_view(word).substr(17)))
      block.moduleBlacklist = true;
    else if (text::startsWith(word, "modprobe.blacklist=") && listNamesModule(std::string_view(word).substr(19)))
      block.modprobeBlacklist = true;
  }
  return block;
}

void countUsbGuardRules(std::string_view content, UsbGuardPolicy& policy) {
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    if (line.empty()) continue;
    ++policy.rules;
    if (line == "allow") policy.allowsEverything = true;
  }
}

std::optional<std::string> usbGuardSetting(std::string_view daemonConfig, std::string_view key) {
  std::optional<std::string> value;
  for (const auto raw : text::lines(daemonConfig)) {
    const auto line = text::stripComment(raw);
    const auto eq = line.find('=');
    if (eq != std::string_view::npos && text::trim(line.substr(0, eq)) == key)
      value = std::string(text::trim(line.substr(eq + 1)));
  }
  return value;
}

namespace {

struct UsbGuardVerdict {
  bool enforces = false;
  bool unknown = false;
  std::string summary;
  Evidence evidence;
};

UsbGuardVerdict evaluateUsbGuard(const UsbGuardFacts& guard) {
  const std::string expected = "usbguard enabled with a policy and ImplicitPolicyTarget=block";
  const std::string daemonConfig(kDaemonConfigPath);
  if (!guard.installed) return {false, false, "USBGuard is not installed", {"usbguard", "not installed", expected}};
  if (!guard.enabled)
    return {false, false, "USBGuard is installed but not enabled",
            {"usbguard.service", "installed, not enabled or running", expected}};
  if (guard.daemonConfig.isUnreadable())
    return {false, true, "cannot read " + daemonConfig + ": " + guard.daemonConfig.text,
            {daemonConfig, "unreadable: " + guard.daemonConfig.text, expected}};
  if (guard.rules.isUnreadable())
    return {false, true, "cannot read the USBGuard policy " + guard.ruleFile + ": " + guard.rules.text,
            {guard.ruleFile, "unreadable: " + guard.rules.text, expected}};
  const std::string target = guard.daemonConfig.isRead()
                                 ? usbGuardSetting(guard.daemonConfig.text, "ImplicitPolicyTarget").value_or("block")
                                 : "block";
  UsbGuardPolicy policy = guard.folderPolicy;
  if (guard.rules.isRead()) countUsbGuardRules(guard.rules.text, policy);
  const std::string observed = "enabled, " + std::to_string(policy.rules) + " rules" +
                               (policy.allowsEverything ? " including a bare `allow`" : "") +
                               ", ImplicitPolicyTarget=" + target;
  const Evidence evidence{guard.ruleFile, observed, expected};
  if (policy.rules == 0) return {false, false, "USBGuard runs without a policy", evidence};
  if (policy.allowsEverything) return {false, false, "the USBGuard policy allows every device", evidence};
  if (target != "block" && target != "reject")
    return {false, false, "USBGuard lets devices its rules do not name through (ImplicitPolicyTarget=" + target + ")",
            evidence};
  return {true, false, "USBGuard blocks every USB device its policy does not allow", evidence};
}

Evidence modprobeEvidence(const std::optional<std::string>& line, const std::string& source, std::string absent,
                          std::string expected, const ModprobeRules& rules) {
  std::string observed = line ? *line : std::move(absent);
  if (!rules.unreadable.empty()) observed += "; unreadable: " + text::join(rules.unreadable, ", ");
  return {line ? source : std::string(kModprobeSources), observed, std::move(expected)};
}

}  // namespace

Outcome evaluateUsbStorage(const UsbStorageFacts& facts) {
  if (facts.liveSystem && !facts.usbSubsystem)
    return Outcome::notApplicable("The running kernel has no USB support (/sys/bus/usb is missing): no USB storage "
                                  "device can attach",
                                  {{"/sys/bus/usb", "missing", "USB storage blocked where USB exists"}});
  const auto& rules = facts.modprobe;
  const bool installRefuses = rules.install && isRefusingInstallCommand(*rules.install);
  const bool loaded =
      facts.sysModulePresent || (facts.procModules.isRead() && moduleListed(facts.procModules.text, kModule));
  const auto guard = evaluateUsbGuard(facts.usbguard);

  std::vector<Evidence> evidence{
      modprobeEvidence(rules.install, rules.installSource, "no install rule for usb-storage",
                       "install usb-storage /bin/false", rules),
      modprobeEvidence(rules.blacklist, rules.blacklistSource, "usb-storage not blacklisted", "blacklist usb-storage",
                       rules),
      guard.evidence};
  if (facts.cmdline.moduleBlacklist || facts.cmdline.modprobeBlacklist)
    evidence.push_back({"/proc/cmdline",
                        facts.cmdline.moduleBlacklist ? "module_blacklist= names usb_storage"
                                                      : "modprobe.blacklist= names usb_storage",
                        "module_blacklist=usb_storage"});
  if (facts.liveSystem || !facts.procModules.isMissing() || facts.sysModulePresent) {
    std::string observed = loaded ? (facts.procModules.isRead() && moduleListed(facts.procModules.text, kModule)
                                         ? "usb_storage loaded"
                                         : "usb_storage built into the kernel (/sys/module/usb_storage)")
                                  : "usb_storage not loaded";
    if (facts.procModules.isUnreadable()) observed = "unreadable: " + facts.procModules.text;
    else if (facts.procModules.isMissing() && !loaded) observed = "missing (kernel without loadable modules)";
    evidence.push_back({"/proc/modules", observed, "usb_storage not loaded"});
  }

  if (guard.enforces) return Outcome::pass(guard.summary, evidence);
  if (loaded)
    return Outcome::fail("usb_storage is loaded right now, so USB mass storage works" +
                             std::string(installRefuses || rules.blacklist ? " despite the modprobe rules" : ""),
                         evidence);
  if (facts.procModules.isUnreadable())
    return Outcome::error("Cannot tell whether usb_storage is loaded: " + facts.procModules.text, evidence);
  if (facts.cmdline.moduleBlacklist)
    return Outcome::pass("The kernel refuses to load usb_storage (module_blacklist= on its command line)", evidence);
  if (installRefuses)
    return Outcome::pass("modprobe refuses to load usb-storage (" + *rules.install + ")" +
                             (rules.blacklist ? "" : "; blacklisting it as well is recommended"),
                         evidence);
  if (guard.unknown || !rules.unreadable.empty())
    return Outcome::error("USB storage restriction cannot be determined: " +
                              (guard.unknown ? guard.summary : "cannot read " + text::join(rules.unreadable, ", ")),
                          evidence);
  if (rules.blacklist || facts.cmdline.modprobeBlacklist)
    return Outcome::fail("usb-storage is only blacklisted: that stops loading by device alias but not as a dependency "
                         "(uas) or by an explicit modprobe",
                         evidence);
  if (rules.install)
    return Outcome::fail("The install rule for usb-storage does not refuse the load (" + *rules.install + ")",
                         evidence);
  return Outcome::fail("USB mass storage is not restricted: usb-storage loads when a device is plugged in (" +
                           guard.summary + ")",
                       evidence);
}

namespace {

// Lowest priority first: a same-named file in a later directory replaces the earlier one (kmod semantics).
constexpr const char* kModprobeDirectories[] = {"/usr/lib/modprobe.d", "/lib/modprobe.d", "/usr/local/lib/modprobe.d",
                                                "/run/modprobe.d", "/etc/modprobe.d"};

ModprobeRules probeModprobe(const SystemView& system) {
  std::map<std::string, std::string> byName;
  for (const char* dir : kModprobeDirectories)
    for (const auto& path : system.glob(std::string(dir) + "/*.conf")) byName[std::string(baseName(path))] = path;
  ModprobeRules rules;
  for (const auto& [name, path] : byName) {
    const auto file = probeFile(system, path, 256 * 1024);
    if (file.isRead()) applyModprobeConf(file.text, path, rules);
    else if (file.isUnreadable()) rules.unreadable.push_back(file.text);
  }
  return rules;
}

UsbGuardFacts probeUsbGuard(const CheckContext& ctx) {
  const auto& system = ctx.system;
  UsbGuardFacts guard;
  const auto& packages = ctx.facts.packages();
  guard.installed = (packages && packages->installed("usbguard")) || system.exists("/usr/sbin/usbguard-daemon") ||
                    system.exists("/usr/bin/usbguard-daemon");
  if (!guard.installed) return guard;
  guard.enabled = ctx.facts.unitEnabled("usbguard.service") || ctx.facts.unitActive("usbguard.service") ||
                  (system.isLive() && ctx.facts.findProcess({"usbguard-daemon"}));
  guard.daemonConfig = probeFile(system, kDaemonConfigPath, 256 * 1024);
  const std::string config = guard.daemonConfig.isRead() ? guard.daemonConfig.text : std::string();
  guard.ruleFile = usbGuardSetting(config, "RuleFile").value_or(std::string(kDefaultRuleFile));
  guard.rules = probeFile(system, guard.ruleFile);
  if (const auto folder = usbGuardSetting(config, "RuleFolder"); folder && !folder->empty()) {
    std::string dir = *folder;
    if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    for (const auto& path : system.glob(dir + "/*.conf"))
      if (const auto file = probeFile(system, path); file.isRead()) countUsbGuardRules(file.text, guard.folderPolicy);
  }
  return guard;
}

Outcome runUsbStorage(const CheckContext& ctx) {
  const auto& system = ctx.system;
  UsbStorageFacts facts;
  facts.liveSystem = system.isLive();
  facts.usbSubsystem = !facts.liveSystem || system.exists("/sys/bus/usb");
  if (!facts.usbSubsystem) return evaluateUsbStorage(facts);
  facts.procModules = probeFile(system, "/proc/modules", 4 * 1024 * 1024);
  facts.sysModulePresent = system.exists("/sys/module/usb_storage");
  if (const auto cmdline = system.readFile("/proc/cmdline", 64 * 1024)) facts.cmdline = parseCmdlineBlock(*cmdline);
  facts.modprobe = probeModprobe(system);
  facts.usbguard = probeUsbGuard(ctx);
  return evaluateUsbStorage(facts);
}

constexpr CheckSpec kUsbStorage{
    "usb.storage_restricted",
    "USB mass storage is blocked or controlled",
    Severity::Medium,
    "Blocking the usb-storage driver (or allowing only approved devices with USBGuard) enforces the removable-media "
    "rules of A.7.10 and closes a common path for copying data off the host unnoticed (A.8.12). A blacklist entry "
    "alone is not enough: it only stops loading by device alias, not as a dependency (uas) or by modprobe, so the "
    "check wants an install rule that refuses the load, a kernel module_blacklist=, or an enforcing USBGuard policy. "
    "A usb_storage module that is loaded right now fails the check unless USBGuard controls the devices.",
    "Create /etc/modprobe.d/usb-storage.conf with `install usb-storage /bin/false` and `blacklist usb-storage`, then "
    "`modprobe -r uas usb_storage` (or reboot). Where approved devices must work, install usbguard, generate a policy "
    "(`usbguard generate-policy > /etc/usbguard/rules.conf`), keep ImplicitPolicyTarget=block in "
    "/etc/usbguard/usbguard-daemon.conf and `systemctl enable --now usbguard`.",
};

ANNEXA_REGISTER_CHECK(kUsbStorage, runUsbStorage);

}  // namespace
}  // namespace annexa::agent::checks
