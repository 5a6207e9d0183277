// Windows screen lock: the machine inactivity limit, or a password-protected screen saver by policy.
#pragma once

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

struct ScreenLockFacts {
  RegistryFact inactivityTimeoutSecs;  // HKLM ...\Policies\System\InactivityTimeoutSecs
  // HKCU Software\Policies\Microsoft\Windows\Control Panel\Desktop (strings, as Windows stores them)
  RegistryFact screenSaveActive, screenSaverIsSecure, screenSaveTimeOut;
};
Outcome evaluateScreenLock(const ScreenLockFacts& facts, long long maxIdleSeconds);

}  // namespace annexa::agent::windows_checks
