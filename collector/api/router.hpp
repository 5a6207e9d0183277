// The API's route table: method, path pattern and who may call, per route (after bmcweb's BMCWEB_ROUTE). The
// router authorises from the table before a handler runs, so handlers never check roles, and the table is the one
// list of routes: metrics label requests with its patterns, docs/api.md lists the same.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/api/http.hpp"
#include "collector/api/revocation_list.hpp"

namespace annexa::collector {

// Who may call a route.
enum class Access {
  Anyone,    // no certificate needed: health, enrollment
  Agent,     // an agent certificate
  Operator,  // an operator certificate of either role: viewers read (and export, which only reads)
  Admin,     // an admin operator certificate
};
std::string_view toString(Access access);

// What a handler is given: the request, the values of the pattern's {parameters} in order, the decoded query.
struct RouteContext {
  const ApiRequest& request;
  const std::vector<std::string>& params;
  const Query& query;
  const std::string& param(std::size_t i) const { return params.at(i); }
};

class Router {
 public:
  // `revocations`: operator certificates revoked while their connection stays open are refused per request.
  explicit Router(const RevocationList* revocations = nullptr) : revocations_(revocations) {}

  using Handler = std::function<ApiResponse(const RouteContext&)>;
  // For answers that come later (a report is answered once it is on disk): call `respond` exactly once.
  using AsyncHandler = std::function<void(const RouteContext&, Respond)>;

  // `pattern` is a path whose segments in braces are parameters, each of a kind that says what it may hold:
  //   {agent} an agent id, {job} an export id (letters, digits, '-', up to 64)
  //   {operator} an operator name or certificate serial (letters, digits, '.', '_', '-', up to 64)
  //   {control} an Annex A control id such as A.8.5, {id} a positive decimal number,
  //   {item} a readiness item (lower-case letters, digits, '.', '_', '-', up to 64),
  //   {file...} the rest of the path (one or more segments).
  // Adding a pattern with an unknown kind, or the same method and pattern twice, is a programming error.
  void add(std::string_view method, std::string_view pattern, Access access, Handler handler);
  void addAsync(std::string_view method, std::string_view pattern, Access access, AsyncHandler handler);

  // Finds the route, authorises the peer for it and calls its handler. 404 for an unknown path (401/403 first
  // when the peer is no operator, so anonymous clients do not learn which paths exist), 405 for a known path with
  // another method, 401/403 for the wrong certificate, 400 for a request body of the wrong JSON type, 500 for any
  // other exception a handler throws.
  void dispatch(const ApiRequest& request, const Respond& respond) const;

  // The pattern of the route `target` belongs to ("/api/v1/hosts/{agent}"), or "other".
  std::string label(std::string_view target) const;

  struct RouteInfo {
    std::string method;
    std::string pattern;
    Access access;
  };
  std::vector<RouteInfo> routes() const;
  // Called when a peer is refused a route it found (metrics count refused reports).
  void onRefused(std::function<void(const RouteInfo&)> observer) { refusedObserver_ = std::move(observer); }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter kind
    bool parameter = false;
    bool rest = false;  // {file...}
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    int literals = 0;  // a literal segment beats a parameter: /nonconformities/proposals over /nonconformities/{id}
    AsyncHandler handler;
  };
  // The best route for the path and method, if any; `anyMethod`: the best route for the path with any method.
  const Route* find(std::string_view path, std::string_view method, std::vector<std::string>& params,
                    const Route** anyMethod) const;

  const RevocationList* revocations_;
  std::function<void(const RouteInfo&)> refusedObserver_;
  std::vector<Route> routes_;
};

}  // namespace annexa::collector
