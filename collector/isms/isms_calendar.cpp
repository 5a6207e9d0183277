#include "collector/isms/isms_calendar.hpp"

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

using nlohmann::json;

struct DateField {
  const char* key;
  std::string_view title;
  std::optional<std::int64_t> AuditCalendar::*member;
  bool audit;  // counts for "next audit"
};
constexpr DateField kDates[] = {
    {"internal_audit", "Internal audit", &AuditCalendar::internalAudit, true},
    {"management_review", "Management review", &AuditCalendar::managementReview, false},
    {"stage1", "Stage 1 audit", &AuditCalendar::stage1, true},
    {"stage2", "Stage 2 audit", &AuditCalendar::stage2, true},
};

json day(const std::optional<std::int64_t>& t) { return t ? json(formatDay(*t)) : json(nullptr); }

json eventJson(const std::optional<CalendarEvent>& e) {
  if (!e) return nullptr;
  return {{"kind", e->kind}, {"title", e->title}, {"date", formatDay(e->date)}, {"days", e->days}};
}

}  // namespace

std::int64_t startOfDay(std::int64_t t) { return t - ((t % kDay) + kDay) % kDay; }

Result<AuditCalendar> patchCalendar(AuditCalendar c, const json& patch) {
  if (!patch.is_object()) return makeError("the calendar must be a JSON object");
  for (const auto& [key, value] : patch.items()) {
    if (key == "scope") {
      if (!value.is_string() && !value.is_null()) return makeError("scope must be a string");
      c.scope = value.is_null() ? "" : std::string(text::trim(value.get<std::string>()));
      if (c.scope.size() > AuditCalendar::kMaxScope)
        return makeError("scope is longer than " + std::to_string(AuditCalendar::kMaxScope) + " characters");
      continue;
    }
    const DateField* field = nullptr;
    for (const auto& f : kDates)
      if (key == f.key) field = &f;
    if (!field) return makeError("unknown calendar field \"" + key + "\" (scope, internal_audit, management_review, stage1, stage2)");
    if (value.is_null() || (value.is_string() && text::trim(value.get<std::string>()).empty())) {
      c.*field->member = std::nullopt;
      continue;
    }
    const auto t = value.is_string() ? parseRfc3339(text::trim(value.get<std::string>())) : std::nullopt;
    if (!t) return makeError(key + " must be a date (YYYY-MM-DD or RFC 3339)");
    c.*field->member = startOfDay(*t);
  }
  if (c.stage1 && c.stage2 && *c.stage2 < *c.stage1) return makeError("the Stage 2 audit cannot come before Stage 1");
  return c;
}

json toJson(const AuditCalendar& c) {
  json j = {{"scope", c.scope}};
  for (const auto& f : kDates) j[f.key] = day(c.*f.member);
  j["updated_at"] = c.updatedAt ? json(formatRfc3339(c.updatedAt)) : json(nullptr);
  j["updated_by"] = c.updatedBy;
  return j;
}

CalendarSummary summarize(const AuditCalendar& calendar, std::optional<std::int64_t> lastManagementReview,
                          int readinessScore, const std::vector<NonConformity>& ncs, std::int64_t now) {
  CalendarSummary s;
  const auto today = startOfDay(now);
  s.today = formatDay(today);
  for (const auto& f : kDates) {
    const auto& date = calendar.*f.member;
    if (!date || *date < today) continue;
    auto& next = f.audit ? s.nextAudit : s.nextManagementReview;
    if (!next || *date < next->date)
      next = CalendarEvent{f.key, f.title, *date, static_cast<int>((*date - today) / kDay)};
  }
  s.lastManagementReview = lastManagementReview;
  s.readinessScore = readinessScore;
  s.band = &readinessBand(readinessScore);
  for (const auto& nc : ncs) s.openMajorNcs += nc.kind == NcKind::Major && nc.state != NcState::Closed ? 1 : 0;
  if (s.openMajorNcs > 0)
    s.reasons.push_back(std::to_string(s.openMajorNcs) + " major non-conformit" + (s.openMajorNcs == 1 ? "y" : "ies") +
                        " open");
  if (s.band->level != kReadinessBands[std::size(kReadinessBands) - 1].level)
    s.reasons.push_back("readiness " + scoreText(readinessScore) + ": " + s.band->assessment());
  s.ready = s.reasons.empty();
  return s;
}

json toJson(const CalendarSummary& s) {
  return {{"today", s.today},
          {"next_audit", eventJson(s.nextAudit)},
          {"next_management_review", eventJson(s.nextManagementReview)},
          {"last_management_review", day(s.lastManagementReview)},
          {"readiness", {{"score", s.readinessScore}, {"max_score", kReadinessMaxScore},
                         {"score_text", scoreText(s.readinessScore)}, {"level", s.band->level},
                         {"label", s.band->label}, {"assessment", s.band->assessment()}}},
          {"open_major_nonconformities", s.openMajorNcs},
          {"ready", s.ready},
          {"reason", s.ready ? json(nullptr) : json(text::join(s.reasons, "; "))},
          {"reasons", s.reasons}};
}

std::string calendarText(const json& body) {
  const auto& c = body.at("calendar");
  const auto& s = body.at("summary");
  const auto text = [](const json& v) { return v.is_null() || v == "" ? std::string("—") : v.get<std::string>(); };
  std::string out = "Scope:             " + text(c["scope"]) + "\n" +
                    "Internal audit:    " + text(c["internal_audit"]) + "\n" +
                    "Management review: " + text(c["management_review"]) + "\n" +
                    "Stage 1 audit:     " + text(c["stage1"]) + "\n" +
                    "Stage 2 audit:     " + text(c["stage2"]) + "\n";
  if (const auto& next = s["next_audit"]; !next.is_null())
    out += "Next audit: " + text(next["title"]) + " on " + text(next["date"]) + " (in " + next["days"].dump() + " days)\n";
  out += "Readiness " + text(s["readiness"]["score_text"]) + ": " + text(s["readiness"]["assessment"]) +
         "; open major non-conformities: " + s["open_major_nonconformities"].dump() + "\n";
  return out + (s["ready"].get<bool>() ? std::string("Ready for audit") : "Not ready: " + text(s["reason"])) + "\n";
}

}  // namespace annexa::collector::isms
