// Scheduled jobs: enabled systemd timers (with the ExecStart of the service they trigger) and cron entries
// (/etc/crontab, /etc/cron.d, /etc/cron.{hourly,daily,weekly,monthly}, user crontabs). Read on demand, not cached:
// backup, log rotation, file-integrity and signature-update checks all ask "does something run X regularly?".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"

namespace annexa::agent {

struct ScheduledJob {
  enum class Kind { SystemdTimer, Cron };
  Kind kind = Kind::Cron;
  std::string name;        // timer unit ("restic.timer") or the cron file
  std::string source;      // file that defines the schedule
  std::string schedule;    // "OnCalendar=daily", "0 3 * * *", "daily"
  std::string command;     // ExecStart lines of the triggered service / the cron command / the run-parts script
  std::string scriptPath;  // the script the command runs, when it is a small text file (its text is in scriptText)
  std::string scriptText;
  std::string line;                           // the literal definition, for evidence
  std::optional<std::int64_t> lastTriggered;  // timers: mtime of /var/lib/systemd/timers/stamp-<timer>
  std::string inactiveReason;                 // non-empty: defined but will not run (masked, not executable, …)
};

struct Schedule {
  std::vector<ScheduledJob> jobs;
  std::vector<std::string> unreadable;  // "path: reason" for sources that exist but could not be read
  bool cronInstalled = false;
};

Schedule collectSchedule(const SystemView& system);

struct JobMention {
  std::string program;   // which of the programs asked about
  std::string evidence;  // the timer / cron line, plus the script line when a wrapper script runs it
};

// Whether a job runs one of `programs`: a command word whose basename is the program, in the command or in the
// script it runs, or else the job's own name naming it as a whole word ("restic-backup.timer"). First match wins.
std::optional<JobMention> jobMentions(const ScheduledJob& job, const std::vector<std::string_view>& programs);

// ---- parsers (exposed for tests) ---------------------------------------------------------------------------------

struct CronEntry {
  std::string schedule;  // "0 3 * * *" or "@daily"
  std::string user;      // empty for per-user crontabs
  std::string command;
  std::string line;
};
// crontab(5) syntax; system crontabs (/etc/crontab, /etc/cron.d) carry a user field.
std::vector<CronEntry> parseCrontab(std::string_view content, bool hasUserField);

// Why cron / run-parts skips a file name, or nullopt when it runs it. Debian only runs [A-Za-z0-9_-]+ names.
std::optional<std::string> cronNameIgnoredReason(std::string_view name, bool debianNaming);

// systemd unit-file syntax (also journald.conf and friends): [Section] then Key=Value, in order.
struct IniEntry {
  std::string section;
  std::string key;
  std::string value;
};
std::vector<IniEntry> parseSystemdIni(std::string_view content);

}  // namespace annexa::agent
