// Backup and restore of a collector data directory (`annexa-collector backup|restore`, docs/operations.md).
//
// A backup is one tar archive (libarchive, readable with plain `tar`): a consistent copy of the database made with
// SQLite's VACUUM INTO while the collector serves (one read transaction: every report committed before it began is
// in, none half), the CA, server and operator keys and certificates, collector.json and the content-addressed
// evidence files, then a manifest (annexa-backup.json) with each file's size and SHA-256. Evidence files are never
// altered once stored and are written before the database names them, so copying them after the snapshot misses
// none the snapshot refers to. Export packs (exports/) are left out: they can be written again from the data.
//
// Restore writes into a new or empty directory (the packaged /var/lib/annexa before init), accepts only the names a
// data directory holds (no path from the archive reaches the file system otherwise), checks every file against the
// manifest and the database with SQLite's quick_check, and removes what it wrote if anything is wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "collector/app/data_dir.hpp"
#include "common/result.hpp"

namespace annexa::collector {

inline constexpr const char* kBackupFormat = "annexa.backup/1";
inline constexpr const char* kBackupManifest = "annexa-backup.json";

struct BackupSummary {
  std::size_t files = 0;      // including the database, not the manifest
  std::int64_t bytes = 0;
  std::int64_t databaseBytes = 0;
};

// Writes `out` (mode 0600: it holds the CA key), which must not exist yet.
Result<BackupSummary> backupDataDir(const DataDir& dir, const std::filesystem::path& out);
// Restores `archive` into `target`: a new directory, or an empty one owned by this user and writable by no other.
Result<BackupSummary> restoreDataDir(const std::filesystem::path& archive, const DataDir& target);

// `backup --data DIR --out FILE` and `restore --data DIR --from FILE`.
bool isBackupCommand(const std::string& command);
int runBackupCli(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err);

}  // namespace annexa::collector
