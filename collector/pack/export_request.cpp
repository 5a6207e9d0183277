#include "collector/pack/export_request.hpp"

#include <algorithm>

namespace annexa::collector {

Result<ExportRequest> resolveExportRequest(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                                           std::optional<std::int64_t> at, std::string hosts, std::int64_t now) {
  ExportRequest request;
  // A period ending later than now ends now: nothing after now can be evidence, and a client's clock a little
  // ahead of ours (the dashboard sends its own "now") must not make the request fail.
  request.to = std::min(to.value_or(now), now);
  request.from = from.value_or(request.to - kDefaultExportPeriodSeconds);
  request.at = at.value_or(request.to);
  request.hosts = std::move(hosts);
  if (auto ok = checkExportRequest(request, now); !ok) return makeError(ok.error());
  return request;
}

VoidResult checkExportRequest(const ExportRequest& request, std::int64_t now) {
  if (request.from >= request.to) return makeError("the period is empty: from must be before to");
  if (request.at < request.from || request.at > request.to) return makeError("at must lie within the period (from .. to)");
  if (request.at > now) return makeError("at is in the future: the posture of a date to come is not evidence");
  return success();
}

}  // namespace annexa::collector
