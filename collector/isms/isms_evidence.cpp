#include "collector/isms/isms_evidence.hpp"

#include <algorithm>

#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
using json = nlohmann::json;

// A named field as text: strings as given, numbers in decimal; absent or null → empty.
Result<std::string> textField(const json& fields, const char* key) {
  const auto it = fields.find(key);
  if (it == fields.end() || it->is_null()) return std::string();
  if (it->is_string()) return std::string(text::trim(it->get<std::string>()));
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return makeError(std::string(key) + " must be a string");
}

Result<std::string> requiredText(const json& fields, const char* key, std::size_t maxLength, bool multiline = false) {
  auto value = textField(fields, key);
  if (!value) return value;
  if (value->empty()) return makeError(std::string(key) + " is required");
  if (value->size() > maxLength)
    return makeError(std::string(key) + " is longer than " + std::to_string(maxLength) + " characters");
  if (!isPlainText(*value, multiline)) return makeError(std::string(key) + " must be UTF-8 text without control characters");
  return value;
}

// A past or present UTC day, "YYYY-MM-DD".
Result<std::int64_t> dayField(const json& fields, const char* key, std::int64_t now, std::optional<std::int64_t> fallback) {
  auto value = textField(fields, key);
  if (!value) return makeError(value.error());
  if (value->empty()) {
    if (fallback) return *fallback;
    return makeError(std::string(key) + " is required (YYYY-MM-DD)");
  }
  const auto day = value->size() == 10 ? parseRfc3339(*value) : std::nullopt;
  if (!day) return makeError(std::string(key) + " must be a date (YYYY-MM-DD)");
  if (*day > now) return makeError(std::string(key) + " " + *value + " is in the future");
  return *day;
}

Result<std::vector<std::string>> listField(const json& fields, const char* key) {
  const auto it = fields.find(key);
  std::vector<std::string> out;
  if (it == fields.end() || it->is_null()) return out;
  const auto add = [&](std::string_view item) {
    const std::string trimmed(text::trim(item));
    if (!trimmed.empty() && std::find(out.begin(), out.end(), trimmed) == out.end()) out.push_back(trimmed);
  };
  if (it->is_string()) {
    for (const auto& part : text::split(it->get<std::string>(), ',')) add(part);
  } else if (it->is_array()) {
    for (const auto& v : *it) {
      if (!v.is_string()) return makeError(std::string(key) + " must be a list of strings");
      add(v.get<std::string>());
    }
  } else {
    return makeError(std::string(key) + " must be a list");
  }
  return out;
}

// "12m", "12" or 12 → months, 1–36.
Result<std::optional<int>> reviewMonthsField(const json& fields) {
  auto value = textField(fields, "review_every");
  if (!value) return makeError(value.error());
  if (value->empty()) return std::optional<int>();
  std::string_view digits = *value;
  if (text::endsWith(digits, "m")) digits.remove_suffix(1);
  long long months = 0;
  if (!text::parseInt(digits, months) || months < 1 || months > EvidenceRequirements::kMaxReviewMonths)
    return makeError("review_every must be a number of months from 1 to " +
                     std::to_string(EvidenceRequirements::kMaxReviewMonths) + " (e.g. 12m)");
  return std::optional<int>(static_cast<int>(months));
}

Result<std::optional<std::int64_t>> idField(const json& fields, const char* key) {
  auto value = textField(fields, key);
  if (!value) return makeError(value.error());
  if (value->empty()) return std::optional<std::int64_t>();
  long long id = 0;
  if (!text::parseInt(*value, id) || id <= 0) return makeError(std::string(key) + " must be a document id");
  return std::optional<std::int64_t>(id);
}

// The uploaded name without any directory: for display and Content-Disposition only, never a path.
std::string displayFileName(const json& fields) {
  auto value = textField(fields, "file_name");
  std::string name = value ? *value : std::string();
  if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  if (name.empty() || name == "." || name == ".." || name.size() > 255 || !isPlainText(name, false)) return "document";
  return name;
}

std::optional<std::int64_t> idAfter(std::string_view logId, std::string_view prefix, std::string_view suffix) {
  if (!text::startsWith(logId, prefix) || !text::endsWith(logId, suffix)) return std::nullopt;
  logId.remove_prefix(prefix.size());
  logId.remove_suffix(suffix.size());
  long long id = 0;
  if (logId.empty() || logId.size() > 18 || logId.find('/') != std::string_view::npos || !text::parseInt(logId, id) || id <= 0)
    return std::nullopt;
  return id;
}

std::string itemHash(const json& item) { return sha256Hex(canonicalDump(item)); }

}  // namespace

bool isPlainText(std::string_view s, bool multiline) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f) return false;
      ++i;
      continue;
    }
    // Multi-byte UTF-8: the lead byte's length, continuation bytes, no overlong forms, surrogates or > U+10FFFF.
    const std::size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (length == 0 || c > 0xf4 || i + length > s.size()) return false;
    std::uint32_t cp = c & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((length == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (length == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls steer terminals too
    i += length;
  }
  return true;
}

std::vector<NcProposal> proposeFromRecords(const std::vector<Record>& records, const EvidenceRequirements& requirements,
                                           const std::vector<SoaEntry>& soa, const std::vector<NonConformity>& existing) {
  const auto applicable = [&](const std::string& control) {
    for (const auto& row : soa)
      if (row.controlId == control) return row.applicable;
    return true;
  };
  std::vector<NcProposal> out;
  for (const auto& r : records) {
    const auto* requirement = requirements.find(r.requirement);
    if (r.outcome != RecordOutcome::Issues || !requirement) continue;
    const auto control = std::find_if(requirement->controls.begin(), requirement->controls.end(), applicable);
    if (control == requirement->controls.end()) continue;
    NcProposal p;
    p.kind = NcKind::Minor;
    p.controlId = *control;
    p.title = "Record " + std::to_string(r.id) + " (" + requirement->title + ") found issues";
    p.reason = "performed on " + formatDay(r.performedOn) + " by " + r.performedBy + ": " + text::truncate(r.summary, 500);
    const bool known = std::any_of(existing.begin(), existing.end(), [&](const NonConformity& nc) { return nc.title == p.title; });
    if (!known) out.push_back(std::move(p));
  }
  return out;
}

Reply EvidenceRegister::addDocument(const json& fields, const StoredFile& file, const std::string& actor, std::int64_t now) {
  if (!fields.is_object()) return errorReply(400, "expected a JSON object");
  Document d;
  auto title = requiredText(fields, "title", kMaxTextLength);
  auto owner = requiredText(fields, "owner", kMaxTextLength);
  auto approvedBy = requiredText(fields, "approved_by", kMaxTextLength);
  if (!title || !owner || !approvedBy) return errorReply(400, !title ? title.error() : !owner ? owner.error() : approvedBy.error());
  d.title = std::move(*title);
  d.owner = std::move(*owner);
  d.approvedBy = std::move(*approvedBy);

  auto requirementId = textField(fields, "requirement");
  if (!requirementId) return errorReply(400, requirementId.error());
  const EvidenceRequirement* requirement = nullptr;
  if (!requirementId->empty()) {
    requirement = requirements_.find(*requirementId);
    if (!requirement) return errorReply(400, "unknown requirement " + *requirementId);
    if (requirement->kind != RequirementKind::Document)
      return errorReply(400, "requirement " + *requirementId + " is a " +
                                 std::string(requirementKindName(requirement->kind)) + " requirement, not a document one");
    d.requirement = requirement->id;
  }
  auto controls = listField(fields, "controls");
  if (!controls) return errorReply(400, controls.error());
  if (controls->empty() && requirement) *controls = requirement->controls;
  if (controls->empty()) return errorReply(400, "controls (e.g. A.5.1,A.5.10) or a document requirement is required");
  for (const auto& control : *controls)
    if (!catalog_.find(control)) return errorReply(400, "unknown control " + text::truncate(control, 40));
  d.controls = std::move(*controls);

  auto approvedOn = dayField(fields, "approved_on", now, std::nullopt);
  if (!approvedOn) return errorReply(400, approvedOn.error());
  d.approvedOn = *approvedOn;
  auto months = reviewMonthsField(fields);
  if (!months) return errorReply(400, months.error());
  d.reviewMonths = months->value_or(requirement ? requirement->reviewMonths : EvidenceRequirements::kDefaultReviewMonths);

  auto supersedes = idField(fields, "supersedes");
  if (!supersedes) return errorReply(400, supersedes.error());
  if (*supersedes) {
    const auto previous = store_.findDocument(**supersedes);
    if (!previous) return errorReply(404, "no document " + std::to_string(**supersedes) + " to supersede");
    if (previous->retiredAt) return errorReply(400, "document " + std::to_string(previous->id) + " is retired");
    for (const auto& other : store_.documents())
      if (other.supersedes == previous->id)
        return errorReply(400, "document " + std::to_string(previous->id) + " is already superseded by document " +
                                   std::to_string(other.id));
    if (d.approvedOn < previous->approvedOn)
      return errorReply(400, "a new version cannot be approved before the version it supersedes (" +
                                 formatDay(previous->approvedOn) + ")");
    d.supersedes = previous->id;
  }
  if (!isSha256Hex(file.sha256)) return errorReply(400, "the file is not in the evidence store");
  d.sha256 = file.sha256;
  d.size = file.size;
  d.fileName = displayFileName(fields);
  d.id = store_.addDocument(d, actor, now);
  return {201, documentJson(*store_.findDocument(d.id), store_.documents(), now)};
}

Reply EvidenceRegister::retireDocument(std::int64_t id, const json& fields, const std::string& actor, std::int64_t now) {
  if (!fields.is_object()) return errorReply(400, "expected a JSON object");
  const auto existing = store_.findDocument(id);
  if (!existing) return errorReply(404, "no document " + std::to_string(id));
  if (existing->retiredAt) return errorReply(400, "document " + std::to_string(id) + " is already retired");
  auto reason = requiredText(fields, "reason", kMaxSummaryLength, true);
  if (!reason) return errorReply(400, reason.error());
  auto retiredOn = dayField(fields, "retired_on", now, now);
  if (!retiredOn) return errorReply(400, retiredOn.error());
  if (!store_.retireDocument(id, *retiredOn, *reason, actor, now))
    return errorReply(400, "document " + std::to_string(id) + " is already retired");
  return {200, documentJson(*store_.findDocument(id), store_.documents(), now)};
}

Reply EvidenceRegister::addRecord(const json& fields, const std::vector<Attachment>& attachments, const std::string& actor,
                                  std::int64_t now) {
  if (!fields.is_object()) return errorReply(400, "expected a JSON object");
  Record r;
  auto requirementId = requiredText(fields, "requirement", EvidenceRequirements::kMaxIdLength);
  if (!requirementId) return errorReply(400, requirementId.error());
  const auto* requirement = requirements_.find(*requirementId);
  if (!requirement) return errorReply(400, "unknown requirement " + *requirementId);
  if (requirement->kind != RequirementKind::Record)
    return errorReply(400, "requirement " + *requirementId + " is a " + std::string(requirementKindName(requirement->kind)) +
                               " requirement, not a record one");
  r.requirement = requirement->id;
  auto performedOn = dayField(fields, "performed_on", now, std::nullopt);
  if (!performedOn) return errorReply(400, performedOn.error());
  r.performedOn = *performedOn;
  auto by = requiredText(fields, "performed_by", kMaxTextLength);
  if (!by) return errorReply(400, by.error());
  r.performedBy = std::move(*by);
  auto summary = requiredText(fields, "summary", kMaxSummaryLength, true);
  if (!summary) return errorReply(400, summary.error());
  r.summary = std::move(*summary);
  auto outcome = textField(fields, "outcome");
  if (!outcome) return errorReply(400, outcome.error());
  const auto parsedOutcome = outcome->empty() ? std::optional<RecordOutcome>(RecordOutcome::Ok) : parseRecordOutcome(*outcome);
  if (!parsedOutcome) return errorReply(400, "outcome must be ok or issues");
  r.outcome = *parsedOutcome;
  if (attachments.size() > kMaxAttachments)
    return errorReply(400, "at most " + std::to_string(kMaxAttachments) + " attachments per record");
  for (const auto& a : attachments)
    if (!isSha256Hex(a.sha256)) return errorReply(400, "an attachment is not in the evidence store");
  r.attachments = attachments;
  r.id = store_.addRecord(r, actor, now);
  return {201, recordJson(*store_.findRecord(r.id), now)};
}

json EvidenceRegister::documentJson(const Document& d, const std::vector<Document>& all, std::int64_t at) const {
  auto j = documentEvidenceJson(d);
  j.erase("kind");
  const auto replacedOn = supersededOn(d, all);
  j["status"] = documentStatusName(documentStatusAt(d, replacedOn, at));
  j["next_review"] = formatDay(nextReviewDate(d));
  j["superseded_on"] = replacedOn ? json(formatDay(*replacedOn)) : json(nullptr);
  j["superseded_by"] = nullptr;
  for (const auto& other : all)
    if (other.supersedes == d.id) j["superseded_by"] = other.id;
  j["retired_on"] = d.retiredAt ? json(formatDay(*d.retiredAt)) : json(nullptr);
  j["retired_by"] = d.retiredBy;
  j["retire_reason"] = d.retireReason;
  return j;
}

json EvidenceRegister::recordJson(const Record& r, std::int64_t at) const {
  auto j = recordEvidenceJson(r);
  j.erase("kind");
  if (const auto* requirement = requirements_.find(r.requirement)) {
    const auto until = r.performedOn + recordValidDays(requirement->cadenceDays, requirements_.recordGracePercent()) * kSecondsPerDay;
    j["valid_through"] = formatDay(until - kSecondsPerDay);  // the last day it counts
    j["counts"] = r.performedOn <= at && at < until;
    j["controls"] = requirement->controls;
  }
  return j;
}

Reply EvidenceRegister::documents(std::int64_t at) {
  const auto all = store_.documents();
  auto list = json::array();
  for (const auto& d : all) list.push_back(documentJson(d, all, at));
  return {200, {{"at", formatRfc3339(at)}, {"documents", list}}};
}

Reply EvidenceRegister::document(std::int64_t id, std::int64_t at) {
  const auto all = store_.documents();
  for (const auto& d : all)
    if (d.id == id) return {200, documentJson(d, all, at)};
  return errorReply(404, "no document " + std::to_string(id));
}

Reply EvidenceRegister::records(std::int64_t at) {
  auto list = json::array();
  for (const auto& r : store_.records()) list.push_back(recordJson(r, at));
  return {200, {{"at", formatRfc3339(at)}, {"records", list}}};
}

Reply EvidenceRegister::record(std::int64_t id, std::int64_t at) {
  const auto r = store_.findRecord(id);
  if (!r) return errorReply(404, "no record " + std::to_string(id));
  return {200, recordJson(*r, at)};
}

std::optional<std::string> EvidenceRegister::checkLogEntry(const EvidenceEntry& entry) {
  if (const auto id = idAfter(entry.reportId, "document/", "/retired")) {
    const auto d = store_.findDocument(*id);
    if (!d) return "document row missing";
    if (!d->retiredAt) return "the document's retirement was removed";
    if (itemHash(documentRetirementEvidenceJson(*d)) != entry.reportSha256)
      return "stored retirement does not match its hash (document altered)";
    return std::nullopt;
  }
  if (const auto id = idAfter(entry.reportId, "document/", "")) {
    const auto d = store_.findDocument(*id);
    if (!d) return "document row missing";
    if (itemHash(documentEvidenceJson(*d)) != entry.reportSha256) return "stored document does not match its hash (document altered)";
    if (auto file = files_.verify(d->sha256, d->size); !file) return file.error();
    return std::nullopt;
  }
  if (const auto id = idAfter(entry.reportId, "record/", "")) {
    const auto r = store_.findRecord(*id);
    if (!r) return "record row missing";
    if (itemHash(recordEvidenceJson(*r)) != entry.reportSha256) return "stored record does not match its hash (record altered)";
    for (const auto& a : r->attachments)
      if (auto file = files_.verify(a.sha256, a.size); !file) return file.error();
    return std::nullopt;
  }
  return "unknown ISMS evidence item " + text::truncate(entry.reportId, 80);
}

}  // namespace annexa::collector::isms
