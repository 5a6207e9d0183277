#include <gtest/gtest.h>

#include "agent/checks/accounts.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

std::vector<PasswdEntry> passwd(std::string_view content) { return parsePasswd(content); }

SudoersFacts sudoers(std::string_view content, std::string version = {}) {
  SudoersFacts facts;
  facts.installed = true;
  facts.files = {"/etc/sudoers"};
  facts.lines = parseSudoersLines(content, "/etc/sudoers");
  facts.version = std::move(version);
  return facts;
}

bool anyEvidenceContains(const std::vector<Evidence>& evidence, std::string_view needle) {
  for (const auto& e : evidence)
    if (e.observed.find(needle) != std::string::npos || e.source.find(needle) != std::string::npos) return true;
  return false;
}

// ---- the user database -------------------------------------------------------------------------------------------

TEST(AccountsPasswd, ParsesWellFormedLinesOnly) {
  const auto entries = passwd("root:x:0:0:root:/root:/bin/bash\n+@nis::::::\nbroken:x:1\nbad:x:abc:1::/:/bin/sh\n"
                              "\ngames:x:5:60:games:/usr/games:\n");
  ASSERT_EQ(entries.size(), 3u);  // glibc's files service returns the NIS line as an entry named "+@nis"
  EXPECT_TRUE(entries[1].nisCompat);
  EXPECT_FALSE(entries[1].uidWritten);
  EXPECT_EQ(entries[2].name, "games");
  EXPECT_EQ(entries[2].uid, 5);
  EXPECT_EQ(entries[2].shell, "");
  EXPECT_EQ(entries[2].lineNumber, 6);
}

TEST(AccountsLoginDefs, LastUidMinWinsAndDefaultsApply) {
  EXPECT_EQ(parseLoginDefs("UID_MIN 1000\n# UID_MIN 10\nUID_MIN\t500\n").uidMin, 500);
  EXPECT_EQ(parseLoginDefs("UID_MAX 60000\n").uidMin, 1000);
  EXPECT_EQ(parseLoginDefs("UID_MIN 1000\n").uidMinSource, "/etc/login.defs: UID_MIN 1000");
  FixtureRoot empty;
  const auto defaults = readLoginDefs(empty.view());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->uidMin, 1000);
}

TEST(AccountsUid0OnlyRoot, Evaluation) {
  EXPECT_EQ(evaluateUid0OnlyRoot(passwd("root:x:0:0::/root:/bin/bash\nbin:x:2:2::/:/bin/false\n")).status,
            CheckStatus::Pass);
  const auto fail = evaluateUid0OnlyRoot(passwd("root:x:0:0::/root:/bin/bash\nadmin:x:0:0::/home/admin:/bin/zsh\n"));
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  ASSERT_EQ(fail.evidence.size(), 1u);
  EXPECT_EQ(fail.evidence[0].source, "/etc/passwd:2");
  EXPECT_EQ(fail.evidence[0].observed, "admin (uid 0, home /home/admin, shell /bin/zsh)");
  EXPECT_EQ(evaluateUid0OnlyRoot(Result<std::vector<PasswdEntry>>(makeError("cannot read /etc/passwd"))).status,
            CheckStatus::Error);
}

TEST(AccountsUid0OnlyRoot, FixtureTrees) {
  FixtureRoot good("accounts/good");
  auto result = runCheckOn(good, "accounts.uid0_only_root");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.2"}));

  FixtureRoot weak("accounts/weak");
  result = runCheckOn(weak, "accounts.uid0_only_root");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].observed, "toor (uid 0, home /root, shell /bin/bash)");

  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "accounts.uid0_only_root").status, CheckStatus::Error);
}

TEST(AccountsSystemShells, Evaluation) {
  const LoginDefs defaults;
  EXPECT_EQ(evaluateSystemShells(passwd("root:x:0:0::/root:/bin/bash\nsync:x:4:1::/bin:/bin/sync\n"
                                        "halt:x:7:0::/sbin:/sbin/halt\nd:x:1:1::/:/usr/sbin/nologin\n"
                                        "f:x:2:2::/:/usr/bin/false\nalice:x:1000:1000::/home/alice:/bin/bash\n"),
                                 defaults)
                .status,
            CheckStatus::Pass);
  // The special shells are only fine for their own account; an empty shell is /bin/sh.
  const auto fail = evaluateSystemShells(passwd("lp:x:7:7::/:/bin/sync\ngames:x:5:60::/usr/games:\n"), defaults);
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  ASSERT_EQ(fail.evidence.size(), 3u);
  EXPECT_EQ(fail.evidence[1].observed, "games (uid 5, home /usr/games, shell empty = /bin/sh)");
  EXPECT_EQ(fail.evidence[2].source, "/etc/login.defs");

  LoginDefs low;
  low.uidMin = 500;
  EXPECT_EQ(evaluateSystemShells(passwd("svc:x:600:600::/srv:/bin/sh\n"), low).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateSystemShells(passwd("svc:x:600:600::/srv:/bin/sh\n"), defaults).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateSystemShells(passwd("a:x:1:1::/:/bin/false\n"), Result<LoginDefs>(makeError("denied"))).status,
            CheckStatus::Error);
}

TEST(AccountsSystemShells, FixtureTrees) {
  FixtureRoot good("accounts/good");
  auto result = runCheckOn(good, "accounts.system_shells");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "All 7 system accounts have a non-login shell");

  FixtureRoot weak("accounts/weak");
  result = runCheckOn(weak, "accounts.system_shells");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "www-data (uid 33, home /var/www, shell /bin/bash)"));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "/etc/login.defs: UID_MIN 500"));
  EXPECT_FALSE(anyEvidenceContains(result.evidence, "svc"));  // uid 600 is a regular user with UID_MIN 500
}

// ---- sudoers parsing ---------------------------------------------------------------------------------------------

TEST(SudoParse, LogicalLinesCommentsAndDefaults) {
  const auto lines = parseSudoersLines(
      "# comment\n"
      "Defaults env_reset, secure_path=\"/a,/b\" # trailing\n"
      "#includedir /etc/sudoers.d\n"
      "%wheel ALL=(ALL) \\\n"
      "   NOPASSWD: ALL\n"
      "#1000 ALL=(ALL) ALL\n",
      "/etc/sudoers");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "Defaults env_reset, secure_path=\"/a,/b\"");
  EXPECT_EQ(lines[1].text, "#includedir /etc/sudoers.d");
  EXPECT_EQ(lines[2].lineNumber, 4);
  EXPECT_EQ(lines[2].where(), "/etc/sudoers:4");
  EXPECT_EQ(lines[3].text, "#1000 ALL=(ALL) ALL");

  const auto defaults = parseDefaults(lines[0]);
  ASSERT_EQ(defaults.size(), 2u);
  EXPECT_EQ(defaults[1].name, "secure_path");
  EXPECT_EQ(defaults[1].value, "/a,/b");

  const SudoersLine scoped{"/etc/sudoers", 1, "Defaults:%backup !!use_pty, !syslog, env_keep += \"A B\""};
  const auto parsed = parseDefaults(scoped);
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0].scope, ":%backup");
  EXPECT_FALSE(parsed[0].negated);
  EXPECT_TRUE(parsed[1].negated);
  EXPECT_EQ(parsed[2].name, "env_keep");
  EXPECT_TRUE(parseDefaults({"/etc/sudoers", 1, "Defaultsx foo"}).empty());
}

TEST(SudoParse, UsePtyDefaultFollowsTheVersion) {
  EXPECT_EQ(usePtyDefault("1.9.13p3-1+deb12u1"), false);
  EXPECT_EQ(usePtyDefault("1.9.15p5-3ubuntu5"), true);
  EXPECT_EQ(usePtyDefault("1:1.10.0-1"), true);
  EXPECT_EQ(usePtyDefault("1.8.31-1ubuntu1"), false);
  EXPECT_EQ(usePtyDefault(""), std::nullopt);
  EXPECT_EQ(usePtyDefault("unknown"), std::nullopt);
}

// ---- sudo.nopasswd -----------------------------------------------------------------------------------------------

TEST(SudoNopasswd, Evaluation) {
  EXPECT_EQ(evaluateSudoNopasswd(sudoers("root ALL=(ALL) ALL\nCmnd_Alias NOPASSWD_X = /bin/ls\n")).status,
            CheckStatus::Pass);
  const auto fail = evaluateSudoNopasswd(sudoers("root ALL=(ALL) ALL\nbob ALL = (root) PASSWD: /bin/a, NOPASSWD : /bin/b\n"));
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  ASSERT_EQ(fail.evidence.size(), 1u);
  EXPECT_EQ(fail.evidence[0].source, "/etc/sudoers:2");
  EXPECT_EQ(evaluateSudoNopasswd(sudoers("Defaults !authenticate\n")).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateSudoNopasswd(sudoers("Defaults authenticate\n")).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateSudoNopasswd(SudoersFacts{}).status, CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateSudoNopasswd(Result<SudoersFacts>(makeError("cannot read /etc/sudoers: Permission denied"))).status,
            CheckStatus::Error);
}

TEST(SudoNopasswd, FixtureTrees) {
  FixtureRoot good("accounts/good");
  auto result = runCheckOn(good, "sudo.nopasswd");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  // README and operators are read; admins.dpkg-old and admins~ are skipped as sudo does.
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "/etc/sudoers, /etc/sudoers.d/README, /etc/sudoers.d/operators");

  FixtureRoot weak("accounts/weak");
  result = runCheckOn(weak, "sudo.nopasswd");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[0].source, "/etc/sudoers.local:1");
  EXPECT_EQ(result.evidence[0].observed, "%wheel ALL=(ALL)         NOPASSWD: ALL");
  EXPECT_EQ(result.evidence[1].observed, "Defaults:deploy !authenticate");

  // Unreadable policy: error, never a pass.
  weak.remove("/etc/sudoers.local");
  weak.makeDirectory("/etc/sudoers.local");
  result = runCheckOn(weak, "sudo.nopasswd");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  EXPECT_NE(result.message.find("/etc/sudoers.local"), std::string::npos);

  FixtureRoot none;
  none.write("/etc/passwd", "root:x:0:0::/root:/bin/bash\n");
  result = runCheckOn(none, "sudo.nopasswd");
  EXPECT_EQ(result.status, CheckStatus::NotApplicable) << result.message;

  // A sudo binary without a policy file.
  none.write("/usr/bin/sudo", "", 0755);
  EXPECT_EQ(runCheckOn(none, "sudo.nopasswd").status, CheckStatus::Error);
}

// ---- sudo.use_pty_and_log ----------------------------------------------------------------------------------------

TEST(SudoUsePtyAndLog, Evaluation) {
  auto pass = evaluateSudoPtyAndLog(sudoers("Defaults use_pty\n", "1.9.13p3-1+deb12u1"));
  EXPECT_EQ(pass.status, CheckStatus::Pass);
  EXPECT_EQ(pass.evidence[0].observed, "Defaults use_pty");
  EXPECT_EQ(pass.evidence[1].observed, "syslog not disabled (sudo's default: facility authpriv)");

  // Not set: the version's default decides; unknown versions are taken as off.
  auto missing = evaluateSudoPtyAndLog(sudoers("root ALL=(ALL) ALL\n", "1.9.13p3-1+deb12u1"));
  EXPECT_EQ(missing.status, CheckStatus::Fail);
  EXPECT_EQ(missing.evidence[0].observed, "use_pty not set (off by default in sudo 1.9.13p3-1+deb12u1)");
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("root ALL=(ALL) ALL\n", "1.9.15p5-3ubuntu5")).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("root ALL=(ALL) ALL\n")).status, CheckStatus::Fail);

  // Logging: !syslog alone fails, with a logfile it passes; the later Defaults line wins.
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("Defaults use_pty\nDefaults !syslog\n")).status, CheckStatus::Fail);
  auto logfile = evaluateSudoPtyAndLog(sudoers("Defaults use_pty, !syslog\nDefaults logfile=/var/log/sudo.log\n"));
  EXPECT_EQ(logfile.status, CheckStatus::Pass);
  EXPECT_EQ(logfile.message, "sudo runs commands in a pseudo-terminal and logs them to /var/log/sudo.log");
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("Defaults use_pty\nDefaults !use_pty\n")).status, CheckStatus::Fail);

  // Scoped exceptions weaken the policy for those users or commands.
  auto scoped = evaluateSudoPtyAndLog(sudoers("Defaults use_pty\nDefaults:backup !use_pty\n"));
  EXPECT_EQ(scoped.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(scoped.evidence, "Defaults:backup !use_pty"));
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("Defaults use_pty\nDefaults!/usr/bin/x !log_allowed\n")).status,
            CheckStatus::Fail);
  EXPECT_EQ(evaluateSudoPtyAndLog(sudoers("Defaults use_pty, logfile=/l\nDefaults:bob !syslog\n")).status,
            CheckStatus::Pass);

  EXPECT_EQ(evaluateSudoPtyAndLog(SudoersFacts{}).status, CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateSudoPtyAndLog(Result<SudoersFacts>(makeError("x"))).status, CheckStatus::Error);
}

TEST(SudoUsePtyAndLog, FixtureTrees) {
  FixtureRoot good("accounts/good");
  auto result = runCheckOn(good, "sudo.use_pty_and_log");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/sudoers:10");
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.15"}));

  FixtureRoot weak("accounts/weak");
  result = runCheckOn(weak, "sudo.use_pty_and_log");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "Defaults\t!syslog"));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "Defaults:backup\t!use_pty"));

  // The installed package's version sets the default when sudoers says nothing.
  good.write("/etc/sudoers", "root ALL=(ALL:ALL) ALL\n", 0440);
  good.write("/var/lib/dpkg/status",
             "Package: sudo\nStatus: install ok installed\nVersion: 1.9.15p5-3ubuntu5\n\n");
  result = runCheckOn(good, "sudo.use_pty_and_log");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "use_pty not set (on by default in sudo 1.9.15p5-3ubuntu5)");
}

}  // namespace
}  // namespace annexa::agent::checks
