#include "collector/api/isms_routes.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

using isms::Reply;
using Clock = std::function<std::int64_t()>;

ApiResponse toResponse(const Reply& reply) { return {reply.status, reply.body.dump(), "application/json"}; }

std::int64_t idOf(const RouteContext& c) { return std::stoll(c.param(0)); }  // {id}: 1 to 18 digits

std::string actorOf(const RouteContext& c) {
  return c.request.peer.commonName.empty() ? "unknown" : c.request.peer.commonName;
}

std::string queryValue(const RouteContext& c, const std::string& key) {
  const auto it = c.query.find(key);
  return it == c.query.end() ? std::string() : it->second;
}

// Writes carry a JSON object; an empty body is an empty object. A body that is not JSON is refused.
Result<nlohmann::json> bodyOf(const RouteContext& c) {
  if (c.request.body.empty()) return nlohmann::json::object();
  auto parsed = parseJson(c.request.body);
  if (!parsed) return makeError("request body: " + parsed.error());
  return std::move(*parsed);
}

// Adds the routes of the registers with shared plumbing: reads are plain, writes parse the body, pass the actor and
// the time, and tell the API the registers changed. The table itself lives only while routes are added: each
// handler keeps its own copy of what it needs.
class IsmsRouteTable {
 public:
  IsmsRouteTable(Router& router, isms::IsmsService& service, Clock clock, std::function<void()> changed)
      : router_(router), service_(service), clock_(std::move(clock)), changed_(std::move(changed)) {}

  using Read = std::function<ApiResponse(isms::IsmsService&, const RouteContext&, std::int64_t now)>;
  using Write = std::function<Reply(isms::IsmsService&, const RouteContext&, const nlohmann::json& body,
                                    const std::string& actor, std::int64_t now)>;

  void read(std::string_view pattern, Read handler) {
    router_.add("GET", pattern, Access::Operator, [service = &service_, clock = clock_, handler](const RouteContext& c) {
      return handler(*service, c, clock());
    });
  }
  void write(std::string_view method, std::string_view pattern, Write handler) {
    router_.add(method, pattern, Access::Admin,
                [service = &service_, clock = clock_, changed = changed_, handler](const RouteContext& c) {
                  auto body = bodyOf(c);
                  if (!body) return jsonError(400, body.error());
                  auto response = toResponse(handler(*service, c, *body, actorOf(c), clock()));
                  if (changed) changed();
                  return response;
                });
  }
  // GET …?format=csv and POST …/import for a register.
  void csv(std::string_view base, isms::Register which) {
    const std::string import = std::string(base) + "/import";
    router_.add("POST", import, Access::Admin,
                [service = &service_, clock = clock_, changed = changed_, which](const RouteContext& c) {
                  auto response = toResponse(service->importCsv(which, c.request.body, actorOf(c), clock()));
                  if (changed) changed();
                  return response;
                });
  }

 private:
  Router& router_;
  isms::IsmsService& service_;
  Clock clock_;
  std::function<void()> changed_;
};

// The list of a register, or its CSV export with ?format=csv.
ApiResponse listOrCsv(isms::IsmsService& s, const RouteContext& c, std::int64_t now, isms::Register which,
                      const std::function<ApiResponse()>& list) {
  if (queryValue(c, "format") == "csv") return {200, s.exportCsv(which, now), "text/csv; charset=utf-8"};
  return list();
}

void addSoaRoutes(IsmsRouteTable& t) {
  t.read("/api/v1/soa", [](auto& s, const RouteContext& c, std::int64_t now) {
    return listOrCsv(s, c, now, isms::Register::Soa, [&]() -> ApiResponse {
      if (queryValue(c, "format") == "html") return {200, s.soaHtml(now), "text/html; charset=utf-8"};
      return toResponse(s.soa(now));
    });
  });
  t.csv("/api/v1/soa", isms::Register::Soa);
  t.read("/api/v1/soa/{control}",
         [](auto& s, const RouteContext& c, std::int64_t now) { return toResponse(s.soaControl(c.param(0), now)); });
  for (const char* method : {"PUT", "PATCH"})
    t.write(method, "/api/v1/soa/{control}", [](auto& s, const RouteContext& c, const auto& body, const auto& actor,
                                                std::int64_t now) { return s.updateSoa(c.param(0), body, actor, now); });
  t.write("POST", "/api/v1/soa/{control}/evidence",
          [](auto& s, const RouteContext& c, const auto& body, const auto& actor, std::int64_t now) {
            return s.addEvidence(c.param(0), body, actor, now);
          });
}

void addExceptionRoutes(IsmsRouteTable& t) {
  t.read("/api/v1/exceptions", [](auto& s, const RouteContext& c, std::int64_t now) {
    return listOrCsv(s, c, now, isms::Register::Exceptions, [&]() -> ApiResponse {
      if (c.query.count("expiring_days")) {
        long long days = 0;
        if (!text::parseInt(queryValue(c, "expiring_days"), days) || days <= 0 || days > 3660)
          return jsonError(400, "expiring_days must be a number of days");
        return toResponse(s.exceptions(now, static_cast<int>(days)));
      }
      if (c.query.count("at")) {  // the register as it stood then: which exceptions were valid
        const auto at = parseRfc3339(queryValue(c, "at"));
        if (!at) return jsonError(400, "at must be a date (YYYY-MM-DD or RFC 3339)");
        return toResponse(s.exceptions(*at));
      }
      return toResponse(s.exceptions(now));
    });
  });
  t.csv("/api/v1/exceptions", isms::Register::Exceptions);
  t.write("POST", "/api/v1/exceptions",
          [](auto& s, const RouteContext&, const auto& body, const auto& actor, std::int64_t now) {
            return s.addException(body, actor, now);
          });
  const auto revoke = [](auto& s, const RouteContext& c, const auto&, const auto& actor, std::int64_t now) {
    return s.revokeException(idOf(c), actor, now);
  };
  t.write("DELETE", "/api/v1/exceptions/{id}", revoke);
  t.write("POST", "/api/v1/exceptions/{id}/revoke", revoke);
}

void addRiskRoutes(IsmsRouteTable& t) {
  t.read("/api/v1/risks", [](auto& s, const RouteContext& c, std::int64_t now) {
    return listOrCsv(s, c, now, isms::Register::Risks, [&] { return toResponse(s.risks(now)); });
  });
  t.csv("/api/v1/risks", isms::Register::Risks);
  t.write("POST", "/api/v1/risks", [](auto& s, const RouteContext&, const auto& body, const auto& actor,
                                      std::int64_t now) { return s.addRisk(body, actor, now); });
  t.read("/api/v1/risks/{id}",
         [](auto& s, const RouteContext& c, std::int64_t now) { return toResponse(s.risk(idOf(c), now)); });
  for (const char* method : {"PUT", "PATCH"})
    t.write(method, "/api/v1/risks/{id}", [](auto& s, const RouteContext& c, const auto& body, const auto& actor,
                                             std::int64_t now) { return s.updateRisk(idOf(c), body, actor, now); });
}

void addNonConformityRoutes(IsmsRouteTable& t) {
  t.read("/api/v1/nonconformities", [](auto& s, const RouteContext& c, std::int64_t now) {
    return listOrCsv(s, c, now, isms::Register::NonConformities, [&] { return toResponse(s.nonConformities(now)); });
  });
  t.csv("/api/v1/nonconformities", isms::Register::NonConformities);
  t.write("POST", "/api/v1/nonconformities", [](auto& s, const RouteContext&, const auto& body, const auto& actor,
                                                std::int64_t now) { return s.addNonConformity(body, actor, now); });
  t.read("/api/v1/nonconformities/proposals",
         [](auto& s, const RouteContext&, std::int64_t now) { return toResponse(s.proposals(now)); });
  t.write("POST", "/api/v1/nonconformities/proposals",
          [](auto& s, const RouteContext&, const auto&, const auto& actor, std::int64_t now) {
            return s.applyProposals(actor, now);
          });
  t.read("/api/v1/nonconformities/{id}",
         [](auto& s, const RouteContext& c, std::int64_t now) { return toResponse(s.nonConformity(idOf(c), now)); });
  for (const char* method : {"PUT", "PATCH"})
    t.write(method, "/api/v1/nonconformities/{id}",
            [](auto& s, const RouteContext& c, const auto& body, const auto& actor, std::int64_t now) {
              return s.updateNonConformity(idOf(c), body, actor, now);
            });
  t.write("POST", "/api/v1/nonconformities/{id}/transition",
          [](auto& s, const RouteContext& c, const auto& body, const auto& actor, std::int64_t now) {
            return s.transitionNonConformity(idOf(c), body, actor, now);
          });
}

void addProgrammeRoutes(IsmsRouteTable& t) {
  t.read("/api/v1/readiness", [](auto& s, const RouteContext&, std::int64_t now) { return toResponse(s.readiness(now)); });
  for (const char* method : {"PUT", "POST"})
    t.write(method, "/api/v1/readiness/{item}", [](auto& s, const RouteContext& c, const auto& body,
                                                   const auto& actor, std::int64_t now) {
      return s.attest(c.param(0), body, actor, now);
    });
  t.read("/api/v1/calendar", [](auto& s, const RouteContext&, std::int64_t now) { return toResponse(s.calendar(now)); });
  for (const char* method : {"PUT", "PATCH"})
    t.write(method, "/api/v1/calendar", [](auto& s, const RouteContext&, const auto& body, const auto& actor,
                                           std::int64_t now) { return s.updateCalendar(body, actor, now); });
  t.read("/api/v1/management-review", [](auto& s, const RouteContext& c, std::int64_t now) -> ApiResponse {
    std::optional<std::int64_t> since;
    if (c.query.count("since")) {
      since = parseRfc3339(queryValue(c, "since"));
      if (!since) return jsonError(400, "since must be a date (YYYY-MM-DD or RFC 3339)");
    }
    return {200, s.managementReview(now, since), "text/html; charset=utf-8"};
  });
  t.read("/api/v1/isms/audit", [](auto& s, const RouteContext& c, std::int64_t) {
    return toResponse(s.audit(queryValue(c, "entity"), queryValue(c, "id")));
  });
}

}  // namespace

void addIsmsRoutes(Router& router, isms::IsmsService& service, std::function<std::int64_t()> clock,
                   std::function<void()> registersChanged) {
  IsmsRouteTable table(router, service, std::move(clock), std::move(registersChanged));
  addSoaRoutes(table);
  addExceptionRoutes(table);
  addRiskRoutes(table);
  addNonConformityRoutes(table);
  addProgrammeRoutes(table);
}

}  // namespace annexa::collector
