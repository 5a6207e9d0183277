// Agent configuration (JSON; where it lives by default: defaultConfigPath() in agent/platform.hpp): thresholds, disabled checks, backup marker.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::agent {

struct Thresholds {
  long long backupMaxAgeHours = 26;       // backup.max_age_hours
  long long updatesMaxAgeDays = 7;        // updates.max_age_days
  long long passwordMinLength = 12;       // auth.password_min_length
  long long passwordMaxDays = 365;        // auth.password_max_days
  long long lockoutMaxFailures = 5;       // auth.lockout_max_failures
  long long sshMaxAuthTries = 4;          // ssh.max_auth_tries
  long long diskMaxUsedPercent = 90;      // capacity.max_used_percent
  long long screenLockMaxIdleSeconds = 900;  // desktop.max_idle_seconds
  long long signatureMaxAgeDays = 7;      // malware.signature_max_age_days
};

struct AgentConfig {
  Thresholds thresholds;
  std::vector<std::string> disabledChecks;
  // A file the backup job touches on success; its mtime is the last successful backup.
  std::string backupMarkerFile;
  // A site-specific backup program name (looked for in timers and crontabs like the known tools).
  std::string backupCommand;
  // The host routes packets on purpose: IP forwarding is expected.
  bool isRouter = false;

  bool isDisabled(std::string_view checkId) const;
};

// Parses a config document; unknown keys and wrong types are errors (a typo must not silently weaken a check).
Result<AgentConfig> parseAgentConfig(std::string_view jsonText);
// Loads a file. When `mustExist` is false a missing file yields the defaults.
Result<AgentConfig> loadAgentConfig(const std::filesystem::path& path, bool mustExist);

}  // namespace annexa::agent
