#include "collector/api/fleet_routes.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "collector/posture/posture_at.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

nlohmann::json evidenceArray(const std::string& evidenceJson) {
  auto parsed = nlohmann::json::parse(evidenceJson, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json::array() : parsed;
}

nlohmann::json resultJson(const StoredResult& r, const CheckMapping& mapping) {
  return {{"check", r.checkId},
          {"title", r.title},
          {"status", toString(r.status)},
          {"severity", toString(r.severity)},
          {"controls", mapping.controlsFor(r.checkId)},
          {"message", r.message},
          {"remediation", r.remediation},
          {"evidence", evidenceArray(r.evidenceJson)},
          {"since", formatRfc3339(r.since)},
          {"report_id", r.reportId}};
}

nlohmann::json agentJson(const AgentRecord& a, std::int64_t now) {
  nlohmann::json j = {{"id", a.id},
                      {"hostname", a.hostname},
                      {"os", {{"id", a.osId}, {"version", a.osVersion}, {"pretty_name", a.osName}}},
                      {"kernel", a.kernel},
                      {"agent_version", a.agentVersion},
                      {"enrolled_at", formatRfc3339(a.enrolledAt)},
                      {"last_seen", a.lastSeen ? nlohmann::json(formatRfc3339(*a.lastSeen)) : nlohmann::json(nullptr)},
                      {"interval_seconds", a.intervalSeconds},
                      {"stale", isStale(a, now)},
                      {"revoked", a.revokedAt.has_value()}};
  return j;
}

// A whole number in [min, max], or `fallback` when absent; anything else is refused rather than wrapped or clamped.
Result<int> queryInt(const Query& query, const std::string& key, int fallback, int min,
                     int max) {
  const auto it = query.find(key);
  if (it == query.end()) return fallback;
  long long value = 0;
  if (!text::parseInt(it->second, value) || value < min || value > max)
    return makeError(key + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return static_cast<int>(value);
}

}  // namespace

FleetRoutes::FleetRoutes(Store& store, const Catalog& catalog, const CheckMapping& mapping, Acceptance acceptance,
                         Clock clock)
    : store_(store), catalog_(catalog), mapping_(mapping), acceptance_(std::move(acceptance)), clock_(std::move(clock)) {}

void FleetRoutes::addRoutes(Router& router) {
  router.add("GET", "/api/v1/posture", Access::Operator, [this](const RouteContext& c) { return postureView(c.query); });
  router.add("GET", "/api/v1/controls/{control}", Access::Operator,
             [this](const RouteContext& c) { return controlDetail(c.param(0), c.query); });
  router.add("GET", "/api/v1/hosts", Access::Operator, [this](const RouteContext& c) { return hostList(c.query); });
  router.add("GET", "/api/v1/hosts/{agent}", Access::Operator,
             [this](const RouteContext& c) { return hostDetail(c.param(0), c.query); });
  router.add("GET", "/api/v1/findings", Access::Operator, [this](const RouteContext&) { return findings(); });
  router.add("GET", "/api/v1/history", Access::Operator, [this](const RouteContext& c) { return history(c.query); });
}

FleetPosture FleetRoutes::posture() {
  std::lock_guard lock(postureMutex_);
  const auto now = clock_();
  const auto generation = ingestGeneration_.load();
  // Staleness moves with the clock, so even without new reports the posture is recomputed each minute.
  if (!posture_ || posturePace_.followReports(generation, false) || now - posture_->computedAt >= 60) {
    posturePace_.rebuild(generation, [&] {
      posture_ = computePosture(catalog_, mapping_, store_.listAgents(), store_.currentStatuses(), now,
                                acceptance_ ? acceptance_(now) : AcceptedFailure{});
    });
  }
  return *posture_;
}

FleetPosture FleetRoutes::postureAt(std::int64_t t) {
  return collector::postureAt(store_, catalog_, mapping_, t, acceptance_ ? acceptance_(t) : AcceptedFailure{});
}

void FleetRoutes::acceptanceChanged() {
  std::lock_guard lock(postureMutex_);
  posture_.reset();  // a new or revoked exception changes the posture
}

std::shared_ptr<const FleetRoutes::HostTable> FleetRoutes::hostTable() {
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

Result<std::optional<std::int64_t>> FleetRoutes::instantOf(const Query& query) {
  const auto it = query.find("at");
  if (it == query.end()) return std::optional<std::int64_t>();
  auto at = parseInstant(it->second, clock_());
  if (!at) return makeError(at.error());
  return std::optional<std::int64_t>(*at);
}

ApiResponse FleetRoutes::postureView(const Query& query) {
  const auto at = instantOf(query);
  if (!at) return jsonError(400, at.error());
  return {200, toJson(*at ? postureAt(**at) : posture()).dump(), "application/json"};
}

namespace {
// Results of the control's checks on every host, now or at `at` (history holds no per-check index by time).
std::vector<StoredResult> resultsForChecks(Store& store, const std::vector<std::string>& checks,
                                           std::optional<std::int64_t> at) {
  if (!at) return store.currentResultsForChecks(checks);
  std::vector<StoredResult> out;
  for (auto& r : store.resultsAt(*at, std::nullopt))
    if (std::find(checks.begin(), checks.end(), r.checkId) != checks.end()) out.push_back(std::move(r));
  return out;
}
}  // namespace

ApiResponse FleetRoutes::controlDetail(const std::string& controlId, const Query& query) {
  const auto* control = catalog_.find(controlId);
  if (!control) return jsonError(404, "no Annex A control " + controlId);
  const auto at = instantOf(query);
  if (!at) return jsonError(400, at.error());
  const auto fleet = *at ? postureAt(**at) : posture();
  nlohmann::json out;
  for (const auto& c : fleet.controls)
    if (c.control == control) out = toJson(c);
  const auto checks = mapping_.checksFor(controlId);
  std::unordered_map<std::string, AgentRecord> agents;
  for (auto& a : *at ? store_.agentsAt(**at) : store_.listAgents())
    if (!a.revokedAt) agents.emplace(a.id, std::move(a));
  const auto now = at->value_or(clock_());
  std::map<std::string, nlohmann::json> hosts;  // by agent id, stable order
  for (const auto& r : resultsForChecks(store_, checks, *at)) {
    const auto agent = agents.find(r.agentId);
    if (agent == agents.end()) continue;
    auto& host = hosts[r.agentId];
    if (host.is_null()) {
      host = {{"id", r.agentId}, {"hostname", agent->second.hostname}, {"stale", isStale(agent->second, now)},
              {"results", nlohmann::json::array()}};
    }
    host["results"].push_back(resultJson(r, mapping_));
  }
  out["host_results"] = nlohmann::json::array();
  for (auto& [id, host] : hosts) out["host_results"].push_back(std::move(host));
  return {200, out.dump(), "application/json"};
}

ApiResponse FleetRoutes::hostList(const Query& query) {
  const auto offsetValue = queryInt(query, "offset", 0, 0, std::numeric_limits<int>::max());
  if (!offsetValue) return jsonError(400, offsetValue.error());
  const auto limitValue = queryInt(query, "limit", kDefaultPageSize, 1, std::numeric_limits<int>::max());
  if (!limitValue) return jsonError(400, limitValue.error());
  const int offset = *offsetValue;
  const int limit = std::min(*limitValue, kMaxPageSize);  // a page is at most kMaxPageSize hosts, as documented
  const std::string filter = text::toLower(query.count("filter") ? query.at("filter") : "");
  std::string sort = query.count("sort") ? query.at("sort") : "hostname";
  const bool descending = !sort.empty() && sort.front() == '-';
  if (descending) sort.erase(0, 1);
  if (sort != "hostname" && sort != "last_seen" && sort != "failing" && sort != "os")
    return jsonError(400, "sort must be one of hostname, last_seen, failing, os (prefix - for descending)");

  const auto table = hostTable();
  static const HostResultCounts kNoResults;
  const auto countsOf = [&](const AgentRecord& a) -> const HostResultCounts& {
    const auto it = table->counts.find(a.id);
    return it == table->counts.end() ? kNoResults : it->second;
  };
  std::vector<const AgentRecord*> agents;
  for (const auto& a : table->agents) {
    if (a.revokedAt && query.count("include_revoked") == 0) continue;
    if (!filter.empty() && !text::contains(text::toLower(a.hostname + " " + a.id + " " + a.osName), filter)) continue;
    agents.push_back(&a);
  }
  std::stable_sort(agents.begin(), agents.end(), [&](const AgentRecord* a, const AgentRecord* b) {
    if (sort == "last_seen") return a->lastSeen.value_or(0) < b->lastSeen.value_or(0);
    if (sort == "failing") return countsOf(*a).fail < countsOf(*b).fail;
    if (sort == "os") return a->osName < b->osName;
    return a->hostname < b->hostname;
  });
  if (descending) std::reverse(agents.begin(), agents.end());

  const auto now = clock_();
  auto hosts = nlohmann::json::array();
  for (std::size_t i = static_cast<std::size_t>(offset); i < agents.size() && hosts.size() < static_cast<std::size_t>(limit); ++i) {
    auto j = agentJson(*agents[i], now);
    const auto& c = countsOf(*agents[i]);
    j["results"] = {{"pass", c.pass}, {"fail", c.fail}, {"error", c.error}, {"not_applicable", c.notApplicable}};
    hosts.push_back(std::move(j));
  }
  return {200, nlohmann::json{{"total", agents.size()}, {"offset", offset}, {"limit", limit}, {"hosts", hosts}}.dump(),
          "application/json"};
}

ApiResponse FleetRoutes::hostDetail(const std::string& agentId, const Query& query) {
  const auto at = instantOf(query);
  if (!at) return jsonError(400, at.error());
  std::optional<AgentRecord> agent;
  if (!*at) {
    agent = store_.findAgent(agentId);
  } else {
    for (auto& a : store_.agentsAt(**at))
      if (a.id == agentId) agent = std::move(a);
  }
  if (!agent) return jsonError(404, "no host " + agentId + (*at ? " at " + formatRfc3339(**at) : ""));
  auto out = agentJson(*agent, at->value_or(clock_()));
  if (*at) out["at"] = formatRfc3339(**at);
  out["results"] = nlohmann::json::array();
  for (const auto& r : *at ? store_.resultsAt(**at, agentId) : store_.currentResults(agentId))
    out["results"].push_back(resultJson(r, mapping_));
  return {200, out.dump(), "application/json"};
}

ApiResponse FleetRoutes::findings() {
  const auto failing = store_.failingChecks(clock_());
  std::map<std::string, int> bySeverity = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}};
  std::map<std::string, nlohmann::json> byControl;
  for (const auto& f : failing) {
    bySeverity[std::string(toString(f.severity))] += f.hosts;
    const nlohmann::json check = {{"check", f.checkId},
                                  {"title", f.title},
                                  {"severity", toString(f.severity)},
                                  {"hosts", f.hosts},
                                  {"hosts_stale", f.hostsStale},
                                  {"first_seen", formatRfc3339(f.firstSeen)}};
    for (const auto& controlId : mapping_.controlsFor(f.checkId)) {
      auto& entry = byControl[controlId];
      if (entry.is_null()) {
        const auto* control = catalog_.find(controlId);
        entry = {{"id", controlId}, {"title", control ? control->title : ""}, {"theme", control ? control->theme : ""},
                 {"checks", nlohmann::json::array()}};
      }
      entry["checks"].push_back(check);
    }
  }
  auto controls = nlohmann::json::array();
  for (const auto& c : catalog_.controls()) {  // catalog order
    auto it = byControl.find(c.id);
    if (it == byControl.end()) continue;
    auto& checks = it->second["checks"];
    std::sort(checks.begin(), checks.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      const auto rank = [](const std::string& s) {
        return s == "critical" ? 0 : s == "high" ? 1 : s == "medium" ? 2 : 3;
      };
      return std::make_pair(rank(a["severity"]), -a["hosts"].get<int>()) <
             std::make_pair(rank(b["severity"]), -b["hosts"].get<int>());
    });
    controls.push_back(std::move(it->second));
  }
  return {200, nlohmann::json{{"by_severity", bySeverity}, {"controls", controls}}.dump(), "application/json"};
}

ApiResponse FleetRoutes::history(const Query& query) {
  const auto now = clock_();
  const auto parseDay = [&](const char* key, std::int64_t fallback) -> std::optional<std::int64_t> {
    const auto it = query.find(key);
    if (it == query.end()) return fallback;
    return parseRfc3339(it->second);
  };
  const auto from = parseDay("from", now - 30 * 86400);
  const auto to = parseDay("to", now);
  if (!from || !to) return jsonError(400, "from and to must be dates (YYYY-MM-DD or RFC 3339)");
  if (*from > *to) return jsonError(400, "from is after to");
  std::optional<std::string> control;
  if (const auto it = query.find("control"); it != query.end()) {
    if (!catalog_.find(it->second)) return jsonError(400, "unknown control " + it->second);
    control = it->second;
  }
  const auto rows = store_.dailyPosture(formatRfc3339(*from).substr(0, 10), formatRfc3339(*to).substr(0, 10), control);
  auto series = nlohmann::json::array();
  if (control) {
    for (const auto& r : rows)
      series.push_back({{"day", r.day}, {"status", r.status}, {"passing", r.passing}, {"failing", r.failing},
                        {"error", r.error}, {"stale", r.stale}});
  } else {
    // Per day and theme: how many controls were in each status.
    std::map<std::pair<std::string, std::string>, std::map<std::string, int>> perDayTheme;
    for (const auto& r : rows) ++perDayTheme[{r.day, Catalog::themeOf(r.controlId)}][r.status];
    for (const auto& [key, statuses] : perDayTheme) {
      nlohmann::json point = {{"day", key.first}, {"theme", key.second}};
      for (const char* s : {"passing", "failing", "partial", "accepted", "not_evidenced", "not_applicable"})
        point[s] = statuses.count(s) ? statuses.at(s) : 0;
      series.push_back(std::move(point));
    }
  }
  return {200,
          nlohmann::json{{"from", formatRfc3339(*from).substr(0, 10)},
                         {"to", formatRfc3339(*to).substr(0, 10)},
                         {"control", control ? nlohmann::json(*control) : nlohmann::json(nullptr)},
                         {"series", series}}
              .dump(),
          "application/json"};
}

}  // namespace annexa::collector
