// What an evidence-pack export covers, as the CLI (`export`) and the API (POST /api/v1/exports) ask for it: one
// request type and one progress type for the jobs, the gathering and the writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa::collector {

struct ExportRequest {
  std::int64_t from = 0;  // the period the pack covers (Unix seconds)
  std::int64_t to = 0;
  std::int64_t at = 0;    // the posture instant, from <= at <= to
  // Comma-separated shell patterns matched against hostname or agent id ("web-*,db-1"); empty: every host.
  std::string hosts;
};

// Progress of a long export: stage (a file name), done of total steps.
using ExportProgress = std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;

inline constexpr std::int64_t kDefaultExportPeriodSeconds = 30LL * 86400;

// The defaults, the same for the CLI and the API: to = now, from = to - 30 days, at = to; a `to` later than now
// is now. An empty period, an instant outside it or in the future are errors that name the field.
Result<ExportRequest> resolveExportRequest(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                                           std::optional<std::int64_t> at, std::string hosts, std::int64_t now);
VoidResult checkExportRequest(const ExportRequest& request, std::int64_t now);

}  // namespace annexa::collector
