#include "agent/checks/backup.hpp"

#include <algorithm>
#include <array>

#include "agent/facts/schedule.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr std::string_view kBackupTools[] = {"restic",    "borg",      "borgmatic", "duplicity", "duply",
                                             "rsnapshot", "timeshift", "deja-dup",  "rclone"};
constexpr std::string_view kToolList =
    "restic, borg/borgmatic, duplicity/duply, rsnapshot, timeshift, deja-dup, rclone";
constexpr std::string_view kJobExpectation = "a backup tool run by an enabled systemd timer or a cron entry";

bool hasActiveBackup(const BackupFacts& facts) {
  const bool job =
      std::any_of(facts.jobs.begin(), facts.jobs.end(), [](const BackupJob& j) { return j.inactiveReason.empty(); });
  const bool client = std::any_of(facts.clients.begin(), facts.clients.end(),
                                  [&](const DaemonSighting& c) { return isInService(c, facts.live); });
  return job || client;
}

std::vector<Evidence> scheduleEvidence(const BackupFacts& facts) {
  std::vector<Evidence> evidence;
  for (const auto& job : facts.jobs)
    evidence.push_back({job.source, job.mention + (job.inactiveReason.empty() ? "" : " — " + job.inactiveReason),
                        std::string(kJobExpectation)});
  for (const auto& client : facts.clients) {
    evidence.push_back(client.evidence);
    evidence.back().expected = client.name + " running, scheduled by its Director";
  }
  return evidence;
}

}  // namespace

Outcome evaluateBackupConfigured(const BackupFacts& facts) {
  auto evidence = scheduleEvidence(facts);
  if (hasActiveBackup(facts)) {
    std::vector<std::string> how;
    for (const auto& job : facts.jobs)
      if (job.inactiveReason.empty()) how.push_back(job.tool + " (" + job.mention + ")");
    for (const auto& client : facts.clients)
      if (isInService(client, facts.live)) how.push_back(client.name + " (scheduled by its Director)");
    return Outcome::pass("Backups are scheduled: " + text::truncate(text::join(how, "; "), 300), evidence);
  }
  if (!facts.unreadable.empty())
    return Outcome::error("No backup job found in the readable schedules, and some could not be read: " +
                              text::join(facts.unreadable, "; "),
                          evidence);
  evidence.push_back({"systemd timers, cron", "no enabled timer or cron entry runs " + std::string(kToolList),
                      std::string(kJobExpectation)});
  const bool someInactive = !facts.jobs.empty();
  return Outcome::fail(someInactive ? "A backup job is defined but will not run" : "No scheduled backup job found",
                       evidence);
}

Outcome evaluateBackupRecent(const BackupFacts& facts, std::int64_t now, long long maxAgeHours) {
  const auto maxAge = maxAgeHours * 3600;
  const auto expected = "a successful backup within " + std::to_string(maxAgeHours) + " h";
  std::vector<Evidence> evidence;
  for (const auto& stamp : facts.stamps)
    evidence.push_back({stamp.source,
                        stamp.what + " " + formatRfc3339(stamp.time) + " (" + describeAge(now - stamp.time) + ")",
                        expected});

  // A configured marker is the job's own success signal: it decides, whatever else ran.
  if (facts.marker) {
    const auto& marker = *facts.marker;
    if (!marker.problem.empty())
      return Outcome::error("Cannot read the backup marker file: " + marker.problem, evidence);
    if (!marker.mtime) {
      evidence.insert(evidence.begin(), {marker.path, "missing", expected});
      return Outcome::fail("The backup marker file " + marker.path + " does not exist: no successful backup recorded",
                           evidence);
    }
    const auto age = now - *marker.mtime;
    evidence.insert(
        evidence.begin(),
        {marker.path, "last touched " + formatRfc3339(*marker.mtime) + " (" + describeAge(age) + ")", expected});
    if (age > maxAge)
      return Outcome::fail("The last successful backup was " + describeAge(age) + ", more than " +
                               std::to_string(maxAgeHours) + " h ago",
                           evidence);
    return Outcome::pass("The last successful backup was " + describeAge(age), evidence);
  }

  if (!hasActiveBackup(facts)) {
    auto schedule = scheduleEvidence(facts);
    schedule.push_back({"systemd timers, cron", "no scheduled backup job", expected});
    return Outcome::fail("No backup is configured, so there is no recent backup", schedule);
  }
  if (facts.stamps.empty()) {
    if (!facts.unreadable.empty())
      return Outcome::error(
          "No backup time found, and some sources could not be read: " + text::join(facts.unreadable, "; "), evidence);
    evidence.push_back({"timer stamps, tool state", "no record of when a backup last ran", expected});
    return Outcome::fail(
        "No evidence of any completed backup (set backup.marker_file to a file the job touches on "
        "success)",
        evidence);
  }
  const auto newest = std::max_element(facts.stamps.begin(), facts.stamps.end(),
                                       [](const BackupStamp& a, const BackupStamp& b) { return a.time < b.time; });
  const auto age = now - newest->time;
  if (age > maxAge)
    return Outcome::fail(
        "The last backup was " + describeAge(age) + ", more than " + std::to_string(maxAgeHours) + " h ago", evidence);
  return Outcome::pass("The last backup was " + describeAge(age) + " (" + newest->what + ")", evidence);
}

std::string parseRsnapshotRoot(std::string_view config) {
  std::string root;
  for (const auto raw : text::lines(config)) {
    const auto words = text::splitWords(raw);
    if (words.size() >= 2 && words[0] == "snapshot_root") root = words[1];
  }
  return root;
}

namespace {

// Bacula/Bareos clients are started by their Director's schedule; a configured, running client is scheduled.
struct FileDaemon {
  DaemonSpec spec;
  std::array<std::string_view, 2> configs;
};
constexpr FileDaemon kFileDaemons[] = {
    {{"bacula-fd", {"bacula-fd"}, {"bacula-fd.service"}}, {"/etc/bacula/bacula-fd.conf", ""}},
    {{"bareos-fd", {"bareos-fd"}, {"bareos-fd.service"}}, {"/etc/bareos/bareos-fd.conf", "/etc/bareos/bareos-fd.d"}},
};

void collectJobs(const CheckContext& ctx, BackupFacts& facts) {
  std::vector<std::string_view> tools(std::begin(kBackupTools), std::end(kBackupTools));
  if (!ctx.config.backupCommand.empty()) tools.push_back(baseName(ctx.config.backupCommand));
  auto schedule = collectSchedule(ctx.system);
  facts.unreadable = std::move(schedule.unreadable);
  for (const auto& job : schedule.jobs) {
    const auto mention = jobMentions(job, tools);
    if (!mention) continue;
    facts.jobs.push_back({mention->program, job.source, mention->evidence, job.lastTriggered, job.inactiveReason});
    if (job.inactiveReason.empty() && job.lastTriggered)
      facts.stamps.push_back({"/var/lib/systemd/timers/stamp-" + job.name,
                              job.name + " last triggered (start time; the result is not recorded)",
                              *job.lastTriggered});
  }
}

// Newest mtime among the entries of a directory that match `accept`; unreadable directories are recorded.
void newestEntry(const CheckContext& ctx, BackupFacts& facts, const std::string& directory, std::string_view what,
                 bool (*accept)(std::string_view)) {
  if (directory.empty() || !ctx.system.exists(directory)) return;
  auto names = ctx.system.listDirectory(directory);
  if (!names) {
    facts.unreadable.push_back(names.error());
    return;
  }
  std::optional<BackupStamp> newest;
  for (const auto& name : *names) {
    if (!accept(name)) continue;
    const auto path = joinPath(directory, name);
    if (const auto info = ctx.system.lstat(path); info && (!newest || info->mtime > newest->time))
      newest = BackupStamp{path, std::string(what), info->mtime};
  }
  if (newest) facts.stamps.push_back(std::move(*newest));
}

// "" when `path` simply does not exist; otherwise why it cannot be read (a permission problem must not look missing).
// Looks in the nearest existing ancestor for the next path component.
std::string missingOrProblem(const SystemView& system, const std::string& path, const std::string& statError) {
  std::string directory = path.substr(0, path.rfind('/'));
  std::string child(baseName(path));
  while (!directory.empty() && !system.exists(directory)) {
    child = std::string(baseName(directory));
    directory = directory.substr(0, directory.rfind('/'));
  }
  auto names = system.listDirectory(directory.empty() ? "/" : directory);
  if (!names) return names.error();
  return std::find(names->begin(), names->end(), child) == names->end() ? std::string() : statError;
}

void collectToolState(const CheckContext& ctx, BackupFacts& facts) {
  // Timeshift (rsync mode) keeps one directory per snapshot, named by its date.
  newestEntry(ctx, facts, "/timeshift/snapshots", "newest timeshift snapshot",
              [](std::string_view name) { return !name.empty() && name.front() != '.'; });
  // rsnapshot touches <interval>.0 when a run completes.
  if (auto config = ctx.system.readFile("/etc/rsnapshot.conf", 1024 * 1024))
    newestEntry(ctx, facts, parseRsnapshotRoot(*config), "newest rsnapshot interval.0",
                [](std::string_view name) { return text::endsWith(name, ".0"); });
}

BackupFacts probeBackup(const CheckContext& ctx) {
  BackupFacts facts;
  facts.live = ctx.system.isLive();
  collectJobs(ctx, facts);
  for (const auto& client : kFileDaemons) {
    auto sighting = observeDaemon(ctx, client.spec);
    std::string config;
    for (const auto path : client.configs)
      if (config.empty() && !path.empty() && ctx.system.exists(path)) config = std::string(path);
    if (sighting.state == DaemonState::Absent || config.empty()) continue;
    sighting.evidence.observed += "; configuration " + config;
    facts.clients.push_back(std::move(sighting));
  }
  collectToolState(ctx, facts);
  if (!ctx.config.backupMarkerFile.empty()) {
    BackupMarker marker{ctx.config.backupMarkerFile, std::nullopt, ""};
    if (const auto info = ctx.system.stat(marker.path)) marker.mtime = info->mtime;
    else marker.problem = missingOrProblem(ctx.system, marker.path, info.error());
    facts.marker = std::move(marker);
  }
  return facts;
}

Outcome runBackupConfigured(const CheckContext& ctx) { return evaluateBackupConfigured(probeBackup(ctx)); }

Outcome runBackupRecent(const CheckContext& ctx) {
  return evaluateBackupRecent(probeBackup(ctx), ctx.now, ctx.config.thresholds.backupMaxAgeHours);
}

constexpr CheckSpec kBackupConfigured{
    "backup.configured",
    "A backup job is scheduled",
    Severity::High,
    "Information backup (A.8.13) requires backups to be taken regularly, which on a host means a backup tool "
    "(restic, borg, duplicity, rsnapshot, Bacula/Bareos, timeshift, rclone or the site's configured command) run by "
    "an enabled systemd timer or cron entry. The evidence names the tool and the schedule line that runs it.",
    "Schedule the organisation's backup tool: e.g. a restic-backup.service + restic-backup.timer (OnCalendar=daily, "
    "Persistent=true, `systemctl enable --now restic-backup.timer`) or an /etc/cron.d entry. If a site-specific "
    "script does the backup, name it in backup.command in /etc/annexa/agent.json.",
};

constexpr CheckSpec kBackupRecent{
    "backup.recent",
    "The last backup is recent",
    Severity::High,
    "A schedule alone does not show that backups succeed (A.8.13): the time of the last backup — the configured "
    "success marker file, the backup timer's last run or the tool's newest snapshot — must be younger than the "
    "configured maximum age, so failing jobs are noticed.",
    "Make the backup job touch a marker file on success "
    "(e.g. `restic backup … && touch /var/lib/backup/last-success`) and set backup.marker_file in /etc/annexa/agent.json; then find out why the last run failed or did not run.",
};

ANNEXA_REGISTER_CHECK(kBackupConfigured, runBackupConfigured);
ANNEXA_REGISTER_CHECK(kBackupRecent, runBackupRecent);

}  // namespace
}  // namespace annexa::agent::checks
