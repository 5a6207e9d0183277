// Detection and monitoring agents (monitoring.agent_present) and malware protection (malware.protection).
// Also home of the daemon observation the logging, time and backup checks share: "does this service run?".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"

namespace annexa::agent::checks {

// ---- daemons -----------------------------------------------------------------------------------------------------

// A service known by its process names (comm or argv[0] basename) and systemd units; unused slots stay empty.
struct DaemonSpec {
  std::string_view name;
  std::array<std::string_view, 4> processes;
  std::array<std::string_view, 4> units;
};

enum class DaemonState { Absent, Enabled, Running };

struct DaemonSighting {
  std::string name;
  DaemonState state = DaemonState::Absent;
  Evidence evidence;
};

// Live: a running process or an active unit is Running, an enabled unit alone is Enabled.
// Offline root: only configuration can be seen, so an enabled unit is Enabled (and nothing is Running).
DaemonSighting observeDaemon(const CheckContext& ctx, const DaemonSpec& spec);
// Whether a sighting shows the service doing its job: running on a live system, enabled in an offline image.
bool isInService(const DaemonSighting& sighting, bool liveSystem);
// The reason processes could not be listed on a live system ("" when they could, or offline).
std::string processListingError(const CheckContext& ctx);
// The first of the paths that exists on the audited system, or "".
std::string firstExisting(const SystemView& system, std::initializer_list<std::string_view> paths);
// "42 min ago", "5 h ago", "3 days ago" for an age in seconds.
std::string describeAge(std::int64_t seconds);

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
