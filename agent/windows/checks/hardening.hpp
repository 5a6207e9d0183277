// Windows platform hardening: Secure Boot, LSA protection, USB mass storage, AutoRun.
#pragma once

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

// SecureBoot\State\UEFISecureBootEnabled (absent: booted without UEFI Secure Boot support).
Outcome evaluateSecureBoot(const RegistryFact& uefiSecureBootEnabled, const Result<bool>& stateKeyExists);
// Lsa\RunAsPPL: 1 or 2 (UEFI-locked).
Outcome evaluateLsaProtection(const RegistryFact& runAsPpl);

struct UsbStorageFacts {
  RegistryFact usbstorStart;  // Services\USBSTOR\Start: 4 disables the driver
  RegistryFact denyAll;       // Policies\...\RemovableStorageDevices\Deny_All
};
Outcome evaluateUsbStorage(const UsbStorageFacts& facts);

struct AutoRunFacts {
  RegistryFact machineNoDriveTypeAutoRun;  // HKLM ...\Policies\Explorer\NoDriveTypeAutoRun: 0xFF all drives
  RegistryFact machineNoAutorun;           // HKLM ...\Policies\Explorer\NoAutorun: 1
};
Outcome evaluateAutoRun(const AutoRunFacts& facts);

}  // namespace annexa::agent::windows_checks
