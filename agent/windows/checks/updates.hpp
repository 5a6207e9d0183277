// Windows updates: automatic updates not disabled, a recent successful install, no pending reboot.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

struct AutomaticUpdateFacts {
  RegistryFact noAutoUpdate;  // Policies\...\WindowsUpdate\AU\NoAutoUpdate: 1 disables
  RegistryFact auOptions;     // 1: never check
  RegistryFact serviceStart;  // Services\wuauserv\Start: 4 disabled
};
Outcome evaluateAutomaticUpdates(const AutomaticUpdateFacts& facts);

struct LastUpdateFacts {
  RegistryFact lastSuccessTime;  // ...\Auto Update\Results\Install\LastSuccessTime "YYYY-MM-DD hh:mm:ss" (UTC)
  // Win32_QuickFixEngineering: HotFixID, InstalledOn ("M/D/YYYY").
  Result<std::vector<WmiObject>> hotfixes = std::vector<WmiObject>{};
};
// "M/D/YYYY" (Win32_QuickFixEngineering) or "YYYY-MM-DD hh:mm:ss" to seconds since the epoch (midnight UTC).
std::optional<std::int64_t> parseUpdateTime(std::string_view text);
Outcome evaluateLastUpdate(const LastUpdateFacts& facts, std::int64_t now, long long maxAgeDays);

struct PendingRebootFacts {
  Result<bool> componentServicing = false;  // ...\Component Based Servicing\RebootPending exists
  Result<bool> windowsUpdate = false;       // ...\WindowsUpdate\Auto Update\RebootRequired exists
  RegistryFact pendingFileRenames;          // Session Manager\PendingFileRenameOperations
};
Outcome evaluatePendingReboot(const PendingRebootFacts& facts);

}  // namespace annexa::agent::windows_checks
