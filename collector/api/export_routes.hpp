// The export routes of the collector API (/api/v1/exports…). Api::handle authenticates first; both operator
// roles may export (an export only reads), agents may not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collector/api/api.hpp"
#include "collector/pack/export_jobs.hpp"

namespace annexa::collector {

bool isExportPath(std::string_view path);

// `jobs` null (no runner configured) → 501 on every route. `now` resolves the default period and instant.
ApiResponse handleExport(ExportJobs* jobs, const ApiRequest& request, const std::string& path, std::int64_t now);

// {"from","to","at" RFC 3339 or YYYY-MM-DD, all optional; "hosts" optional} → a request with defaults:
// to = now, from = to - 30 days, at = now. from must be before to; at may not lie in the future.
Result<ExportRequest> parseExportRequest(std::string_view body, std::int64_t now);

}  // namespace annexa::collector
