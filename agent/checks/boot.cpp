#include "agent/checks/boot.hpp"

#include "common/text.hpp"

namespace annexa::agent::checks {

namespace {

constexpr std::string_view kSecureBootVariablePath =
    "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0c6f2f4c";
constexpr std::string_view kEfivarsPath = "/sys/firmware/efi/efivars";
constexpr std::string_view kUserCfgPath = "/boot/grub2/user.cfg";
constexpr std::string_view kGrubExpected = "set superusers=… and password_pbkdf2 USER grub.pbkdf2.…";
constexpr const char* kGrubConfigPaths[] = {"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"};

}  // namespace

std::optional<int> parseEfiBooleanVariable(std::string_view bytes) {
  if (bytes.size() != 5) return std::nullopt;
  return static_cast<unsigned char>(bytes[4]);
}

namespace {

struct GrubVerdict {
  enum class State { Protected, Unprotected, Unknown };
  State state = State::Unknown;
  std::string summary;
  std::vector<Evidence> evidence;
};
using GrubState = GrubVerdict::State;

Evidence scanEvidence(std::string source, const GrubPasswordScan& scan) {
  const std::string superusers = scan.superusers ? scan.superusersLine : "no `set superusers`";
  const std::string password = scan.passwordLine.empty() ? "no password_pbkdf2" : scan.passwordLine;
  return {std::move(source), superusers + "; " + password, std::string(kGrubExpected)};
}

GrubVerdict evaluateGrubPassword(const GrubConfigFacts& grub) {
  std::vector<Evidence> evidence;
  if (grub.configPath.empty()) {
    evidence.push_back({"/boot/grub/grub.cfg", "missing (and no /boot/grub2/grub.cfg)", std::string(kGrubExpected)});
    if (grub.grubDPresent) evidence.push_back(scanEvidence("/etc/grub.d/*", grub.grubD));
    if (grub.grubDPresent && grub.grubD.protects())
      return {GrubState::Protected, "the GRUB scripts in /etc/grub.d set a superuser password", evidence};
    if (!grub.grubDUnreadable.empty())
      return {GrubState::Unknown, "cannot read " + text::join(grub.grubDUnreadable, ", "), evidence};
    return {GrubState::Unprotected, "no GRUB configuration sets a superuser password", evidence};
  }
  if (grub.config.isUnreadable())
    return {GrubState::Unknown, "cannot read " + grub.configPath + ": " + grub.config.text,
            {{grub.configPath, "unreadable: " + grub.config.text, std::string(kGrubExpected)}}};
  const auto scan = scanGrubPassword(grub.config.text);
  evidence.push_back(scanEvidence(grub.configPath, scan));
  if (scan.superusers && !scan.pbkdf2 && scan.pbkdf2FromUserCfg) {
    // RHEL: grub.cfg always carries the block; the hash lives in user.cfg once grub2-setpassword has run.
    const std::string userCfg(kUserCfgPath);
    if (grub.userCfg.isUnreadable()) {
      evidence.push_back({userCfg, "unreadable: " + grub.userCfg.text, "GRUB2_PASSWORD=grub.pbkdf2.…"});
      return {GrubState::Unknown, "cannot read " + userCfg + ": " + grub.userCfg.text, evidence};
    }
    const bool hasHash = grub.userCfg.isRead() && userCfgHasPasswordHash(grub.userCfg.text);
    evidence.push_back({userCfg,
                        grub.userCfg.isMissing() ? "missing"
                                                 : (hasHash ? "GRUB2_PASSWORD=grub.pbkdf2.… (hash)" : "no GRUB2_PASSWORD"),
                        "GRUB2_PASSWORD=grub.pbkdf2.…"});
    if (hasHash)
      return {GrubState::Protected, "GRUB requires the superuser password set by grub2-setpassword", evidence};
    return {GrubState::Unprotected, "GRUB has no superuser password (grub2-setpassword was not run)", evidence};
  }
  if (scan.protects())
    return {GrubState::Protected, "GRUB requires a PBKDF2-hashed superuser password to edit entries or open its shell",
            evidence};
  if (scan.superusers && scan.plaintext)
    return {GrubState::Unprotected, "the GRUB superuser password is stored in plain text", evidence};
  if (grub.grubDPresent && grub.grubD.protects()) {
    evidence.push_back(scanEvidence("/etc/grub.d/*", grub.grubD));
    return {GrubState::Unprotected, "/etc/grub.d sets a GRUB password but " + grub.configPath +
                                        " was not regenerated (run update-grub)",
            evidence};
  }
  return {GrubState::Unprotected, "GRUB sets no superuser password", evidence};
}

Outcome evaluateUefi(const SecureBootFacts& facts) {
  const std::string variable(kSecureBootVariablePath);
  const std::string expected = "SecureBoot = 1 (enabled)";
  const Evidence firmware{"/sys/firmware/efi", "present (UEFI boot)", "UEFI with Secure Boot enabled"};
  if (!facts.efivarsListed)
    return Outcome::error("Cannot list " + std::string(kEfivarsPath) + ": " + facts.efivarsError,
                          {firmware, {std::string(kEfivarsPath), "unreadable: " + facts.efivarsError, expected}});
  if (facts.efivarsEmpty)
    return Outcome::error("efivarfs is not mounted at " + std::string(kEfivarsPath) +
                              ", so the Secure Boot state cannot be read",
                          {firmware, {std::string(kEfivarsPath), "empty (efivarfs not mounted)", expected}});
  if (facts.secureBootVariable.isMissing())
    return Outcome::fail("The UEFI firmware has no SecureBoot variable: Secure Boot is unsupported or not set up",
                         {firmware, {variable, "missing", expected}});
  if (facts.secureBootVariable.isUnreadable())
    return Outcome::error("Cannot read the SecureBoot variable: " + facts.secureBootVariable.text,
                          {firmware, {variable, "unreadable: " + facts.secureBootVariable.text, expected}});
  const auto value = parseEfiBooleanVariable(facts.secureBootVariable.text);
  if (!value)
    return Outcome::error("Malformed SecureBoot variable (" + std::to_string(facts.secureBootVariable.text.size()) +
                              " bytes, expected 4 attribute bytes and 1 data byte)",
                          {firmware, {variable, "malformed", expected}});
  const Evidence evidence{variable, "SecureBoot = " + std::to_string(*value), expected};
  if (*value == 1) return Outcome::pass("UEFI Secure Boot is enabled", {firmware, evidence});
  if (*value == 0) return Outcome::fail("UEFI Secure Boot is disabled", {firmware, evidence});
  return Outcome::error("Unexpected SecureBoot value " + std::to_string(*value), {firmware, evidence});
}

}  // namespace

Outcome evaluateSecureBoot(const SecureBootFacts& facts) {
  if (facts.firmware == FirmwareMode::Uefi) return evaluateUefi(facts);
  auto grub = evaluateGrubPassword(facts.grub);
  const bool bios = facts.firmware == FirmwareMode::Bios;
  std::vector<Evidence> evidence{
      bios ? Evidence{"/sys/firmware/efi", "absent (BIOS boot: no Secure Boot)",
                      "UEFI Secure Boot, or on BIOS a GRUB superuser password"}
           : Evidence{"/sys/firmware", "absent from the offline image (firmware state unknown)",
                      "UEFI Secure Boot, or on BIOS a GRUB superuser password"}};
  evidence.insert(evidence.end(), grub.evidence.begin(), grub.evidence.end());
  switch (grub.state) {
    case GrubState::Protected:
      return Outcome::pass((bios ? "BIOS boot: " : "Firmware state is not visible offline; ") + grub.summary,
                           evidence);
    case GrubState::Unknown:
      return Outcome::error("Boot protection cannot be determined: " + grub.summary, evidence);
    case GrubState::Unprotected:
      break;
  }
  if (bios) return Outcome::fail("BIOS boot without Secure Boot, and " + grub.summary, evidence);
  return Outcome::error("The Secure Boot state is not visible in an offline image (no /sys/firmware), and " +
                            grub.summary,
                        evidence);
}

namespace {

GrubConfigFacts probeGrub(const SystemView& system) {
  GrubConfigFacts grub;
  for (const char* path : kGrubConfigPaths) {
    grub.config = probeFile(system, path, 4 * 1024 * 1024);
    if (grub.config.isMissing()) continue;
    grub.configPath = path;
    break;
  }
  grub.userCfg = probeFile(system, kUserCfgPath, 64 * 1024);
  const auto names = system.listDirectory("/etc/grub.d");
  if (!names) return grub;
  grub.grubDPresent = true;
  for (const auto& name : *names) {
    const std::string path = joinPath("/etc/grub.d", name);
    if (name.front() == '.' || name == "README" || !system.isRegularFile(path)) continue;
    const auto file = probeFile(system, path, 256 * 1024);
    if (file.isRead()) mergeGrubScan(grub.grubD, scanGrubPassword(file.text));
    else if (file.isUnreadable()) grub.grubDUnreadable.push_back(file.text);
  }
  return grub;
}

Outcome runSecureBoot(const CheckContext& ctx) {
  const auto& system = ctx.system;
  SecureBootFacts facts;
  if (system.isDirectory("/sys/firmware/efi")) facts.firmware = FirmwareMode::Uefi;
  else if (system.isLive() || system.isDirectory("/sys/firmware")) facts.firmware = FirmwareMode::Bios;
  if (facts.firmware == FirmwareMode::Uefi) {
    const auto names = system.listDirectory(kEfivarsPath);
    facts.efivarsListed = names.ok();
    if (names) facts.efivarsEmpty = names->empty();
    else facts.efivarsError = names.error();
    facts.secureBootVariable = probeFile(system, kSecureBootVariablePath, 64);
  } else {
    facts.grub = probeGrub(system);
  }
  return evaluateSecureBoot(facts);
}

constexpr CheckSpec kSecureBoot{
    "boot.secure_boot",
    "The boot chain is protected (UEFI Secure Boot, or a GRUB password on BIOS)",
    Severity::Medium,
    "With UEFI Secure Boot the firmware only starts a signed boot loader and kernel, so a tampered boot chain or an "
    "unsigned kernel module cannot take over the host; on BIOS machines a GRUB superuser password at least stops "
    "anyone at the console from editing the kernel command line (e.g. init=/bin/sh). Both are part of the hardened "
    "configuration (A.8.9) and protect devices that leave controlled premises against offline tampering (A.7.9).",
    "UEFI: enable Secure Boot in the firmware setup (Debian/Ubuntu boot through the signed shim; check with "
    "`mokutil --sb-state`). BIOS: run `grub-mkpasswd-pbkdf2`, add `set superusers=\"admin\"` and "
    "`password_pbkdf2 admin <hash>` to /etc/grub.d/40_custom and run `update-grub` (RHEL: `grub2-setpassword`).",
};

ANNEXA_REGISTER_CHECK(kSecureBoot, runSecureBoot);

}  // namespace
}  // namespace annexa::agent::checks
