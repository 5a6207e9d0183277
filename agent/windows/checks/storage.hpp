// Windows storage: BitLocker on the system drive and on every fixed drive, free disk space.
#pragma once

#include <vector>

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

struct BitLockerFacts {
  Result<std::vector<VolumeSpace>> volumes = std::vector<VolumeSpace>{};
  // Win32_EncryptableVolume: DriveLetter ("C:"), ProtectionStatus (0 off, 1 on, 2 unknown).
  Result<std::vector<WmiObject>> encryption = std::vector<WmiObject>{};
};
Outcome evaluateBitLockerSystemDrive(const BitLockerFacts& facts);
Outcome evaluateBitLockerFixedDrives(const BitLockerFacts& facts);

Outcome evaluateDiskSpace(const Result<std::vector<VolumeSpace>>& volumes, long long maxUsedPercent);

}  // namespace annexa::agent::windows_checks
