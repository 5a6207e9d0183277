#include "collector/isms/management_review.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "collector/isms/isms_html.hpp"
#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

std::string fixed(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string e(std::string_view s) { return htmlEscape(s); }
std::string day(const std::optional<std::int64_t>& t) { return t ? formatDay(*t) : "—"; }

std::string cells(const std::vector<std::string>& values, const char* tag = "td") {
  std::string row = "<tr>";
  for (const auto& v : values) row += std::string("<") + tag + ">" + v + "</" + tag + ">";
  return row + "</tr>\n";
}

std::string table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                  const char* empty) {
  if (rows.empty()) return std::string("<p class=\"none\">") + empty + "</p>\n";
  std::string h = "<table>\n";
  std::vector<std::string> escaped;
  for (const auto& x : headers) escaped.push_back(e(x));
  h += cells(escaped, "th");
  for (const auto& r : rows) h += cells(r);
  return h + "</table>\n";
}

std::vector<std::string> ncRow(const NonConformity& nc, std::int64_t now) {
  return {"#" + std::to_string(nc.id), std::string(toString(nc.kind)), std::string(toString(nc.state)), e(nc.title),
          e(nc.controlId), e(nc.actionOwner), day(nc.actionDue), nc.overdue(now) ? "<b>overdue</b>" : "",
          formatDay(nc.createdAt), day(nc.closedAt)};
}
const std::vector<std::string> kNcHeaders = {"NC", "Kind", "State", "Title", "Control", "Action owner",
                                             "Action due", "", "Raised", "Closed"};

std::string calendarSection(const ReviewInputs& in) {
  const auto& c = in.calendar;
  const auto& s = in.summary;
  std::string h = "<h2>Audit calendar and readiness</h2>\n<p><b>Scope:</b> " +
                  (c.scope.empty() ? std::string("<i>no scope statement recorded</i>") : e(c.scope)) + "</p>\n";
  h += table({"Internal audit", "Management review", "Stage 1", "Stage 2"},
             {{day(c.internalAudit), day(c.managementReview), day(c.stage1), day(c.stage2)}}, "");
  if (s.nextAudit)
    h += "<p>Next audit: " + std::string(s.nextAudit->title) + " on " + formatDay(s.nextAudit->date) + " (in " +
         std::to_string(s.nextAudit->days) + " days).</p>\n";
  h += "<p>Readiness: <b>" + scoreText(s.readinessScore) + "</b> — " + e(s.band->assessment()) + ". Open major " +
       "non-conformities: " + std::to_string(s.openMajorNcs) + ".</p>\n";
  h += s.ready ? std::string("<p class=\"ok\">Ready for audit.</p>\n")
               : "<p class=\"bad\">Not ready for audit: " + e(text::join(s.reasons, "; ")) + ".</p>\n";
  return h;
}

std::string ncSection(const ReviewInputs& in) {
  std::map<std::pair<NcKind, NcState>, int> counts;
  for (const auto& nc : in.ncs) ++counts[{nc.kind, nc.state}];
  std::vector<std::vector<std::string>> rows;
  for (const auto kind : {NcKind::Major, NcKind::Minor, NcKind::Ofi}) {
    std::vector<std::string> row = {std::string(toString(kind))};
    for (const auto state : {NcState::Open, NcState::RootCause, NcState::CorrectiveAction, NcState::Verification,
                             NcState::Closed})
      row.push_back(std::to_string(counts[{kind, state}]));
    rows.push_back(std::move(row));
  }
  std::string h = "<h2>Non-conformities and corrective actions</h2>\n";
  h += table({"Kind", "Open", "Root cause", "Corrective action", "Verification", "Closed"}, rows, "");
  std::vector<std::vector<std::string>> open;
  for (const auto& nc : in.ncs)
    if (nc.state != NcState::Closed) open.push_back(ncRow(nc, in.now));
  return h + "<h3>Not closed</h3>\n" + table(kNcHeaders, open, "No non-conformity is open.");
}

std::string auditResultsSection(const ReviewInputs& in) {
  const auto since = in.since.value_or(0);
  std::vector<std::vector<std::string>> raised;
  std::vector<std::vector<std::string>> closed;
  for (const auto& nc : in.ncs) {
    if (nc.createdAt >= since) raised.push_back(ncRow(nc, in.now));
    if (nc.state == NcState::Closed && nc.closedAt && *nc.closedAt >= since) closed.push_back(ncRow(nc, in.now));
  }
  std::string h = "<h2>Audit results since the last review</h2>\n<p>" + std::to_string(raised.size()) +
                  " non-conformities raised, " + std::to_string(closed.size()) + " closed.</p>\n";
  h += "<h3>Raised</h3>\n" + table(kNcHeaders, raised, "None raised in this period.");
  return h + "<h3>Closed</h3>\n" + table(kNcHeaders, closed, "None closed in this period.");
}

std::string riskSection(const ReviewInputs& in) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [r, a] : in.risks) {
    const auto residual = r.residualScore();
    rows.push_back({"#" + std::to_string(r.id), e(r.title), std::to_string(r.score()),
                    std::string(toString(riskLevel(r.score()))), std::string(toString(r.treatment)), e(r.owner),
                    day(r.dueDate), residual ? std::to_string(*residual) : "—",
                    a.treatmentEffective ? "yes" : "<b>no</b> (failing: " + e(text::join(a.failingControls, ", ")) + ")"});
  }
  return "<h2>Risk treatment status</h2>\n" +
         table({"Risk", "Title", "Score", "Level", "Treatment", "Owner", "Due", "Residual", "Treatment effective"},
               rows, "The risk register is empty.");
}

std::string exceptionSection(const ReviewInputs& in) {
  std::vector<std::vector<std::string>> rows;
  int expiring = 0;
  for (const auto& x : in.exceptions) {
    if (!x.validAt(in.now)) continue;
    const bool soon = x.expiresAt - in.now <= kExpiryWarning;  // as expiringWithin
    expiring += soon ? 1 : 0;
    const std::string target = x.scope == ExceptionScope::Control ? x.controlId
                               : x.scope == ExceptionScope::Check ? x.checkId + " (all hosts)"
                                                                  : x.checkId + " on " + x.agentId;
    rows.push_back({"#" + std::to_string(x.id), e(target), e(x.justification), e(x.approver), formatDay(x.expiresAt),
                    soon ? "<b>expires within 30 days</b>" : ""});
  }
  return "<h2>Exceptions (risk acceptances)</h2>\n<p>" + std::to_string(rows.size()) + " valid, " +
         std::to_string(expiring) + " expiring within 30 days.</p>\n" +
         table({"Exception", "Covers", "Justification", "Approver", "Expires", ""}, rows, "No exception is valid.");
}

}  // namespace

std::vector<TrendPoint> postureTrend(const std::vector<DailyPostureRow>& rows) {
  std::map<std::string, TrendPoint> byDay;
  for (const auto& r : rows) {
    auto& p = byDay[r.day];
    p.day = r.day;
    const bool evaluated = r.status == "passing" || r.status == "failing" || r.status == "partial" || r.status == "accepted";
    p.evaluated += evaluated ? 1 : 0;
    p.passing += r.status == "passing" ? 1 : 0;
  }
  std::vector<TrendPoint> out;
  for (auto& [d, p] : byDay) out.push_back(std::move(p));
  return out;
}

std::string trendSvg(const std::vector<TrendPoint>& points) {
  if (points.empty()) return "<p class=\"none\">No daily posture was recorded in this period.</p>\n";
  constexpr int kW = 640, kH = 220, kLeft = 44, kRight = 12, kTop = 12, kBottom = 28;
  const auto first = parseRfc3339(points.front().day).value_or(0);
  const auto span = std::max<std::int64_t>(parseRfc3339(points.back().day).value_or(first) - first, kDay);
  const auto x = [&](const TrendPoint& p) {
    return kLeft + (kW - kLeft - kRight) * double(parseRfc3339(p.day).value_or(first) - first) / double(span);
  };
  const auto y = [&](double percent) { return kTop + (kH - kTop - kBottom) * (1.0 - percent / 100.0); };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kW) + "\" height=\"" +
                    std::to_string(kH) + "\" role=\"img\" aria-label=\"Controls passing per day\">\n";
  for (const int pct : {0, 50, 100})
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kW - kRight) + "\" y1=\"" +
           fixed(y(pct)) + "\" y2=\"" + fixed(y(pct)) + "\" stroke=\"#ccc\"/><text x=\"4\" y=\"" + fixed(y(pct) + 4) +
           "\" font-size=\"11\">" + std::to_string(pct) + " %</text>\n";
  std::string line;
  for (const auto& p : points) line += fixed(x(p)) + "," + fixed(y(p.percent())) + " ";
  line.pop_back();
  svg += "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"" + line + "\"/>\n";
  for (const auto& p : points)
    svg += "<circle cx=\"" + fixed(x(p)) + "\" cy=\"" + fixed(y(p.percent())) + "\" r=\"2.5\" fill=\"#1f6feb\"><title>" +
           htmlEscape(p.day) + ": " + std::to_string(p.passing) + " of " + std::to_string(p.evaluated) +
           " controls passing</title></circle>\n";
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kH - 8) + "\" font-size=\"11\">" +
         htmlEscape(points.front().day) + "</text><text x=\"" + std::to_string(kW - kRight) + "\" y=\"" +
         std::to_string(kH - 8) + "\" font-size=\"11\" text-anchor=\"end\">" + htmlEscape(points.back().day) +
         "</text>\n";
  return svg + "</svg>\n";
}

std::string managementReviewHtml(const ReviewInputs& in) {
  std::string period = in.since ? "since " + formatDay(*in.since) +
                                      (in.sinceGiven ? " (chosen for this report)" : " (the last management review)")
                                : std::string("with no earlier management review recorded: all records");
  std::string h =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Management review input</title><style>"
      "body{font-family:sans-serif;max-width:1100px}table{border-collapse:collapse;margin-bottom:1em}"
      "td,th{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}.bad{color:#b00020}"
      ".ok{color:#1a7f37}.none{color:#666}</style></head><body>\n"
      "<h1>Management review input (ISO/IEC 27001:2022 clause 9.3)</h1>\n<p>Generated " + formatRfc3339(in.now) +
      ". Review period " + e(period) + ".</p>\n";
  h += calendarSection(in);
  const auto trend = postureTrend(in.daily);
  h += "<h2>Posture trend (monitoring and measurement results)</h2>\n";
  if (!trend.empty())
    h += "<p>Controls passing: " + fixed(trend.front().percent()) + " % on " + e(trend.front().day) + ", " +
         fixed(trend.back().percent()) + " % on " + e(trend.back().day) + ".</p>\n";
  h += trendSvg(trend);
  h += ncSection(in) + auditResultsSection(in) + riskSection(in) + exceptionSection(in);
  return h + "</body></html>\n";
}

}  // namespace annexa::collector::isms
