// sshd_config as sshd reads it: keywords case-insensitive, the first value obtained wins, `Include` (globs relative
// to /etc/ssh) expanded in place, and `Match` blocks kept apart from the global section they end.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"
#include "common/result.hpp"

namespace annexa::agent {

inline constexpr std::string_view kSshdConfigPath = "/etc/ssh/sshd_config";

// One "Keyword arguments" line.
struct SshdSetting {
  std::string keyword;  // as written
  std::string value;    // the arguments joined by one space, quotes removed
  std::string file;
  int line = 0;

  std::string location() const { return file + ":" + std::to_string(line); }
  std::string text() const { return keyword + " " + value; }
};

struct SshdMatchBlock {
  std::string criteria;  // "User backup Address 10.0.0.0/8"
  std::string file;
  int line = 0;
  std::vector<SshdSetting> settings;

  std::string location() const { return file + ":" + std::to_string(line); }
};

struct SshdConfig {
  std::string mainFile = std::string(kSshdConfigPath);
  std::vector<SshdSetting> global;  // in the order sshd reads them
  std::vector<SshdMatchBlock> matchBlocks;
  std::vector<std::string> files;  // every file read, main file first
};

// The settings one connection gets: those of a Match block it matches first, then the global ones.
class SshdSettings {
 public:
  explicit SshdSettings(const SshdConfig& config, const SshdMatchBlock* block = nullptr)
      : config_(config), block_(block) {}

  // The setting sshd uses for a keyword (any of its aliases); nullptr when it is not set.
  const SshdSetting* find(const std::vector<std::string_view>& aliases) const;
  // Whether the Match block itself sets one of the keywords.
  bool blockSets(const std::vector<std::string_view>& aliases) const;
  const SshdMatchBlock* block() const { return block_; }
  const SshdConfig& config() const { return config_; }

 private:
  const SshdConfig& config_;
  const SshdMatchBlock* block_;
};

// Reads `path` and every file it includes. A missing main file is an error; an Include that matches nothing is
// skipped (as sshd does); an included file that exists but cannot be read is an error.
Result<SshdConfig> loadSshdConfig(const SystemView& system, std::string_view path = kSshdConfigPath);
// Parses one file's text without following Include lines.
SshdConfig parseSshdConfig(std::string_view content, std::string_view file = kSshdConfigPath);

}  // namespace annexa::agent
