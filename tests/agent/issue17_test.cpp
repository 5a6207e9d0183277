// Issue 17: verdicts an auditor can trust. Each wrong verdict the issue lists, reproduced on a fixture first.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "agent/checks/auth.hpp"
#include "agent/checks/accounts.hpp"
#include "agent/checks/logging.hpp"
#include "agent/checks/packages.hpp"
#include "agent/cli.hpp"
#include "agent/facts/host_facts.hpp"
#include "agent/facts/login_defs.hpp"
#include "common/text.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

bool anyEvidenceContains(const CheckResult& result, std::string_view needle) {
  for (const auto& e : result.evidence)
    if (text::contains(e.observed, needle) || text::contains(e.source, needle)) return true;
  return false;
}

// ---- 1. auth.password_max_age: login.defs as shadow-utils reads it -------------------------------------------------

TEST(Issue17LoginDefs, ACommentAfterTheValueIsPartOfTheValue) {
  FixtureRoot root("auth/login-defs-comment");
  const auto result = runCheckOn(root, "auth.password_max_age");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;  // useradd: "cannot parse PASS_MAX_DAYS value"
  EXPECT_TRUE(text::contains(result.message, "cannot parse")) << result.message;
  EXPECT_EQ(result.evidence.at(0).source, "/etc/login.defs:2");
}

TEST(Issue17LoginDefs, ALeadingZeroIsOctal) {
  FixtureRoot root("auth/login-defs-octal");
  const auto result = runCheckOn(root, "auth.password_max_age");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;  // 0500 = 320 days
  EXPECT_TRUE(text::contains(result.message, "320 days")) << result.message;
}

TEST(Issue17LoginDefs, LineAndNumberRulesOfGetdef) {
  const auto defs = parseLoginDefs(
      "  UMASK\t022\nMAIL_DIR \"/var/mail\" trailing\nLONE\nKEY  \"quoted value\"  \nPASS_MAX_DAYS 30\nPASS_MAX_DAYS 60\n");
  EXPECT_EQ(defs.get("UMASK")->value, "022");
  EXPECT_EQ(defs.get("MAIL_DIR")->value, "/var/mail");  // cut at the next quote
  EXPECT_FALSE(defs.get("LONE"));
  EXPECT_EQ(defs.get("KEY")->value, "quoted value");
  EXPECT_EQ(defs.get("PASS_MAX_DAYS")->value, "60");
  EXPECT_EQ(defs.get("PASS_MAX_DAYS")->line, 6);

  EXPECT_EQ(shadowGetNum("0500"), 320);
  EXPECT_EQ(shadowGetNum("0x1f"), 31);
  EXPECT_EQ(shadowGetNum("-1"), -1);
  EXPECT_EQ(shadowGetNum("90 # policy"), std::nullopt);
  EXPECT_EQ(shadowGetNum("08"), std::nullopt);  // not octal
  EXPECT_EQ(shadowGetNum(""), std::nullopt);
  EXPECT_EQ(shadowGetNum("99999999999"), std::nullopt);  // beyond int
  EXPECT_EQ(shadowGetULong("1000"), 1000u);

  // fgets() with a 1024-byte buffer: the rest of a long line is read as a line of its own.
  const std::string longLine = "COMMENTISH " + std::string(1013, 'x') + "PASS_MAX_DAYS 7\n";
  EXPECT_EQ(parseLoginDefs(longLine).get("PASS_MAX_DAYS"), std::nullopt);
  EXPECT_EQ(parseLoginDefs(longLine).get("xPASS_MAX_DAYS")->value, "7");
  EXPECT_EQ(parseLoginDefs(std::string(1023, ' ') + "PASS_MAX_DAYS 7\n").get("PASS_MAX_DAYS")->value, "7");
}

// ---- 2. sysctl as systemd-sysctl applies it -------------------------------------------------------------------------

TEST(Issue17Sysctl, SystemdReadsSysctlConfAtItsNinetyNinePosition) {
  FixtureRoot root("network/sysctl-systemd-order");
  auto result = runCheckOn(root, "network.ip_forwarding");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;  // 99-zz-local.conf sorts after 99-sysctl.conf
  EXPECT_TRUE(anyEvidenceContains(result, "/etc/sysctl.d/99-zz-local.conf:2")) << result.evidence.at(0).source;

  // Without systemd-sysctl the tree is read as procps' `sysctl --system`: /etc/sysctl.conf last.
  root.remove("/usr/lib/systemd/systemd-sysctl");
  result = runCheckOn(root, "network.ip_forwarding");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
}

TEST(Issue17Sysctl, GlobKeysApplyAndExplicitKeysBeatThem) {
  FixtureRoot root("network/sysctl-systemd-order");
  auto result = runCheckOn(root, "network.sysctl_hardening");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;  // rp_filter through net.ipv4.conf.*.rp_filter

  const auto parsed = parseSysctlFile("net.ipv4.conf.*.rp_filter = 2\nnet/ipv4/conf/all/rp_filter = 0\n"
                                      "-net.ipv4.conf.lo.rp_filter\nnet.ipv4.conf.*.rp_filter = 1\n",
                                      "/etc/sysctl.d/x.conf");
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(parsed[0].key, "net/ipv4/conf/*/rp_filter");
  EXPECT_TRUE(parsed[0].glob);
  // systemd: an explicit key wins over any glob, wherever it is; a value-less "-key" excludes it from globs.
  EXPECT_EQ(effectiveSysctlAssignment(parsed, "net/ipv4/conf/all/rp_filter", true)->value, "0");
  EXPECT_EQ(effectiveSysctlAssignment(parsed, "net/ipv4/conf/default/rp_filter", true)->value, "1");
  EXPECT_EQ(effectiveSysctlAssignment(parsed, "net/ipv4/conf/lo/rp_filter", true), std::nullopt);
  // procps too lets the explicit key win over the later glob (as `sysctl --system` does, see oracle_test).
  EXPECT_EQ(effectiveSysctlAssignment(parsed, "net/ipv4/conf/all/rp_filter", false)->value, "0");
  EXPECT_EQ(effectiveSysctlAssignment(parsed, "net/ipv4/conf/lo/rp_filter", false)->value, "1");
  EXPECT_EQ(normaliseSysctlKey("net.ipv4.conf.eth0/10.rp_filter"), "net/ipv4/conf/eth0.10/rp_filter");
  EXPECT_EQ(normaliseSysctlKey("net/ipv4/conf/eth0.10/rp_filter"), "net/ipv4/conf/eth0.10/rp_filter");
}

TEST(Issue17Sysctl, VendorFileWithTheSameNameIsHidden) {
  FixtureRoot root("network/sysctl-systemd-order");
  const auto view = root.view();
  HostFacts facts(view);
  const auto syncookies = facts.sysctl("net.ipv4.tcp_syncookies");
  EXPECT_EQ(syncookies.configured, "1");
  EXPECT_EQ(syncookies.configuredIn, "/etc/sysctl.d/60-hardening.conf:9");
}

// ---- 3. auth.lockout ---------------------------------------------------------------------------------------------

TEST(Issue17Lockout, OptionalPreauthWithAuthsuccLocks) {
  FixtureRoot root("auth/faillock-optional-preauth");
  const auto result = runCheckOn(root, "auth.lockout");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;  // authsucc refuses a locked account
  EXPECT_TRUE(text::contains(result.message, "locks after 5 failures")) << result.message;

  // Without the authsucc check nothing refuses the locked account.
  root.write("/etc/pam.d/common-auth",
             "auth optional pam_faillock.so preauth\nauth [success=1 default=bad] pam_unix.so\n"
             "auth [default=die] pam_faillock.so authfail\nauth required pam_permit.so\n");
  EXPECT_EQ(runCheckOn(root, "auth.lockout").status, CheckStatus::Fail);
}

// ---- 4. files.shadow_permissions ---------------------------------------------------------------------------------

TEST(Issue17ShadowPermissions, GroupMustBeRootOrShadow) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give /etc/shadow another group";
  FixtureRoot root("files/base");
  root.write("/etc/group", "root:x:0:\nshadow:x:42:\nusers:x:100:alice,bob\n");
  ASSERT_EQ(::chown(root.hostPath("/etc/shadow").c_str(), 0, 100), 0);
  root.chmod("/etc/shadow", 0640);
  root.chmod("/etc/gshadow", 0640);
  auto result = runCheckOn(root, "files.shadow_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "neither root nor shadow")) << result.evidence.at(0).observed;

  ASSERT_EQ(::chown(root.hostPath("/etc/shadow").c_str(), 0, 42), 0);
  ASSERT_EQ(::chown(root.hostPath("/etc/gshadow").c_str(), 0, 42), 0);
  EXPECT_EQ(runCheckOn(root, "files.shadow_permissions").status, CheckStatus::Pass);
  ASSERT_EQ(::chown(root.hostPath("/etc/shadow").c_str(), 0, 100), 0);
  root.chmod("/etc/shadow", 0600);  // the group has no access: its name does not matter
  EXPECT_EQ(runCheckOn(root, "files.shadow_permissions").status, CheckStatus::Pass);
}

// ---- 5. accounts.uid0_only_root: passwd as glibc parses it ---------------------------------------------------------

TEST(Issue17Passwd, AnEightFieldLineIsAUid0Account) {
  FixtureRoot root("accounts/uid0-eight-fields");
  const auto result = runCheckOn(root, "accounts.uid0_only_root");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "toor (uid 0")) << result.message;
}

// The oracle: glibc's own parser (fgetpwent uses nss_files' _nss_files_parse_pwent) over tricky lines.
TEST(Issue17Passwd, AgreesWithGlibcFgetpwent) {
  const std::string content =
      "root:x:0:0:root:/root:/bin/bash\n"
      "toor:x:0:0:backdoor:/root:/bin/bash:\n"
      "  indented:x:1001:1001::/home/indented:/bin/sh\n"
      "#comment:x:0:0::/:/bin/sh\n"
      "\n"
      "wrap:x:4294967296:0::/:/bin/sh\n"     // beyond 32 bits: rejected
      "neg:x:-1:0::/:/bin/sh\n"             // strtoul: ULONG_MAX, rejected
      "negzero:x:-0:0::/:/bin/sh\n"
      "max:x:4294967295:0::/:/bin/sh\n"
      "spaced:x: 0:0::/:/bin/sh\n"
      "plus:x:+0:0::/:/bin/sh\n"
      "short:x:7:7\n"
      "shorter:x:8\n"
      "hex:x:0x0:0::/:/bin/sh\n"
      "nogid:x:9::::\n"
      "+nis:x:0:0::/:/bin/sh\n"
      "+@group::::::\n"
      "+\n"
      "crlf:x:10:10::/home/crlf:/bin/sh\r\n"
      "extra:x:11:11:a:b:c:d:e\n"
      ":x:0:0::/:/bin/sh\n"
      "many::::::\n";
  FixtureRoot root;
  root.write("/passwd", content);
  std::FILE* file = std::fopen(root.hostPath("/passwd").c_str(), "r");
  ASSERT_NE(file, nullptr);
  std::vector<checks::PasswdEntry> glibc;
  while (const struct passwd* pw = ::fgetpwent(file)) {
    checks::PasswdEntry e;
    e.name = pw->pw_name;
    e.uid = pw->pw_uid;
    e.gid = pw->pw_gid;
    e.home = pw->pw_dir ? pw->pw_dir : "";
    e.shell = pw->pw_shell ? pw->pw_shell : "";
    glibc.push_back(e);
  }
  std::fclose(file);
  const auto ours = checks::parsePasswd(content);
  ASSERT_EQ(ours.size(), glibc.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].name, glibc[i].name) << i;
    EXPECT_EQ(ours[i].uid, glibc[i].uid) << ours[i].name;
    EXPECT_EQ(ours[i].gid, glibc[i].gid) << ours[i].name;
    EXPECT_EQ(ours[i].home, glibc[i].home) << ours[i].name;
    EXPECT_EQ(ours[i].shell, glibc[i].shell) << ours[i].name;
  }
}

// ---- 6. updates.recent: installed versions against the lists ------------------------------------------------------

constexpr std::int64_t kNow = 1704722566;  // 2024-01-08 14:02:46 UTC
constexpr std::int64_t kDay = 86400;

TEST(Issue17Updates, PendingSecurityUpgradesFailDespiteAnUpgradeToday) {
  FixtureRoot root("packages/debian-security-pending");
  const std::string lists = "/var/lib/apt/lists/deb.debian.org_";
  root.setMtime(lists + "debian_dists_bookworm_main_binary-amd64_Packages", kNow - 60 * kDay);
  root.setMtime(lists + "debian_dists_bookworm-updates_main_binary-amd64_Packages", kNow - kDay);
  root.setMtime(lists + "debian-security_dists_bookworm-security_main_binary-amd64_Packages", kNow - 40 * kDay);
  auto result = runCheckOn(root, "updates.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(text::contains(result.message, "3 security upgrade(s) pending for at least 40 days")) << result.message;
  EXPECT_TRUE(text::contains(result.message, "4 upgrade(s) pending, 3 security")) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "vim-tiny 2:9.0.1378-2 → 2:9.0.1378-2+deb12u1 (security)"));
  EXPECT_TRUE(anyEvidenceContains(result, "tzdata 2024a-0+deb12u1 → 2025b-0+deb12u1"));

  // Published (at the latest) two days ago: within the 30 days, reported but not failed.
  root.setMtime(lists + "debian-security_dists_bookworm-security_main_binary-amd64_Packages", kNow - 2 * kDay);
  result = runCheckOn(root, "updates.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(text::contains(result.message, "4 upgrade(s) pending, 3 security")) << result.message;

  // A FIFO among the lists is not an empty index.
  ASSERT_EQ(::mkfifo(root.hostPath(lists + "x_security_Packages").c_str(), 0644), 0);
  EXPECT_EQ(runCheckOn(root, "updates.recent", {}, kNow).status, CheckStatus::Error);
}

// dpkg itself is the oracle for the version order.
TEST(Issue17Updates, VersionOrderAgreesWithDpkg) {
  if (::access("/usr/bin/dpkg", X_OK) != 0) GTEST_SKIP() << "dpkg is not installed";
  const std::vector<std::string> versions = {
      "1.0", "1.0-1", "1.0-0", "1:0.9", "0:1.0", "1.0~rc1", "1.0~rc1-1", "1.0+b1", "1.0a", "1.0.1", "1.00",
      "2.0-1~deb12u1", "2.0-1+deb12u1", "2.0-1", "1.0-1.1", "1.0-1~bpo1", "3.0.11-1~deb12u2", "3.0.15-1~deb12u1",
      "2:9.0.1378-2", "2:9.0.1378-2+deb12u1", "7.88.1-10+deb12u8", "1.0~~", "1.0~", "1.0~a", "10", "9", "a", "~",
      "1.2.3-4-5", "0.17+2.4-2", "20240101", "1:1.0-0ubuntu1", "1.0-a", "1.0-~"};
  for (const auto& a : versions)
    for (const auto& b : versions) {
      const int ours = checks::compareDebianVersions(a, b);
      const std::string command = "/usr/bin/dpkg --compare-versions '" + a + "' lt '" + b + "' 2>/dev/null";
      const bool dpkgLess = std::system(command.c_str()) == 0;
      EXPECT_EQ(ours < 0, dpkgLess) << a << " vs " << b;
    }
}

// ---- 7. logging.journald_persistent: a live host is judged by what runs ------------------------------------------

TEST(Issue17Journald, LiveHostNeedsTheRunningJournald) {
  checks::JournaldFacts facts;
  facts.installed = true;
  facts.persistentDirectory = true;
  facts.settings["Storage"] = {"persistent", "/etc/systemd/journald.conf"};
  facts.live = true;  // journald not running, /var/log/journal empty
  auto outcome = checks::evaluateJournaldPersistent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail) << outcome.message;
  EXPECT_TRUE(text::contains(outcome.message, "not running")) << outcome.message;

  facts.daemon.state = DaemonState::Running;
  facts.daemon.evidence = {"/proc", "process systemd-journald running (pid 210)", ""};
  outcome = checks::evaluateJournaldPersistent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail) << outcome.message;  // running, but nothing on disk
  facts.persistentFiles = 3;
  EXPECT_EQ(checks::evaluateJournaldPersistent(facts).status, CheckStatus::Pass);

  // An offline root: configuration only, and the evidence says so.
  facts.live = false;
  outcome = checks::evaluateJournaldPersistent(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  bool says = false;
  for (const auto& e : outcome.evidence) says = says || text::contains(e.observed, "configuration only");
  EXPECT_TRUE(says);
}

// ---- 8. passes where nothing was read ----------------------------------------------------------------------------

TEST(Issue17FailClosed, AnUnreadableSysctlFileIsAnError) {
  FixtureRoot root;
  root.write("/etc/hostname", "image\n");
  root.makeDirectory("/etc/sysctl.d");
  ASSERT_EQ(::mkfifo(root.hostPath("/etc/sysctl.d/99-aslr.conf").c_str(), 0644), 0);  // unreadable as a file
  auto result = runCheckOn(root, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  root.remove("/etc/sysctl.d/99-aslr.conf");
  root.write("/etc/sysctl.d/99-aslr.conf", "kernel.randomize_va_space = 0\n");
  EXPECT_EQ(runCheckOn(root, "kernel.aslr").status, CheckStatus::Fail);
  root.write("/etc/sysctl.d/99-aslr.conf", "");
  EXPECT_EQ(runCheckOn(root, "kernel.aslr").status, CheckStatus::Pass);  // an image: the kernel default applies
}

TEST(Issue17FailClosed, AProcSysEntryOfTheWrongTypeIsAnError) {
  FixtureRoot root;
  root.makeDirectory("/etc");
  root.makeDirectory("/proc/sys/kernel/randomize_va_space");
  const auto result = runCheckOn(root, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
}

TEST(Issue17FailClosed, AnEmptyRootPassesNothing) {
  FixtureRoot root;
  for (const char* id : {"kernel.aslr", "network.ip_forwarding", "updates.reboot_required",
                         "network.sysctl_hardening", "kernel.core_dumps_restricted"}) {
    const auto result = runCheckOn(root, id);
    EXPECT_NE(result.status, CheckStatus::Pass) << id << ": " << result.message;
  }
  std::ostringstream out, err;
  ASSERT_EQ(runAgentCli({"check", "--root", root.path().string(), "--format", "json"}, out, err), 0) << err.str();
  const auto report = parseReport(out.str());
  ASSERT_TRUE(report.ok()) << report.error();
  for (const auto& r : report->results) EXPECT_NE(r.status, CheckStatus::Pass) << r.check << ": " << r.message;
}

TEST(Issue17FailClosed, AFifoAtTheDpkgStatusPathIsAnError) {
  FixtureRoot root("packages/debian-current");
  root.remove("/var/lib/dpkg/status");
  ASSERT_EQ(::mkfifo(root.hostPath("/var/lib/dpkg/status").c_str(), 0644), 0);
  const auto result = runCheckOn(root, "packages.insecure_installed");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  EXPECT_TRUE(text::contains(result.message, "not a regular file (fifo)")) << result.message;
  root.remove("/var/lib/dpkg/status");
  root.write("/var/lib/dpkg/status", "garbage without stanzas\n");
  EXPECT_EQ(runCheckOn(root, "packages.insecure_installed").status, CheckStatus::Error);
}

// ---- 9. ssh.password_authentication without PAM files -------------------------------------------------------------

TEST(Issue17Ssh, NoPamConfigurationIsReportedAndTheMessageAgrees) {
  FixtureRoot root("ssh/no-pam");
  const auto result = runCheckOn(root, "ssh.password_authentication");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(text::contains(result.message, "PAM has no configuration for sshd")) << result.message;
  EXPECT_FALSE(text::contains(result.message, "only with a second factor")) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "no PAM configuration for sshd"));
  const auto mfa = runCheckOn(root, "ssh.mfa_required");
  EXPECT_EQ(mfa.status, CheckStatus::Fail) << mfa.message;  // publickey alone still gets in
  EXPECT_FALSE(text::contains(mfa.message, "through PAM")) << mfa.message;
}

// ---- one non-UTF-8 byte ------------------------------------------------------------------------------------------

TEST(Issue17Utf8, ALatin1HomeDirectoryDoesNotLoseTheReport) {
  FixtureRoot root("files/base");
  root.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nren\xe9:x:1000:1000::/home/ren\xe9:/bin/bash\n");
  root.write("/etc/hostname", "h\xf4te\n");
  root.makeDirectory("/home/ren\xe9", 0777);
  std::ostringstream out, err;
  ASSERT_EQ(runAgentCli({"check", "--root", root.path().string(), "--format", "json"}, out, err), 0) << err.str();
  const auto report = parseReport(out.str());
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->host.hostname, "h\\xF4te");
  bool found = false;
  for (const auto& r : report->results) {
    if (r.check != "files.home_permissions") continue;
    EXPECT_EQ(r.status, CheckStatus::Fail);
    found = anyEvidenceContains(r, "/home/ren\\xE9") && anyEvidenceContains(r, "not valid UTF-8");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(text::escapeInvalidUtf8("caf\xc3\xa9 \xff \xed\xa0\x80 \xc0\xaf"), "caf\xc3\xa9 \\xFF \\xED\\xA0\\x80 \\xC0\\xAF");
  EXPECT_EQ(text::truncate("\xe2\x80\xa6\xe2\x80\xa6", 4), "\xe2\x80\xa6\xe2\x80\xa6");
  EXPECT_TRUE(text::isValidUtf8(text::truncate("ab\xe2\x80\xa6", 3)));
}

// ---- --root never escapes -------------------------------------------------------------------------------------------

class Issue17Root : public ::testing::TestWithParam<SystemView::Resolution> {};

TEST_P(Issue17Root, AnAbsoluteLinkToTheHostStaysInside) {
  FixtureRoot root;
  root.symlink("/etc", "/etc");  // etc -> /etc: a loop inside the root, the host's /etc outside it
  const auto view = SystemView::offline(root.path(), GetParam());
  const auto passwd = view.readFile("/etc/passwd");
  ASSERT_FALSE(passwd.ok()) << "read the host's /etc/passwd";
  EXPECT_TRUE(text::contains(passwd.error(), std::strerror(ELOOP))) << passwd.error();
  EXPECT_FALSE(view.exists("/etc/passwd"));
  EXPECT_FALSE(view.listDirectory("/etc").ok());
  EXPECT_FALSE(view.probe("/etc/passwd").ok());  // not "missing": could not look

  // A chain of more than 40 links fails; a relative link climbing out stops at the root.
  FixtureRoot chain;
  for (int i = 0; i < 45; ++i) chain.symlink("/l" + std::to_string(i + 1), "/l" + std::to_string(i));
  chain.write("/l45", "end\n");
  EXPECT_FALSE(SystemView::offline(chain.path(), GetParam()).readFile("/l0").ok());
  EXPECT_EQ(SystemView::offline(chain.path(), GetParam()).readFile("/l10").value(), "end\n");
  chain.symlink("../../../../../../../../../../l45", "/up");
  EXPECT_EQ(SystemView::offline(chain.path(), GetParam()).readFile("/up").value(), "end\n");
  chain.symlink("/proc/self/root/etc/passwd", "/magic");  // resolved inside: no /proc in this root
  EXPECT_FALSE(SystemView::offline(chain.path(), GetParam()).readFile("/magic").ok());
}

TEST_P(Issue17Root, OnlyRegularFilesAreOpened) {
  FixtureRoot root;
  ASSERT_EQ(::mkfifo(root.hostPath("/fifo").c_str(), 0644), 0);
  root.makeDirectory("/dir");
  const auto view = SystemView::offline(root.path(), GetParam());
  EXPECT_TRUE(text::contains(view.readFile("/fifo").error(), "not a regular file (fifo)"));
  EXPECT_TRUE(text::contains(view.readFile("/dir").error(), "is a directory"));
  EXPECT_EQ(view.stat("/fifo")->type, FileType::Fifo);
  if (::geteuid() == 0 && ::mknod(root.hostPath("/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    EXPECT_TRUE(text::contains(view.readFile("/null").error(), "character device"));
  }
  // A sparse file far larger than the bound is refused from its size, without reading it.
  root.write("/sparse", "");
  ASSERT_EQ(::truncate(root.hostPath("/sparse").c_str(), 1LL << 40), 0);
  EXPECT_TRUE(text::contains(view.readFile("/sparse").error(), "larger than"));
  EXPECT_EQ(view.readHead("/sparse", 4).value(), std::string(4, '\0'));
}

INSTANTIATE_TEST_SUITE_P(Resolution, Issue17Root,
                         ::testing::Values(SystemView::Resolution::Auto, SystemView::Resolution::Walk));

}  // namespace
}  // namespace annexa::agent
