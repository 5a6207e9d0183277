#include "agent/windows/checks/desktop.hpp"

#include "common/text.hpp"

namespace annexa::agent::windows_checks {
namespace {

// Screen saver policy values are REG_SZ ("1", "600"); a DWORD is accepted too.
std::optional<long long> numberOf(const RegistryFact& fact) {
  if (auto n = fact.number()) return static_cast<long long>(*n);
  long long parsed = 0;
  if (auto s = fact.text(); s && text::parseInt(text::trim(*s), parsed)) return parsed;
  return std::nullopt;
}

}  // namespace

Outcome evaluateScreenLock(const ScreenLockFacts& facts, long long maxIdleSeconds) {
  const std::string limit = "1.." + std::to_string(maxIdleSeconds);
  std::vector<Evidence> evidence{facts.inactivityTimeoutSecs.evidence(limit + " seconds"),
                                 facts.screenSaveActive.evidence("\"1\""), facts.screenSaverIsSecure.evidence("\"1\""),
                                 facts.screenSaveTimeOut.evidence(limit + " seconds")};
  if (auto idle = numberOf(facts.inactivityTimeoutSecs); idle && *idle > 0 && *idle <= maxIdleSeconds)
    return Outcome::pass("The machine locks after " + std::to_string(*idle) + " s of inactivity", evidence);
  const auto timeout = numberOf(facts.screenSaveTimeOut);
  if (numberOf(facts.screenSaveActive) == 1 && numberOf(facts.screenSaverIsSecure) == 1 && timeout && *timeout > 0 &&
      *timeout <= maxIdleSeconds)
    return Outcome::pass("A password-protected screen saver starts after " + std::to_string(*timeout) + " s by policy",
                         evidence);
  for (const auto* fact : {&facts.inactivityTimeoutSecs, &facts.screenSaveActive, &facts.screenSaverIsSecure,
                           &facts.screenSaveTimeOut})
    if (!fact->readable()) return Outcome::error("Cannot read the screen lock policy", evidence);
  return Outcome::fail("No policy locks the screen within " + std::to_string(maxIdleSeconds) + " s", evidence);
}

namespace {

Outcome runScreenLock(const CheckContext& ctx) {
  constexpr const char* kDesktop = "Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop";
  const auto& w = ctx.windows;
  return evaluateScreenLock(
      {readRegistry(w, RegistryHive::LocalMachine, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
                    "InactivityTimeoutSecs"),
       readRegistry(w, RegistryHive::CurrentUser, kDesktop, "ScreenSaveActive"),
       readRegistry(w, RegistryHive::CurrentUser, kDesktop, "ScreenSaverIsSecure"),
       readRegistry(w, RegistryHive::CurrentUser, kDesktop, "ScreenSaveTimeOut")},
      ctx.config.thresholds.screenLockMaxIdleSeconds);
}

constexpr CheckSpec kScreenLock{
    "win.screen_lock", "Screen locks after at most 15 minutes idle", Severity::Medium,
    "User endpoint devices (A.8.1) and clear screen (A.7.7): an unattended session locks itself. The machine "
    "inactivity limit applies to every user; the screen saver policy is read for the agent's own user.",
    "Set \"Interactive logon: Machine inactivity limit\" to 900 seconds or less (InactivityTimeoutSecs), or enforce "
    "a password-protected screen saver with a timeout of 900 s or less by Group Policy."};

ANNEXA_REGISTER_CHECK(kScreenLock, runScreenLock);

}  // namespace
}  // namespace annexa::agent::windows_checks
