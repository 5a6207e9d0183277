// Test fixtures: a throw-away root tree (optionally copied from tests/fixtures/<name>) and helpers to run checks on it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "agent/config.hpp"
#include "agent/system_view.hpp"
#include "common/model.hpp"

namespace annexa::test {

// tests/fixtures in the source tree.
std::filesystem::path fixturesDirectory();

class FixtureRoot {
 public:
  FixtureRoot();                                    // an empty tree
  explicit FixtureRoot(std::string_view fixture);   // a copy of tests/fixtures/<fixture>
  ~FixtureRoot();
  FixtureRoot(const FixtureRoot&) = delete;
  FixtureRoot& operator=(const FixtureRoot&) = delete;

  const std::filesystem::path& path() const { return root_; }
  agent::SystemView view() const { return agent::SystemView::offline(root_); }

  // Paths are absolute paths of the audited system ("/etc/shadow"); parents are created.
  void write(std::string_view path, std::string_view content, mode_t mode = 0644);
  void makeDirectory(std::string_view path, mode_t mode = 0755);
  void symlink(std::string_view target, std::string_view path);
  void chmod(std::string_view path, mode_t mode);
  void setMtime(std::string_view path, std::int64_t unixSeconds);
  void remove(std::string_view path);
  std::filesystem::path hostPath(std::string_view path) const;

 private:
  std::filesystem::path root_;
};

// A report like a fleet's: 50 results whose titles, remediation and sources repeat from host to host, and
// whose observed values vary with `seed` (for compression and dictionary tests).
Report fleetLikeReport(int seed);

// The short form (annexa.unchanged/1) of a later run that reproduced `full`'s results, as an agent sends it.
Report unchangedSince(const Report& full, const std::string& startedAt);

// Runs one registered check against the tree; `now` defaults to the real clock.
CheckResult runCheckOn(const FixtureRoot& root, std::string_view checkId, const agent::AgentConfig& config = {},
                       std::int64_t now = 0);

}  // namespace annexa::test
