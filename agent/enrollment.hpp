// Enrollment: this host's own key and CSR, the collector's CA pinned by fingerprint, and the state it leaves
// behind (agent/delivery.hpp sends reports with it, agent/run_loop.hpp schedules them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

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

}  // namespace annexa::agent
