// The agent's on-disk outbox. A report is written to a temp file, fsync'd and renamed into place, so a kill -9 at
// any point leaves either the whole report or nothing. Bounded by count and bytes: when full the oldest reports
// are dropped and counted, and the count travels in the next report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace annexa::agent {

struct SpoolLimits {
  std::size_t maxReports = 1000;
  std::uint64_t maxBytes = 64ull * 1024 * 1024;
};

struct SpooledReport {
  std::filesystem::path path;
  std::uint64_t size = 0;
};

class Spool {
 public:
  Spool(std::filesystem::path directory, SpoolLimits limits = {});

  // Creates the directory (0700) and removes temp files left by an interrupted write. Refuses a directory that is
  // a symbolic link, not ours, or writable by group or others.
  VoidResult open();
  // Durably adds a report; drops the oldest ones first if the limits would be exceeded. A report larger than
  // the byte limit on its own is refused (the spool is left as it was).
  VoidResult add(const std::string& reportJson);
  // Oldest first.
  std::vector<SpooledReport> list() const;
  Result<std::string> read(const SpooledReport& report) const;
  VoidResult remove(const SpooledReport& report);
  // Moves a report the collector will never accept (400) aside, so it does not block the queue.
  VoidResult quarantine(const SpooledReport& report);

  // Reports dropped because the spool was full, not yet announced to the collector.
  std::uint64_t droppedCount() const;
  // `announced` drops now travel in a report: forget those, keep any dropped since (e.g. to make room for it).
  void acknowledgeDropped(std::uint64_t announced);

  const std::filesystem::path& directory() const { return directory_; }

 private:
  VoidResult enforceLimits(std::uint64_t incomingBytes);
  void addDropped(std::uint64_t n);

  std::filesystem::path directory_;
  SpoolLimits limits_;
  std::uint64_t sequence_ = 0;
};

// Writes a file atomically and durably (temp + fsync + rename + directory fsync) through common/safe_file.hpp:
// a symbolic link planted at `path` is replaced, never followed.
VoidResult writeFileDurably(const std::filesystem::path& path, const std::string& content, unsigned mode);

}  // namespace annexa::agent
