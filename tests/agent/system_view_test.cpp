#include <gtest/gtest.h>

#include "agent/facts/host_facts.hpp"
#include "agent/system_view.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

using test::FixtureRoot;

TEST(SystemView, ReadsBelowTheRootAndReportsMissingFiles) {
  FixtureRoot root;
  root.write("/etc/hostname", "web-01\n");
  const auto view = root.view();
  EXPECT_EQ(view.readFile("/etc/hostname").value(), "web-01\n");
  const auto missing = view.readFile("/etc/shadow");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/etc/shadow"), std::string::npos);
  EXPECT_NE(missing.error().find("No such file"), std::string::npos);
}

TEST(SystemView, ReadsALargeFileInPiecesThatEndAtTheSeparator) {
  FixtureRoot root;
  std::string index;
  for (int i = 0; index.size() < 3 * 1024 * 1024; ++i)  // three 1 MiB blocks and more: paragraphs span blocks
    index += "Package: p" + std::to_string(i) + "\nVersion: 1." + std::to_string(i) + "\n\n";
  index += "Package: last\nVersion: 9";  // no separator at the end
  root.write("/var/lib/apt/lists/x_Packages", index);
  const auto view = root.view();
  std::string whole;
  int pieces = 0;
  const auto read = view.readInPieces("/var/lib/apt/lists/x_Packages", index.size(), "\n\n", [&](std::string_view p) {
    ++pieces;
    whole += p;
    if (whole.size() < index.size()) {
      EXPECT_TRUE(p.size() >= 2 && p.substr(p.size() - 2) == "\n\n");
    }
  });
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_GT(pieces, 2);
  EXPECT_EQ(whole, index);
  EXPECT_FALSE(view.readInPieces("/var/lib/apt/lists/x_Packages", index.size() - 1, "\n\n", [](std::string_view) {})
                   .ok());  // over the limit: an error, not a silent cut
  EXPECT_FALSE(view.readInPieces("/var/lib/apt/lists/none", 100, "\n\n", [](std::string_view) {}).ok());
}

TEST(SystemView, AbsoluteSymlinksStayInsideTheRoot) {
  FixtureRoot root;
  root.write("/lib/systemd/system/ssh.service", "[Unit]\n");
  root.symlink("/lib/systemd/system/ssh.service", "/etc/systemd/system/multi-user.target.wants/ssh.service");
  if (!root.view().exists("/lib/systemd/system/ssh.service")) root.write("/lib/systemd/system/ssh.service", "[Unit]\n");
  root.symlink("../../../../etc/passwd-escape", "/etc/escape");  // ".." cannot climb above the root
  root.write("/etc/passwd-escape", "inside\n");
  const auto view = root.view();
  EXPECT_EQ(view.readFile("/etc/systemd/system/multi-user.target.wants/ssh.service").value(), "[Unit]\n");
  EXPECT_EQ(view.readFile("/etc/escape").value(), "inside\n");
  EXPECT_EQ(view.lstat("/etc/escape")->type, FileType::Symlink);
  EXPECT_EQ(view.stat("/etc/escape")->type, FileType::Regular);
}

TEST(SystemView, StatReportsModeAndType) {
  FixtureRoot root;
  root.write("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0640);
  const auto info = root.view().stat("/etc/shadow");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->mode, 0640u);
  EXPECT_EQ(info->type, FileType::Regular);
  EXPECT_EQ(formatMode(info->mode), "0640");
}

TEST(SystemView, GlobMatchesLastComponent) {
  FixtureRoot root;
  root.write("/etc/sudoers.d/10-admins", "");
  root.write("/etc/sudoers.d/README", "");
  root.write("/etc/sudoers.d/.hidden", "");
  const auto all = root.view().glob("/etc/sudoers.d/*");
  EXPECT_EQ(all, (std::vector<std::string>{"/etc/sudoers.d/10-admins", "/etc/sudoers.d/README"}));
  EXPECT_TRUE(root.view().glob("/etc/nothing/*").empty());
}

TEST(SystemView, OfflineRootRunsNoCommands) {
  FixtureRoot root;
  const auto result = root.view().runCommand({"true"});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("offline root"), std::string::npos);
}

TEST(SystemView, LiveCommandsRunWithoutShellAndTimeOut) {
  const auto live = SystemView::live();
  const auto echo = live.runCommand({"echo", "a;b"});
  ASSERT_TRUE(echo.ok()) << echo.error();
  EXPECT_EQ(echo->output, "a;b\n");  // no shell: ';' is just a character
  EXPECT_EQ(echo->exitCode, 0);

  const auto slow = live.runCommand({"sleep", "5"}, std::chrono::milliseconds(100));
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().find("timed out"), std::string::npos);

  const auto missing = live.runCommand({"annexa-no-such-tool"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("not installed"), std::string::npos);
}

TEST(HostFacts, ParsesDpkgStatusKeepingOnlyInstalledPackages) {
  const auto db = parseDpkgStatus(
      "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2\n\n"
      "Package: telnetd\nStatus: deinstall ok config-files\nVersion: 0.17\n\n"
      "Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n");
  EXPECT_TRUE(db.installed("openssh-server"));
  EXPECT_TRUE(db.installed("auditd"));
  EXPECT_FALSE(db.installed("telnetd"));
  EXPECT_EQ(db.versions.at("auditd"), "1:3.0.9-1");
}

TEST(HostFacts, ProcessesComeFromProcUnderTheRoot) {
  FixtureRoot root;
  root.write("/proc/1/comm", "systemd\n");
  root.write("/proc/1/cmdline", std::string("/sbin/init\0splash\0", 18));
  root.write("/proc/812/comm", "auditd\n");
  root.write("/proc/812/cmdline", std::string("/sbin/auditd\0", 13));
  root.write("/proc/self/status", "");
  const auto view = root.view();
  HostFacts facts(view);
  ASSERT_TRUE(facts.processes().ok());
  EXPECT_EQ(facts.processes()->size(), 2u);
  const auto auditd = facts.findProcess({"auditd"});
  ASSERT_TRUE(auditd.has_value());
  EXPECT_EQ(auditd->pid, 812);
  EXPECT_EQ(facts.findProcess({"/sbin/init"}), std::nullopt);  // names, not paths
  EXPECT_EQ(facts.findProcess({"init"})->cmdline, "/sbin/init splash");
}

TEST(HostFacts, SysctlReadsLiveValueAndLastConfiguredFile) {
  FixtureRoot root;
  root.write("/proc/sys/net/ipv4/ip_forward", "0\n");
  root.write("/usr/lib/sysctl.d/50-default.conf", "net.ipv4.conf.all.rp_filter = 2\n");
  root.write("/etc/sysctl.d/99-hardening.conf", "net/ipv4/conf/all/rp_filter=1\n-kernel.foo = 3\n");
  root.write("/etc/sysctl.conf", "# nothing\n");
  const auto view = root.view();
  HostFacts facts(view);
  EXPECT_EQ(facts.sysctl("net.ipv4.ip_forward").live, "0");
  const auto rp = facts.sysctl("net.ipv4.conf.all.rp_filter");
  EXPECT_FALSE(rp.live.has_value());
  EXPECT_EQ(rp.configured, "1");
  EXPECT_EQ(rp.configuredIn, "/etc/sysctl.d/99-hardening.conf:1");
  EXPECT_EQ(facts.sysctl("kernel.foo").configured, "3");
}

TEST(HostFacts, SystemdUnitEnabledMaskedAndActive) {
  FixtureRoot root;
  root.write("/lib/systemd/system/auditd.service", "");
  root.write("/lib/systemd/system/chrony.service", "");
  root.symlink("/lib/systemd/system/auditd.service", "/etc/systemd/system/multi-user.target.wants/auditd.service");
  if (!root.view().exists("/lib/systemd/system/auditd.service")) root.write("/lib/systemd/system/auditd.service", "[Unit]\n");
  root.symlink("/dev/null", "/etc/systemd/system/chrony.service");
  root.symlink("0123abcd", "/run/systemd/units/invocation:auditd.service");
  const auto view = root.view();
  HostFacts facts(view);
  EXPECT_TRUE(facts.unitExists("auditd.service"));
  EXPECT_TRUE(facts.unitEnabled("auditd.service"));
  EXPECT_FALSE(facts.unitEnabled("chrony.service"));
  EXPECT_TRUE(facts.unitActive("auditd.service"));
  EXPECT_FALSE(facts.unitActive("chrony.service"));
  EXPECT_FALSE(facts.unitExists("ntp.service"));
}

}  // namespace
}  // namespace annexa::agent
