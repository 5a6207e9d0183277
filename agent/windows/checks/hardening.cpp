#include "agent/windows/checks/hardening.hpp"

namespace annexa::agent::windows_checks {

Outcome evaluateSecureBoot(const RegistryFact& enabled, const Result<bool>& stateKeyExists) {
  std::vector<Evidence> evidence{enabled.evidence("1")};
  if (!enabled.readable()) return Outcome::error("Cannot read the Secure Boot state", evidence);
  if (!stateKeyExists) return Outcome::error("Cannot read the Secure Boot state: " + stateKeyExists.error(), evidence);
  if (!enabled.present()) {
    if (!*stateKeyExists)
      return Outcome::error("Windows records no Secure Boot state (legacy BIOS boot, or not a Windows registry)",
                            evidence);
    return Outcome::fail("The firmware supports UEFI but UEFISecureBootEnabled is not set", evidence);
  }
  if (enabled.number() == 1u) return Outcome::pass("Secure Boot is on", evidence);
  return Outcome::fail("Secure Boot is off", evidence);
}

Outcome evaluateLsaProtection(const RegistryFact& runAsPpl) {
  std::vector<Evidence> evidence{runAsPpl.evidence("1 or 2 (LSA runs as a protected process)")};
  if (!runAsPpl.readable()) return Outcome::error("Cannot read the LSA protection setting", evidence);
  const auto value = runAsPpl.number();
  if (value == 1u || value == 2u) return Outcome::pass("LSA runs as a protected process", evidence);
  return Outcome::fail(runAsPpl.present() ? "LSA protection is off" : "LSA protection is not configured", evidence);
}

Outcome evaluateUsbStorage(const UsbStorageFacts& facts) {
  std::vector<Evidence> evidence{facts.usbstorStart.evidence("4 (driver disabled)"),
                                 facts.denyAll.evidence("1 (all removable storage denied by policy)")};
  if (facts.denyAll.number() == 1u) return Outcome::pass("Removable storage is denied by policy", evidence);
  if (facts.usbstorStart.number() == 4u) return Outcome::pass("The USB mass storage driver is disabled", evidence);
  if (!facts.denyAll.readable() || !facts.usbstorStart.readable())
    return Outcome::error("Cannot read the removable storage settings", evidence);
  return Outcome::fail("USB mass storage is not restricted", evidence);
}

Outcome evaluateAutoRun(const AutoRunFacts& facts) {
  std::vector<Evidence> evidence{facts.machineNoDriveTypeAutoRun.evidence("255 (0xFF: every drive type)"),
                                 facts.machineNoAutorun.evidence("1")};
  if (!facts.machineNoDriveTypeAutoRun.readable() || !facts.machineNoAutorun.readable())
    return Outcome::error("Cannot read the AutoRun policy", evidence);
  if (facts.machineNoDriveTypeAutoRun.number() == 0xFFu || facts.machineNoAutorun.number() == 1u)
    return Outcome::pass("AutoRun is disabled for every drive", evidence);
  return Outcome::fail("AutoRun is not disabled for every drive type", evidence);
}

namespace {

Outcome runSecureBoot(const CheckContext& ctx) {
  constexpr const char* kState = "SYSTEM\\CurrentControlSet\\Control\\SecureBoot\\State";
  return evaluateSecureBoot(readRegistry(ctx.windows, kHklm, kState, "UEFISecureBootEnabled"),
                            ctx.windows.registryKeyExists(kHklm, kState));
}
Outcome runLsaProtection(const CheckContext& ctx) {
  return evaluateLsaProtection(readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Control\\Lsa", "RunAsPPL"));
}
Outcome runUsbStorage(const CheckContext& ctx) {
  return evaluateUsbStorage(
      {readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Services\\USBSTOR", "Start"),
       readRegistry(ctx.windows, kHklm, "SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices", "Deny_All")});
}
Outcome runAutoRun(const CheckContext& ctx) {
  constexpr const char* kExplorer = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer";
  return evaluateAutoRun({readRegistry(ctx.windows, kHklm, kExplorer, "NoDriveTypeAutoRun"),
                          readRegistry(ctx.windows, kHklm, kExplorer, "NoAutorun")});
}

constexpr CheckSpec kSecureBoot{
    "win.secure_boot", "UEFI Secure Boot is on", Severity::Medium,
    "Secure Boot lets only signed boot loaders and kernels start (A.8.9 configuration management): a boot kit "
    "cannot replace the loader unnoticed.",
    "Enable Secure Boot in the UEFI firmware setup (convert the disk to GPT with mbr2gpt first if needed); "
    "Confirm-SecureBootUEFI returns True."};
constexpr CheckSpec kLsaProtection{
    "win.lsa_protection", "LSA runs as a protected process", Severity::Medium,
    "Running LSASS as a protected process (RunAsPPL) stops unsigned code from reading credentials out of its "
    "memory (A.8.9 configuration management, hardening against credential theft).",
    "Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\RunAsPPL = 1 (or enable \"Configure LSASS to run as a "
    "protected process\" by policy) and restart."};
constexpr CheckSpec kUsbStorage{
    "win.usb_storage", "USB mass storage is restricted", Severity::Medium,
    "Storage media (A.7.10) and data leakage prevention (A.8.12): blocking USB mass storage keeps data from "
    "leaving on removable media and unvetted media from coming in.",
    "Deny removable storage by policy (\"All Removable Storage classes: Deny all access\") or set "
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR\\Start = 4."};
constexpr CheckSpec kAutoRun{
    "win.autorun_disabled", "AutoRun is disabled", Severity::Medium,
    "Protection against malware (A.8.7): AutoRun starts programs from inserted media without a user's decision.",
    "Enable \"Turn off AutoPlay\" for all drives (NoDriveTypeAutoRun = 0xFF) or set NoAutorun = 1 under "
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer."};

ANNEXA_REGISTER_CHECK(kSecureBoot, runSecureBoot);
ANNEXA_REGISTER_CHECK(kLsaProtection, runLsaProtection);
ANNEXA_REGISTER_CHECK(kUsbStorage, runUsbStorage);
ANNEXA_REGISTER_CHECK(kAutoRun, runAutoRun);

}  // namespace
}  // namespace annexa::agent::windows_checks
