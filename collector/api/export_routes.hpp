// The export routes of the collector API (/api/v1/exports…). Both operator roles may export (an export only
// reads), agents may not.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "collector/api/router.hpp"
#include "collector/pack/export_jobs.hpp"

namespace annexa::collector {

// `jobs` null (no runner configured) → 501 on every route. `clock` resolves the default period and instant.
void addExportRoutes(Router& router, ExportJobs* jobs, std::function<std::int64_t()> clock);

// {"from","to","at" RFC 3339 or YYYY-MM-DD, all optional; "hosts" optional; nothing else} → a request with the
// defaults of resolveExportRequest (to = now, from = to - 30 days, at = to), checked as the CLI checks it.
Result<ExportRequest> parseExportRequest(std::string_view body, std::int64_t now);

}  // namespace annexa::collector
