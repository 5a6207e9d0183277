// The collector's HTTP API, independent of the network layer: a request (already authenticated by TLS) goes in,
// a response comes out — possibly later, for reports, once they are on disk. Api puts the route groups together
// in one route table (agents, fleet, ISMS, exports, metrics); each group lives in its own *_routes file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "collector/api/agent_routes.hpp"
#include "collector/api/fleet_routes.hpp"
#include "collector/api/http.hpp"
#include "collector/api/metrics.hpp"
#include "collector/api/revocation_list.hpp"
#include "collector/api/router.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/posture/posture.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"

namespace annexa::collector {

class ExportJobs;
namespace isms {
class IsmsService;
}

struct ApiOptions {
  FailureThrottleOptions enrollmentThrottle;  // failed enrollments per source address
  int agentCertificateDays = 397;
  std::int64_t defaultIntervalSeconds = 900;
};

// What the API serves beyond the fleet, when the caller has it: the ISMS registers (their routes, and valid
// exceptions in the posture) and evidence-pack exports (without a runner, /api/v1/exports… answer 501).
struct ApiExtras {
  isms::IsmsService* isms = nullptr;
  ExportJobs* exports = nullptr;
};

class Api : public RequestHandler {
 public:
  using Clock = std::function<std::int64_t()>;
  Api(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations, CertificateAuthority& ca,
      const Catalog& catalog, const CheckMapping& mapping, ApiOptions options, Clock clock, ApiExtras extras = {});

  // Routes and answers. `respond` is called exactly once, maybe from the storage thread.
  void handle(const ApiRequest& request, const Respond& respond) override;
  std::string routeLabel(const std::string& target) const override { return router_.label(target); }
  const Router& router() const { return router_; }

  FleetPosture posture() { return fleet_.posture(); }
  FleetPosture postureAt(std::int64_t t) { return fleet_.postureAt(t); }

  // Revocations made elsewhere (the CLI, another process) were picked up into the revocation list: reports and
  // the host list follow them.
  void revocationsRefreshed(bool changed);

 private:
  ApiResponse health() const;
  ApiResponse metricsText();

  Store& store_;
  IngestQueue& queue_;
  Metrics& metrics_;
  Clock clock_;
  Router router_;
  FleetRoutes fleet_;
  AgentRoutes agents_;
};

}  // namespace annexa::collector
