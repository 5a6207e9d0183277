#include "collector/pack/export_request.hpp"

namespace annexa::collector {

Result<ExportRequest> resolveExportRequest(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                                           std::optional<std::int64_t> at, std::string hosts, std::int64_t now) {
  ExportRequest request;
  request.to = to.value_or(now);
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
