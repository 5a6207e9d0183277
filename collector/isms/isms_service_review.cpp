// The audit calendar with its overview summary, and the management review input (clause 9.3).
#include "collector/isms/isms_json.hpp"
#include "collector/isms/isms_service.hpp"
#include "collector/isms/management_review.hpp"

namespace annexa::collector::isms {

namespace {
constexpr std::int64_t kDefaultTrendWindow = 90 * kDay;  // without an earlier review: the last 90 days
}

CalendarSummary IsmsService::calendarSummary(const FleetView& view, const AuditCalendar& calendar, std::int64_t now) {
  reopen(view, now);  // a closed major NC that fails again counts as open
  const auto readiness = computeReadiness(view.index, isms_.latestAttestations(), options_.readiness, now);
  return summarize(calendar, isms_.lastManagementReview(now), readiness.score, isms_.nonConformities(), now);
}

Reply IsmsService::calendar(std::int64_t now) {
  const auto current = isms_.calendar();
  const auto summary = calendarSummary(fleet(now), current, now);
  return {200, {{"calendar", toJson(current)}, {"summary", toJson(summary)}}};
}

Reply IsmsService::updateCalendar(const nlohmann::json& patch, const std::string& actor, std::int64_t now) {
  auto updated = patchCalendar(isms_.calendar(), patch);
  if (!updated) return errorReply(400, updated.error());
  isms_.saveCalendar(*updated, actor, now);
  return calendar(now);
}

std::string IsmsService::managementReview(std::int64_t now, std::optional<std::int64_t> since) {
  ReviewInputs in;
  in.now = now;
  in.sinceGiven = since.has_value();
  in.since = since ? since : isms_.lastManagementReview(now);
  in.calendar = isms_.calendar();
  const auto view = fleet(now);
  in.summary = calendarSummary(view, in.calendar, now);
  const auto trendFrom = in.since ? *in.since : now - kDefaultTrendWindow;
  in.daily = store_.dailyPosture(formatDay(trendFrom), formatDay(now), std::nullopt);
  in.ncs = isms_.nonConformities();
  for (auto& r : isms_.risks()) {
    auto a = assess(r, view.posture);
    in.risks.push_back({std::move(r), std::move(a)});
  }
  in.exceptions = isms_.exceptions();
  return managementReviewHtml(in);
}

}  // namespace annexa::collector::isms
