// Detection and monitoring agents (monitoring.agent_present) and malware protection (malware.protection).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/daemons.hpp"

namespace annexa::agent::checks {

// ---- known agents ------------------------------------------------------------------------------------------------

struct KnownAgent {
  DaemonSpec daemon;
  bool malwareProtection;  // an EDR: it also evidences malware.protection
};

// Host detection / monitoring agents, shared by monitoring.agent_present and malware.protection.
std::span<const KnownAgent> knownAgents();

// ---- monitoring.agent_present ------------------------------------------------------------------------------------

struct AideFacts {
  std::string binary;                          // "" when AIDE is not installed
  std::optional<std::string> scheduledBy;      // the timer / cron line that runs it
  std::vector<std::string> inactiveSchedules;  // schedules that mention aide but will not run, with the reason
  std::optional<bool> databasePresent;         // nullopt: could not be determined (databaseNote says why)
  std::string databaseNote;
};

struct MonitoringFacts {
  bool live = true;
  std::string processError;
  std::vector<DaemonSighting> agents;  // every known agent that is not Absent
  AideFacts aide;
};

Outcome evaluateMonitoringAgent(const MonitoringFacts& facts);

// ---- malware.protection ------------------------------------------------------------------------------------------

struct SignatureFile {
  std::string path;
  std::int64_t builtAt = 0;  // seconds since the epoch
  bool fromHeader = false;   // builtAt is the database's build time (else the file's mtime)
};

struct ClamavFacts {
  std::string binary;                          // "" when ClamAV is not installed
  std::vector<DaemonSighting> services;        // clamd and freshclam, when not Absent
  std::optional<std::string> scheduledUpdate;  // a cron job / timer running freshclam
  std::vector<SignatureFile> signatures;       // /var/lib/clamav/*.cvd|*.cld
  std::string signatureError;                  // the database directory could not be read
};

struct MalwareFacts {
  bool live = true;
  std::string processError;
  std::vector<DaemonSighting> edrs;  // known agents with malwareProtection that are not Absent
  ClamavFacts clamav;
};

Outcome evaluateMalwareProtection(const MalwareFacts& facts, std::int64_t now, long long maxAgeDays);

// The build time (seconds since the epoch) in a ClamAV .cvd/.cld header ("ClamAV-VDB:date:version:…:builder:stime").
std::optional<std::int64_t> parseCvdBuildTime(std::string_view header);

}  // namespace annexa::agent::checks
