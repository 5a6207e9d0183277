// The Windows checks, natively: each probe runs against a WindowsView built from the .reg fixtures that the Wine
// tests load into a real (Wine) registry, with the API answers (account policy, audit policy, services, volumes,
// WMI) set per scenario; the evaluations' edge cases are tested from hand-built facts.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "agent/check.hpp"
#include "agent/windows/checks/accounts.hpp"
#include "agent/windows/checks/logging.hpp"
#include "agent/windows/checks/malware.hpp"
#include "agent/windows/checks/network.hpp"
#include "agent/windows/checks/storage.hpp"
#include "agent/windows/checks/updates.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "tests/agent/windows/dated_values.hpp"
#include "tests/agent/windows/fixture_view.hpp"

namespace annexa::agent::windows_checks {
namespace {

using test::FixtureWindowsView;

constexpr std::int64_t kNow = 1796000000;  // 2026-11-29
const std::filesystem::path kFixtures = std::filesystem::path(ANNEXA_FIXTURES_DIR) / "windows";

void answerApis(FixtureWindowsView& view, bool good) {
  view.accountPolicyAnswer = good ? AccountPolicy{14, 180u * 86400, 5} : AccountPolicy{6, std::nullopt, 0};
  view.guestAnswer = std::optional<LocalAccount>{LocalAccount{"Guest", good}};
  view.administratorsAnswer = std::vector<std::string>{"HOST\\Administrator", "HOST\\alice"};
  view.auditAnswer = good ? AuditSetting{true, true} : AuditSetting{true, false};
  view.services.insert_or_assign("W32Time", std::optional<ServiceStatus>{ServiceStatus{true, "auto"}});
  view.volumesAnswer = std::vector<VolumeSpace>{{"C:\\", 100ull << 30, good ? 50ull << 30 : 5ull << 30, true},
                                                {"D:\\", 200ull << 30, 150ull << 30, false}};
  view.wmiAnswers.insert_or_assign(
      "root\\CIMV2\\Security\\MicrosoftVolumeEncryption",
      std::vector<WmiObject>{{{"DriveLetter", "C:"}, {"ProtectionStatus", good ? "1" : "0"}},
                             {{"DriveLetter", "D:"}, {"ProtectionStatus", "1"}}});
  view.wmiAnswers.insert_or_assign("root\\SecurityCenter2", std::vector<WmiObject>{});
  view.wmiAnswers.insert_or_assign("root\\CIMV2", std::vector<WmiObject>{});
}

std::map<std::string, CheckStatus> runAll(const WindowsView& view) {
  AgentConfig config;
  CheckContext context{view, config, kNow};
  std::map<std::string, CheckStatus> statuses;
  for (const auto& check : CheckRegistry::instance().checks()) statuses[std::string(check.spec.id)] = check.run(context).status;
  return statuses;
}

TEST(WindowsChecks, AtLeastTwentyAllMappedAndDescribed) {
  const auto& checks = CheckRegistry::instance().checks();
  EXPECT_GE(checks.size(), 20u);
  const std::regex idPattern("^win\\.[a-z0-9_]+(\\.[a-z0-9_]+)?$");
  for (const auto& check : checks) {
    const std::string id(check.spec.id);
    EXPECT_TRUE(std::regex_match(id, idPattern)) << id;
    EXPECT_FALSE(CheckMapping::builtin().controlsFor(id).empty()) << id << " has no row in configs/check-mapping.json";
    EXPECT_FALSE(check.spec.rationale.empty() || check.spec.remediation.empty()) << id;
  }
}

TEST(WindowsChecks, GoodFixturePassesEveryCheck) {
  FixtureWindowsView view;
  view.loadRegFile(kFixtures / "good.reg");
  view.applyRegText(test::datedRegistryValues(kNow - 86400, kNow - 2 * 86400));
  answerApis(view, true);
  for (const auto& [id, status] : runAll(view)) EXPECT_EQ(status, CheckStatus::Pass) << id;
}

TEST(WindowsChecks, BadFixtureFailsEveryCheck) {
  FixtureWindowsView view;
  view.loadRegFile(kFixtures / "bad.reg");
  view.applyRegText(test::datedRegistryValues(kNow - 30 * 86400, kNow - 100 * 86400));
  answerApis(view, false);
  for (const auto& [id, status] : runAll(view)) EXPECT_EQ(status, CheckStatus::Fail) << id;
}

TEST(WindowsChecks, NothingReadableIsNeverAPass) {
  FixtureWindowsView view;  // every API unanswered
  view.failRegistry("RegOpenKeyEx: Windows error 5: Access is denied.");
  for (const auto& [id, status] : runAll(view)) EXPECT_EQ(status, CheckStatus::Error) << id;
}

TEST(WindowsChecks, AnEmptyRegistryPassesNothingItCannotSee) {
  FixtureWindowsView view;  // a registry with nothing in it, APIs unanswered: only Windows' documented defaults count
  for (const auto& [id, status] : runAll(view)) {
    // Windows' documented defaults: RDP denied, UAC on; no SMBv1 driver and no pending-reboot marker are absences.
    if (id == "win.rdp" || id == "win.uac" || id == "win.smb1_disabled" || id == "win.updates.pending_reboot") continue;
    EXPECT_NE(status, CheckStatus::Pass) << id;
  }
}

TEST(WindowsChecks, RegFileParserKeepsTypesAndCase) {
  FixtureWindowsView view;
  view.applyRegText("REGEDIT4\n[HKEY_LOCAL_MACHINE\\Software\\A]\n\"N\"=dword:0000000a\n\"S\"=\"a \\\"q\\\"\"\n"
                    "\"Q\"=hex(b):01,00,00,00,00,00,00,00\n\"M\"=hex(7):61,00,00,00,62,00,00,00,00,00\n"
                    "\"B\"=hex:01,\\\n  02\n[-HKEY_LOCAL_MACHINE\\Software\\Gone]\n");
  const auto number = readRegistry(view, RegistryHive::LocalMachine, "SOFTWARE\\a", "n");
  EXPECT_EQ(number.number(), 10u);
  EXPECT_EQ(number.describe(), "10");
  EXPECT_EQ(readRegistry(view, RegistryHive::LocalMachine, "Software\\A", "S").text(), "a \"q\"");
  EXPECT_EQ(readRegistry(view, RegistryHive::LocalMachine, "Software\\A", "Q").number(), 1u);
  EXPECT_EQ(readRegistry(view, RegistryHive::LocalMachine, "Software\\A", "M").text(), "a\nb");
  EXPECT_EQ(readRegistry(view, RegistryHive::LocalMachine, "Software\\A", "B").describe(), "REG_BINARY (2 bytes)");
  EXPECT_EQ(readRegistry(view, RegistryHive::LocalMachine, "Software\\A", "missing").describe(), "absent");
  EXPECT_THROW(view.applyRegText("[HKEY_LOCAL_MACHINE\\X]\n\"v\"=weird:1\n"), std::runtime_error);
}

RegistryFact fact(std::optional<std::uint64_t> number, std::string error = {}) {
  RegistryFact f;
  f.location = "HKLM\\X";
  f.error = std::move(error);
  if (number) f.value = RegistryValue{RegistryValue::Type::Dword, *number, {}, {}};
  return f;
}

TEST(WindowsChecks, FirewallPolicyOverridesLocalAndUnreadableIsError) {
  FirewallProfileFacts profile{"Public", fact(std::nullopt), fact(1), fact(std::nullopt), fact(std::nullopt)};
  EXPECT_EQ(evaluateFirewall({profile}).status, CheckStatus::Pass);
  profile.policyInbound = fact(0);  // policy allows inbound by default
  EXPECT_EQ(evaluateFirewall({profile}).status, CheckStatus::Fail);
  profile.policyInbound = fact(std::nullopt);
  profile.policyEnabled = fact(0);
  EXPECT_EQ(evaluateFirewall({profile}).status, CheckStatus::Fail);
  profile.policyEnabled = fact(std::nullopt, "access denied");
  EXPECT_EQ(evaluateFirewall({profile}).status, CheckStatus::Error);
  profile.policyEnabled = fact(std::nullopt);
  profile.localEnabled = fact(std::nullopt);  // no value at all: cannot tell
  EXPECT_EQ(evaluateFirewall({profile}).status, CheckStatus::Error);
}

TEST(WindowsChecks, AccountPolicyThresholds) {
  EXPECT_EQ(evaluatePasswordMinLength(AccountPolicy{12, 0, 0}, 12).status, CheckStatus::Pass);
  EXPECT_EQ(evaluatePasswordMinLength(AccountPolicy{11, 0, 0}, 12).status, CheckStatus::Fail);
  EXPECT_EQ(evaluatePasswordMaxAge(AccountPolicy{12, 365u * 86400, 0}, 365).status, CheckStatus::Pass);
  EXPECT_EQ(evaluatePasswordMaxAge(AccountPolicy{12, 366u * 86400, 0}, 365).status, CheckStatus::Fail);
  EXPECT_EQ(evaluatePasswordMaxAge(AccountPolicy{12, std::nullopt, 0}, 365).message, "Passwords never expire");
  EXPECT_EQ(evaluateAccountLockout(AccountPolicy{12, 0, 0}, 5).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateAccountLockout(AccountPolicy{12, 0, 6}, 5).status, CheckStatus::Fail);
  const auto error = evaluateAccountLockout(Result<AccountPolicy>(makeError("NetUserModalsGet level 3: denied")), 5);
  EXPECT_EQ(error.status, CheckStatus::Error);
  EXPECT_EQ(error.evidence.at(0).observed, "unreadable (NetUserModalsGet level 3: denied)");
}

TEST(WindowsChecks, GuestEvidenceListsAdministratorsAndNeedsThem) {
  GuestFacts facts{std::optional<LocalAccount>{LocalAccount{"Gast", true}}, std::vector<std::string>{"H\\a", "H\\b"}};
  auto outcome = evaluateGuestAccount(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence.at(0).observed, "H\\a, H\\b");
  facts.administrators = makeError("NetLocalGroupGetMembers: denied");
  EXPECT_EQ(evaluateGuestAccount(facts).status, CheckStatus::Error);
}

TEST(WindowsChecks, SecurityCenterProductStateDecodes) {
  EXPECT_TRUE(decodeProductState(0x061100).realTimeOn);  // 397568: Defender on, up to date
  EXPECT_TRUE(decodeProductState(0x061100).upToDate);
  EXPECT_FALSE(decodeProductState(0x060100).realTimeOn);  // off
  EXPECT_FALSE(decodeProductState(0x061110).upToDate);    // out of date
  AntivirusFacts facts{false, fact(std::nullopt), fact(std::nullopt), fact(std::nullopt), fact(std::nullopt),
                       std::vector<WmiObject>{{{"displayName", "Other AV"}, {"productState", "397568"}}}};
  EXPECT_EQ(evaluateAntivirusRealtime(facts).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateAntivirusSignatures(facts, kNow, 3).status, CheckStatus::Pass);
  facts.securityCenter = makeError("WMI ConnectServer(root\\SecurityCenter2) failed");
  EXPECT_EQ(evaluateAntivirusRealtime(facts).status, CheckStatus::Error);
}

TEST(WindowsChecks, UpdateTimesParse) {
  EXPECT_EQ(parseUpdateTime("2026-11-20 10:11:12"), parseRfc3339("2026-11-20"));
  EXPECT_EQ(parseUpdateTime("11/20/2026"), parseRfc3339("2026-11-20"));
  EXPECT_FALSE(parseUpdateTime("20.11.2026"));
  EXPECT_FALSE(parseUpdateTime("13/1/2026"));
  LastUpdateFacts facts{fact(std::nullopt),
                        std::vector<WmiObject>{{{"HotFixID", "KB5032190"}, {"InstalledOn", "11/25/2026"}}}};
  const auto outcome = evaluateLastUpdate(facts, kNow, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence.back().source, "hotfix KB5032190");
}

TEST(WindowsChecks, BitLockerUnknownDriveIsErrorNotPass) {
  BitLockerFacts facts{std::vector<VolumeSpace>{{"C:\\", 1, 1, true}, {"E:\\", 1, 1, false}},
                       std::vector<WmiObject>{{{"DriveLetter", "C:"}, {"ProtectionStatus", "1"}}}};
  EXPECT_EQ(evaluateBitLockerSystemDrive(facts).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateBitLockerFixedDrives(facts).status, CheckStatus::Error);
}

TEST(WindowsChecks, TimeServiceNeedsASource) {
  TimeServiceFacts facts{std::optional<ServiceStatus>{ServiceStatus{true, "auto"}}, RegistryFact{}, RegistryFact{}};
  facts.type.value = RegistryValue{RegistryValue::Type::String, 0, "NTP", {}};
  EXPECT_EQ(evaluateTimeService(facts).status, CheckStatus::Fail);  // NTP without a server
  facts.type.value->text = "NT5DS";
  EXPECT_EQ(evaluateTimeService(facts).status, CheckStatus::Pass);
  facts.service = std::optional<ServiceStatus>{};
  EXPECT_EQ(evaluateTimeService(facts).message, "The Windows Time service is not installed");
}

}  // namespace
}  // namespace annexa::agent::windows_checks
