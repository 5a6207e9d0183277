// Who may talk to the collector: enrollment (anonymous, with a token), reports (agents), and the admin routes
// that manage identities (tokens, agent revocation and identity events, operator certificates).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "collector/api/failure_throttle.hpp"
#include "collector/api/fleet_routes.hpp"
#include "collector/api/metrics.hpp"
#include "collector/api/revocation_list.hpp"
#include "collector/api/router.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/store/store.hpp"
#include "common/pki.hpp"

namespace annexa::collector {

struct CertificateAuthority {
  pki::CertPtr certificate;
  pki::KeyPtr key;
  std::string certificatePem;
};

struct EnrollmentOptions {
  FailureThrottleOptions throttle;  // failed enrollments per source address
  int agentCertificateDays = 397;
  std::int64_t defaultIntervalSeconds = 900;
};

class AgentRoutes {
 public:
  using Clock = std::function<std::int64_t()>;
  AgentRoutes(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations,
              CertificateAuthority& ca, FleetRoutes& fleet, EnrollmentOptions options, Clock clock);

  // POST /api/v1/enroll (anyone), POST /api/v1/reports (agents), POST /api/v1/tokens,
  // POST /api/v1/agents/{agent}/revoke, GET /api/v1/agents/{agent}/events, GET /api/v1/operators,
  // POST /api/v1/operators/{operator}/revoke (admins).
  void addRoutes(Router& router);

  // Revocations made from the CLI (another process) apply to reports too: the next report re-reads its agent.
  void forgetReportingAgents();

 private:
  ApiResponse enroll(const ApiRequest& request);
  ApiResponse enrollChecked(const ApiRequest& request, std::int64_t now);
  // Why an enrollment claiming this machine id is refused, if it is (host identity, docs/security.md).
  std::optional<ApiResponse> machineIdRefusal(const std::string& machineId, const TokenRecord& token);
  void acceptReport(const ApiRequest& request, Respond respond);
  ApiResponse createToken(const ApiRequest& request);
  ApiResponse revokeAgent(const std::string& agentId);
  ApiResponse agentEvents(const std::string& agentId);
  ApiResponse operatorList();
  ApiResponse revokeOperator(const std::string& serialOrName);

  // The enrolled, unrevoked agent behind a report, from memory after its first report (cleared by
  // forgetReportingAgents(), as the handshake's revocation list is refreshed): the hot path does not read the
  // database for it.
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
  FleetRoutes& fleet_;
  EnrollmentOptions options_;
  Clock clock_;
  FailureThrottle enrollmentFailures_;
  std::mutex agentsMutex_;
  std::unordered_map<std::string, ReportingAgent> reportingAgents_;
};

}  // namespace annexa::collector
