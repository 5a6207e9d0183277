#include "collector/api/router.hpp"

#include <cctype>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace annexa::collector {
namespace {

bool allOf(std::string_view s, std::size_t maxLength, bool (*allowed)(unsigned char)) {
  if (s.empty() || s.size() > maxLength) return false;
  for (const unsigned char c : s)
    if (!allowed(c)) return false;
  return true;
}

bool idChar(unsigned char c) { return std::isalnum(c) || c == '-'; }
bool nameChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; }
bool itemChar(unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-'; }
bool digit(unsigned char c) { return std::isdigit(c); }

bool isControlId(std::string_view s) {
  // A.5.1 … A.8.34: the theme is one digit from 5 to 8, the number one or two digits.
  if (s.size() < 5 || s.size() > 6 || s.substr(0, 2) != "A." || s[2] < '5' || s[2] > '8' || s[3] != '.') return false;
  return allOf(s.substr(4), 2, digit);
}

bool parameterAccepts(std::string_view kind, std::string_view value) {
  if (kind == "agent" || kind == "job") return allOf(value, 64, idChar);
  if (kind == "operator") return allOf(value, 64, nameChar);
  if (kind == "control") return isControlId(value);
  if (kind == "id") return allOf(value, 18, digit) && value.front() != '0';
  if (kind == "item") return allOf(value, 64, itemChar);
  return false;
}

bool knownKind(std::string_view kind) {
  return kind == "agent" || kind == "job" || kind == "operator" || kind == "control" || kind == "id" || kind == "item";
}

bool isOperator(const PeerIdentity& peer) {
  return peer.hasCertificate && (peer.role == pki::Role::Admin || peer.role == pki::Role::Viewer);
}

std::vector<std::string> pathSegments(std::string_view path) { return text::split(path, '/'); }

// Why this peer may not call a route with this access, if it may not.
std::optional<ApiResponse> refusal(Access access, const ApiRequest& request, const RevocationList* revocations) {
  const auto& peer = request.peer;
  switch (access) {
    case Access::Anyone:
      return std::nullopt;
    case Access::Agent:
      if (peer.hasCertificate && peer.role == pki::Role::Agent) return std::nullopt;
      return jsonError(403, "this endpoint needs an agent certificate");
    case Access::Operator:
    case Access::Admin:
      if (!isOperator(peer)) return jsonError(peer.hasCertificate ? 403 : 401, "an operator certificate is required");
      // Revoked while this connection was open (a new one is refused at the handshake).
      if (revocations && revocations->isRevoked(peer.serial)) return jsonError(403, "this certificate has been revoked");
      if (access == Access::Admin && peer.role != pki::Role::Admin)
        return jsonError(403, request.method == "GET" ? "only admins may read this" : "the viewer role is read-only");
      return std::nullopt;
  }
  return jsonError(500, "unknown access rule");
}

}  // namespace

std::string_view toString(Access access) {
  switch (access) {
    case Access::Anyone: return "anyone";
    case Access::Agent: return "agent";
    case Access::Operator: return "operator";
    case Access::Admin: return "admin";
  }
  return "unknown";
}

void Router::add(std::string_view method, std::string_view pattern, Access access, Handler handler) {
  addAsync(method, pattern, access, [handler = std::move(handler)](const RouteContext& context, const Respond& respond) {
    respond(handler(context));
  });
}

void Router::addAsync(std::string_view method, std::string_view pattern, Access access, AsyncHandler handler) {
  Route route{{std::string(method), std::string(pattern), access}, {}, 0, std::move(handler)};
  for (const auto& part : pathSegments(pattern)) {
    Segment segment;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      auto kind = std::string_view(part).substr(1, part.size() - 2);
      segment.parameter = true;
      if (text::endsWith(kind, "...")) {
        segment.rest = true;
        kind.remove_suffix(3);
      } else if (!knownKind(kind)) {
        throw std::logic_error("route " + std::string(pattern) + ": unknown parameter kind " + std::string(kind));
      }
      segment.text = std::string(kind);
    } else {
      segment.text = part;
      ++route.literals;
    }
    route.segments.push_back(std::move(segment));
  }
  for (const auto& existing : routes_)
    if (existing.info.method == route.info.method && existing.info.pattern == route.info.pattern)
      throw std::logic_error("route added twice: " + route.info.method + " " + route.info.pattern);
  routes_.push_back(std::move(route));
}

const Router::Route* Router::find(std::string_view path, std::string_view method, std::vector<std::string>& params,
                                  const Route** anyMethod) const {
  const auto parts = pathSegments(path);
  const Route* best = nullptr;
  *anyMethod = nullptr;
  std::vector<std::string> values;
  for (const auto& route : routes_) {
    values.clear();
    bool matches = true;
    std::size_t i = 0;
    for (; matches && i < route.segments.size(); ++i) {
      const auto& segment = route.segments[i];
      if (segment.rest) {
        matches = i < parts.size();
        std::string restOfPath;
        for (std::size_t j = i; matches && j < parts.size(); ++j) restOfPath += (j > i ? "/" : "") + parts[j];
        values.push_back(std::move(restOfPath));
        i = parts.size();
        break;
      }
      if (i >= parts.size()) matches = false;
      else if (segment.parameter) {
        matches = parameterAccepts(segment.text, parts[i]);
        if (matches) values.push_back(parts[i]);
      } else {
        matches = segment.text == parts[i];
      }
    }
    if (!matches || i != parts.size()) continue;
    if (!*anyMethod || route.literals > (*anyMethod)->literals) *anyMethod = &route;
    if (route.info.method == method && (!best || route.literals > best->literals)) {
      best = &route;
      params = values;
    }
  }
  return best;
}

void Router::dispatch(const ApiRequest& request, const Respond& respond) const {
  try {
    const auto [path, query] = splitTarget(request.target);
    std::vector<std::string> params;
    const Route* anyMethod = nullptr;
    const Route* route = find(path, request.method, params, &anyMethod);
    if (!anyMethod) {
      // Do not tell anonymous clients or agents which paths exist.
      if (auto refused = refusal(Access::Operator, request, revocations_)) return respond(std::move(*refused));
      return respond(jsonError(404, "no such endpoint: " + request.method + " " + path));
    }
    if (!route) {
      std::string allowed;
      for (const auto& r : routes_)
        if (r.info.pattern == anyMethod->info.pattern) allowed += (allowed.empty() ? "" : " or ") + r.info.method;
      return respond(jsonError(405, "use " + allowed));
    }
    if (auto refused = refusal(route->info.access, request, revocations_)) {
      if (refusedObserver_) refusedObserver_(route->info);
      return respond(std::move(*refused));
    }
    route->handler(RouteContext{request, params, query}, respond);
  } catch (const nlohmann::json::type_error& e) {
    // A field of the client's JSON has the wrong type ("uses": "many"): the request is at fault, not us.
    respond(jsonError(400, std::string("malformed request: ") + e.what()));
  } catch (const std::exception& e) {
    respond(jsonError(500, std::string("internal error: ") + e.what()));
  }
}

std::string Router::label(std::string_view target) const {
  const auto path = splitTarget(std::string(target.substr(0, target.find('?')))).first;
  std::vector<std::string> params;
  const Route* anyMethod = nullptr;
  find(path, "", params, &anyMethod);
  return anyMethod ? anyMethod->info.pattern : "other";
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

}  // namespace annexa::collector
