#include "collector/api/api.hpp"

#include <nlohmann/json.hpp>

#include "collector/api/export_routes.hpp"
#include "collector/api/isms_routes.hpp"
#include "collector/isms/isms_service.hpp"
#include "collector/store/body_codec.hpp"

namespace annexa::collector {

Api::Api(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations, CertificateAuthority& ca,
         const Catalog& catalog, const CheckMapping& mapping, ApiOptions options, Clock clock, ApiExtras extras)
    : store_(store),
      queue_(queue),
      metrics_(metrics),
      clock_(clock),
      router_(&revocations),
      fleet_(store, catalog, mapping,
             extras.isms ? FleetRoutes::Acceptance([isms = extras.isms](std::int64_t t) { return isms->acceptanceAt(t); })
                         : FleetRoutes::Acceptance(),
             clock),
      agents_(store, queue, metrics, revocations, ca, fleet_,
              {options.enrollmentThrottle, options.agentCertificateDays, options.defaultIntervalSeconds}, clock) {
  router_.add("GET", "/healthz", Access::Anyone, [this](const RouteContext&) { return health(); });
  router_.add("GET", "/metrics", Access::Operator, [this](const RouteContext&) { return metricsText(); });
  agents_.addRoutes(router_);
  fleet_.addRoutes(router_);
  if (extras.isms) addIsmsRoutes(router_, *extras.isms, clock, [this] { fleet_.acceptanceChanged(); });
  addExportRoutes(router_, extras.exports, clock);
  router_.onRefused([this](const Router::RouteInfo& route) {
    if (route.pattern == "/api/v1/reports") metrics_.reportRejected("not_an_agent");
  });
}

void Api::handle(const ApiRequest& request, const Respond& respond) { router_.dispatch(request, respond); }

void Api::revocationsRefreshed(bool changed) {
  agents_.forgetReportingAgents();
  if (changed) fleet_.agentsChanged();
}

ApiResponse Api::health() const {
  // Degraded storage (a failed flush, a full disk) is reported: reports are refused meanwhile.
  if (const auto problem = queue_.storageProblem(); !problem.empty())
    return jsonOk({{"status", "degraded"}, {"error", problem}}, 503);
  return jsonOk({{"status", "ok"}});
}

ApiResponse Api::metricsText() {
  Metrics::Gauges gauges;
  gauges.queueDepth = queue_.depth();
  if (const auto dictionary = store_.bodyDictionary()) gauges.bodyDictionaryId = dictionary->id();
  const auto now = clock_();
  for (const auto& agent : store_.listAgents()) {
    if (agent.revokedAt) {
      ++gauges.agentsRevoked;
      continue;
    }
    ++gauges.agentsEnrolled;
    if (isStale(agent, now)) ++gauges.agentsStale;
  }
  return {200, metrics_.render(gauges), "text/plain; version=0.0.4"};
}

}  // namespace annexa::collector
