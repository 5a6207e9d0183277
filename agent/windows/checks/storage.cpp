#include "agent/windows/checks/storage.hpp"

#include "common/text.hpp"

namespace annexa::agent::windows_checks {
namespace {

constexpr const char* kEncryptableVolume = "WMI root\\CIMV2\\Security\\MicrosoftVolumeEncryption Win32_EncryptableVolume";

// "C:\\" → "C:".
std::string driveLetter(const std::string& root) { return root.size() >= 2 ? root.substr(0, 2) : root; }

enum class Protection { On, Off, Unknown };

Protection protectionOf(const BitLockerFacts& facts, const VolumeSpace& volume, std::vector<Evidence>& evidence) {
  const auto letter = driveLetter(volume.root);
  for (const auto& object : *facts.encryption) {
    const auto drive = object.find("DriveLetter"), status = object.find("ProtectionStatus");
    if (drive == object.end() || text::toLower(drive->second) != text::toLower(letter)) continue;
    const std::string seen = status == object.end() ? "?" : status->second;
    evidence.push_back({std::string(kEncryptableVolume) + " " + letter, "ProtectionStatus " + seen, "1 (protection on)"});
    return seen == "1" ? Protection::On : seen == "0" ? Protection::Off : Protection::Unknown;
  }
  evidence.push_back({std::string(kEncryptableVolume) + " " + letter, "not listed", "1 (protection on)"});
  return Protection::Unknown;
}

Outcome evaluateBitLocker(const BitLockerFacts& facts, bool systemOnly) {
  std::vector<Evidence> evidence;
  if (!facts.volumes) return Outcome::error("Cannot list the fixed drives: " + facts.volumes.error());
  if (!facts.encryption) {
    evidence.push_back({kEncryptableVolume, "unreadable (" + facts.encryption.error() + ")", "1 (protection on)"});
    return Outcome::error("Cannot read the BitLocker state", evidence);
  }
  std::vector<std::string> off, unknown, on;
  bool sawSystem = false;
  for (const auto& volume : *facts.volumes) {
    if (systemOnly && !volume.isSystemDrive) continue;
    sawSystem = sawSystem || volume.isSystemDrive;
    switch (protectionOf(facts, volume, evidence)) {
      case Protection::On: on.push_back(driveLetter(volume.root)); break;
      case Protection::Off: off.push_back(driveLetter(volume.root)); break;
      case Protection::Unknown: unknown.push_back(driveLetter(volume.root)); break;
    }
  }
  if (systemOnly && !sawSystem) return Outcome::error("The system drive is not among the fixed drives", evidence);
  if (!off.empty()) return Outcome::fail("BitLocker protection is off on " + text::join(off, ", "), evidence);
  if (!unknown.empty())
    return Outcome::error("BitLocker reports no protection state for " + text::join(unknown, ", "), evidence);
  if (on.empty()) return Outcome::error("No fixed drive was found", evidence);
  return Outcome::pass("BitLocker protects " + text::join(on, ", "), evidence);
}

}  // namespace

Outcome evaluateBitLockerSystemDrive(const BitLockerFacts& facts) { return evaluateBitLocker(facts, true); }
Outcome evaluateBitLockerFixedDrives(const BitLockerFacts& facts) { return evaluateBitLocker(facts, false); }

Outcome evaluateDiskSpace(const Result<std::vector<VolumeSpace>>& volumes, long long maxUsedPercent) {
  if (!volumes) return Outcome::error("Cannot list the fixed drives: " + volumes.error());
  std::vector<Evidence> evidence;
  std::vector<std::string> full;
  for (const auto& v : *volumes) {
    if (v.totalBytes == 0) continue;
    const auto used = static_cast<long long>((v.totalBytes - std::min(v.freeBytes, v.totalBytes)) * 100 / v.totalBytes);
    evidence.push_back({"GetDiskFreeSpaceExW(" + v.root + ")",
                        std::to_string(used) + "% used (" + std::to_string(v.freeBytes / (1024 * 1024)) + " MiB free)",
                        "<= " + std::to_string(maxUsedPercent) + "% used"});
    if (used > maxUsedPercent) full.push_back(driveLetter(v.root));
  }
  if (evidence.empty()) return Outcome::error("No fixed drive with a size was found");
  if (!full.empty()) return Outcome::fail("Drives nearly full: " + text::join(full, ", "), evidence);
  return Outcome::pass("Every fixed drive has room", evidence);
}

namespace {

BitLockerFacts probeBitLocker(const CheckContext& ctx) {
  return {ctx.windows.fixedVolumes(),
          ctx.windows.wmiQuery("root\\CIMV2\\Security\\MicrosoftVolumeEncryption",
                               "SELECT DriveLetter, ProtectionStatus FROM Win32_EncryptableVolume",
                               {"DriveLetter", "ProtectionStatus"})};
}

Outcome runSystemDrive(const CheckContext& ctx) { return evaluateBitLockerSystemDrive(probeBitLocker(ctx)); }
Outcome runFixedDrives(const CheckContext& ctx) { return evaluateBitLockerFixedDrives(probeBitLocker(ctx)); }
Outcome runDiskSpace(const CheckContext& ctx) {
  return evaluateDiskSpace(ctx.windows.fixedVolumes(), ctx.config.thresholds.diskMaxUsedPercent);
}

constexpr CheckSpec kSystemDrive{
    "win.bitlocker.system_drive", "BitLocker protects the system drive", Severity::Critical,
    "Use of cryptography (A.8.24) and security of equipment off-premises (A.7.10 storage media): a lost or stolen "
    "laptop's system drive is unreadable without its key.",
    "Turn on BitLocker for the system drive (`manage-bde -on C: -RecoveryPassword`, escrow the recovery key)."};
constexpr CheckSpec kFixedDrives{
    "win.bitlocker.fixed_drives", "BitLocker protects every fixed drive", Severity::High,
    "Use of cryptography (A.8.24) and storage media (A.7.10): data drives hold the same data as the system drive.",
    "Turn on BitLocker for every fixed data drive and enable auto-unlock (`manage-bde -on D:`)."};
constexpr CheckSpec kDiskSpace{
    "win.disk.space", "Fixed drives have free space", Severity::Medium,
    "Capacity management (A.8.6): a full system drive stops updates, logging and the services evidence relies on; "
    "the limit is capacity.max_used_percent.",
    "Free space (Disk Cleanup, Storage Sense) or extend the volume."};

ANNEXA_REGISTER_CHECK(kSystemDrive, runSystemDrive);
ANNEXA_REGISTER_CHECK(kFixedDrives, runFixedDrives);
ANNEXA_REGISTER_CHECK(kDiskSpace, runDiskSpace);

}  // namespace
}  // namespace annexa::agent::windows_checks
