#include "agent/checks/packages.hpp"

#include <gtest/gtest.h>

#include "common/text.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

constexpr std::int64_t kDay = 86400;
// 2024-01-08 14:02:46 UTC: the last apt run recorded in the debian-current fixture.
constexpr std::int64_t kFixtureNow = 1704722566;

// ---- configuration syntax ------------------------------------------------------------------------------------------

TEST(PackagesAptConf, FlatNestedCommentsAndLists) {
  AptConfig config;
  parseAptConf(R"(// comment "ignored";
APT::Periodic::Update-Package-Lists "1";
/* block
   comment */
APT { Get { AllowUnauthenticated "true"; }; };
Unattended-Upgrade::Origins-Pattern { "origin=Debian"; "origin=Other"; };
#clear APT::Periodic
Acquire::http::Proxy "http://proxy:3128"; // trailing comment
)",
               "/etc/apt/apt.conf.d/10test", config);
  ASSERT_EQ(config.count("apt::periodic::update-package-lists"), 1u);
  EXPECT_EQ(config["apt::periodic::update-package-lists"].value, "1");
  EXPECT_EQ(config["apt::periodic::update-package-lists"].file, "/etc/apt/apt.conf.d/10test");
  EXPECT_EQ(config["apt::get::allowunauthenticated"].value, "true");
  EXPECT_EQ(config["acquire::http::proxy"].value, "http://proxy:3128");
  EXPECT_EQ(config.count("unattended-upgrade::origins-pattern"), 0u);

  parseAptConf("apt::get::AllowUnauthenticated \"false\";", "/etc/apt/apt.conf", config);  // later file wins
  EXPECT_EQ(config["apt::get::allowunauthenticated"].value, "false");
  EXPECT_EQ(config["apt::get::allowunauthenticated"].file, "/etc/apt/apt.conf");
}

TEST(PackagesAptConf, BooleansAndFileNames) {
  EXPECT_TRUE(aptTrue("true"));
  EXPECT_TRUE(aptTrue("Yes"));
  EXPECT_TRUE(aptTrue("1"));
  EXPECT_FALSE(aptTrue("false"));
  EXPECT_FALSE(aptTrue("0"));
  EXPECT_TRUE(aptReadsFile("20auto-upgrades"));
  EXPECT_TRUE(aptReadsFile("debian.sources"));
  EXPECT_FALSE(aptReadsFile("99local.disabled"));
  EXPECT_FALSE(aptReadsFile("50unattended-upgrades.dpkg-old"));
  EXPECT_FALSE(aptReadsFile("my file"));
  EXPECT_FALSE(aptReadsFile("backup~"));
}

TEST(PackagesIni, SectionsKeysAndContinuations) {
  const auto ini = parseDnfIni("[main]\nGPGCheck = 1\n# c\n[repo]\nbaseurl=http://a\n  http://b=c\nenabled=0\n");
  EXPECT_EQ(ini.at("main").at("gpgcheck"), "1");
  EXPECT_EQ(ini.at("repo").at("baseurl"), "http://a");
  EXPECT_EQ(ini.at("repo").count("http://b"), 0u);
  EXPECT_EQ(dnfBool("True"), true);
  EXPECT_EQ(dnfBool("off"), false);
  EXPECT_EQ(dnfBool("maybe"), std::nullopt);
}

// ---- packages.insecure_installed -----------------------------------------------------------------------------------

TEST(PackagesInsecureInstalled, Evaluates) {
  PackageDatabase db;
  db.source = "/var/lib/dpkg/status";
  db.versions = {{"openssh-server", "1:9.2p1-2"}, {"telnet", "0.17"}};
  auto outcome = evaluateInsecurePackages(db);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;

  db.versions["xinetd"] = "1:2.3.15.3-1";
  db.versions["tftpd-hpa"] = "5.2";
  outcome = evaluateInsecurePackages(db);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "Insecure legacy server packages are installed: tftpd-hpa, xinetd");
  ASSERT_EQ(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[1].observed, "xinetd 1:2.3.15.3-1 installed");

  const Result<PackageDatabase> missing = makeError("no package database found (/var/lib/dpkg/status, /var/lib/rpm)");
  outcome = evaluateInsecurePackages(missing);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(text::contains(outcome.message, "no package database found")) << outcome.message;
}

TEST(PackagesInsecureInstalled, FixtureTrees) {
  FixtureRoot current("packages/debian-current");  // telnetd removed, config files left: not installed
  auto result = runCheckOn(current, "packages.insecure_installed");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.19", "A.8.20"}));

  FixtureRoot stale("packages/debian-stale");
  result = runCheckOn(stale, "packages.insecure_installed");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "Insecure legacy server packages are installed: telnetd, xinetd");
  EXPECT_EQ(result.evidence.at(0).source, "/var/lib/dpkg/status");

  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "packages.insecure_installed").status, CheckStatus::Error);
}

// ---- packages.repo_integrity ---------------------------------------------------------------------------------------

TEST(PackagesRepoIntegrity, OneLineSources) {
  const auto found = insecureOneLineSources(
      "deb [arch=amd64 signed-by=/k.gpg] http://a/ x main\n"
      "deb [ trusted=yes ] http://b/ x main\n"
      "deb-src [allow-insecure=yes] http://c/ x main\n"
      "deb [trusted=no] http://d/ x main\n"
      "# deb [trusted=yes] http://e/ x main\n",
      "/etc/apt/sources.list");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].source, "/etc/apt/sources.list");
  EXPECT_EQ(found[0].observed, "deb [ trusted=yes ] http://b/ x main");
  EXPECT_EQ(found[1].observed, "deb-src [allow-insecure=yes] http://c/ x main");
}

TEST(PackagesRepoIntegrity, Deb822Sources) {
  const auto found = insecureDeb822Sources(
      "Types: deb\nURIs: http://a/\nSuites: x\nTrusted: yes\n\n"
      "Enabled: no\nTypes: deb\nURIs: http://b/\nAllow-Insecure: yes\n\n"
      "Types: deb\nURIs: http://c/\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n xyz\nTrusted: no\n",
      "/etc/apt/sources.list.d/x.sources");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].observed, "Trusted: yes (URIs: http://a/)");
}

TEST(PackagesRepoIntegrity, AptSettingsUseTheEffectiveValue) {
  AptConfig config;
  parseAptConf("Acquire::AllowInsecureRepositories \"true\";\nAPT::Get::AllowUnauthenticated \"true\";", "/a", config);
  parseAptConf("APT::Get::AllowUnauthenticated \"false\";", "/b", config);
  const auto found = insecureAptSettings(config);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "/a");
  EXPECT_EQ(found[0].observed, "Acquire::AllowInsecureRepositories \"true\"");
}

TEST(PackagesRepoIntegrity, DnfReposInheritMainAndDefaultOff) {
  const auto repos =
      parseDnfIni("[signed]\ngpgcheck=1\n[inherits]\nname=x\n[off]\ngpgcheck=0\n[disabled]\nenabled=0\ngpgcheck=0\n");
  auto found = uncheckedDnfRepos(repos, "/etc/yum.repos.d/x.repo", true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].observed, "[off] gpgcheck=0");
  found = uncheckedDnfRepos(repos, "/etc/yum.repos.d/x.repo", std::nullopt);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].observed, "[inherits] gpgcheck not set (dnf default: off)");
  found = uncheckedDnfRepos(repos, "/etc/yum.repos.d/x.repo", false);
  EXPECT_EQ(found.at(0).observed, "[inherits] gpgcheck not set ([main] gpgcheck=0)");
}

TEST(PackagesRepoIntegrity, Evaluates) {
  RepoIntegrityFacts facts;
  auto outcome = evaluateRepoIntegrity(facts);
  EXPECT_EQ(outcome.status, CheckStatus::NotApplicable);
  facts.filesRead = {"/etc/apt/sources.list"};
  EXPECT_EQ(evaluateRepoIntegrity(facts).status, CheckStatus::Pass);
  facts.unreadable = {"/etc/apt/sources.list.d/x.list: Permission denied"};
  outcome = evaluateRepoIntegrity(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(text::contains(outcome.message, "Permission denied"));
  facts.insecure = {{"/etc/apt/sources.list", "deb [trusted=yes] http://b/ x main", "signed"}};
  EXPECT_EQ(evaluateRepoIntegrity(facts).status, CheckStatus::Fail);
}

TEST(PackagesRepoIntegrity, FixtureTrees) {
  FixtureRoot current("packages/debian-current");
  auto result = runCheckOn(current, "packages.repo_integrity");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(text::contains(result.evidence.at(0).source, "/etc/apt/sources.list.d/debian.sources"));

  FixtureRoot stale("packages/debian-stale");
  result = runCheckOn(stale, "packages.repo_integrity");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "4 package source setting(s) accept packages without a valid signature");
  ASSERT_EQ(result.evidence.size(), 4u);
  EXPECT_EQ(result.evidence[0].observed, "deb [ arch=amd64 trusted=yes ] http://repo.example.com/debian bookworm main");
  EXPECT_EQ(result.evidence[1].source, "/etc/apt/sources.list.d/vendor.sources");
  EXPECT_EQ(result.evidence[2].observed, "APT::Get::AllowUnauthenticated \"true\"");
  EXPECT_EQ(result.evidence[3].observed, "Acquire::AllowInsecureRepositories \"1\"");

  FixtureRoot rhel("packages/rhel");
  result = runCheckOn(rhel, "packages.repo_integrity");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  rhel.write("/etc/yum.repos.d/thirdparty.repo", "[thirdparty]\nbaseurl=http://x/\ngpgcheck=0\n");
  result = runCheckOn(rhel, "packages.repo_integrity");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.evidence.at(0).observed, "[thirdparty] gpgcheck=0");

  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "packages.repo_integrity").status, CheckStatus::NotApplicable);
}

// ---- updates.automatic ---------------------------------------------------------------------------------------------

AutomaticUpdateFacts goodApt() {
  AutomaticUpdateFacts facts;
  facts.family = PackageFamily::Apt;
  facts.packageSource = "/var/lib/dpkg/status";
  facts.unattendedUpgradesInstalled = true;
  facts.updatePackageLists = AptConfigValue{"1", "/etc/apt/apt.conf.d/20auto-upgrades"};
  facts.unattendedUpgrade = AptConfigValue{"1", "/etc/apt/apt.conf.d/20auto-upgrades"};
  return facts;
}

TEST(UpdatesAutomatic, AptEvaluation) {
  auto outcome = evaluateAutomaticUpdates(goodApt());
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.evidence.at(2).observed, "APT::Periodic::Unattended-Upgrade \"1\"");

  auto facts = goodApt();
  facts.unattendedUpgrade = AptConfigValue{"0", "/etc/apt/apt.conf.d/20auto-upgrades"};
  facts.maskedTimers = {"apt-daily-upgrade.timer"};
  outcome = evaluateAutomaticUpdates(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(
      outcome.message,
      "Automatic updates are not in effect: unattended upgrades are not enabled; apt-daily-upgrade.timer is masked");

  facts = goodApt();
  facts.unattendedUpgradesInstalled = false;
  facts.updatePackageLists.reset();
  outcome = evaluateAutomaticUpdates(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence.at(1).observed, "APT::Periodic::Update-Package-Lists not set (default 0)");

  facts = goodApt();
  facts.unattendedUpgrade = AptConfigValue{"always", "/x"};  // apt.systemd.daily accepts "always" and durations
  facts.periodicEnable = AptConfigValue{"0", "/etc/apt/apt.conf.d/10periodic"};
  outcome = evaluateAutomaticUpdates(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(text::contains(outcome.message, "APT::Periodic::Enable is \"0\"")) << outcome.message;
}

TEST(UpdatesAutomatic, DnfEvaluationAndErrors) {
  AutomaticUpdateFacts facts;
  facts.family = PackageFamily::Dnf;
  facts.dnfAutomaticInstalled = true;
  facts.automaticTimerEnabled = true;
  facts.applyUpdates = "no";
  auto outcome = evaluateAutomaticUpdates(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(text::contains(outcome.message, "only downloads or notifies"));
  facts.applyUpdates = "yes";
  EXPECT_EQ(evaluateAutomaticUpdates(facts).status, CheckStatus::Pass);
  facts.automaticTimerEnabled = false;
  facts.installTimerEnabled = true;
  facts.applyUpdates.reset();
  EXPECT_EQ(evaluateAutomaticUpdates(facts).status, CheckStatus::Pass);

  EXPECT_EQ(evaluateAutomaticUpdates({}).status, CheckStatus::Error);
  auto unreadable = goodApt();
  unreadable.problem = "/etc/apt/apt.conf.d/20auto-upgrades: Permission denied";
  EXPECT_EQ(evaluateAutomaticUpdates(unreadable).status, CheckStatus::Error);
}

TEST(UpdatesAutomatic, FixtureTrees) {
  FixtureRoot current("packages/debian-current");
  auto result = runCheckOn(current, "updates.automatic");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.8"}));

  current.symlink("/dev/null", "/etc/systemd/system/apt-daily-upgrade.timer");
  result = runCheckOn(current, "updates.automatic");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "Automatic updates are not in effect: apt-daily-upgrade.timer is masked");

  FixtureRoot stale("packages/debian-stale");  // 99local.disabled is ignored by apt, so Unattended-Upgrade stays "0"
  result = runCheckOn(stale, "updates.automatic");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message,
            "Automatic updates are not in effect: unattended-upgrades is not installed; unattended upgrades are not "
            "enabled");
  EXPECT_EQ(result.evidence.at(2).source, "/etc/apt/apt.conf.d/20auto-upgrades");

  FixtureRoot rhel("packages/rhel");
  result = runCheckOn(rhel, "updates.automatic");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "dnf-automatic is installed but no timer is enabled");
  rhel.symlink("/usr/lib/systemd/system/dnf-automatic.timer",
               "/etc/systemd/system/timers.target.wants/dnf-automatic.timer");
  if (!rhel.view().exists("/usr/lib/systemd/system/dnf-automatic.timer")) rhel.write("/usr/lib/systemd/system/dnf-automatic.timer", "[Unit]\n");
  result = runCheckOn(rhel, "updates.automatic");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.at(1).observed, "apply_updates = yes");
}

// ---- updates.recent ------------------------------------------------------------------------------------------------

TEST(UpdatesRecent, ParsesLogs) {
  EXPECT_EQ(parseAptLogTime("2024-01-05  06:25:13"), 1704435913);
  EXPECT_EQ(parseAptLogTime("yesterday"), std::nullopt);

  const auto history = lastAptHistoryUpgrade(
      "Start-Date: 2024-01-05  06:25:01\nUpgrade: a:amd64 (1, 2)\nEnd-Date: 2024-01-05  06:25:13\n\n"
      "Start-Date: 2024-01-08  14:02:44\nInstall: jq:amd64 (1.6-2.1)\nEnd-Date: 2024-01-08  14:02:46\n");
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->time, 1704435913);
  EXPECT_EQ(history->observed, "last upgrade End-Date: 2024-01-05  06:25:13");

  const auto dpkg = lastDpkgLogUpgrade(
      "2024-01-05 06:25:06 upgrade openssh-server:amd64 1:9.2p1-2+deb12u1 1:9.2p1-2+deb12u2\n"
      "2024-01-08 14:02:45 install jq:amd64 <none> 1.6-2.1\n");
  ASSERT_TRUE(dpkg.has_value());
  EXPECT_EQ(dpkg->time, 1704435906);
  EXPECT_EQ(lastDpkgLogUpgrade("2024-01-08 14:02:45 install jq:amd64 <none> 1.6-2.1\n"), std::nullopt);
}

TEST(UpdatesRecent, Evaluates) {
  UpdateHistoryFacts facts;
  facts.family = PackageFamily::Apt;
  facts.listsRefreshed =
      UpdateStamp{kFixtureNow - kDay, "/var/lib/apt/periodic/update-success-stamp", "apt update succeeded"};
  facts.upgradesApplied = UpdateStamp{kFixtureNow - 3 * kDay, "/var/log/apt/history.log", "last upgrade"};
  auto outcome = evaluateUpdatesRecent(facts, kFixtureNow, 7);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.evidence.at(1).observed, "last upgrade (2024-01-05 14:02:46 UTC, 3 days ago)");
  EXPECT_EQ(outcome.evidence.at(1).expected, "upgrades applied within 7 days");

  outcome = evaluateUpdatesRecent(facts, kFixtureNow, 2);  // the threshold comes from the config
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "Updates are overdue: upgrades applied 3 days ago");

  facts.upgradesApplied.reset();
  EXPECT_EQ(evaluateUpdatesRecent(facts, kFixtureNow, 7).status, CheckStatus::Fail);
  facts.problems = {"/var/log/apt/history.log: Permission denied"};
  EXPECT_EQ(evaluateUpdatesRecent(facts, kFixtureNow, 7).status, CheckStatus::Error);
  EXPECT_EQ(evaluateUpdatesRecent({}, kFixtureNow, 7).status, CheckStatus::Error);
}

TEST(UpdatesRecent, CompressedListsAloneCannotPass) {
  // apt may keep its indexes compressed (e.g. *_Packages.lz4), which the agent does not read: the pending upgrades
  // are unknown, so recent refreshes and upgrades must not pass as "nothing pending".
  FixtureRoot current("packages/debian-current");
  const std::string index = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages";
  current.remove(index);
  current.write(index + ".lz4", "not read");
  current.setMtime("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", kFixtureNow - 2 * kDay);
  current.setMtime("/var/lib/dpkg/status", kFixtureNow);
  const auto result = runCheckOn(current, "updates.recent", {}, kFixtureNow + kDay);
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  EXPECT_TRUE(text::startsWith(result.message, "Cannot tell which upgrades are pending: no uncompressed"))
      << result.message;
}

TEST(UpdatesRecent, FixtureTrees) {
  FixtureRoot current("packages/debian-current");
  current.setMtime("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", kFixtureNow - 2 * kDay);
  current.setMtime("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
                   kFixtureNow - 2 * kDay);
  current.setMtime("/var/lib/apt/lists/lock", kFixtureNow);  // not an index: ignored
  current.setMtime("/var/lib/dpkg/status", kFixtureNow);
  auto result = runCheckOn(current, "updates.recent", {}, kFixtureNow + kDay);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  ASSERT_EQ(result.evidence.size(), 3u);  // and what the lists offer (issue 17)
  EXPECT_EQ(result.evidence[0].source, "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease");
  EXPECT_EQ(result.evidence[1].source, "/var/log/apt/history.log");  // its upgrade is newer than dpkg.log's
  result = runCheckOn(current, "updates.recent", {}, kFixtureNow + 30 * kDay);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_TRUE(text::startsWith(result.message, "Updates are overdue: package lists refreshed 32 days ago"))
      << result.message;

  FixtureRoot stale("packages/debian-stale");
  stale.setMtime("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", kFixtureNow - kDay);
  result = runCheckOn(stale, "updates.recent", {}, kFixtureNow);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.evidence.at(1).observed,
            "last upgrade End-Date: 2023-11-02  09:01:30 (2023-11-02 09:01:30 UTC, 67 days ago)");

  FixtureRoot rhel("packages/rhel");
  rhel.setMtime("/var/cache/dnf/baseos.solv", kFixtureNow - kDay);
  rhel.setMtime("/var/log/dnf.log", kFixtureNow - 2 * kDay);
  rhel.setMtime("/var/lib/dnf/history.sqlite", kFixtureNow - 20 * kDay);
  result = runCheckOn(rhel, "updates.recent", {}, kFixtureNow);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "Updates are overdue: upgrades applied 20 days ago");
  EXPECT_EQ(result.evidence.at(0).source, "/var/cache/dnf/baseos.solv");
}

// ---- updates.reboot_required ---------------------------------------------------------------------------------------

TEST(UpdatesRebootRequired, DpkgVersionOrdering) {
  EXPECT_GT(compareDpkgVersions("6.1.0-18-amd64", "6.1.0-9-amd64"), 0);
  EXPECT_LT(compareDpkgVersions("6.1.0-9-amd64", "6.1.0-10-amd64"), 0);
  EXPECT_EQ(compareDpkgVersions("6.1.0-18-amd64", "6.1.0-18-amd64"), 0);
  EXPECT_LT(compareDpkgVersions("1.0~rc1", "1.0"), 0);
  EXPECT_GT(compareDpkgVersions("1.0a", "1.0"), 0);
  EXPECT_GT(compareDpkgVersions("1.0+b1", "1.0a"), 0);  // non-letters sort after letters
  EXPECT_EQ(compareDpkgVersions("1.002", "1.2"), 0);
  EXPECT_GT(compareDpkgVersions("5.14.0-427.13.1.el9_4.x86_64", "5.14.0-362.8.1.el9_3.x86_64"), 0);
}

TEST(UpdatesRebootRequired, KernelFlavours) {
  EXPECT_EQ(kernelFlavour("6.1.0-18-amd64"), "amd64");
  EXPECT_EQ(kernelFlavour("6.1.0-18-cloud-amd64"), "cloud-amd64");
  EXPECT_EQ(kernelFlavour("6.5.0-14-generic"), "generic");
  EXPECT_EQ(kernelFlavour("5.14.0-362.el9.x86_64"), "");
  EXPECT_EQ(kernelFlavour("5.14.0-362.el9.x86_64+debug"), "+debug");
}

TEST(UpdatesRebootRequired, Evaluates) {
  RebootFacts facts;
  facts.runningKernel = "6.1.0-18-amd64";
  facts.runningSource = "uname -r";
  facts.installedKernels = {"6.1.0-17-amd64", "6.1.0-18-amd64", "6.1.0-20-rt-amd64"};
  facts.installedSource = "/boot/vmlinuz-*";
  auto outcome = evaluateRebootRequired(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.evidence.at(2).observed, "installed: 6.1.0-17-amd64, 6.1.0-18-amd64");

  facts.installedKernels.push_back("6.1.0-21-amd64");
  outcome = evaluateRebootRequired(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "Kernel 6.1.0-21-amd64 is installed but 6.1.0-18-amd64 is running: a reboot is pending");

  facts.rebootFlag = "/run/reboot-required";
  facts.flagPackages = "libc6\nlinux-image-6.1.0-21-amd64\n";
  outcome = evaluateRebootRequired(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence.at(0).observed, "present, for: libc6 linux-image-6.1.0-21-amd64");
}

TEST(UpdatesRebootRequired, SkipsKernelComparisonHonestly) {
  RebootFacts offline;
  auto outcome = evaluateRebootRequired(offline);
  EXPECT_EQ(outcome.status, CheckStatus::NotApplicable);  // an offline image runs nothing (issue 17: no pass)
  EXPECT_EQ(outcome.evidence.at(1).observed, "absent (offline image): running kernel unknown");

  RebootFacts container;
  container.runningKernel = "6.18.44-fc-v769";
  container.runningSource = "uname -r";
  outcome = evaluateRebootRequired(container);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(text::contains(outcome.message, "kernel comparison skipped")) << outcome.message;
}

TEST(UpdatesRebootRequired, FixtureTrees) {
  FixtureRoot current("packages/debian-current");  // the -rt flavour is newer but is not the running flavour
  auto result = runCheckOn(current, "updates.reboot_required");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.at(1).source, "/proc/sys/kernel/osrelease");

  FixtureRoot stale("packages/debian-stale");
  result = runCheckOn(stale, "updates.reboot_required");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "A reboot is pending (/run/reboot-required exists)");
  EXPECT_EQ(result.evidence.at(0).observed, "present, for: linux-image-6.1.0-18-amd64");
  stale.remove("/run/reboot-required");
  result = runCheckOn(stale, "updates.reboot_required");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "Kernel 6.1.0-18-amd64 is installed but 6.1.0-17-amd64 is running: a reboot is pending");

  FixtureRoot rhel("packages/rhel");  // the rescue image is not a kernel release
  result = runCheckOn(rhel, "updates.reboot_required");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  rhel.write("/proc/sys/kernel/osrelease", "5.14.0-362.8.1.el9_3.x86_64\n");
  EXPECT_EQ(runCheckOn(rhel, "updates.reboot_required").status, CheckStatus::Fail);

  // No /boot images: the module trees of installed kernel packages are used instead.
  rhel.remove("/boot");
  rhel.write("/lib/modules/5.14.0-362.8.1.el9_3.x86_64/modules.builtin", "");
  rhel.makeDirectory("/lib/modules/5.14.0-500.el9.x86_64");  // leftover directory without modules
  result = runCheckOn(rhel, "updates.reboot_required");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.at(2).source, "/lib/modules");
}

}  // namespace
}  // namespace annexa::agent::checks
