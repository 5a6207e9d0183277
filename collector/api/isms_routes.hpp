// The ISMS routes of the collector API (registers, readiness, audit trail). Api::handle authenticates and
// enforces roles (viewers read, admins write) before it hands a request here.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "collector/api/api.hpp"
#include "collector/isms/isms_service.hpp"

namespace annexa::collector {

class IsmsApi {
 public:
  IsmsApi(isms::IsmsService& service, Api::Clock clock) : service_(service), clock_(std::move(clock)) {}

  // /api/v1/soa…, /api/v1/exceptions…, /api/v1/risks…, /api/v1/nonconformities…, /api/v1/readiness…,
  // /api/v1/isms/audit, /api/v1/calendar, /api/v1/management-review.
  static bool handles(std::string_view path);
  ApiResponse handle(const ApiRequest& request, const std::map<std::string, std::string>& query);

  isms::IsmsService& service() { return service_; }

 private:
  isms::IsmsService& service_;
  Api::Clock clock_;
};

}  // namespace annexa::collector
