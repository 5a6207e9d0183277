#include <gtest/gtest.h>

#include "agent/checks/usb.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

::testing::AssertionResult Contains(const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << haystack << "\" does not contain \"" << needle << '"';
}

UsbStorageFacts withRules(std::string modprobeConf) {
  UsbStorageFacts facts;
  facts.procModules = FileProbe::read("ext4 1007616 1 - Live 0x0\n");
  applyModprobeConf(modprobeConf, "/etc/modprobe.d/usb.conf", facts.modprobe);
  return facts;
}

UsbGuardFacts enabledGuard(std::string daemonConfig, std::string rules) {
  UsbGuardFacts guard;
  guard.installed = true;
  guard.enabled = true;
  guard.daemonConfig = FileProbe::read(std::move(daemonConfig));
  guard.ruleFile = "/etc/usbguard/rules.conf";
  guard.rules = FileProbe::read(std::move(rules));
  return guard;
}

TEST(UsbStorage, ParsesModprobeRulesLikeKmod) {
  ModprobeRules rules;
  applyModprobeConf("# install usb-storage /bin/false\nblacklist usb_storage\ninstall usb-storage /bin/true  # off\n"
                    "install usb_storage /sbin/modprobe --ignore-install usb_storage\nblacklist usbhid\n",
                    "/etc/modprobe.d/a.conf", rules);
  EXPECT_EQ(rules.blacklist, "blacklist usb_storage");
  EXPECT_EQ(rules.install, "install usb-storage /bin/true") << "the first install command wins";
  EXPECT_EQ(rules.installSource, "/etc/modprobe.d/a.conf");
  EXPECT_TRUE(isRefusingInstallCommand("install usb-storage /usr/bin/false"));
  EXPECT_FALSE(isRefusingInstallCommand("install usb_storage /sbin/modprobe --ignore-install usb_storage"));
}

TEST(UsbStorage, ReadsLoadedModulesAndKernelCommandLine) {
  EXPECT_TRUE(moduleListed("uas 32768 0 - Live 0x0\nusb_storage 86016 1 uas, Live 0x0\n", "usb_storage"));
  EXPECT_FALSE(moduleListed("usb_storage_extra 1 0 - Live 0x0\nuas 3 0 usb_storage, Live 0x0\n", "usb_storage"));
  EXPECT_TRUE(parseCmdlineBlock("quiet module_blacklist=nouveau,usb-storage").moduleBlacklist);
  EXPECT_TRUE(parseCmdlineBlock("modprobe.blacklist=usb_storage").modprobeBlacklist);
  EXPECT_FALSE(parseCmdlineBlock("module_blacklist=usbhid").moduleBlacklist);
}

TEST(UsbStorage, CountsUsbGuardRules) {
  UsbGuardPolicy policy;
  countUsbGuardRules("# generated\nallow id 1d6b:0002\n\nblock with-interface 08:*:*\n", policy);
  EXPECT_EQ(policy.rules, 2);
  EXPECT_FALSE(policy.allowsEverything);
  countUsbGuardRules("allow\n", policy);
  EXPECT_TRUE(policy.allowsEverything);
  EXPECT_EQ(usbGuardSetting("ImplicitPolicyTarget=allow\n#ImplicitPolicyTarget=block\n", "ImplicitPolicyTarget"),
            "allow");
  EXPECT_EQ(usbGuardSetting("RuleFile=/x\n", "ImplicitPolicyTarget"), std::nullopt);
}

TEST(UsbStorage, InstallRuleRefusingTheLoadPasses) {
  auto outcome = evaluateUsbStorage(withRules("install usb-storage /bin/false\nblacklist usb-storage\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "modprobe refuses to load usb-storage (install usb-storage /bin/false)");
  EXPECT_EQ(outcome.evidence[0].source, "/etc/modprobe.d/usb.conf");

  outcome = evaluateUsbStorage(withRules("install usb-storage /bin/true\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(Contains(outcome.message, "blacklisting it as well is recommended"));
}

TEST(UsbStorage, BlacklistAloneOrNothingFails) {
  auto outcome = evaluateUsbStorage(withRules("blacklist usb-storage\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "only blacklisted"));

  outcome = evaluateUsbStorage(withRules(""));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "USB mass storage is not restricted"));
  EXPECT_EQ(outcome.evidence[0].observed, "no install rule for usb-storage");
}

TEST(UsbStorage, LoadedModuleFailsDespiteRules) {
  auto facts = withRules("install usb-storage /bin/false\n");
  facts.procModules = FileProbe::read("usb_storage 86016 1 uas, Live 0x0\n");
  auto outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "usb_storage is loaded right now, so USB mass storage works despite the modprobe rules");
  EXPECT_EQ(outcome.evidence.back().observed, "usb_storage loaded");

  facts = withRules("install usb-storage /bin/false\n");
  facts.sysModulePresent = true;
  outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.evidence.back().observed, "built into the kernel"));
}

TEST(UsbStorage, UnreadableFactsAreErrors) {
  auto facts = withRules("");
  facts.modprobe.unreadable = {"/etc/modprobe.d/x.conf: Permission denied"};
  auto outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Permission denied"));

  facts = withRules("install usb-storage /bin/false\n");
  facts.procModules = FileProbe::unreadable("/proc/modules: Permission denied");
  EXPECT_EQ(evaluateUsbStorage(facts).status, CheckStatus::Error);

  facts = withRules("");
  facts.usbguard = enabledGuard("", "");
  facts.usbguard.rules = FileProbe::unreadable("/etc/usbguard/rules.conf: Permission denied");
  outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "cannot read the USBGuard policy"));
}

TEST(UsbStorage, UsbGuardNeedsRulesAndABlockingDefault) {
  auto facts = withRules("");
  facts.procModules = FileProbe::read("usb_storage 86016 0 - Live 0x0\n");  // for an allowed device
  facts.usbguard = enabledGuard("ImplicitPolicyTarget=block\n", "allow id 1d6b:0002\n");
  auto outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence[2].observed, "enabled, 1 rules, ImplicitPolicyTarget=block");

  facts.usbguard = enabledGuard("ImplicitPolicyTarget=allow\n", "allow id 1d6b:0002\n");
  EXPECT_EQ(evaluateUsbStorage(facts).status, CheckStatus::Fail);
  facts.usbguard = enabledGuard("", "allow\n");
  EXPECT_EQ(evaluateUsbStorage(facts).status, CheckStatus::Fail);
  facts.usbguard = enabledGuard("", "");
  EXPECT_EQ(evaluateUsbStorage(facts).status, CheckStatus::Fail);
  facts.usbguard = enabledGuard("", "allow id 1d6b:0002\n");
  facts.usbguard.enabled = false;
  EXPECT_EQ(evaluateUsbStorage(facts).status, CheckStatus::Fail);
}

TEST(UsbStorage, KernelWithoutUsbIsNotApplicableAndModuleBlacklistPasses) {
  UsbStorageFacts facts;
  facts.usbSubsystem = false;
  const auto outcome = evaluateUsbStorage(facts);
  EXPECT_EQ(outcome.status, CheckStatus::NotApplicable);
  EXPECT_TRUE(Contains(outcome.message, "/sys/bus/usb is missing"));

  auto blocked = withRules("");
  blocked.cmdline.moduleBlacklist = true;
  EXPECT_EQ(evaluateUsbStorage(blocked).status, CheckStatus::Pass);
}

TEST(UsbStorage, FixtureTrees) {
  FixtureRoot blocked("usb/blocked");
  auto result = runCheckOn(blocked, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.7.10", "A.8.12"}));
  EXPECT_EQ(result.evidence[0].source, "/etc/modprobe.d/usb-storage.conf");
  // A same-named file in /etc replaces the vendor one (kmod), so an override can switch the rule off.
  blocked.write("/usr/lib/modprobe.d/usb-storage.conf", "install usb-storage /bin/false\n");
  blocked.write("/etc/modprobe.d/usb-storage.conf", "# allowed again\n");
  result = runCheckOn(blocked, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;

  FixtureRoot blacklistOnly("usb/blacklist-only");
  result = runCheckOn(blacklistOnly, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[1].observed, "blacklist usb_storage");

  FixtureRoot loaded("usb/loaded");
  result = runCheckOn(loaded, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "loaded right now"));
}

TEST(UsbStorage, UsbGuardFixture) {
  FixtureRoot guard("usb/usbguard");
  auto result = runCheckOn(guard, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "USBGuard blocks every USB device its policy does not allow");

  guard.write("/etc/usbguard/usbguard-daemon.conf", "RuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=allow\n");
  result = runCheckOn(guard, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "loaded right now"));

  // Rules from RuleFolder count too.
  guard.write("/etc/usbguard/usbguard-daemon.conf",
              "RuleFile=/etc/usbguard/rules.conf\nRuleFolder=/etc/usbguard/rules.d/\n");
  guard.write("/etc/usbguard/rules.conf", "");
  guard.write("/etc/usbguard/rules.d/10-keyboard.conf", "allow id 046d:c52b\n");
  result = runCheckOn(guard, "usb.storage_restricted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
}

}  // namespace
}  // namespace annexa::agent::checks
