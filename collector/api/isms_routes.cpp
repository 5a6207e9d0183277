#include "collector/api/isms_routes.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

using isms::Reply;

constexpr std::string_view kPrefix = "/api/v1/";

ApiResponse toResponse(const Reply& reply) { return {reply.status, reply.body.dump(), "application/json"}; }

bool parseId(const std::string& s, std::int64_t& id) {
  long long v = 0;
  if (!text::parseInt(s, v) || v <= 0) return false;
  id = v;
  return true;
}

}  // namespace

bool IsmsApi::handles(std::string_view path) {
  if (!text::startsWith(path, kPrefix)) return false;
  const auto rest = path.substr(kPrefix.size());
  const auto first = rest.substr(0, rest.find('/'));
  return first == "soa" || first == "exceptions" || first == "risks" || first == "nonconformities" ||
         first == "readiness" || rest == "isms/audit" || first == "calendar" || first == "management-review";
}

ApiResponse IsmsApi::handle(const ApiRequest& request, const std::map<std::string, std::string>& query) {
  const auto path = splitTarget(request.target).first;
  auto parts = text::split(std::string_view(path).substr(kPrefix.size()), '/');
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  const auto& method = request.method;
  const bool get = method == "GET";
  const std::string actor = request.peer.commonName.empty() ? "unknown" : request.peer.commonName;
  const auto now = clock_();
  const auto queryValue = [&](const std::string& key) { return query.count(key) ? query.at(key) : std::string(); };

  const std::string& base = parts[0];
  const std::size_t n = parts.size();

  // Register exports and CSV imports.
  if (base != "readiness" && base != "isms" && base != "calendar" && base != "management-review") {
    const auto which = isms::parseRegister(base);
    if (which && n == 1 && get && queryValue("format") == "csv")
      return {200, service_.exportCsv(*which, now), "text/csv; charset=utf-8"};
    if (which && n == 2 && parts[1] == "import") {
      if (method != "POST") return jsonError(405, "use POST with a CSV body");
      return toResponse(service_.importCsv(*which, request.body, actor, now));
    }
  }

  // Writes carry JSON; an empty body is an empty object.
  nlohmann::json body = nlohmann::json::object();
  if (!get && !request.body.empty()) {
    auto parsed = parseJson(request.body);
    if (!parsed) return jsonError(400, "request body: " + parsed.error());
    body = std::move(*parsed);
  }

  if (base == "soa") {
    if (n == 1 && get) {
      if (queryValue("format") == "html") return {200, service_.soaHtml(now), "text/html; charset=utf-8"};
      return toResponse(service_.soa(now));
    }
    if (n == 2 && get) return toResponse(service_.soaControl(parts[1], now));
    if (n == 2 && (method == "PUT" || method == "PATCH")) return toResponse(service_.updateSoa(parts[1], body, actor, now));
    if (n == 3 && parts[2] == "evidence" && method == "POST")
      return toResponse(service_.addEvidence(parts[1], body, actor, now));
  } else if (base == "exceptions") {
    if (n == 1 && get) {
      if (query.count("expiring_days")) {
        std::int64_t days = 0;
        if (!parseId(queryValue("expiring_days"), days) || days > 3660)
          return jsonError(400, "expiring_days must be a number of days");
        return toResponse(service_.exceptions(now, static_cast<int>(days)));
      }
      if (query.count("at")) {  // the register as it stood then: which exceptions were valid
        const auto at = parseRfc3339(queryValue("at"));
        if (!at) return jsonError(400, "at must be a date (YYYY-MM-DD or RFC 3339)");
        return toResponse(service_.exceptions(*at));
      }
      return toResponse(service_.exceptions(now));
    }
    if (n == 1 && method == "POST") return toResponse(service_.addException(body, actor, now));
    std::int64_t id = 0;
    if (n >= 2 && !parseId(parts[1], id)) return jsonError(404, "no exception " + parts[1]);
    if ((n == 2 && method == "DELETE") || (n == 3 && parts[2] == "revoke" && method == "POST"))
      return toResponse(service_.revokeException(id, actor, now));
  } else if (base == "risks") {
    if (n == 1 && get) return toResponse(service_.risks(now));
    if (n == 1 && method == "POST") return toResponse(service_.addRisk(body, actor, now));
    std::int64_t id = 0;
    if (n == 2 && !parseId(parts[1], id)) return jsonError(404, "no risk " + parts[1]);
    if (n == 2 && get) return toResponse(service_.risk(id, now));
    if (n == 2 && (method == "PUT" || method == "PATCH")) return toResponse(service_.updateRisk(id, body, actor, now));
  } else if (base == "nonconformities") {
    if (n == 1 && get) return toResponse(service_.nonConformities(now));
    if (n == 1 && method == "POST") return toResponse(service_.addNonConformity(body, actor, now));
    if (n == 2 && parts[1] == "proposals") {
      if (get) return toResponse(service_.proposals(now));
      if (method == "POST") return toResponse(service_.applyProposals(actor, now));
    }
    std::int64_t id = 0;
    if (n >= 2 && !parseId(parts[1], id)) return jsonError(404, "no non-conformity " + parts[1]);
    if (n == 2 && get) return toResponse(service_.nonConformity(id, now));
    if (n == 2 && (method == "PUT" || method == "PATCH"))
      return toResponse(service_.updateNonConformity(id, body, actor, now));
    if (n == 3 && parts[2] == "transition" && method == "POST")
      return toResponse(service_.transitionNonConformity(id, body, actor, now));
  } else if (base == "readiness") {
    if (n == 1 && get) return toResponse(service_.readiness(now));
    if (n == 2 && (method == "PUT" || method == "POST")) return toResponse(service_.attest(parts[1], body, actor, now));
  } else if (base == "calendar" && n == 1) {
    if (get) return toResponse(service_.calendar(now));
    if (method == "PUT" || method == "PATCH") return toResponse(service_.updateCalendar(body, actor, now));
  } else if (base == "management-review" && n == 1 && get) {
    std::optional<std::int64_t> since;
    if (query.count("since")) {
      since = parseRfc3339(queryValue("since"));
      if (!since) return jsonError(400, "since must be a date (YYYY-MM-DD or RFC 3339)");
    }
    return {200, service_.managementReview(now, since), "text/html; charset=utf-8"};
  } else if (base == "isms" && get) {
    return toResponse(service_.audit(queryValue("entity"), queryValue("id")));
  }
  return jsonError(404, "no such endpoint: " + method + " " + path);
}

}  // namespace annexa::collector
