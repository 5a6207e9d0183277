// What the API sees of HTTP: a request already authenticated by TLS, a response, and helpers for both. The
// network layer (collector/net) fills these in; nothing below the API includes this header.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "common/pki.hpp"

namespace annexa::collector {

// Who is on the other end, from the verified client certificate.
struct PeerIdentity {
  bool hasCertificate = false;
  std::string commonName;
  pki::Role role = pki::Role::Unknown;
  std::string serial;
};

struct ApiRequest {
  std::string method;
  std::string target;  // path and query as received
  std::string body;
  PeerIdentity peer;
  std::string sourceAddress;  // the client's IP address; throttles failed enrollments
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
};

using Respond = std::function<void(ApiResponse)>;
using Query = std::map<std::string, std::string>;

ApiResponse jsonOk(const nlohmann::json& body, int status = 200);
ApiResponse jsonError(int status, const std::string& message);
// "/a/b?x=1&y=%20" → path "/a/b", query {x: "1", y: " "}.
std::pair<std::string, Query> splitTarget(const std::string& target);

// The network layer's view of the API: answer a request (exactly once, maybe later and from another thread), and
// name the route a target belongs to for metrics (a fixed set of labels, never the raw target).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(const ApiRequest& request, const Respond& respond) = 0;
  virtual std::string routeLabel(const std::string& target) const = 0;
};

}  // namespace annexa::collector
