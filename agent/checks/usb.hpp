// Removable media: USB mass storage is blocked (modprobe rules, kernel command line) or controlled by USBGuard.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/file_probe.hpp"

namespace annexa::agent::checks {

// What the modprobe configuration says about usb-storage (names normalised: '-' and '_' are the same).
struct ModprobeRules {
  std::optional<std::string> install;  // the first "install usb_storage …" line wins, as in kmod
  std::string installSource;
  std::optional<std::string> blacklist;  // "blacklist usb_storage"
  std::string blacklistSource;
  std::vector<std::string> unreadable;
};
void applyModprobeConf(std::string_view content, std::string_view path, ModprobeRules& rules);
// An install command that refuses the load instead of loading (/bin/false, /bin/true, …).
bool isRefusingInstallCommand(std::string_view command);
// "usb_storage " line in /proc/modules.
bool moduleListed(std::string_view procModules, std::string_view module);
// module_blacklist= (the kernel refuses to load) or modprobe.blacklist= lists naming usb_storage.
struct CmdlineBlock {
  bool moduleBlacklist = false;
  bool modprobeBlacklist = false;
};
CmdlineBlock parseCmdlineBlock(std::string_view cmdline);

struct UsbGuardPolicy {
  int rules = 0;
  bool allowsEverything = false;  // a bare "allow" rule
};
void countUsbGuardRules(std::string_view content, UsbGuardPolicy& policy);

struct UsbGuardFacts {
  bool installed = false;
  bool enabled = false;  // usbguard.service enabled or running
  FileProbe daemonConfig;  // /etc/usbguard/usbguard-daemon.conf
  std::string ruleFile;    // RuleFile= (default /etc/usbguard/rules.conf)
  FileProbe rules;
  UsbGuardPolicy folderPolicy;  // RuleFolder= files
};
// Key=value of usbguard-daemon.conf, or nothing when the key is absent.
std::optional<std::string> usbGuardSetting(std::string_view daemonConfig, std::string_view key);

struct UsbStorageFacts {
  bool liveSystem = true;
  bool usbSubsystem = true;   // /sys/bus/usb (live systems only; always true offline)
  FileProbe procModules;      // /proc/modules
  bool sysModulePresent = false;  // /sys/module/usb_storage (loaded or built in)
  CmdlineBlock cmdline;       // /proc/cmdline (live)
  ModprobeRules modprobe;
  UsbGuardFacts usbguard;
};
Outcome evaluateUsbStorage(const UsbStorageFacts& facts);

}  // namespace annexa::agent::checks
