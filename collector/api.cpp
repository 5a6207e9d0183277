#include "collector/api.hpp"

#include <cctype>
#include <regex>

#include <nlohmann/json.hpp>

#include "collector/body_codec.hpp"
#include "collector/evidence_log.hpp"
#include "collector/export_api.hpp"
#include "collector/isms_api.hpp"
#include "collector/posture_at.hpp"
#include "collector/report_intake.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kMaxTokenTtlSeconds = 30LL * 86400;

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
      clock_(std::move(clock)) {}

void Api::handle(const ApiRequest& request, Respond respond) {
  const auto [path, query] = splitTarget(request.target);
  const auto& method = request.method;
  const auto& peer = request.peer;
  try {
    if (path == "/healthz") {
      if (method != "GET") return respond(jsonError(405, "use GET"));
      if (const auto failure = queue_.failure(); !failure.empty()) return respond(jsonError(503, failure));
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
    // Both operator roles may export: an export only reads (and writes under the collector's own directory).
    if (isExportPath(path)) return respond(handleExport(exports_, request, path, clock_()));
    const bool isRead = method == "GET";
    if (!isRead && peer.role != pki::Role::Admin) return respond(jsonError(403, "the viewer role is read-only"));

    static const std::regex controlPath("^/api/v1/controls/(A\\.[5-8]\\.[0-9]{1,2})$");
    static const std::regex hostPath("^/api/v1/hosts/([A-Za-z0-9-]{1,64})$");
    static const std::regex revokePath("^/api/v1/agents/([A-Za-z0-9-]{1,64})/revoke$");
    std::smatch match;
    if (isms_ && IsmsApi::handles(path)) {
      auto response = isms_->handle(request, query);
      if (!isRead) {
        std::lock_guard lock(postureMutex_);
        posture_.reset();  // a new or revoked exception changes the posture
      }
      return respond(std::move(response));
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
    return respond(jsonError(404, "no such endpoint: " + method + " " + path));
  } catch (const nlohmann::json::type_error& e) {
    // A field of the client's JSON has the wrong type ("uses": "many"): the request is at fault, not us.
    return respond(jsonError(400, std::string("malformed request: ") + e.what()));
  } catch (const std::exception& e) {
    return respond(jsonError(500, std::string("internal error: ") + e.what()));
  }
}

ApiResponse Api::enroll(const ApiRequest& request) {
  auto body = parseJson(request.body);
  if (!body || !body->is_object()) return jsonError(400, "enrollment: " + (body ? "expected a JSON object" : body.error()));
  const auto token = body->value("token", std::string());
  const auto csr = body->value("csr", std::string());
  if (token.empty() || csr.empty()) return jsonError(400, "enrollment needs \"token\" and \"csr\"");
  auto publicKey = pki::verifiedCsrPublicKey(csr);
  if (!publicKey) return jsonError(400, "enrollment: " + publicKey.error());

  const auto now = clock_();
  AgentRecord agent;
  agent.id = uuid4();
  pki::IssueOptions options;
  options.subject = {agent.id, pki::Role::Agent};
  options.clientAuth = true;
  options.validDays = options_.agentCertificateDays;
  auto cert = pki::issueCertificate(publicKey->get(), options, ca_.certificate.get(), ca_.key.get());
  if (!cert) return jsonError(500, cert.error());

  const auto host = body->value("host", nlohmann::json::object());
  if (host.is_object()) {
    agent.hostname = text::truncate(host.value("hostname", std::string()), 253);
    agent.machineId = text::truncate(host.value("machine_id", std::string()), 64);
    if (const auto os = host.find("os"); os != host.end() && os->is_object()) {
      agent.osId = os->value("id", std::string());
      agent.osVersion = os->value("version", std::string());
      agent.osName = os->value("pretty_name", std::string());
    }
    agent.kernel = host.value("kernel", std::string());
  }
  // An integer only: value<std::int64_t>() of a float such as 1e300 is undefined behaviour (float-cast-overflow).
  const auto interval = body->value("interval_seconds", nlohmann::json(options_.defaultIntervalSeconds));
  if (!interval.is_number_integer()) return jsonError(400, "enrollment: \"interval_seconds\" must be an integer");
  agent.intervalSeconds = std::clamp<std::int64_t>(interval.get<std::int64_t>(), 60, 7 * 86400);
  agent.certSerial = pki::serialHex(cert->get());
  agent.certNotAfter = pki::notAfterUnix(cert->get());
  agent.enrolledAt = now;
  // The certificate is only handed out if the token is redeemed and the agent recorded together.
  if (auto redeemed = store_.enrollAgent(sha256Hex(token), now, agent); !redeemed) {
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
  if ((!report.agentId.empty() && report.agentId != agent->id) ||
      (!agent->machineId.empty() && report.host.machineId != agent->machineId)) {
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
  if (uses < 1 || uses > 100000) return jsonError(400, "uses must be between 1 and 100000");
  const auto now = clock_();
  const auto secret = randomBytes(24);
  const std::string token = "anx_" + toHex(secret.data(), secret.size());
  TokenRecord record{uuid4(), body->value("label", std::string()), now, now + ttl, uses, std::nullopt};
  store_.addToken(record, sha256Hex(token));
  return jsonOk({{"id", record.id}, {"token", token}, {"expires_at", formatRfc3339(record.expiresAt)},
                 {"uses", record.usesLeft}},
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
