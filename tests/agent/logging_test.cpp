#include "agent/checks/logging.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

bool anyEvidenceContains(const std::vector<Evidence>& evidence, std::string_view needle) {
  return std::any_of(evidence.begin(), evidence.end(), [&](const Evidence& e) {
    return e.observed.find(needle) != std::string::npos || e.source.find(needle) != std::string::npos;
  });
}

// ---- logging.auditd_active ---------------------------------------------------------------------------------------

TEST(LoggingAuditd, EvaluatesInstallationAndState) {
  AuditdFacts facts;
  auto outcome = evaluateAuditdActive(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[0].observed, "not installed");

  facts.installedBy = "/usr/sbin/auditd";
  facts.daemon = {"auditd", DaemonState::Running, {"/proc", "process auditd running (pid 512)", ""}};
  outcome = evaluateAuditdActive(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.evidence[1].observed, "process auditd running (pid 512)");

  facts.daemon = {"auditd", DaemonState::Enabled, {"systemd unit auditd.service", "enabled, but not running", ""}};
  EXPECT_EQ(evaluateAuditdActive(facts).message, "auditd is installed and enabled but not running");
  facts.live = false;
  EXPECT_EQ(evaluateAuditdActive(facts).status, CheckStatus::Pass);

  facts.live = true;
  facts.daemon = {};
  EXPECT_EQ(evaluateAuditdActive(facts).message, "auditd is installed but not running");
  facts.processError = "cannot list processes: /proc: Permission denied";
  EXPECT_EQ(evaluateAuditdActive(facts).status, CheckStatus::Error);
}

TEST(LoggingAuditd, FixtureTrees) {
  FixtureRoot hardened("logging/hardened");
  auto result = runCheckOn(hardened, "logging.auditd_active");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.15"}));

  FixtureRoot weak("logging/weak");
  result = runCheckOn(weak, "logging.auditd_active");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "auditd is installed but not enabled");
}

// ---- logging.audit_rules -----------------------------------------------------------------------------------------

constexpr std::string_view kCompleteRules =
    "-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa\n-w /etc/group -p wa\n-w /etc/gshadow -p wa\n"
    "-w /etc/sudoers -p wa\n-w /etc/sudoers.d/ -p wa\n"
    "-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change\n-w /var/log/wtmp -p wa\n";

AuditRulesFacts factsFrom(std::string_view rules) {
  AuditRulesFacts facts;
  facts.sources = {"/etc/audit/rules.d/50.rules"};
  facts.rules = parseAuditRules(rules, "/etc/audit/rules.d/50.rules");
  return facts;
}

TEST(LoggingAuditRules, ParsesWatchesSyscallsAndFields) {
  const auto rules = parseAuditRules(
      "# comment\n-D\n-b 8192\n-w /etc/passwd -p wa -k identity\n"
      "-a always,exit -F arch=b64 -S adjtimex,settimeofday -S clock_settime -k time\n"
      "-a always,exit -F path=/etc/shadow -F perm=wa -k identity\n-a always,exit -F dir=/etc/sudoers.d/ -k scope\n"
      "-a never,exit -S all\n-W /etc/group -p wa\n-e 2\n",
      "audit.rules");
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].paths, (std::vector<std::string>{"/etc/passwd"}));
  EXPECT_EQ(rules[0].permissions, "wa");
  EXPECT_EQ(rules[1].syscalls, (std::vector<std::string>{"adjtimex", "settimeofday", "clock_settime"}));
  EXPECT_EQ(rules[2].paths, (std::vector<std::string>{"/etc/shadow"}));
  EXPECT_EQ(rules[2].permissions, "wa");
  EXPECT_EQ(rules[3].paths, (std::vector<std::string>{"/etc/sudoers.d/"}));
  EXPECT_TRUE(rules[4].never);
  EXPECT_EQ(rules[0].source, "audit.rules");
}

TEST(LoggingAuditRules, CompleteRulesPass) {
  const auto outcome = evaluateAuditRules(factsFrom(kCompleteRules));
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  ASSERT_EQ(outcome.evidence.size(), 4u);
  EXPECT_EQ(outcome.evidence[0].observed, "-w /etc/passwd -p wa -k identity");
}

TEST(LoggingAuditRules, ListsMissingCategories) {
  std::string rules(kCompleteRules);
  rules.replace(rules.find("-w /etc/gshadow -p wa\n"), 22, "-w /etc/gshadow -p r\n");  // reads only
  rules.replace(rules.find("-w /var/log/wtmp -p wa\n"), 23, "");
  const auto outcome = evaluateAuditRules(factsFrom(rules));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "Audit rules miss: identity (/etc/gshadow); logins (none watched)");
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "identity: not watched (/etc/gshadow)"));
}

TEST(LoggingAuditRules, DirectoryWatchesAndLocaltimeCount) {
  const auto outcome =
      evaluateAuditRules(factsFrom("-w /etc/ -p wa -k etc\n-w /var/run/faillock -p wa\n-a never,exit -S adjtimex\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;  // /etc/ covers identity, sudoers and localtime
  EXPECT_EQ(evaluateAuditRules(factsFrom("-a never,exit -S adjtimex\n-w /etc/passwd\n")).message.find("time changes") !=
                std::string::npos,
            true);
}

TEST(LoggingAuditRules, NoRulesFailsUnreadableRulesError) {
  EXPECT_EQ(evaluateAuditRules(AuditRulesFacts{}).status, CheckStatus::Fail);
  AuditRulesFacts unreadable;
  unreadable.error = "/etc/audit: Permission denied";
  const auto outcome = evaluateAuditRules(unreadable);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_NE(outcome.message.find("Permission denied"), std::string::npos);
}

TEST(LoggingAuditRules, FixtureTrees) {
  FixtureRoot hardened("logging/hardened");
  auto result = runCheckOn(hardened, "logging.audit_rules");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/audit/rules.d/50-annexa.rules");

  FixtureRoot weak("logging/weak");
  result = runCheckOn(weak, "logging.audit_rules");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message,
            "Audit rules miss: identity (/etc/shadow, /etc/group, /etc/gshadow); sudoers (/etc/sudoers, "
            "/etc/sudoers.d); logins (none watched); time changes");

  weak.remove("/etc/audit/rules.d");
  weak.write("/etc/audit/rules.d", "not a directory");
  EXPECT_EQ(runCheckOn(weak, "logging.audit_rules").status, CheckStatus::Error);

  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "logging.audit_rules").status, CheckStatus::Fail);
}

// ---- logging.journald_persistent ---------------------------------------------------------------------------------

JournaldFacts journald(std::optional<std::string> storage, bool directory) {
  JournaldFacts facts;
  facts.installed = true;
  facts.persistentDirectory = directory;
  if (storage) facts.settings["Storage"] = {*storage, "/etc/systemd/journald.conf"};
  return facts;
}

TEST(LoggingJournald, StorageSemantics) {
  EXPECT_EQ(evaluateJournaldPersistent(journald("persistent", false)).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateJournaldPersistent(journald(std::nullopt, true)).status, CheckStatus::Pass);
  auto outcome = evaluateJournaldPersistent(journald(std::nullopt, false));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[0].observed, "Storage not set (default auto); /var/log/journal missing");
  outcome = evaluateJournaldPersistent(journald("volatile", true));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "The journal is not kept on disk (Storage=volatile)");

  EXPECT_EQ(evaluateJournaldPersistent(JournaldFacts{}).status, CheckStatus::NotApplicable);
  auto unreadable = journald("persistent", true);
  unreadable.unreadable.push_back("/etc/systemd/journald.conf: Permission denied");
  EXPECT_EQ(evaluateJournaldPersistent(unreadable).status, CheckStatus::Error);
}

TEST(LoggingJournald, FixtureTreesAndDropInOrder) {
  FixtureRoot hardened("logging/hardened");
  auto result = runCheckOn(hardened, "logging.journald_persistent");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/systemd/journald.conf.d/50-annexa.conf");

  // A later drop-in (by name) wins; /etc hides a same-named vendor drop-in.
  hardened.write("/usr/lib/systemd/journald.conf.d/60-vendor.conf", "[Journal]\nStorage=volatile\n");
  EXPECT_EQ(runCheckOn(hardened, "logging.journald_persistent").status, CheckStatus::Fail);
  hardened.write("/etc/systemd/journald.conf.d/60-vendor.conf", "[Journal]\nStorage=auto\n");
  EXPECT_EQ(runCheckOn(hardened, "logging.journald_persistent").status, CheckStatus::Pass);

  FixtureRoot weak("logging/weak");
  result = runCheckOn(weak, "logging.journald_persistent");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "Storage=volatile; /var/log/journal missing");
}

// ---- logging.remote_forwarding -----------------------------------------------------------------------------------

TEST(LoggingForwarding, FindsRsyslogTargets) {
  const auto found = findRsyslogForwarding(
      "$ActionQueueType LinkedList\n*.* @@logs.example.com:514\nauth.* @(z9)10.0.0.5\n# *.* @@commented.example\n"
      "*.* @@127.0.0.1:5514\n*.* @[::1]:514\nif $programname == 'sshd' then @@siem.example.com\n"
      "*.* action(type=\"omfwd\"\n  target=\"central.example.com\" port=\"6514\" protocol=\"tcp\")\n"
      "*.* action(type=\"omfwd\" target=\"localhost\" port=\"10514\")\n"
      "action(type='omrelp' target='relp.example.com' port='2514')\n*.* /var/log/all.log\n");
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0], "*.* @@logs.example.com:514");
  EXPECT_EQ(found[1], "auth.* @(z9)10.0.0.5");
  EXPECT_EQ(found[2], "if $programname == 'sshd' then @@siem.example.com");
  EXPECT_EQ(found[3], "action(type=\"omfwd\" target=\"central.example.com\" port=\"6514\" protocol=\"tcp\")");
  EXPECT_NE(found[4].find("relp.example.com"), std::string::npos);
}

TEST(LoggingForwarding, FindsSyslogNgNetworkDestinations) {
  const auto found = findSyslogNgForwarding(
      "source s_src { system(); internal(); };\n"
      "destination d_file { file(\"/var/log/messages\"); };\n"
      "destination d_loop { tcp(\"127.0.0.1\" port(5000)); };\n"
      "destination d_net {\n  network(\"logs.example.com\" transport(\"tls\") port(6514));\n};\n"
      "# destination d_old { udp(\"old.example.com\"); };\n"
      "log { source(s_src); destination(d_net); destination(d_file); };\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "destination d_net { network(\"logs.example.com\" transport(\"tls\") port(6514)); }");
}

ForwardingPath rsyslog(DaemonState state, std::vector<std::string> directives) {
  return {"rsyslog",
          {"rsyslog", state, {"/proc", "process rsyslogd running (pid 9)", ""}},
          std::move(directives),
          "/etc/rsyslog.conf",
          true};
}

TEST(LoggingForwarding, EvaluatesDaemonStateAndDestination) {
  ForwardingFacts facts;
  facts.paths.push_back(rsyslog(DaemonState::Running, {"/etc/rsyslog.d/90.conf: *.* @@logs.example.com"}));
  auto outcome = evaluateRemoteForwarding(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "Logs are forwarded off the host by rsyslog");

  facts.paths[0] = rsyslog(DaemonState::Running, {});
  outcome = evaluateRemoteForwarding(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "no off-host destination configured"));

  facts.paths[0] = rsyslog(DaemonState::Absent, {"/etc/rsyslog.conf: *.* @@logs.example.com"});
  outcome = evaluateRemoteForwarding(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "not running"));

  // A shipper needs no syslog directive, but it must run.
  facts.paths.push_back({"filebeat",
                         {"filebeat", DaemonState::Enabled, {"systemd unit filebeat.service", "enabled", ""}},
                         {},
                         "",
                         false});
  EXPECT_EQ(evaluateRemoteForwarding(facts).status, CheckStatus::Fail);
  facts.live = false;
  EXPECT_EQ(evaluateRemoteForwarding(facts).message, "Logs are forwarded off the host by filebeat");

  ForwardingFacts blind;
  blind.unreadable.push_back("/etc/rsyslog.d/90.conf: Permission denied");
  EXPECT_EQ(evaluateRemoteForwarding(blind).status, CheckStatus::Error);
  EXPECT_EQ(evaluateRemoteForwarding(ForwardingFacts{}).status, CheckStatus::Fail);
}

TEST(LoggingForwarding, FixtureTrees) {
  FixtureRoot hardened("logging/hardened");
  auto result = runCheckOn(hardened, "logging.remote_forwarding");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.15", "A.8.16"}));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "target=\"logs.example.com\""));

  FixtureRoot weak("logging/weak");
  result = runCheckOn(weak, "logging.remote_forwarding");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "rsyslog: no off-host destination configured"));

  // systemd-journal-upload with a URL is another way off the host.
  weak.write("/lib/systemd/systemd-journal-upload", "");
  weak.write("/etc/systemd/journal-upload.conf", "[Upload]\nURL=https://journal.example.com:19532\n");
  weak.write("/lib/systemd/system/systemd-journal-upload.service", "[Service]\nExecStart=x\n");
  weak.symlink("/lib/systemd/system/systemd-journal-upload.service",
               "/etc/systemd/system/multi-user.target.wants/systemd-journal-upload.service");
  if (!weak.view().exists("/lib/systemd/system/systemd-journal-upload.service")) weak.write("/lib/systemd/system/systemd-journal-upload.service", "[Unit]\n");
  result = runCheckOn(weak, "logging.remote_forwarding");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "URL=https://journal.example.com:19532"));
}

// ---- logging.rotation --------------------------------------------------------------------------------------------

TEST(LoggingRotation, LogrotateNeedsConfigAndSchedule) {
  RotationFacts facts;
  facts.logrotate = "/usr/sbin/logrotate";
  facts.logrotateConfig = true;
  facts.syslogDaemon = "/usr/sbin/rsyslogd";
  facts.scheduledBy = "logrotate.timer (OnCalendar=daily)";
  EXPECT_EQ(evaluateRotation(facts).status, CheckStatus::Pass);

  facts.scheduledBy.reset();
  facts.inactiveSchedules = {"/etc/cron.daily/logrotate — no cron daemon is installed"};
  auto outcome = evaluateRotation(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "logrotate is configured but nothing runs it");
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "no cron daemon is installed"));
  facts.scheduleUnreadable = {"/etc/cron.d: Permission denied"};
  EXPECT_EQ(evaluateRotation(facts).status, CheckStatus::Error);

  facts.logrotateConfig = false;
  facts.scheduleUnreadable.clear();
  EXPECT_EQ(evaluateRotation(facts).message, "logrotate is installed but /etc/logrotate.conf is missing");
}

TEST(LoggingRotation, JournalOnlyHostsNeedJournalLimits) {
  RotationFacts facts;
  facts.journald.installed = true;
  auto outcome = evaluateRotation(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "no size or retention limit set"));

  facts.journald.settings["MaxRetentionSec"] = {"3month", "/etc/systemd/journald.conf.d/retention.conf"};
  outcome = evaluateRotation(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "retention.conf: MaxRetentionSec=3month"));

  facts.syslogDaemon = "/usr/sbin/rsyslogd";  // now files under /var/log grow too
  EXPECT_EQ(evaluateRotation(facts).status, CheckStatus::Fail);
}

TEST(LoggingRotation, FixtureTrees) {
  FixtureRoot hardened("logging/hardened");
  auto result = runCheckOn(hardened, "logging.rotation");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.15", "A.8.6"}));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "logrotate.timer (OnCalendar=daily)"));

  FixtureRoot weak("logging/weak");
  weak.chmod("/etc/cron.daily/logrotate", 0644);
  result = runCheckOn(weak, "logging.rotation");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "not executable, run-parts skips it"));
  weak.chmod("/etc/cron.daily/logrotate", 0755);
  EXPECT_EQ(runCheckOn(weak, "logging.rotation").status, CheckStatus::Pass);
}

// ---- logging.log_permissions -------------------------------------------------------------------------------------

LogFile logFile(std::string path, mode_t mode, FileType type = FileType::Regular) {
  FileInfo info;
  info.type = type;
  info.mode = mode;
  return {std::move(path), info};
}

TEST(LoggingLogPermissions, RecognisesAuthLogs) {
  EXPECT_TRUE(isAuthLog("/var/log/auth.log.2.gz"));
  EXPECT_TRUE(isAuthLog("/var/log/secure-20240101"));
  EXPECT_TRUE(isAuthLog("/var/log/btmp.1"));
  EXPECT_TRUE(isAuthLog("/var/log/audit/audit.log"));
  EXPECT_FALSE(isAuthLog("/var/log/syslog"));
  EXPECT_FALSE(isAuthLog("/var/log/wtmp"));
}

TEST(LoggingLogPermissions, FlagsWorldWritableAndReadableAuthLogs) {
  LogPermissionFacts facts;
  facts.files = {logFile("/var/log/syslog", 0640), logFile("/var/log/auth.log", 0640),
                 logFile("/var/log/README", 0777, FileType::Symlink)};
  EXPECT_EQ(evaluateLogPermissions(facts).status, CheckStatus::Pass);

  facts.files.push_back(logFile("/var/log/app", 0777, FileType::Directory));
  facts.files.push_back(logFile("/var/log/secure", 0644));
  facts.files.push_back(logFile("/var/log/dpkg.log", 0644));
  const auto outcome = evaluateLogPermissions(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "2 log file(s) with unsafe permissions");
  ASSERT_EQ(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[0].observed, "0777 (world-writable)");
  EXPECT_EQ(outcome.evidence[1].source, "/var/log/secure");
}

TEST(LoggingLogPermissions, MissingOrUnreadable) {
  LogPermissionFacts absent;
  absent.present = false;
  EXPECT_EQ(evaluateLogPermissions(absent).status, CheckStatus::NotApplicable);
  LogPermissionFacts unlistable;
  unlistable.error = "/var/log: Permission denied";
  EXPECT_EQ(evaluateLogPermissions(unlistable).status, CheckStatus::Error);
  LogPermissionFacts partial;
  partial.unreadable = {"/var/log/app: Permission denied"};
  EXPECT_EQ(evaluateLogPermissions(partial).status, CheckStatus::Error);
}

TEST(LoggingLogPermissions, FixtureTrees) {
  FixtureRoot hardened("logging/hardened");
  hardened.chmod("/var/log/auth.log", 0640);
  auto result = runCheckOn(hardened, "logging.log_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;

  FixtureRoot weak("logging/weak");
  weak.chmod("/var/log/auth.log", 0644);
  weak.chmod("/var/log/app/debug.log", 0666);
  result = runCheckOn(weak, "logging.log_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[0].source, "/var/log/auth.log");
  EXPECT_EQ(result.evidence[0].observed, "0644 (authentication log readable by everyone)");
  EXPECT_EQ(result.evidence[1].source, "/var/log/app/debug.log");
  EXPECT_EQ(result.evidence[1].observed, "0666 (world-writable)");

  weak.chmod("/var/log", 01777);  // the directory itself counts too
  result = runCheckOn(weak, "logging.log_permissions");
  ASSERT_EQ(result.evidence.size(), 3u);
  EXPECT_EQ(result.evidence[0].source, "/var/log");
  EXPECT_EQ(result.evidence[0].observed, "1777 (world-writable)");

  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "logging.log_permissions").status, CheckStatus::NotApplicable);
}

}  // namespace
}  // namespace annexa::agent::checks
