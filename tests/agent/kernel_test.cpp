#include <gtest/gtest.h>

#include "agent/checks/kernel.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

::testing::AssertionResult Contains(const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << haystack << "\" does not contain \"" << needle << '"';
}

TEST(KernelAslr, EvaluatesLiveValue) {
  EXPECT_EQ(evaluateAslr({"2", std::nullopt, ""}, true).status, CheckStatus::Pass);
  const auto partial = evaluateAslr({"1", std::nullopt, ""}, true);
  EXPECT_EQ(partial.status, CheckStatus::Fail);
  ASSERT_EQ(partial.evidence.size(), 1u);
  EXPECT_EQ(partial.evidence[0].observed, "kernel.randomize_va_space = 1");
  EXPECT_EQ(partial.evidence[0].source, "/proc/sys/kernel/randomize_va_space");
}

TEST(KernelAslr, LiveSystemWithoutValueIsAnError) {
  EXPECT_EQ(evaluateAslr({std::nullopt, std::nullopt, ""}, true).status, CheckStatus::Error);
}

TEST(KernelAslr, OfflineImageUsesConfigThenKernelDefault) {
  EXPECT_EQ(evaluateAslr({std::nullopt, "0", "/etc/sysctl.d/10.conf"}, false).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateAslr({std::nullopt, std::nullopt, ""}, false).status, CheckStatus::Pass);
}

TEST(KernelAslr, FixtureTrees) {
  FixtureRoot hardened("kernel/hardened");
  auto result = runCheckOn(hardened, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.9"}));

  FixtureRoot weak("kernel/weak");
  result = runCheckOn(weak, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_FALSE(result.evidence.empty());
  EXPECT_EQ(result.evidence[0].observed, "kernel.randomize_va_space = 0");
  EXPECT_FALSE(result.remediation.empty());
}

TEST(KernelProbeFile, TellsMissingFromUnreadable) {
  FixtureRoot root;
  root.write("/etc/present", "content\n");
  root.makeDirectory("/etc/a-directory");
  root.symlink("/etc/nowhere", "/etc/dangling");
  const auto system = root.view();
  const auto present = probeFile(system, "/etc/present");
  EXPECT_TRUE(present.isRead());
  EXPECT_EQ(present.text, "content\n");
  EXPECT_TRUE(probeFile(system, "/etc/absent").isMissing());
  EXPECT_TRUE(probeFile(system, "/etc/present/below").isMissing()) << "ENOTDIR is absence too";
  EXPECT_TRUE(probeFile(system, "/etc/dangling").isMissing());
  const auto directory = probeFile(system, "/etc/a-directory");
  EXPECT_TRUE(directory.isUnreadable());
  EXPECT_EQ(directory.text, "/etc/a-directory: is a directory");
  const auto tooLarge = probeFile(system, "/etc/present", 3);
  EXPECT_TRUE(tooLarge.isUnreadable());
  EXPECT_TRUE(Contains(tooLarge.text, "larger than 3 bytes"));
}

// ---- kernel.mac_enabled ------------------------------------------------------------------------------------------

MacFacts appArmorLive(std::string enabled, FileProbe profiles) {
  MacFacts facts;
  facts.apparmorEnabled = FileProbe::read(std::move(enabled));
  facts.apparmorProfiles = std::move(profiles);
  return facts;
}

TEST(KernelMac, CountsAppArmorProfileModes) {
  const auto counts = countAppArmorProfiles(
      "/usr/sbin/cupsd (enforce)\nsnap.lxd.daemon (complain)\ndocker-default (enforce)\n"
      "/usr/bin/odd name (kill)\nunconfined-thing (unconfined)\n\n");
  EXPECT_EQ(counts.enforce, 3);
  EXPECT_EQ(counts.complain, 1);
  EXPECT_EQ(counts.other, 1);
}

TEST(KernelMac, ParsesSelinuxMode) {
  EXPECT_EQ(parseSelinuxMode("# SELINUX=disabled\nSELINUX=\"Enforcing\"  # on\nSELINUXTYPE=targeted\n"), "enforcing");
  EXPECT_EQ(parseSelinuxMode("SELINUX=enforcing\nSELINUX=permissive\n"), "permissive");
  EXPECT_EQ(parseSelinuxMode("SELINUXTYPE=targeted\n"), std::nullopt);
}

TEST(KernelMac, AppArmorWithEnforcedProfilesPasses) {
  const auto outcome = evaluateMac(appArmorLive("Y\n", FileProbe::read("a (enforce)\nb (complain)\n")));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "AppArmor enforces 1 profiles (1 more only in complain mode)");
  ASSERT_GE(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[1].source, "/sys/kernel/security/apparmor/profiles");
  EXPECT_EQ(outcome.evidence[1].observed, "1 enforce, 1 complain, 0 other");
}

TEST(KernelMac, AppArmorOnlyComplainingOrDisabledFails) {
  auto outcome = evaluateMac(appArmorLive("Y\n", FileProbe::read("a (complain)\n")));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "no profile is in enforce mode"));

  outcome = evaluateMac(appArmorLive("N\n", FileProbe::missing()));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "AppArmor is disabled (enabled = N)");
}

TEST(KernelMac, UnreadableOrUnmountedSecurityfsIsAnError) {
  auto outcome = evaluateMac(appArmorLive(
      "Y\n", FileProbe::unreadable("/sys/kernel/security/apparmor/profiles: Permission denied")));
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Permission denied"));
  EXPECT_TRUE(Contains(outcome.message, "run the agent as root"));

  outcome = evaluateMac(appArmorLive("Y\n", FileProbe::missing()));
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "securityfs is not mounted"));
}

TEST(KernelMac, SelinuxEnforcingPassesPermissiveFails) {
  MacFacts facts;
  facts.selinuxEnforce = FileProbe::read("1");
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateMac(facts).message, "SELinux is enforcing");
  facts.selinuxEnforce = FileProbe::read("0");
  const auto outcome = evaluateMac(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "permissive"));
}

TEST(KernelMac, AnyEnforcingModuleIsEnoughAndNoneFails) {
  auto facts = appArmorLive("Y\n", FileProbe::unreadable("Permission denied"));
  facts.selinuxEnforce = FileProbe::read("1\n");
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Pass);

  const auto none = evaluateMac(MacFacts{});
  EXPECT_EQ(none.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(none.message, "No mandatory access control is active"));
  ASSERT_EQ(none.evidence.size(), 2u);
  EXPECT_EQ(none.evidence[0].observed, "missing (AppArmor not built in)");
}

TEST(KernelMac, OfflineImageIsJudgedByItsBootConfiguration) {
  MacFacts facts;
  facts.liveSystem = false;
  facts.selinuxConfig = FileProbe::read("SELINUX=enforcing\n");
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Pass);
  facts.kernelCmdline = {"quiet", "selinux=0"};
  auto outcome = evaluateMac(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "selinux=0"));

  facts = MacFacts{};
  facts.liveSystem = false;
  facts.apparmorPolicy = {true, 2, 1, 0};
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Pass);
  facts.kernelCmdline = {"apparmor=0"};
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Fail);
  facts.apparmorPolicy.parserInstalled = false;
  facts.selinuxConfig = FileProbe::unreadable("/etc/selinux/config: Permission denied");
  EXPECT_EQ(evaluateMac(facts).status, CheckStatus::Error);
}

TEST(KernelMac, FixtureTrees) {
  FixtureRoot hardened("kernel/hardened");
  auto result = runCheckOn(hardened, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "AppArmor enforces 5 profiles (1 more only in complain mode)");
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.9"}));

  // The profiles file turning unreadable must not quietly pass.
  hardened.remove("/sys/kernel/security/apparmor/profiles");
  hardened.makeDirectory("/sys/kernel/security/apparmor/profiles");
  result = runCheckOn(hardened, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  EXPECT_TRUE(Contains(result.message, "is a directory"));

  FixtureRoot weak("kernel/weak");
  result = runCheckOn(weak, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "AppArmor is disabled (enabled = N)");
}

TEST(KernelMac, OfflineImageFixtures) {
  FixtureRoot selinux("kernel/selinux-image");
  auto result = runCheckOn(selinux, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  selinux.write("/etc/default/grub.d/50-debug.cfg", "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX enforcing=0\"\n");
  result = runCheckOn(selinux, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "enforcing=0"));

  FixtureRoot apparmor("kernel/apparmor-image");
  result = runCheckOn(apparmor, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  ASSERT_FALSE(result.evidence.empty());
  EXPECT_EQ(result.evidence[0].observed, "2 enforce, 1 complain, 0 disabled profile files");
  apparmor.symlink("/etc/apparmor.d/usr.bin.man", "/etc/apparmor.d/disable/usr.bin.man");
  apparmor.symlink("/etc/apparmor.d/usr.sbin.cupsd", "/etc/apparmor.d/disable/usr.sbin.cupsd");
  result = runCheckOn(apparmor, "kernel.mac_enabled");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "0 enforce, 1 complain, 2 disabled profile files");
}

// ---- kernel.core_dumps_restricted --------------------------------------------------------------------------------

CoreDumpFacts liveCore(std::string suid, std::string pattern) {
  CoreDumpFacts facts;
  facts.suidDumpable.live = std::move(suid);
  facts.corePattern.live = std::move(pattern);
  return facts;
}

constexpr const char* kSystemdPattern = "|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h";

TEST(KernelCoreDumps, WildcardHardLimitLastEntryWins) {
  CoreLimit limit;
  applyLimitsConf("*  hard  core  unlimited\n*  soft  core  0\n@dev hard core 0\n#* hard core 0\n",
                  "/etc/security/limits.conf", limit);
  EXPECT_EQ(limit.value, "unlimited");
  applyLimitsConf("*  -  core  0   # nobody\n", "/etc/security/limits.d/99.conf", limit);
  EXPECT_EQ(limit.value, "0");
  EXPECT_EQ(limit.path, "/etc/security/limits.d/99.conf");
  EXPECT_EQ(limit.line, "*  -  core  0");
}

TEST(KernelCoreDumps, ReadsOnlyTheCoredumpSection) {
  CoredumpConfig config;
  applyCoredumpConf("[Coredump]\n#Storage=external\nStorage=none\n[Other]\nProcessSizeMax=0\n", "/etc/a.conf", config);
  EXPECT_EQ(config.storage, "none");
  EXPECT_EQ(config.storageSource, "/etc/a.conf");
  EXPECT_EQ(config.processSizeMax, std::nullopt);
}

TEST(KernelCoreDumps, DiscardingPatternPassesButSuidDumpableFails) {
  auto outcome = evaluateCoreDumps(liveCore("0", "|/bin/false"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(Contains(outcome.message, "discards every core dump"));
  ASSERT_EQ(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[1].observed, "kernel.core_pattern = |/bin/false");

  outcome = evaluateCoreDumps(liveCore("2", "|/bin/false"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "fs.suid_dumpable is 2"));
}

TEST(KernelCoreDumps, CoreFilesNeedAHardLimitOfZero) {
  auto facts = liveCore("0", "core");
  auto outcome = evaluateCoreDumps(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence.back().observed, "no wildcard hard core limit (hard limit unlimited)");

  facts.limit = {"0", "/etc/security/limits.conf", "* hard core 0", {}};
  EXPECT_EQ(evaluateCoreDumps(facts).status, CheckStatus::Pass);

  facts.limit = {std::nullopt, "", "", {"/etc/security/limits.d/x.conf: Permission denied"}};
  outcome = evaluateCoreDumps(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.evidence.back().observed, "Permission denied"));
}

TEST(KernelCoreDumps, SystemdCoredumpNeedsStorageNoneOrTheLimit) {
  auto facts = liveCore("0", kSystemdPattern);
  facts.coredump.storage = "none";
  auto outcome = evaluateCoreDumps(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail) << "Storage=none alone still processes the dump";
  EXPECT_TRUE(Contains(outcome.message, "systemd-coredump keeps core dumps"));

  facts.coredump.storageSource = "/etc/systemd/coredump.conf";
  facts.coredump.processSizeMax = "0B";
  facts.coredump.processSizeMaxSource = "/etc/systemd/coredump.conf";
  outcome = evaluateCoreDumps(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence[2].observed,
            "Storage=none (/etc/systemd/coredump.conf), ProcessSizeMax=0B (/etc/systemd/coredump.conf)");

  facts = liveCore("0", kSystemdPattern);
  facts.limit.value = "0";
  EXPECT_EQ(evaluateCoreDumps(facts).status, CheckStatus::Pass);

  facts = liveCore("0", kSystemdPattern);
  facts.coredump.unreadable = {"/etc/systemd/coredump.conf: Permission denied"};
  EXPECT_EQ(evaluateCoreDumps(facts).status, CheckStatus::Error);
}

TEST(KernelCoreDumps, OtherPipeHandlersAreNotBoundByTheLimit) {
  auto facts = liveCore("0", "|/usr/share/apport/apport -p%p -s%s -c%c");
  facts.limit.value = "0";
  const auto outcome = evaluateCoreDumps(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "/usr/share/apport/apport"));
}

TEST(KernelCoreDumps, UnreadableSysctlIsAnErrorOfflineUsesDefaults) {
  EXPECT_EQ(evaluateCoreDumps(CoreDumpFacts{}).status, CheckStatus::Error);

  CoreDumpFacts offline;
  offline.liveSystem = false;
  offline.limit.value = "0";
  const auto outcome = evaluateCoreDumps(offline);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.evidence[0].observed, "fs.suid_dumpable not set (kernel default 0)");
  EXPECT_EQ(outcome.evidence[1].observed, "kernel.core_pattern not set (kernel default core)");
}

TEST(KernelCoreDumps, FixtureTrees) {
  FixtureRoot hardened("kernel/hardened");
  auto result = runCheckOn(hardened, "kernel.core_dumps_restricted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.9", "A.8.12"}));
  EXPECT_TRUE(Contains(result.message, "neither stores nor processes"));
  ASSERT_EQ(result.evidence.size(), 4u);
  EXPECT_EQ(result.evidence[2].observed,
            "Storage=none (/etc/systemd/coredump.conf.d/99-disable.conf), "
            "ProcessSizeMax=0 (/etc/systemd/coredump.conf.d/99-disable.conf)");
  EXPECT_EQ(result.evidence[3].source, "/etc/security/limits.d/99-coredump.conf");

  FixtureRoot weak("kernel/weak");
  result = runCheckOn(weak, "kernel.core_dumps_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "fs.suid_dumpable is 2"));
  // A soft limit of 0 is not a restriction: users may raise it.
  weak.write("/proc/sys/fs/suid_dumpable", "0\n");
  result = runCheckOn(weak, "kernel.core_dumps_restricted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(Contains(result.message, "no hard core limit of 0"));
  weak.write("/etc/security/limits.d/90-nocore.conf", "* hard core 0\n");
  result = runCheckOn(weak, "kernel.core_dumps_restricted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
}

}  // namespace
}  // namespace annexa::agent::checks
