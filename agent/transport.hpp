// The agent's side of the collector link: enrollment (own key, CSR, pinned CA), spooled delivery with backoff,
// and the scheduled run loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <random>
#include <string>

#include "agent/config.hpp"
#include "agent/spool.hpp"
#include "common/https_client.hpp"
#include "common/result.hpp"

namespace annexa::agent {

// STATE/agent.key (0600, never leaves the host), agent.crt, ca.crt, enrollment.json, last-full-report.json, spool/.
struct StateDir {
  std::filesystem::path root;
  std::filesystem::path key() const { return root / "agent.key"; }
  std::filesystem::path certificate() const { return root / "agent.crt"; }
  std::filesystem::path ca() const { return root / "ca.crt"; }
  std::filesystem::path enrollment() const { return root / "enrollment.json"; }
  std::filesystem::path lastFullReport() const { return root / "last-full-report.json"; }
  std::filesystem::path spool() const { return root / "spool"; }
};

// /var/lib/annexa-agent for root, else $XDG_STATE_HOME/annexa-agent or ~/.local/state/annexa-agent.
std::filesystem::path defaultStateDirectory();

struct AgentIdentity {
  std::string agentId;
  std::string server;  // https://host:port
  std::int64_t intervalSeconds = 900;
  std::string caPem;
  std::string certificatePem;
  std::string privateKeyPem;
};

struct EnrollOptions {
  std::string server;
  std::string token;
  std::string caFingerprint;
  StateDir state;
  std::int64_t intervalSeconds = 900;
  bool force = false;
};

Result<AgentIdentity> enrollAgent(const EnrollOptions& options);
Result<AgentIdentity> loadIdentity(const StateDir& state);

struct DeliveryOutcome {
  int delivered = 0;    // stored or already stored (duplicate)
  int unchanged = 0;    // of those, sent as "unchanged since" a full report
  std::string unchangedSince;  // the full report the last of them named
  int quarantined = 0;  // refused as malformed or too large: moved aside
  std::optional<std::string> error;  // delivery stopped here; the rest stays spooled
};

// Sends spooled reports oldest first; each is deleted only after a 2xx. With `lastFullReport` (the file that
// remembers the last full report the collector took), a report with the same results goes in its short form
// (agent/last_full_report.hpp); when the collector answers 409 to it (or 400/413: it cannot read the short form),
// the memory is dropped and the full report sent, and only the full report's answer can set a report aside.
DeliveryOutcome deliverSpool(Spool& spool, HttpsClient& client, const std::filesystem::path& lastFullReport = {});

// Exponential backoff with full jitter: uniform in [base·2^(failures-1) / 2, base·2^(failures-1)], capped.
std::chrono::seconds backoffDelay(int failures, std::chrono::seconds base, std::chrono::seconds cap, std::mt19937_64& rng);

struct RunLoopOptions {
  StateDir state;
  std::optional<std::string> configPath;
  std::optional<std::int64_t> intervalSeconds;
  bool once = false;
  std::chrono::seconds backoffCap{3600};
  SpoolLimits spoolLimits;
};

// `annexa-agent run`: check, spool, deliver; repeat on the interval (±10 % jitter) until SIGTERM/SIGINT.
// Returns the exit code (with --once: 0 delivered, 1 spooled but not delivered, 2 fatal).
int runAgentLoop(const RunLoopOptions& options, std::ostream& out, std::ostream& err);

}  // namespace annexa::agent
