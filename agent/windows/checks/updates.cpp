#include "agent/windows/checks/updates.hpp"

#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::agent::windows_checks {

Outcome evaluateAutomaticUpdates(const AutomaticUpdateFacts& facts) {
  std::vector<Evidence> evidence{facts.noAutoUpdate.evidence("absent or 0"),
                                 facts.auOptions.evidence("absent or 2..5 (not 1: never check)"),
                                 facts.serviceStart.evidence("not 4 (disabled)")};
  if (facts.noAutoUpdate.number() == 1u) return Outcome::fail("Automatic updates are disabled by policy", evidence);
  if (facts.auOptions.number() == 1u) return Outcome::fail("Automatic updates are set to never check", evidence);
  if (facts.serviceStart.number() == 4u) return Outcome::fail("The Windows Update service is disabled", evidence);
  if (!facts.noAutoUpdate.readable() || !facts.auOptions.readable() || !facts.serviceStart.readable())
    return Outcome::error("Cannot read the Windows Update policy", evidence);
  if (!facts.serviceStart.present())
    return Outcome::error("The Windows Update service (wuauserv) is not registered", evidence);
  return Outcome::pass("Automatic updates are not disabled", evidence);
}

std::optional<std::int64_t> parseUpdateTime(std::string_view value) {
  value = text::trim(value);
  if (value.size() >= 10 && value[4] == '-') return parseRfc3339(value.substr(0, 10));
  const auto parts = text::split(std::string(value), '/');
  long long month = 0, day = 0, year = 0;
  if (parts.size() != 3 || !text::parseInt(parts[0], month) || !text::parseInt(parts[1], day) ||
      !text::parseInt(parts[2], year) || month < 1 || month > 12 || day < 1 || day > 31 || year < 1970 || year > 9999)
    return std::nullopt;
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04lld-%02lld-%02lld", year, month, day);
  return parseRfc3339(iso);
}

Outcome evaluateLastUpdate(const LastUpdateFacts& facts, std::int64_t now, long long maxAgeDays) {
  const std::string expected = "within " + std::to_string(maxAgeDays) + " days";
  std::vector<Evidence> evidence{facts.lastSuccessTime.evidence(expected)};
  std::optional<std::int64_t> newest;
  std::string newestSource;
  if (auto text = facts.lastSuccessTime.text())
    if (auto at = parseUpdateTime(*text)) newest = *at, newestSource = "Windows Update's last successful install";
  if (facts.hotfixes) {
    std::string newestHotfix;
    for (const auto& hotfix : *facts.hotfixes) {
      const auto installed = hotfix.find("InstalledOn");
      if (installed == hotfix.end()) continue;
      if (auto at = parseUpdateTime(installed->second); at && (!newest || *at > *newest)) {
        newest = *at;
        const auto id = hotfix.find("HotFixID");
        newestHotfix = id == hotfix.end() ? "?" : id->second;
        newestSource = "hotfix " + newestHotfix;
      }
    }
    evidence.push_back({"WMI Win32_QuickFixEngineering",
                        std::to_string(facts.hotfixes->size()) + " hotfix(es)" +
                            (newestHotfix.empty() ? "" : ", newest " + newestHotfix),
                        expected});
  } else {
    evidence.push_back({"WMI Win32_QuickFixEngineering", "unreadable (" + facts.hotfixes.error() + ")", expected});
  }
  if (!newest) {
    if (!facts.hotfixes || !facts.lastSuccessTime.readable())
      return Outcome::error("Cannot tell when updates were last installed", evidence);
    return Outcome::fail("No record of a successful update install", evidence);
  }
  const auto ageDays = (now - *newest) / 86400;
  evidence.push_back({newestSource, formatRfc3339(*newest) + " (" + std::to_string(ageDays) + " days ago)", expected});
  if (ageDays > maxAgeDays)
    return Outcome::fail("The last update was installed " + std::to_string(ageDays) + " days ago", evidence);
  return Outcome::pass("Updates were installed " + std::to_string(ageDays) + " days ago", evidence);
}

Outcome evaluatePendingReboot(const PendingRebootFacts& facts) {
  const auto describe = [](const Result<bool>& exists) {
    return exists ? (*exists ? "present" : "absent") : "unreadable (" + exists.error() + ")";
  };
  std::vector<Evidence> evidence{
      {"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
       describe(facts.componentServicing), "absent"},
      {"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired",
       describe(facts.windowsUpdate), "absent"},
      facts.pendingFileRenames.evidence("absent")};
  if ((facts.componentServicing && *facts.componentServicing) || (facts.windowsUpdate && *facts.windowsUpdate))
    return Outcome::fail("Installed updates wait for a reboot to take effect", evidence);
  if (!facts.componentServicing || !facts.windowsUpdate || !facts.pendingFileRenames.readable())
    return Outcome::error("Cannot tell whether a reboot is pending", evidence);
  if (facts.pendingFileRenames.present())
    return Outcome::fail("File replacements wait for a reboot (PendingFileRenameOperations)", evidence);
  return Outcome::pass("No reboot is pending", evidence);
}

namespace {

Outcome runAutomaticUpdates(const CheckContext& ctx) {
  constexpr const char* kAu = "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU";
  return evaluateAutomaticUpdates({readRegistry(ctx.windows, kHklm, kAu, "NoAutoUpdate"),
                                   readRegistry(ctx.windows, kHklm, kAu, "AUOptions"),
                                   readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Services\\wuauserv",
                                                "Start")});
}

Outcome runLastUpdate(const CheckContext& ctx) {
  return evaluateLastUpdate(
      {readRegistry(ctx.windows, kHklm,
                    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\Results\\Install",
                    "LastSuccessTime"),
       ctx.windows.wmiQuery("root\\CIMV2", "SELECT HotFixID, InstalledOn FROM Win32_QuickFixEngineering",
                            {"HotFixID", "InstalledOn"})},
      ctx.now, ctx.config.thresholds.updatesMaxAgeDays);
}

Outcome runPendingReboot(const CheckContext& ctx) {
  return evaluatePendingReboot(
      {ctx.windows.registryKeyExists(
           kHklm, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending"),
       ctx.windows.registryKeyExists(
           kHklm, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired"),
       readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Control\\Session Manager",
                    "PendingFileRenameOperations")});
}

constexpr CheckSpec kAutomaticUpdates{
    "win.updates.automatic", "Automatic updates are not disabled", Severity::High,
    "Management of technical vulnerabilities (A.8.8): Windows Update must be allowed to fetch and install fixes; a "
    "policy (NoAutoUpdate, AUOptions = 1) or a disabled wuauserv service stops it.",
    "Remove the policies that disable automatic updates and set the Windows Update service to Manual or Automatic."};
constexpr CheckSpec kLastUpdate{
    "win.updates.recent", "Updates were installed recently", Severity::High,
    "Management of technical vulnerabilities (A.8.8): the last successful install shows that fixes reach the host; "
    "the limit is updates.max_age_days.",
    "Run Windows Update and fix what keeps it from installing (Settings > Windows Update > Update history)."};
constexpr CheckSpec kPendingReboot{
    "win.updates.pending_reboot", "No reboot is pending", Severity::Medium,
    "Management of technical vulnerabilities (A.8.8): an installed update protects only after the reboot it waits "
    "for.",
    "Restart the host in its next maintenance window."};

ANNEXA_REGISTER_CHECK(kAutomaticUpdates, runAutomaticUpdates);
ANNEXA_REGISTER_CHECK(kLastUpdate, runLastUpdate);
ANNEXA_REGISTER_CHECK(kPendingReboot, runPendingReboot);

}  // namespace
}  // namespace annexa::agent::windows_checks
