#include "agent/checks/backup.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "agent/facts/schedule.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

constexpr std::int64_t kNow = 1'750'000'000;

bool anyEvidenceContains(const std::vector<Evidence>& evidence, std::string_view needle) {
  return std::any_of(evidence.begin(), evidence.end(), [&](const Evidence& e) {
    return e.observed.find(needle) != std::string::npos || e.source.find(needle) != std::string::npos;
  });
}

const ScheduledJob* findJob(const Schedule& schedule, std::string_view name) {
  for (const auto& job : schedule.jobs)
    if (job.name == name) return &job;
  return nullptr;
}

// ---- Schedule facts ----------------------------------------------------------------------------------------------

TEST(ScheduleCrontab, ParsesSystemAndUserCrontabs) {
  const auto system = parseCrontab(
      "SHELL=/bin/sh\nMAILTO = ops\n# comment\n17 *\t* * *\troot\tcd / && run-parts /etc/cron.hourly\n"
      "@reboot root /usr/local/bin/warmup --fast\n0 3 * * *\n",
      true);
  ASSERT_EQ(system.size(), 2u);
  EXPECT_EQ(system[0].schedule, "17 * * * *");
  EXPECT_EQ(system[0].user, "root");
  EXPECT_EQ(system[0].command, "cd / && run-parts /etc/cron.hourly");
  EXPECT_EQ(system[1].schedule, "@reboot");
  EXPECT_EQ(system[1].command, "/usr/local/bin/warmup --fast");

  const auto user = parseCrontab("*/5 * * * * restic backup ~/docs\n", false);
  ASSERT_EQ(user.size(), 1u);
  EXPECT_EQ(user[0].user, "");
  EXPECT_EQ(user[0].command, "restic backup ~/docs");
}

TEST(ScheduleCrontab, FollowsRunPartsNaming) {
  EXPECT_TRUE(cronNameIgnoredReason("backup.sh", true).has_value());
  EXPECT_FALSE(cronNameIgnoredReason("backup.sh", false).has_value());
  EXPECT_FALSE(cronNameIgnoredReason("restic-backup_1", true).has_value());
  EXPECT_TRUE(cronNameIgnoredReason("backup~", false).has_value());
  EXPECT_TRUE(cronNameIgnoredReason("backup.rpmsave", false).has_value());
  EXPECT_TRUE(cronNameIgnoredReason(".placeholder", false).has_value());
}

TEST(ScheduleIni, ParsesSectionsContinuationsAndComments) {
  const auto entries = parseSystemdIni(
      "# comment\n[Service]\n; other comment\nExecStart=/usr/bin/restic backup \\\n  /etc /srv\nExecStart=\n"
      "[Timer]\nOnCalendar = daily\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].section, "Service");
  EXPECT_EQ(entries[0].value, "/usr/bin/restic backup /etc /srv");
  EXPECT_EQ(entries[1].value, "");
  EXPECT_EQ(entries[2].section, "Timer");
  EXPECT_EQ(entries[2].key, "OnCalendar");
  EXPECT_EQ(entries[2].value, "daily");
}

TEST(ScheduleCollect, TimersFollowDropInsTemplatesAndStamps) {
  FixtureRoot root;
  root.write("/lib/systemd/system/restic.timer", "[Timer]\nOnCalendar=daily\n");
  root.write("/lib/systemd/system/restic.service", "[Service]\nExecStart=/usr/bin/true\n");
  // A drop-in resets ExecStart and replaces it.
  root.write("/etc/systemd/system/restic.service.d/override.conf",
             "[Service]\nExecStart=\nExecStart=/usr/bin/restic backup /srv\n");
  root.symlink("/lib/systemd/system/restic.timer", "/etc/systemd/system/timers.target.wants/restic.timer");
  if (!root.view().exists("/lib/systemd/system/restic.timer")) root.write("/lib/systemd/system/restic.timer", "[Unit]\n");
  root.write("/lib/systemd/system/sync@.timer", "[Timer]\nOnUnitActiveSec=1h\nUnit=sync@%i.service\n");
  root.symlink("/lib/systemd/system/sync@.timer", "/etc/systemd/system/timers.target.wants/sync@nas.timer");
  if (!root.view().exists("/lib/systemd/system/sync@.timer")) root.write("/lib/systemd/system/sync@.timer", "[Unit]\n");
  root.symlink("/lib/systemd/system/ghost.timer", "/etc/systemd/system/timers.target.wants/ghost.timer");
  root.write("/var/lib/systemd/timers/stamp-restic.timer", "");
  root.setMtime("/var/lib/systemd/timers/stamp-restic.timer", kNow - 600);

  const auto schedule = collectSchedule(root.view());
  const auto* restic = findJob(schedule, "restic.timer");
  ASSERT_NE(restic, nullptr);
  EXPECT_EQ(restic->schedule, "OnCalendar=daily");
  EXPECT_EQ(restic->command, "/usr/bin/restic backup /srv");
  EXPECT_EQ(restic->inactiveReason, "");
  EXPECT_EQ(restic->lastTriggered, kNow - 600);
  const auto mention = jobMentions(*restic, {"borg", "restic"});
  ASSERT_TRUE(mention.has_value());
  EXPECT_EQ(mention->program, "restic");
  EXPECT_FALSE(jobMentions(*restic, {"borg"}).has_value());

  const auto* templated = findJob(schedule, "sync@nas.timer");
  ASSERT_NE(templated, nullptr);
  EXPECT_EQ(templated->source, "/lib/systemd/system/sync@.timer");
  EXPECT_EQ(templated->schedule, "OnUnitActiveSec=1h");
  EXPECT_NE(templated->inactiveReason, "");  // sync@%i.service does not exist

  const auto* ghost = findJob(schedule, "ghost.timer");
  ASSERT_NE(ghost, nullptr);
  EXPECT_EQ(ghost->inactiveReason, "enabled but its unit file is missing");
}

TEST(ScheduleCollect, CronNeedsADaemonAndReadableSources) {
  FixtureRoot root;
  root.write("/etc/cron.d/backup", "0 2 * * * root /usr/bin/borg create ::{now} /srv\n");
  root.write("/var/spool/cron/crontabs/alice", "0 4 * * * rclone sync ~/docs remote:docs\n", 0600);
  auto schedule = collectSchedule(root.view());
  ASSERT_EQ(schedule.jobs.size(), 2u);
  EXPECT_FALSE(schedule.cronInstalled);
  EXPECT_EQ(schedule.jobs[0].inactiveReason, "no cron daemon is installed");

  root.write("/usr/sbin/cron", "");
  schedule = collectSchedule(root.view());
  ASSERT_EQ(schedule.jobs.size(), 2u);
  EXPECT_EQ(schedule.jobs[0].inactiveReason, "");
  EXPECT_EQ(schedule.jobs[1].source, "/var/spool/cron/crontabs/alice");
  EXPECT_TRUE(jobMentions(schedule.jobs[0], {"borg"}).has_value());
  // A user crontab's file name is a user name, not a description of the job.
  root.write("/var/spool/cron/crontabs/restic", "0 5 * * * /usr/bin/true\n");
  schedule = collectSchedule(root.view());
  EXPECT_FALSE(jobMentions(*findJob(schedule, "/var/spool/cron/crontabs/restic"), {"restic"}).has_value());

  // A source that exists but cannot be listed is reported, not silently skipped.
  root.remove("/etc/cron.d");
  root.write("/etc/cron.d", "not a directory");
  schedule = collectSchedule(root.view());
  ASSERT_EQ(schedule.unreadable.size(), 1u);
  EXPECT_NE(schedule.unreadable[0].find("/etc/cron.d"), std::string::npos);
}

// ---- backup.configured -------------------------------------------------------------------------------------------

BackupJob activeJob(std::string tool, std::optional<std::int64_t> lastTriggered = std::nullopt) {
  return {tool, "/etc/cron.d/backup", "0 2 * * * root " + tool + " backup", lastTriggered, ""};
}

TEST(BackupConfigured, EvaluatesJobsAndDirectorClients) {
  BackupFacts facts;
  facts.jobs.push_back(activeJob("restic"));
  auto outcome = evaluateBackupConfigured(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_NE(outcome.message.find("restic"), std::string::npos);
  EXPECT_EQ(outcome.evidence[0].observed, "0 2 * * * root restic backup");

  facts.jobs[0].inactiveReason = "no cron daemon is installed";
  outcome = evaluateBackupConfigured(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "A backup job is defined but will not run");
  EXPECT_TRUE(anyEvidenceContains(outcome.evidence, "no cron daemon is installed"));

  BackupFacts bacula;
  bacula.clients.push_back({"bacula-fd", DaemonState::Enabled, {"systemd unit bacula-fd.service", "enabled", ""}});
  EXPECT_EQ(evaluateBackupConfigured(bacula).status, CheckStatus::Fail);  // live: enabled is not running
  bacula.live = false;
  EXPECT_EQ(evaluateBackupConfigured(bacula).status, CheckStatus::Pass);
}

TEST(BackupConfigured, NothingFoundIsAFailUnlessSourcesWereUnreadable) {
  BackupFacts facts;
  EXPECT_EQ(evaluateBackupConfigured(facts).status, CheckStatus::Fail);
  facts.unreadable.push_back("/var/spool/cron/crontabs: Permission denied");
  const auto outcome = evaluateBackupConfigured(facts);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_NE(outcome.message.find("Permission denied"), std::string::npos);
}

TEST(BackupConfigured, FixtureTrees) {
  FixtureRoot timer("backup/restic-timer");
  auto result = runCheckOn(timer, "backup.configured");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.13"}));
  // The wrapper script the timer runs is where restic is named; dpkg-db-backup is no backup tool.
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_NE(result.evidence[0].observed.find("/usr/local/sbin/nightly-backup: restic backup"), std::string::npos);

  FixtureRoot cron("backup/cron");
  result = runCheckOn(cron, "backup.configured");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "/usr/bin/borgmatic --verbosity -1"));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "/usr/bin/rsnapshot daily"));

  FixtureRoot broken("backup/broken");
  result = runCheckOn(broken, "backup.configured");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "Debian's cron/run-parts ignores it"));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "timer is masked"));
  EXPECT_TRUE(anyEvidenceContains(result.evidence, "backup copy, ignored"));
  EXPECT_FALSE(result.remediation.empty());
}

TEST(BackupConfigured, SiteCommandFromConfig) {
  FixtureRoot root("backup/broken");
  root.write("/etc/cron.d/acme", "15 1 * * * root /opt/acme/bin/acme-backup --full\n");
  AgentConfig config;
  EXPECT_EQ(runCheckOn(root, "backup.configured", config).status, CheckStatus::Fail);
  config.backupCommand = "/opt/acme/bin/acme-backup";
  const auto result = runCheckOn(root, "backup.configured", config);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_NE(result.message.find("acme-backup"), std::string::npos);
}

// ---- backup.recent -----------------------------------------------------------------------------------------------

TEST(BackupRecent, UsesNewestStampOfAConfiguredBackup) {
  BackupFacts facts;
  facts.jobs.push_back(activeJob("restic"));
  facts.stamps.push_back(
      {"/var/lib/systemd/timers/stamp-restic.timer", "restic.timer last triggered", kNow - 30 * 3600});
  facts.stamps.push_back({"/timeshift/snapshots/2025-06-15_10-00-01", "newest timeshift snapshot", kNow - 2 * 3600});
  auto outcome = evaluateBackupRecent(facts, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_NE(outcome.message.find("timeshift"), std::string::npos);

  facts.stamps.pop_back();
  outcome = evaluateBackupRecent(facts, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("30 h ago"), std::string::npos);
  EXPECT_EQ(evaluateBackupRecent(facts, kNow, 30).status, CheckStatus::Pass);  // exactly the limit is still fine
}

TEST(BackupRecent, MarkerFileDecides) {
  BackupFacts facts;
  facts.jobs.push_back(activeJob("restic"));
  facts.stamps.push_back({"/var/lib/systemd/timers/stamp-restic.timer", "restic.timer last triggered", kNow - 3600});
  facts.marker = BackupMarker{"/var/lib/backup/ok", kNow - 50 * 3600, ""};
  // The timer fired an hour ago, but the job has not succeeded for two days.
  auto outcome = evaluateBackupRecent(facts, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[0].source, "/var/lib/backup/ok");

  facts.marker->mtime = kNow - 3600;
  EXPECT_EQ(evaluateBackupRecent(facts, kNow, 26).status, CheckStatus::Pass);

  facts.marker->mtime.reset();
  outcome = evaluateBackupRecent(facts, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[0].observed, "missing");

  facts.marker->problem = "/var/lib/backup: Permission denied";
  EXPECT_EQ(evaluateBackupRecent(facts, kNow, 26).status, CheckStatus::Error);
}

TEST(BackupRecent, NoBackupOrNoEvidenceIsAFinding) {
  BackupFacts none;
  auto outcome = evaluateBackupRecent(none, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "No backup is configured, so there is no recent backup");

  BackupFacts blind;
  blind.jobs.push_back(activeJob("borg"));
  outcome = evaluateBackupRecent(blind, kNow, 26);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("No evidence"), std::string::npos);
  blind.unreadable.push_back("/timeshift/snapshots: Permission denied");
  EXPECT_EQ(evaluateBackupRecent(blind, kNow, 26).status, CheckStatus::Error);
}

TEST(BackupRecent, ParsesRsnapshotRoot) {
  EXPECT_EQ(parseRsnapshotRoot("config_version\t1.2\n#snapshot_root\t/old/\nsnapshot_root\t/backup/snaps/\n"),
            "/backup/snaps/");
  EXPECT_EQ(parseRsnapshotRoot("retain\tdaily\t7\n"), "");
}

TEST(BackupRecent, FixtureTrees) {
  FixtureRoot timer("backup/restic-timer");
  timer.setMtime("/var/lib/systemd/timers/stamp-restic-backup.timer", kNow - 3 * 3600);
  auto result = runCheckOn(timer, "backup.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/var/lib/systemd/timers/stamp-restic-backup.timer");

  timer.setMtime("/var/lib/systemd/timers/stamp-restic-backup.timer", kNow - 3 * 86400);
  result = runCheckOn(timer, "backup.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_NE(result.message.find("3 days ago"), std::string::npos);

  FixtureRoot cron("backup/cron");
  cron.setMtime("/var/cache/rsnapshot/daily.1", kNow - 26 * 3600);
  cron.setMtime("/var/cache/rsnapshot/daily.0", kNow - 2 * 3600);
  result = runCheckOn(cron, "backup.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/var/cache/rsnapshot/daily.0");

  FixtureRoot broken("backup/broken");
  result = runCheckOn(broken, "backup.recent", {}, kNow);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
}

TEST(BackupRecent, MarkerFileFixture) {
  FixtureRoot root("backup/restic-timer");
  root.setMtime("/var/lib/systemd/timers/stamp-restic-backup.timer", kNow - 3600);
  AgentConfig config;
  config.backupMarkerFile = "/var/lib/backup/last-success";
  auto result = runCheckOn(root, "backup.recent", config, kNow);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_NE(result.message.find("does not exist"), std::string::npos);

  root.write("/var/lib/backup/last-success", "");
  root.setMtime("/var/lib/backup/last-success", kNow - 5 * 3600);
  result = runCheckOn(root, "backup.recent", config, kNow);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_NE(result.evidence[0].observed.find("5 h ago"), std::string::npos);

  // A marker that cannot be looked at is an error, not a missing backup.
  config.backupMarkerFile = "/etc/debian_version/last-success";
  result = runCheckOn(root, "backup.recent", config, kNow);
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
}

}  // namespace
}  // namespace annexa::agent::checks
