#include "collector/isms/evidence_status.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "collector/isms/isms_model.hpp"
#include "common/clock.hpp"

namespace annexa::collector::isms {
namespace {

// Howard Hinnant's civil-calendar conversions (proleptic Gregorian, days since 1970-01-01).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned lastDayOf(std::int64_t year, unsigned month) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string_view documentStatusName(DocumentStatus status) {
  switch (status) {
    case DocumentStatus::NotYetApproved: return "not_yet_approved";
    case DocumentStatus::Current: return "current";
    case DocumentStatus::Due: return "due";
    case DocumentStatus::Overdue: return "overdue";
    case DocumentStatus::Retired: return "retired";
  }
  return "unknown";
}

std::int64_t addMonths(std::int64_t utcMidnight, int months) {
  const std::int64_t days = floorDiv(utcMidnight, kDay);
  const auto date = civilFromDays(days);
  const std::int64_t monthIndex = date.year * 12 + (date.month - 1) + months;
  const std::int64_t year = floorDiv(monthIndex, 12);
  const auto month = static_cast<unsigned>(monthIndex - year * 12 + 1);
  const unsigned day = std::min(date.day, lastDayOf(year, month));
  return daysFromCivil(year, month, day) * kDay + (utcMidnight - days * kDay);
}

std::int64_t nextReviewDate(const Document& document) { return addMonths(document.approvedOn, document.reviewMonths); }

DocumentStatus documentStatusAt(const Document& document, std::optional<std::int64_t> supersededOn, std::int64_t at) {
  if ((document.retiredAt && at >= *document.retiredAt) || (supersededOn && at >= *supersededOn))
    return DocumentStatus::Retired;
  if (at < document.approvedOn) return DocumentStatus::NotYetApproved;
  const std::int64_t review = nextReviewDate(document);
  if (at >= review) return DocumentStatus::Overdue;
  if (at >= review - kDocumentDueDays * kDay) return DocumentStatus::Due;
  return DocumentStatus::Current;
}

std::optional<std::int64_t> supersededOn(const Document& document, const std::vector<Document>& all) {
  std::optional<std::int64_t> earliest;
  for (const auto& other : all)
    if (other.supersedes == document.id && (!earliest || other.approvedOn < *earliest)) earliest = other.approvedOn;
  return earliest;
}

std::string_view recordOutcomeName(RecordOutcome outcome) { return outcome == RecordOutcome::Ok ? "ok" : "issues"; }

std::optional<RecordOutcome> parseRecordOutcome(std::string_view name) {
  if (name == "ok") return RecordOutcome::Ok;
  if (name == "issues") return RecordOutcome::Issues;
  return std::nullopt;
}

std::int64_t recordValidDays(int cadenceDays, int gracePercent) {
  const std::int64_t scaled = static_cast<std::int64_t>(cadenceDays) * (100 + gracePercent);
  return (scaled + 99) / 100;
}

std::string_view recordStatusName(RecordStatus status) {
  switch (status) {
    case RecordStatus::Missing: return "missing";
    case RecordStatus::Current: return "current";
    case RecordStatus::Overdue: return "overdue";
  }
  return "unknown";
}

RecordStanding recordStandingAt(const EvidenceRequirement& requirement, int gracePercent,
                                const std::vector<Record>& records, std::int64_t at) {
  RecordStanding standing;
  for (const auto& record : records) {
    if (record.requirement != requirement.id || record.performedOn > at) continue;
    // The latest performance counts; of two on the same day, the one recorded last.
    if (!standing.latest || record.performedOn > standing.latest->performedOn ||
        (record.performedOn == standing.latest->performedOn && record.id > standing.latest->id))
      standing.latest = record;
  }
  if (!standing.latest) return standing;
  standing.validUntil = standing.latest->performedOn + recordValidDays(requirement.cadenceDays, gracePercent) * kDay;
  standing.status = at < *standing.validUntil ? RecordStatus::Current : RecordStatus::Overdue;
  return standing;
}

nlohmann::json documentEvidenceJson(const Document& d) {
  return {{"kind", "document"},
          {"id", d.id},
          {"title", d.title},
          {"controls", d.controls},
          {"requirement", d.requirement},
          {"owner", d.owner},
          {"approved_by", d.approvedBy},
          {"approved_on", formatDay(d.approvedOn)},
          {"review_months", d.reviewMonths},
          {"sha256", d.sha256},
          {"size", d.size},
          {"file_name", d.fileName},
          {"supersedes", d.supersedes ? nlohmann::json(*d.supersedes) : nlohmann::json(nullptr)},
          {"created_at", formatRfc3339(d.createdAt)},
          {"created_by", d.createdBy}};
}

nlohmann::json documentRetirementEvidenceJson(const Document& d) {
  return {{"kind", "document_retired"},
          {"id", d.id},
          {"retired_at", d.retiredAt ? nlohmann::json(formatRfc3339(*d.retiredAt)) : nlohmann::json(nullptr)},
          {"retired_by", d.retiredBy},
          {"reason", d.retireReason}};
}

nlohmann::json recordEvidenceJson(const Record& r) {
  auto attachments = nlohmann::json::array();
  for (const auto& a : r.attachments) attachments.push_back({{"sha256", a.sha256}, {"size", a.size}, {"file_name", a.fileName}});
  return {{"kind", "record"},
          {"id", r.id},
          {"requirement", r.requirement},
          {"performed_on", formatDay(r.performedOn)},
          {"performed_by", r.performedBy},
          {"summary", r.summary},
          {"outcome", recordOutcomeName(r.outcome)},
          {"attachments", attachments},
          {"created_at", formatRfc3339(r.createdAt)},
          {"created_by", r.createdBy}};
}

std::string documentLogId(std::int64_t id) { return "document/" + std::to_string(id); }
std::string documentRetirementLogId(std::int64_t id) { return "document/" + std::to_string(id) + "/retired"; }
std::string recordLogId(std::int64_t id) { return "record/" + std::to_string(id); }

}  // namespace annexa::collector::isms
