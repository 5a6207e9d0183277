#include <gtest/gtest.h>

#include "agent/checks/boot.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

::testing::AssertionResult Contains(const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << haystack << "\" does not contain \"" << needle << '"';
}

constexpr std::string_view kSecureBootVariable =
    "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0c6f2f4c";
const std::string kEnabledBytes("\x06\x00\x00\x00\x01", 5);
const std::string kDisabledBytes("\x06\x00\x00\x00\x00", 5);
constexpr const char* kHash = "grub.pbkdf2.sha512.10000.9A1B2C3D4E5F.0A1B2C3D4E5F6A7B8C9D";

SecureBootFacts uefi(FileProbe variable) {
  SecureBootFacts facts;
  facts.firmware = FirmwareMode::Uefi;
  facts.efivarsListed = true;
  facts.secureBootVariable = std::move(variable);
  return facts;
}

SecureBootFacts bios(std::string grubCfg) {
  SecureBootFacts facts;
  facts.firmware = FirmwareMode::Bios;
  facts.grub.configPath = "/boot/grub/grub.cfg";
  facts.grub.config = FileProbe::read(std::move(grubCfg));
  return facts;
}

TEST(SecureBoot, ParsesEfiBooleanVariables) {
  EXPECT_EQ(parseEfiBooleanVariable(kEnabledBytes), 1);
  EXPECT_EQ(parseEfiBooleanVariable(kDisabledBytes), 0);
  EXPECT_EQ(parseEfiBooleanVariable(std::string("\x06\x00\x00\x00", 4)), std::nullopt);
  EXPECT_EQ(parseEfiBooleanVariable(""), std::nullopt);
}

TEST(SecureBoot, UefiVerdictFollowsTheSecureBootVariable) {
  auto outcome = evaluateSecureBoot(uefi(FileProbe::read(kEnabledBytes)));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  ASSERT_EQ(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[1].observed, "SecureBoot = 1");
  EXPECT_EQ(outcome.evidence[1].source, kSecureBootVariable);

  outcome = evaluateSecureBoot(uefi(FileProbe::read(kDisabledBytes)));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "UEFI Secure Boot is disabled");

  outcome = evaluateSecureBoot(uefi(FileProbe::missing()));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "no SecureBoot variable"));
}

TEST(SecureBoot, UnreadableOrMalformedEfiStateIsAnError) {
  auto outcome = evaluateSecureBoot(uefi(FileProbe::unreadable("SecureBoot-…: Permission denied")));
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Permission denied"));

  outcome = evaluateSecureBoot(uefi(FileProbe::read("\x01")));
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Malformed SecureBoot variable (1 bytes"));

  auto facts = uefi(FileProbe::missing());
  facts.efivarsEmpty = true;
  outcome = evaluateSecureBoot(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "efivarfs is not mounted"));

  facts.efivarsListed = false;
  facts.efivarsError = "/sys/firmware/efi/efivars: Permission denied";
  EXPECT_EQ(evaluateSecureBoot(facts).status, CheckStatus::Error);
}

TEST(BootGrub, ScansThePasswordWithoutExposingTheHash) {
  const auto scan = scanGrubPassword(std::string("set superusers=\"admin\"\npassword_pbkdf2 admin ") + kHash + "\n");
  EXPECT_TRUE(scan.protects());
  EXPECT_EQ(scan.superusersLine, "set superusers=\"admin\"");
  EXPECT_EQ(scan.passwordLine, "password_pbkdf2 admin grub.pbkdf2.… (hash)");

  EXPECT_FALSE(scanGrubPassword("set superusers=\"\"\n").superusers);
  EXPECT_FALSE(scanGrubPassword("# set superusers=\"admin\"\n").superusers);
  // Text that merely mentions a password is not a password command.
  const auto echo = scanGrubPassword("echo 'Enter the password for root'\n");
  EXPECT_FALSE(echo.plaintext);
  EXPECT_TRUE(scanGrubPassword("echo 'password_pbkdf2 root grub.pbkdf2.sha512.1.A.B'\n").pbkdf2);
  EXPECT_TRUE(scanGrubPassword("password root hunter2\n").plaintext);
}

TEST(BootGrub, ReadsTheKernelCommandLineOfDefaultGrub) {
  std::string cmdlineLinux;
  std::string cmdlineDefault;
  applyDefaultGrub("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"  # none\n", cmdlineLinux,
                   cmdlineDefault);
  applyDefaultGrub("GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX apparmor=0\"\n", cmdlineLinux, cmdlineDefault);
  applyDefaultGrub("export GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} audit=1 $OTHER\"\n", cmdlineLinux,
                   cmdlineDefault);
  EXPECT_EQ(cmdlineLinux, "apparmor=0 audit=1");
  EXPECT_EQ(cmdlineDefault, "quiet splash");
  applyDefaultGrub("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", cmdlineLinux, cmdlineDefault);
  EXPECT_EQ(cmdlineDefault, "quiet");
}

TEST(SecureBoot, BiosNeedsAHashedGrubPassword) {
  auto outcome = evaluateSecureBoot(bios(std::string("set superusers=\"admin\"\npassword_pbkdf2 admin ") + kHash));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(Contains(outcome.message, "BIOS boot: GRUB requires a PBKDF2-hashed superuser password"));

  outcome = evaluateSecureBoot(bios("set default=0\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "BIOS boot without Secure Boot, and GRUB sets no superuser password");

  outcome = evaluateSecureBoot(bios("set superusers=root\npassword root secret\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "plain text"));
  for (const auto& e : outcome.evidence) EXPECT_FALSE(Contains(e.observed, "secret")) << e.observed;

  auto facts = bios("");
  facts.grub.config = FileProbe::unreadable("/boot/grub/grub.cfg: Permission denied");
  outcome = evaluateSecureBoot(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Permission denied"));
}

TEST(SecureBoot, RhelPasswordLivesInUserCfg) {
  const std::string rhelBlock =
      "if [ -f ${prefix}/user.cfg ]; then\n  source ${prefix}/user.cfg\n  if [ -n \"${GRUB2_PASSWORD}\" ]; then\n"
      "    set superusers=\"root\"\n    export superusers\n    password_pbkdf2 root ${GRUB2_PASSWORD}\n  fi\nfi\n";
  auto facts = bios(rhelBlock);
  facts.grub.configPath = "/boot/grub2/grub.cfg";
  EXPECT_EQ(evaluateSecureBoot(facts).status, CheckStatus::Fail);
  facts.grub.userCfg = FileProbe::read(std::string("GRUB2_PASSWORD=") + kHash + "\n");
  EXPECT_EQ(evaluateSecureBoot(facts).status, CheckStatus::Pass);
  facts.grub.userCfg = FileProbe::unreadable("/boot/grub2/user.cfg: Permission denied");
  EXPECT_EQ(evaluateSecureBoot(facts).status, CheckStatus::Error);
}

TEST(SecureBoot, OfflineImageWithoutFirmwareStateIsHonest) {
  SecureBootFacts facts;  // FirmwareMode::Unknown, no grub.cfg
  auto outcome = evaluateSecureBoot(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "not visible in an offline image"));

  facts.grub.grubDPresent = true;
  facts.grub.grubD = scanGrubPassword(std::string("set superusers=\"admin\"\npassword_pbkdf2 admin ") + kHash);
  outcome = evaluateSecureBoot(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(Contains(outcome.message, "Firmware state is not visible offline"));
}

TEST(SecureBoot, FixtureTrees) {
  FixtureRoot secure("boot/uefi-secure");
  auto result = runCheckOn(secure, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "UEFI Secure Boot is enabled");
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.9", "A.7.9"}));

  FixtureRoot disabled("boot/uefi-disabled");
  result = runCheckOn(disabled, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[1].observed, "SecureBoot = 0");
  // A variable that cannot be read is an error, never a pass.
  disabled.remove(kSecureBootVariable);
  disabled.makeDirectory(kSecureBootVariable);
  result = runCheckOn(disabled, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
}

TEST(SecureBoot, BiosFixtureTrees) {
  FixtureRoot protectedBoot("boot/bios-password");
  auto result = runCheckOn(protectedBoot, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[1].observed,
            "set superusers=\"admin\"; password_pbkdf2 admin grub.pbkdf2.… (hash)");

  FixtureRoot open("boot/bios-open");
  result = runCheckOn(open, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "absent (BIOS boot: no Secure Boot)");
  open.write("/etc/grub.d/01_password",
             std::string("#!/bin/sh\ncat <<EOF\nset superusers=\"admin\"\npassword_pbkdf2 admin ") + kHash + "\nEOF\n",
             0755);
  result = runCheckOn(open, "boot.secure_boot");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "was not regenerated (run update-grub)"));
}

}  // namespace
}  // namespace annexa::agent::checks
