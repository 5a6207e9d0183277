#include "collector/api/api.hpp"

#include <cctype>
#include <limits>
#include <regex>

#include <nlohmann/json.hpp>

#include "collector/store/body_codec.hpp"
#include "collector/store/evidence_chain.hpp"
#include "collector/api/export_routes.hpp"
#include "collector/api/isms_routes.hpp"
#include "collector/posture/posture_at.hpp"
#include "collector/ingest/report_intake.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

ApiResponse jsonOk(const nlohmann::json& body, int status = 200) { return {status, body.dump(), "application/json"}; }

std::string percentDecode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

bool isOperator(const PeerIdentity& peer) {
  return peer.hasCertificate && (peer.role == pki::Role::Admin || peer.role == pki::Role::Viewer);
}

}  // namespace

bool RevocationList::replace(std::set<std::string> serials) {
  std::unique_lock lock(mutex_);
  if (serials == serials_) return false;
  serials_ = std::move(serials);
  return true;
}

void RevocationList::add(const std::string& serial) {
  std::unique_lock lock(mutex_);
  serials_.insert(serial);
}

bool RevocationList::isRevoked(const std::string& serial) const {
  std::shared_lock lock(mutex_);
  return serials_.count(serial) > 0;
}

ApiResponse jsonError(int status, const std::string& message) {
  return {status, nlohmann::json{{"error", message}}.dump(), "application/json"};
}

std::pair<std::string, std::map<std::string, std::string>> splitTarget(const std::string& target) {
  const auto mark = target.find('?');
  std::map<std::string, std::string> query;
  if (mark != std::string::npos) {
    for (const auto& pair : text::split(std::string_view(target).substr(mark + 1), '&')) {
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      query[percentDecode(pair.substr(0, eq))] = eq == std::string::npos ? "" : percentDecode(pair.substr(eq + 1));
    }
  }
  return {percentDecode(target.substr(0, mark)), query};
}

Api::Api(Store& store, IngestQueue& queue, Metrics& metrics, RevocationList& revocations, CertificateAuthority& ca,
         const Catalog& catalog, const CheckMapping& mapping, ApiOptions options, Clock clock)
    : store_(store),
      queue_(queue),
      metrics_(metrics),
      revocations_(revocations),
      ca_(ca),
      catalog_(catalog),
      mapping_(mapping),
      options_(options),
      clock_(std::move(clock)),
      enrollmentFailures_(options.enrollmentThrottle) {}

void Api::handle(const ApiRequest& request, Respond respond) {
  const auto [path, query] = splitTarget(request.target);
  const auto& method = request.method;
  const auto& peer = request.peer;
  try {
    if (path == "/healthz") {
      if (method != "GET") return respond(jsonError(405, "use GET"));
      // Degraded storage (a failed flush, a full disk) is reported: reports are refused meanwhile.
      if (const auto problem = queue_.storageProblem(); !problem.empty())
        return respond(jsonOk({{"status", "degraded"}, {"error", problem}}, 503));
      return respond(jsonOk({{"status", "ok"}}));
    }
    if (path == "/api/v1/enroll") {
      if (method != "POST") return respond(jsonError(405, "use POST"));
      return respond(enroll(request));
    }
    if (path == "/api/v1/reports") {
      if (method != "POST") return respond(jsonError(405, "use POST"));
      if (!peer.hasCertificate || peer.role != pki::Role::Agent) {
        metrics_.reportRejected("not_an_agent");
        return respond(jsonError(403, "reports must be sent with an agent certificate"));
      }
      return acceptReport(request, std::move(respond));
    }
    // Everything else is for operators: viewers read, admins also write.
    if (!isOperator(peer)) return respond(jsonError(peer.hasCertificate ? 403 : 401, "an operator certificate is required"));
    // Revoked while this connection was open (a new one is refused at the handshake).
    if (revocations_.isRevoked(peer.serial)) return respond(jsonError(403, "this certificate has been revoked"));
    // Both operator roles may export: an export only reads (and writes under the collector's own directory).
    if (isExportPath(path)) return respond(handleExport(exports_, request, path, clock_()));
    const bool isRead = method == "GET";
    if (!isRead && peer.role != pki::Role::Admin) return respond(jsonError(403, "the viewer role is read-only"));

    static const std::regex controlPath("^/api/v1/controls/(A\\.[5-8]\\.[0-9]{1,2})$");
    static const std::regex hostPath("^/api/v1/hosts/([A-Za-z0-9-]{1,64})$");
    static const std::regex revokePath("^/api/v1/agents/([A-Za-z0-9-]{1,64})/revoke$");
    static const std::regex agentEventsPath("^/api/v1/agents/([A-Za-z0-9-]{1,64})/events$");
    static const std::regex operatorRevokePath("^/api/v1/operators/([A-Za-z0-9._-]{1,64})/revoke$");
    std::smatch match;
    if (isms_ && IsmsApi::handles(path)) {
      auto response = isms_->handle(request, query);
      if (!isRead) {
        std::lock_guard lock(postureMutex_);
        posture_.reset();  // a new or revoked exception changes the posture
      }
      return respond(std::move(response));
    }
    if (path == "/api/v1/operators" || text::startsWith(path, "/api/v1/operators/")) {
      if (peer.role != pki::Role::Admin) return respond(jsonError(403, "only admins manage operators"));
      if (isRead && path == "/api/v1/operators") return respond(operatorList());
      if (method == "POST" && std::regex_match(path, match, operatorRevokePath))
        return respond(revokeOperator(match[1]));
      return respond(jsonError(404, "no such endpoint: " + method + " " + path));
    }
    if (isRead && path == "/metrics") return respond(metricsText());
    if (isRead && path == "/api/v1/posture") return respond(postureView(query));
    if (isRead && std::regex_match(path, match, controlPath)) return respond(controlDetail(match[1], query));
    if (isRead && path == "/api/v1/hosts") return respond(hostList(query));
    if (isRead && std::regex_match(path, match, hostPath)) return respond(hostDetail(match[1], query));
    if (isRead && path == "/api/v1/findings") return respond(findings());
    if (isRead && path == "/api/v1/history") return respond(history(query));
    if (method == "POST" && path == "/api/v1/tokens") return respond(createToken(request));
    if (method == "POST" && std::regex_match(path, match, revokePath)) return respond(revokeAgent(match[1]));
    if (isRead && std::regex_match(path, match, agentEventsPath)) {
      if (peer.role != pki::Role::Admin) return respond(jsonError(403, "only admins read identity events"));
      return respond(agentEvents(match[1]));
    }
    return respond(jsonError(404, "no such endpoint: " + method + " " + path));
  } catch (const nlohmann::json::type_error& e) {
    // A field of the client's JSON has the wrong type ("uses": "many"): the request is at fault, not us.
    return respond(jsonError(400, std::string("malformed request: ") + e.what()));
  } catch (const std::exception& e) {
    return respond(jsonError(500, std::string("internal error: ") + e.what()));
  }
}

// Anonymous clients may call this, so the cheap refusals come first: a source that failed too often (429), then
// the token (403), and only then the CSR's signature and our own. Every failure counts against the source address.
ApiResponse Api::enroll(const ApiRequest& request) {
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
std::optional<ApiResponse> Api::machineIdRefusal(const std::string& machineId, const TokenRecord& token) {
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

ApiResponse Api::enrollChecked(const ApiRequest& request, std::int64_t now) {
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
  ++agentsGeneration_;
  return jsonOk({{"agent_id", agent.id},
                 {"certificate", pki::certificatePem(cert->get())},
                 {"ca_certificate", ca_.certificatePem},
                 {"interval_seconds", agent.intervalSeconds}},
                201);
}

void Api::acceptReport(const ApiRequest& request, Respond respond) {
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
        ++ingestGeneration_;
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

ApiResponse Api::createToken(const ApiRequest& request) {
  auto body = parseJson(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
  if (!body || !body->is_object()) return jsonError(400, "expected a JSON object");
  const auto ttl = body->value("ttl_seconds", std::int64_t{86400});
  const auto uses = body->value("uses", std::int64_t{1});
  if (ttl < 60 || ttl > kMaxTokenTtlSeconds) return jsonError(400, "ttl_seconds must be between 60 and 2592000");
  if (uses < 1 || uses > kMaxTokenUses) return jsonError(400, "uses must be between 1 and 100000");
  const auto now = clock_();
  const auto secret = randomBytes(24);
  const std::string token = "anx_" + toHex(secret.data(), secret.size());
  TokenRecord record{uuid4(), body->value("label", std::string()), now, now + ttl, uses, std::nullopt,
                     body->value("allow_no_machine_id", false), body->value("allow_duplicate_machine_id", false)};
  store_.addToken(record, sha256Hex(token));
  return jsonOk({{"id", record.id}, {"token", token}, {"expires_at", formatRfc3339(record.expiresAt)},
                 {"uses", record.usesLeft}, {"allow_no_machine_id", record.allowNoMachineId},
                 {"allow_duplicate_machine_id", record.allowDuplicateMachineId}},
                201);
}

std::optional<Api::ReportingAgent> Api::reportingAgent(const std::string& agentId) {
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

ApiResponse Api::revokeAgent(const std::string& agentId) {
  const auto agent = store_.findAgent(agentId);
  if (!agent) return jsonError(404, "no agent " + agentId);
  store_.revokeAgent(agentId, clock_());
  revocations_.add(agent->certSerial);
  {
    std::lock_guard lock(agentsMutex_);
    reportingAgents_.erase(agentId);
  }
  ++ingestGeneration_;
  ++agentsGeneration_;
  return jsonOk({{"agent_id", agentId}, {"revoked", true}});
}

ApiResponse Api::agentEvents(const std::string& agentId) {
  if (!store_.findAgent(agentId)) return jsonError(404, "no agent " + agentId);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : store_.agentEvents(agentId))
    list.push_back({{"at", formatRfc3339(e.at)}, {"kind", e.kind}, {"claimed", e.claimed}, {"recorded", e.recorded},
                    {"report_id", e.reportId}});
  return jsonOk({{"agent_id", agentId}, {"events", list}});
}

ApiResponse Api::operatorList() {
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
ApiResponse Api::revokeOperator(const std::string& serialOrName) {
  const auto revoked = store_.revokeOperator(serialOrName, clock_());
  if (revoked.empty()) return jsonError(404, "no valid operator certificate " + serialOrName);
  for (const auto& serial : revoked) revocations_.add(serial);
  return jsonOk({{"revoked", revoked}});
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

FleetPosture Api::posture() {
  std::lock_guard lock(postureMutex_);
  const auto now = clock_();
  const auto generation = ingestGeneration_.load();
  // Staleness moves with the clock, so even without new reports the posture is recomputed each minute.
  if (!posture_ || posturePace_.followReports(generation, false) || now - posture_->computedAt >= 60) {
    posturePace_.rebuild(generation, [&] {
      posture_ = computePosture(catalog_, mapping_, store_.listAgents(), store_.currentStatuses(), now,
                                isms_ ? isms_->service().acceptanceAt(now) : AcceptedFailure{});
    });
  }
  return *posture_;
}

std::shared_ptr<const Api::HostTable> Api::hostTable() {
  std::lock_guard lock(hostsMutex_);
  const auto ingest = ingestGeneration_.load();
  const auto agents = agentsGeneration_.load();
  // A small fleet's table follows every report (it costs a few ms); a large one's is paced.
  const bool small = hosts_ && hosts_->agents.size() < kSmallFleet;
  if (!hosts_ || agents != hostsAgentsGeneration_ || hostsPace_.followReports(ingest, small) ||
      hostsPace_.sinceBuilt() >= std::chrono::minutes(1)) {
    hostsPace_.rebuild(ingest, [&] {
      auto table = std::make_shared<HostTable>();
      for (auto& c : store_.resultCountsByAgent()) table->counts[c.agentId] = std::move(c);
      table->agents = store_.listAgents();
      hosts_ = std::move(table);
    });
    hostsAgentsGeneration_ = agents;
  }
  return hosts_;
}

FleetPosture Api::postureAt(std::int64_t t) {
  return collector::postureAt(store_, catalog_, mapping_, t, isms_ ? isms_->service().acceptanceAt(t) : AcceptedFailure{});
}

void Api::maintain() {
  const auto now = clock_();
  // Revocations made from the CLI (another process) reach the handshake check within one interval.
  const bool revocationsChanged = revocations_.replace(store_.revokedSerials());
  {
    std::lock_guard lock(agentsMutex_);
    reportingAgents_.clear();  // revocations made from the CLI (another process) apply to reports too
  }
  if (revocationsChanged) ++agentsGeneration_;  // and to the host list
  // Once per database, at the first maintenance after enough reports are stored (a cheap check until then): a
  // dictionary trained on the fleet's own reports shrinks every later body about five-fold.
  store_.trainBodyDictionary(now);
  if (lastDailyPosture_ != 0 && now - lastDailyPosture_ < 60) return;
  lastDailyPosture_ = now;
  const auto current = posture();
  store_.saveDailyPosture(dailyPostureRows(current, formatRfc3339(now).substr(0, 10)));
  if (isms_) isms_->service().maintain(now);  // closed non-conformities whose checks fail again reopen
  if (now - lastPurge_ >= 3600) {
    store_.purgeReportsBefore(now - options_.retentionDays * 86400);
    lastPurge_ = now;
  }
}

}  // namespace annexa::collector
