// Helpers for the collector load generator: the collector as a child process, simulated agents (own key,
// CSR, certificate), realistic report bodies, latency statistics and a bounded parallel runner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/https_client.hpp"
#include "common/model.hpp"
#include "common/result.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header

namespace annexa::bench {

// ---- child processes -------------------------------------------------------------------------------------

// Runs a command to completion and returns its stdout; a non-zero exit or a timeout is an error.
Result<std::string> runCommand(const std::vector<std::string>& argv, std::chrono::seconds timeout);
// Starts a command in the background with stdout and stderr appended to logFile.
Result<pid_t> spawnProcess(const std::vector<std::string>& argv, const std::filesystem::path& logFile);
// True while the child has not exited (reaps it when it has).
bool processRunning(pid_t pid);
// SIGTERM, then waits up to `grace` (SIGKILL after that). Returns the exit status text.
std::string stopProcess(pid_t pid, std::chrono::seconds grace);

struct ProcessUsage {
  long currentRssKb = 0;  // VmRSS
  long peakRssKb = 0;     // VmHWM
  long anonRssKb = 0;     // RssAnon: the process's own memory
  long fileRssKb = 0;     // RssFile: mapped files (the database through mmap, libraries), clean and reclaimable
  double cpuSeconds = 0;  // user + system
};
ProcessUsage usageOf(pid_t pid);
double ownCpuSeconds();  // this process, user + system

// ---- simulated agents ------------------------------------------------------------------------------------

// What an agent has before enrolling: its own P-256 key and a CSR for it, plus host facts.
struct AgentIdentity {
  std::string hostname;
  std::string machineId;
  std::string privateKeyPem;
  std::string csrPem;
};
Result<AgentIdentity> makeIdentity(std::size_t index);

struct EnrolledAgent {
  std::size_t index = 0;
  std::string agentId;
  std::string hostname;
  std::string machineId;
  ClientTls tls;  // the agent's own certificate and key, trusting the collector's CA
};

// POSTs /api/v1/enroll on a fresh connection (each simulated host is its own machine); expects 201.
Result<EnrolledAgent> enroll(const ServerEndpoint& endpoint, const std::string& caPem, const std::string& token,
                             const AgentIdentity& identity, std::size_t index);

// A 50-result annexa.report/1 body (~15 KB). `sequence` makes the report id unique and flips a few statuses,
// so consecutive reports of one host differ the way a real fleet's do.
std::string reportBody(const EnrolledAgent& agent, std::uint64_t sequence);

// A report body rendered ahead, whose report id is stamped with a fresh sequence number for each send: the load
// generator then spends microseconds per report, not the milliseconds rendering JSON takes, and leaves the
// machine's cores to the collector.
class ReportTemplate {
 public:
  // The agent's 50-result report of `variant` (see reportBody).
  ReportTemplate(const EnrolledAgent& agent, std::uint64_t variant);
  // The short annexa.unchanged/1 report an agent sends when its results are those of a report of `full`; which
  // one is stamped at each send (`reference`).
  static ReportTemplate unchangedSince(const EnrolledAgent& agent, const ReportTemplate& full);
  // Stamps the report id's sequence (< 10^12, unique per agent), the sequence of the full report a short one
  // names, and started_at = now.
  std::string body(std::uint64_t sequence, std::uint64_t reference = 0) const;

 private:
  explicit ReportTemplate(Report report);

  std::string body_;
  std::string idPattern_;      // the report id with the sequence placeholder in it
  std::string resultsDigest_;  // of the full report's results (common/result_digest.hpp)
  std::size_t sequenceAt_ = 0;
  std::size_t startedAt_ = 0;
  std::size_t referenceAt_ = 0;  // npos for a full report
};

// New mTLS connections as cheaply as the client side allows: the agent's certificate, key and trusted CA are
// parsed once into an SSL_CTX, so each connection costs the client only its handshake. (HttpsClient builds its
// context per connection, as a real agent does once per interval; the load generator must not spend the
// machine's cores on that.)
class HandshakeClient {
 public:
  HandshakeClient(const EnrolledAgent& agent, const std::string& caPem);
  ~HandshakeClient();
  HandshakeClient(const HandshakeClient&) = delete;
  HandshakeClient& operator=(const HandshakeClient&) = delete;
  // Connects, handshakes (verifying the server's chain against the CA), sends GET /healthz, insists on 200, closes.
  VoidResult healthz(const ServerEndpoint& endpoint) const;

 private:
  ::ssl_ctx_st* ctx_ = nullptr;  // SSL_CTX
};

// POSTs a report and insists on 200 {"status":"stored"}.
VoidResult sendReport(HttpsClient& client, const std::string& body);

// ---- measurement -----------------------------------------------------------------------------------------

struct LatencySummary {
  std::size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // milliseconds
};
LatencySummary summarize(std::vector<double> millis);

// Per-thread results of a parallel phase, merged after the threads join (no locking on the hot path).
struct ThreadTally {
  std::vector<double> latenciesMs;
  std::size_t errors = 0;
  std::string firstError;
  void fail(const std::string& message) {
    if (errors++ == 0) firstError = message;
  }
};
struct PhaseTally {
  std::vector<double> latenciesMs;
  std::size_t errors = 0;
  std::string firstError;
  double wallSeconds = 0;
};

// Runs body(threadIndex, tally) on `threads` threads and merges their tallies; wallSeconds covers all of them.
PhaseTally runThreads(int threads, const std::function<void(int, ThreadTally&)>& body);

double millisSince(std::chrono::steady_clock::time_point start);

}  // namespace annexa::bench
