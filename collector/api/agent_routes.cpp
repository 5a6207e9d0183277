#include "collector/api/agent_routes.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "collector/api/tokens.hpp"
#include "collector/ingest/report_intake.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace annexa::collector {

AgentRoutes::AgentRoutes(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations,
                         CertificateAuthority& ca, FleetRoutes& fleet, EnrollmentOptions options, Clock clock)
    : store_(store),
      queue_(queue),
      metrics_(metrics),
      revocations_(revocations),
      ca_(ca),
      fleet_(fleet),
      options_(options),
      clock_(std::move(clock)),
      enrollmentFailures_(options.throttle) {}

void AgentRoutes::addRoutes(Router& router) {
  router.add("POST", "/api/v1/enroll", Access::Anyone, [this](const RouteContext& c) { return enroll(c.request); });
  router.addAsync("POST", "/api/v1/reports", Access::Agent,
                  [this](const RouteContext& c, Respond respond) { acceptReport(c.request, std::move(respond)); });
  router.add("POST", "/api/v1/tokens", Access::Admin, [this](const RouteContext& c) { return createToken(c.request); });
  router.add("POST", "/api/v1/agents/{agent}/revoke", Access::Admin,
             [this](const RouteContext& c) { return revokeAgent(c.param(0)); });
  router.add("GET", "/api/v1/agents/{agent}/events", Access::Admin,
             [this](const RouteContext& c) { return agentEvents(c.param(0)); });
  router.add("GET", "/api/v1/operators", Access::Admin, [this](const RouteContext&) { return operatorList(); });
  router.add("POST", "/api/v1/operators/{operator}/revoke", Access::Admin,
             [this](const RouteContext& c) { return revokeOperator(c.param(0)); });
}

void AgentRoutes::forgetReportingAgents() {
  std::lock_guard lock(agentsMutex_);
  reportingAgents_.clear();
}

// Anonymous clients may call this, so the cheap refusals come first: a source that failed too often (429), then
// the token (403), and only then the CSR's signature and our own. Every failure counts against the source address.
ApiResponse AgentRoutes::enroll(const ApiRequest& request) {
  const auto now = clock_();
  const auto source = FailureThrottle::sourceKey(request.sourceAddress);
  if (!enrollmentFailures_.allows(source, now)) {
    metrics_.reportRejected("enrollment_throttled");
    return jsonError(429, "too many failed enrollments from this address; wait a minute");
  }
  try {
    auto response = enrollChecked(request, now);
    // The client's failures count, not ours (a 5xx).
    if (response.status >= 400 && response.status < 500) enrollmentFailures_.recordFailure(source, now);
    return response;
  } catch (const nlohmann::json::exception&) {
    enrollmentFailures_.recordFailure(source, now);  // a field of the wrong type: answered 400 by handle()
    throw;
  }
}

// Host identity (docs/security.md): the machine id is fixed at enrollment, required, and enrolled once, unless the
// token an admin created says otherwise.
std::optional<ApiResponse> AgentRoutes::machineIdRefusal(const std::string& machineId, const TokenRecord& token) {
  if (machineId.empty() && !token.allowNoMachineId)
    return jsonError(400, "enrollment needs host.machine_id (an admin may create a token with allow_no_machine_id)");
  if (machineId.empty() || token.allowDuplicateMachineId) return std::nullopt;
  if (const auto enrolled = store_.activeAgentWithMachineId(machineId)) {
    metrics_.reportRejected("duplicate_machine_id");
    return jsonError(409, "machine id " + machineId + " is already enrolled as agent " + enrolled->id +
                              "; an admin revokes that agent first, or creates a token that allows a duplicate");
  }
  return std::nullopt;
}

ApiResponse AgentRoutes::enrollChecked(const ApiRequest& request, std::int64_t now) {
  auto body = parseJson(request.body);
  if (!body || !body->is_object()) return jsonError(400, "enrollment: " + (body ? "expected a JSON object" : body.error()));
  const auto token = body->value("token", std::string());
  const auto csr = body->value("csr", std::string());
  if (token.empty() || csr.empty()) return jsonError(400, "enrollment needs \"token\" and \"csr\"");
  const auto tokenHash = sha256Hex(token);
  const auto usable = store_.checkToken(tokenHash, now);
  if (!usable) {
    metrics_.reportRejected("enrollment_token");
    return jsonError(403, usable.error());
  }

  AgentRecord agent;
  const auto host = body->value("host", nlohmann::json::object());
  if (host.is_object()) {
    HostInfo info;
    info.hostname = host.value("hostname", std::string());
    info.machineId = host.value("machine_id", std::string());
    if (const auto os = host.find("os"); os != host.end() && os->is_object())
      info.os = {os->value("id", std::string()), os->value("version", std::string()),
                 os->value("pretty_name", std::string())};
    info.kernel = host.value("kernel", std::string());
    if (auto withinLimits = checkHostLimits(info); !withinLimits)
      return jsonError(400, "enrollment: " + withinLimits.error());
    agent.hostname = info.hostname;
    agent.machineId = info.machineId;
    agent.osId = info.os.id;
    agent.osVersion = info.os.version;
    agent.osName = info.os.prettyName;
    agent.kernel = info.kernel;
  }
  if (auto refused = machineIdRefusal(agent.machineId, *usable)) return *refused;
  // The collector decides the interval within its bounds; a number that does not fit 64 bits is refused, not wrapped.
  const auto interval = body->find("interval_seconds");
  constexpr auto kLargestInterval = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (interval != body->end() && (!interval->is_number_integer() || (interval->is_number_unsigned() &&
                                                                     interval->get<std::uint64_t>() > kLargestInterval)))
    return jsonError(400, "enrollment: interval_seconds must be a whole number of seconds");
  agent.intervalSeconds = std::clamp<std::int64_t>(
      interval == body->end() ? options_.defaultIntervalSeconds : interval->get<std::int64_t>(), 60, 7 * 86400);
  auto publicKey = pki::verifiedCsrPublicKey(csr);
  if (!publicKey) return jsonError(400, "enrollment: " + publicKey.error());

  agent.id = uuid4();
  pki::IssueOptions options;
  options.subject = {agent.id, pki::Role::Agent};
  options.clientAuth = true;
  options.validDays = options_.agentCertificateDays;
  auto cert = pki::issueCertificate(publicKey->get(), options, ca_.certificate.get(), ca_.key.get());
  if (!cert) return jsonError(500, cert.error());
  metrics_.certificateIssued();

  agent.certSerial = pki::serialHex(cert->get());
  agent.certNotAfter = pki::notAfterUnix(cert->get());
  agent.enrolledAt = now;
  // The certificate is only handed out if the token is redeemed and the agent recorded together (the token may
  // have been used up by another enrollment since it was checked above).
  if (auto redeemed = store_.enrollAgent(tokenHash, now, agent); !redeemed) {
    metrics_.reportRejected("enrollment_token");
    return jsonError(403, redeemed.error());
  }
  fleet_.agentsChanged();
  log::event(log::Level::Info, "enrolled", {{"agent_id", agent.id}, {"hostname", agent.hostname},
                                            {"machine_id", agent.machineId}, {"serial", agent.certSerial}});
  return jsonOk({{"agent_id", agent.id},
                 {"certificate", pki::certificatePem(cert->get())},
                 {"ca_certificate", ca_.certificatePem},
                 {"interval_seconds", agent.intervalSeconds}},
                201);
}

void AgentRoutes::acceptReport(const ApiRequest& request, Respond respond) {
  // Read once: the typed report and the canonical hash for the evidence log both come from this reading.
  auto received = readReceivedReport(request.body);
  if (!received) {
    metrics_.reportRejected("malformed");
    return respond(jsonError(400, "report: " + received.error()));
  }
  auto& report = received->report;
  const auto agent = reportingAgent(request.peer.commonName);
  if (!agent) {
    metrics_.reportRejected("unknown_agent");
    return respond(jsonError(403, "agent is not enrolled or has been revoked"));
  }
  // The certificate says who is talking; the body may not speak for another agent or machine.
  // The machine id is the one fixed at enrollment, an empty one included: an agent enrolled without one cannot
  // later claim another host's.
  if ((!report.agentId.empty() && report.agentId != agent->id) || report.host.machineId != agent->machineId) {
    metrics_.reportRejected("other_host");
    return respond(jsonError(403, "report names a different host than the one this agent enrolled"));
  }
  // Busy, stopping or failed: the agent keeps its report and retries later.
  const auto refused = [&] {
    if (const auto failure = queue_.failure(); !failure.empty()) {
      metrics_.reportRejected("storage");
      return respond(jsonError(503, failure));
    }
    metrics_.reportRejected("queue_full");
    respond(jsonError(503, "collector is busy; retry later"));
  };
  // Refused before spending the hashing and compression on a report that cannot be queued.
  if (!queue_.accepting()) return refused();
  const std::string reportId = report.reportId;
  const std::uint64_t dropped = report.droppedReports;
  const bool unchanged = report.unchangedSince.has_value();
  // Hashes and evidence text are computed here, on this network thread, so the single writer only runs SQL.
  const auto dictionary = store_.bodyDictionary();
  auto prepared = prepareReport(report, request.body, std::move(received->canonicalSha256),
                                received->bodyIsCanonical, dictionary.get());
  // The body travels compressed inside `prepared`: a queued report does not also hold the bytes received.
  IngestRequest ingest{agent->id, std::move(report), std::string(), clock_(), std::move(prepared)};
  const bool queued = queue_.submit(std::move(ingest), [this, reportId, dropped, unchanged, respond](Result<IngestOutcome> outcome) {
    if (!outcome) {
      metrics_.reportRejected("storage");
      return respond(jsonError(503, outcome.error()));
    }
    switch (*outcome) {
      case IngestOutcome::Stored:
        metrics_.reportAccepted();
        if (unchanged) metrics_.reportUnchanged();
        metrics_.agentReportsDropped(dropped);
        fleet_.reportsStored();
        return respond(jsonOk({{"status", "stored"}, {"report_id", reportId}}));
      case IngestOutcome::Duplicate:
        metrics_.reportDuplicate();
        return respond(jsonOk({{"status", "duplicate"}, {"report_id", reportId}}));
      case IngestOutcome::NotCurrent:
        metrics_.reportRejected("not_current");
        return respond(jsonError(409, "the report named by same_as is not this host's current state; send the full report"));
    }
  });
  if (!queued) refused();
}

ApiResponse AgentRoutes::createToken(const ApiRequest& request) {
  auto body = parseJson(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
  if (!body || !body->is_object()) return jsonError(400, "expected a JSON object");
  TokenRequest wanted;
  wanted.ttlSeconds = body->value("ttl_seconds", wanted.ttlSeconds);
  wanted.uses = body->value("uses", wanted.uses);
  wanted.label = body->value("label", std::string());
  wanted.allowNoMachineId = body->value("allow_no_machine_id", false);
  wanted.allowDuplicateMachineId = body->value("allow_duplicate_machine_id", false);
  auto minted = mintEnrollmentToken(store_, wanted, clock_());
  if (!minted) return jsonError(400, minted.error());
  const auto& record = minted->record;
  return jsonOk({{"id", record.id}, {"token", minted->secret}, {"expires_at", formatRfc3339(record.expiresAt)},
                 {"uses", record.usesLeft}, {"allow_no_machine_id", record.allowNoMachineId},
                 {"allow_duplicate_machine_id", record.allowDuplicateMachineId}},
                201);
}

std::optional<AgentRoutes::ReportingAgent> AgentRoutes::reportingAgent(const std::string& agentId) {
  {
    std::lock_guard lock(agentsMutex_);
    if (const auto it = reportingAgents_.find(agentId); it != reportingAgents_.end()) return it->second;
  }
  const auto agent = store_.findAgent(agentId);
  if (!agent || agent->revokedAt) return std::nullopt;
  ReportingAgent found{agent->id, agent->machineId};
  std::lock_guard lock(agentsMutex_);
  reportingAgents_.emplace(agentId, found);
  return found;
}

ApiResponse AgentRoutes::revokeAgent(const std::string& agentId) {
  const auto agent = store_.findAgent(agentId);
  if (!agent) return jsonError(404, "no agent " + agentId);
  store_.revokeAgent(agentId, clock_());
  revocations_.add(agent->certSerial);
  {
    std::lock_guard lock(agentsMutex_);
    reportingAgents_.erase(agentId);
  }
  fleet_.reportsStored();
  fleet_.agentsChanged();
  log::event(log::Level::Info, "agent_revoked", {{"agent_id", agentId}, {"serial", agent->certSerial}});
  return jsonOk({{"agent_id", agentId}, {"revoked", true}});
}

ApiResponse AgentRoutes::agentEvents(const std::string& agentId) {
  if (!store_.findAgent(agentId)) return jsonError(404, "no agent " + agentId);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : store_.agentEvents(agentId))
    list.push_back({{"at", formatRfc3339(e.at)}, {"kind", e.kind}, {"claimed", e.claimed}, {"recorded", e.recorded},
                    {"report_id", e.reportId}});
  return jsonOk({{"agent_id", agentId}, {"events", list}});
}

ApiResponse AgentRoutes::operatorList() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& op : store_.listOperators())
    list.push_back({{"name", op.name},
                    {"role", op.role},
                    {"serial", op.certSerial},
                    {"created_at", formatRfc3339(op.createdAt)},
                    {"revoked_at", op.revokedAt ? nlohmann::json(formatRfc3339(*op.revokedAt)) : nlohmann::json()}});
  return jsonOk({{"operators", list}});
}

// By serial, or every valid certificate of the operator with that name; refused at once at the handshake.
ApiResponse AgentRoutes::revokeOperator(const std::string& serialOrName) {
  const auto revoked = store_.revokeOperator(serialOrName, clock_());
  if (revoked.empty()) return jsonError(404, "no valid operator certificate " + serialOrName);
  for (const auto& serial : revoked) {
    revocations_.add(serial);
    log::event(log::Level::Info, "operator_revoked", {{"operator", serialOrName}, {"serial", serial}});
  }
  return jsonOk({{"revoked", revoked}});
}

}  // namespace annexa::collector
