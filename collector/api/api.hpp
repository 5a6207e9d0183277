// The collector's HTTP API, independent of the network layer: a request (already authenticated by TLS)
// goes in, a response comes out — possibly later, for reports, once they are on disk.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "collector/api/failure_throttle.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/api/metrics.hpp"
#include "collector/posture/posture.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"
#include "common/pki.hpp"

namespace annexa::collector {

class IsmsApi;
class ExportJobs;

// Who is on the other end, from the verified client certificate.
struct PeerIdentity {
  bool hasCertificate = false;
  std::string commonName;
  pki::Role role = pki::Role::Unknown;
  std::string serial;
};

struct ApiRequest {
  std::string method;
  std::string target;  // path and query as received
  std::string body;
  PeerIdentity peer;
  std::string sourceAddress;  // the client's IP address; throttles failed enrollments
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
};

using Respond = std::function<void(ApiResponse)>;

// Serial numbers refused at the TLS handshake; refreshed from the store, updated at once on revocation.
class RevocationList {
 public:
  // True when the list changed.
  bool replace(std::set<std::string> serials);
  void add(const std::string& serial);
  bool isRevoked(const std::string& serial) const;

 private:
  mutable std::shared_mutex mutex_;
  std::set<std::string> serials_;
};

struct CertificateAuthority {
  pki::CertPtr certificate;
  pki::KeyPtr key;
  std::string certificatePem;
};

// What an enrollment token may be given, by the API and the CLI alike.
inline constexpr std::int64_t kMaxTokenTtlSeconds = 30LL * 86400;
inline constexpr std::int64_t kMaxTokenUses = 100000;

struct ApiOptions {
  FailureThrottleOptions enrollmentThrottle;  // failed enrollments per source address
  int agentCertificateDays = 397;
  std::int64_t defaultIntervalSeconds = 900;
  std::int64_t retentionDays = 400;
};

class Api {
 public:
  using Clock = std::function<std::int64_t()>;
  Api(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations, CertificateAuthority& ca,
      const Catalog& catalog, const CheckMapping& mapping, ApiOptions options, Clock clock);

  // Routes and answers. `respond` is called exactly once, maybe from the storage thread.
  void handle(const ApiRequest& request, Respond respond);

  // Periodic upkeep: revocation list (every call); today's posture row (each minute); retention (hourly).
  void maintain();

  // The current posture, recomputed when reports arrived since the last computation or a minute passed.
  FleetPosture posture();
  // The posture as stored history says it was at `t` (not cached), with the exceptions valid at `t`.
  FleetPosture postureAt(std::int64_t t);

  // ISMS registers (optional): their routes, valid exceptions in the posture, NC reopening in maintain().
  void attachIsms(IsmsApi* isms) { isms_ = isms; }
  // Evidence-pack exports (optional): /api/v1/exports… answer 501 until jobs are attached.
  void attachExports(ExportJobs* exports) { exports_ = exports; }

 private:
  struct Route;
  ApiResponse enroll(const ApiRequest& request);
  ApiResponse enrollChecked(const ApiRequest& request, std::int64_t now);
  // Why an enrollment claiming this machine id is refused, if it is (host identity, docs/security.md).
  std::optional<ApiResponse> machineIdRefusal(const std::string& machineId, const TokenRecord& token);
  ApiResponse agentEvents(const std::string& agentId);
  void acceptReport(const ApiRequest& request, Respond respond);
  ApiResponse createToken(const ApiRequest& request);
  ApiResponse revokeAgent(const std::string& agentId);
  ApiResponse operatorList();
  ApiResponse revokeOperator(const std::string& serialOrName);
  // `?at=RFC3339` on the posture, control and host views: absent → nullopt (now); bad or future → error.
  Result<std::optional<std::int64_t>> instantOf(const std::map<std::string, std::string>& query);
  ApiResponse postureView(const std::map<std::string, std::string>& query);
  ApiResponse controlDetail(const std::string& controlId, const std::map<std::string, std::string>& query);
  ApiResponse hostList(const std::map<std::string, std::string>& query);
  // Every agent with its result counts: what the host list pages through. Shared by the pages of one listing
  // (a dashboard reads 10,000 hosts as ten pages); rebuilt when agents change (enrollment, revocation,
  // revocations picked up by maintain()), when reports arrived (at once below kSmallFleet hosts, else at most once
  // per ten times its cost), or after a minute.
  struct HostTable {
    std::vector<AgentRecord> agents;  // revoked ones included
    std::unordered_map<std::string, HostResultCounts> counts;
  };
  std::shared_ptr<const HostTable> hostTable();
  // When a fleet-wide view read from the database follows new reports: at most once per ten times what its last
  // build cost, so a fleet of 10,000 hosts spends at most a tenth of a core on it; a small fleet sees every report.
  struct RebuildPace {
    std::uint64_t ingestGeneration = 0;  // of the reports the view has seen
    std::chrono::steady_clock::time_point builtAt{};
    std::chrono::steady_clock::duration cost{};
    std::chrono::steady_clock::duration sinceBuilt() const { return std::chrono::steady_clock::now() - builtAt; }
    bool followReports(std::uint64_t generation, bool atOnce) const {
      return generation != ingestGeneration && (atOnce || sinceBuilt() >= 10 * cost);
    }
    template <class Build>
    void rebuild(std::uint64_t generation, Build&& build) {
      const auto started = std::chrono::steady_clock::now();
      build();
      ingestGeneration = generation;
      builtAt = std::chrono::steady_clock::now();
      cost = builtAt - started;
    }
  };
  static constexpr std::size_t kSmallFleet = 1000;  // hosts: its table costs a few ms to rebuild
  ApiResponse hostDetail(const std::string& agentId, const std::map<std::string, std::string>& query);
  ApiResponse findings();
  ApiResponse history(const std::map<std::string, std::string>& query);
  ApiResponse metricsText();
  // The enrolled, unrevoked agent behind a report, from memory after its first report (cleared by maintain(), as
  // the handshake's revocation list is refreshed): the hot path does not read the database for it.
  struct ReportingAgent {
    std::string id;
    std::string machineId;
  };
  std::optional<ReportingAgent> reportingAgent(const std::string& agentId);

  Store& store_;
  IngestQueue& queue_;
  Metrics& metrics_;
  RevocationList& revocations_;
  CertificateAuthority& ca_;
  const Catalog& catalog_;
  const CheckMapping& mapping_;
  ApiOptions options_;
  Clock clock_;

  std::mutex postureMutex_;
  std::optional<FleetPosture> posture_;
  std::atomic<std::uint64_t> ingestGeneration_{0};
  RebuildPace posturePace_;
  std::atomic<std::int64_t> lastPurge_{0};  // maintain() may also be called outside the server's timer
  std::atomic<std::int64_t> lastDailyPosture_{0};
  FailureThrottle enrollmentFailures_;
  IsmsApi* isms_ = nullptr;
  ExportJobs* exports_ = nullptr;
  std::mutex agentsMutex_;
  std::unordered_map<std::string, ReportingAgent> reportingAgents_;
  // Enrollments and revocations (and maintain(), which picks up revocations made from the CLI).
  std::atomic<std::uint64_t> agentsGeneration_{0};
  std::mutex hostsMutex_;
  std::shared_ptr<const HostTable> hosts_;
  std::uint64_t hostsAgentsGeneration_ = 0;
  RebuildPace hostsPace_;
};

ApiResponse jsonError(int status, const std::string& message);
// "/a/b?x=1&y=%20" → path "/a/b", query {x: "1", y: " "}.
std::pair<std::string, std::map<std::string, std::string>> splitTarget(const std::string& target);

}  // namespace annexa::collector
