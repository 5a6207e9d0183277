// The management review input (ISO/IEC 27001:2022 clause 9.3.2) as one self-contained HTML page: audit calendar
// and readiness, posture trend (inline SVG), non-conformities and audit results since the last review, risk
// treatment status and exceptions. A pure function of its inputs; IsmsService gathers them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/isms/isms_calendar.hpp"
#include "collector/isms/isms_fleet.hpp"
#include "collector/isms/isms_model.hpp"
#include "collector/store/store.hpp"

namespace annexa::collector::isms {

struct RiskStatus {
  Risk risk;
  RiskAssessment assessment;
};

struct ReviewInputs {
  std::int64_t now = 0;
  std::optional<std::int64_t> since;  // start of the review period; unset: no earlier review recorded
  bool sinceGiven = false;            // chosen by the operator rather than taken from the calendar
  AuditCalendar calendar;
  CalendarSummary summary;
  std::vector<DailyPostureRow> daily;  // posture_daily over the trend window
  std::vector<NonConformity> ncs;
  std::vector<RiskStatus> risks;
  std::vector<RiskAcceptance> exceptions;  // all; the page shows those valid at `now`
};

// One point a day: controls passing among those with an evaluated status (passing, failing, partial, accepted).
struct TrendPoint {
  std::string day;
  int passing = 0;
  int evaluated = 0;
  double percent() const { return evaluated ? 100.0 * passing / evaluated : 0.0; }
};
std::vector<TrendPoint> postureTrend(const std::vector<DailyPostureRow>& rows);
// An inline SVG line chart of the trend (0–100 %), dates on the x axis; a note instead when there are no points.
std::string trendSvg(const std::vector<TrendPoint>& points);

std::string managementReviewHtml(const ReviewInputs& in);

}  // namespace annexa::collector::isms
