// Backups: a backup tool runs on a schedule (backup.configured) and the last backup is recent (backup.recent).
// Both evaluate the same facts, gathered by one probe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/daemons.hpp"

namespace annexa::agent::checks {

// A scheduled job that runs a backup tool.
struct BackupJob {
  std::string tool;
  std::string source;                         // file defining the schedule
  std::string mention;                        // the timer / cron line (and script line) that runs the tool
  std::optional<std::int64_t> lastTriggered;  // systemd timer stamp
  std::string inactiveReason;                 // non-empty: it will not run
};

// A point in time at which a backup demonstrably happened.
struct BackupStamp {
  std::string source;
  std::string what;  // "timer last triggered", "newest timeshift snapshot", …
  std::int64_t time = 0;
};

// config.backupMarkerFile: touched by the backup job on success.
struct BackupMarker {
  std::string path;
  std::optional<std::int64_t> mtime;  // nullopt: missing or unreadable
  std::string problem;                // why it could not be read ("" when simply missing)
};

struct BackupFacts {
  bool live = true;
  std::vector<BackupJob> jobs;
  std::vector<DaemonSighting> clients;  // bacula-fd / bareos-fd with a configuration: scheduled by their Director
  std::vector<std::string> unreadable;  // schedule sources or tool state that could not be read
  std::optional<BackupMarker> marker;
  std::vector<BackupStamp> stamps;  // tool state (timer stamps of backup jobs, snapshots)
};

Outcome evaluateBackupConfigured(const BackupFacts& facts);
Outcome evaluateBackupRecent(const BackupFacts& facts, std::int64_t now, long long maxAgeHours);

// rsnapshot.conf's snapshot_root (tab-separated, like every rsnapshot directive); the default when unset.
std::string parseRsnapshotRoot(std::string_view config);

}  // namespace annexa::agent::checks
