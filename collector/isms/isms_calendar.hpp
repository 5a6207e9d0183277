// The audit calendar (scope statement, internal audit, management review, Stage 1 and Stage 2 dates) and the
// summary the dashboard overview shows: days to the next audit, the readiness band, open major NCs, and whether
// the organisation is ready for audit (never while a major non-conformity is open).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/isms/isms_model.hpp"
#include "collector/isms/readiness.hpp"

namespace annexa::collector::isms {

struct AuditCalendar {
  static constexpr std::size_t kMaxScope = 4000;  // characters of the scope statement
  std::string scope;
  // Dates as the start of their UTC day.
  std::optional<std::int64_t> internalAudit;
  std::optional<std::int64_t> managementReview;
  std::optional<std::int64_t> stage1;
  std::optional<std::int64_t> stage2;
  std::int64_t updatedAt = 0;  // 0: never set
  std::string updatedBy;
};

// A patch: keys present replace (null or "" clears a date), absent keep. Keys: scope, internal_audit,
// management_review, stage1, stage2; dates YYYY-MM-DD or RFC 3339. Unknown keys and Stage 2 before Stage 1
// are refused.
Result<AuditCalendar> patchCalendar(AuditCalendar calendar, const nlohmann::json& patch);
nlohmann::json toJson(const AuditCalendar& calendar);

struct CalendarEvent {
  std::string_view kind;   // internal_audit | stage1 | stage2 | management_review
  std::string_view title;  // "Stage 1 audit"
  std::int64_t date = 0;
  int days = 0;  // whole days from today (UTC); 0 = today
};

struct CalendarSummary {
  std::string today;                            // YYYY-MM-DD (UTC)
  std::optional<CalendarEvent> nextAudit;       // earliest internal audit, Stage 1 or Stage 2 from today on
  std::optional<CalendarEvent> nextManagementReview;
  std::optional<std::int64_t> lastManagementReview;
  int readinessScore = 0;
  const ReadinessBand* band = nullptr;
  int openMajorNcs = 0;
  bool ready = false;                // no major NC open and the band is "Well prepared"
  std::vector<std::string> reasons;  // why not ready; empty when ready
};

CalendarSummary summarize(const AuditCalendar& calendar, std::optional<std::int64_t> lastManagementReview,
                          int readinessScore, const std::vector<NonConformity>& ncs, std::int64_t now);
nlohmann::json toJson(const CalendarSummary& summary);

std::int64_t startOfDay(std::int64_t t);

// The calendar and its summary as the command line prints them, from {"calendar": …, "summary": …}.
std::string calendarText(const nlohmann::json& body);

}  // namespace annexa::collector::isms
