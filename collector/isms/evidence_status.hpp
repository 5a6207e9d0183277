// Documents and records (issue 18): the values the ISMS store keeps, and their status at an instant as pure
// functions, so the posture now and at a past date (?at=, --at) read them the same way.
// Times are Unix seconds; dates (approved_on, performed_on) are UTC midnights.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/store/evidence_chain.hpp"
#include "common/evidence_requirements.hpp"

namespace annexa::collector::isms {

// A document version, stored content-addressed and never altered. A new version names the one it supersedes.
struct Document {
  std::int64_t id = 0;
  std::string title;
  std::vector<std::string> controls;  // Annex A controls it evidences
  std::string requirement;            // the document requirement it answers, or empty (then by its controls)
  std::string owner;
  std::string approvedBy;
  std::int64_t approvedOn = 0;  // UTC midnight
  int reviewMonths = EvidenceRequirements::kDefaultReviewMonths;
  std::string sha256;     // of the file's bytes: its name in the content store
  std::int64_t size = 0;
  std::string fileName;   // the uploaded name, for display and download only (never a path)
  std::optional<std::int64_t> supersedes;
  std::optional<std::int64_t> retiredAt;  // withdrawn (not superseded)
  std::string retiredBy;
  std::string retireReason;
  std::int64_t createdAt = 0;
  std::string createdBy;
};

enum class DocumentStatus { NotYetApproved, Current, Due, Overdue, Retired };
std::string_view documentStatusName(DocumentStatus status);

// Days before its review date at which a document becomes due.
constexpr std::int64_t kDocumentDueDays = 30;

// approvedOn plus whole calendar months; a day past the target month's end falls on its last day (31 Jan + 1 month
// = 28/29 Feb).
std::int64_t addMonths(std::int64_t utcMidnight, int months);
std::int64_t nextReviewDate(const Document& document);

// `supersededOn`: the approval date of the version that replaced it, if any. Retired wins over everything once the
// document is withdrawn or replaced; before its approval date a document does not exist yet.
DocumentStatus documentStatusAt(const Document& document, std::optional<std::int64_t> supersededOn, std::int64_t at);

// The approval date of each document's successor (a later version that names it), for documentStatusAt.
std::optional<std::int64_t> supersededOn(const Document& document, const std::vector<Document>& all);

enum class RecordOutcome { Ok, Issues };
std::string_view recordOutcomeName(RecordOutcome outcome);
std::optional<RecordOutcome> parseRecordOutcome(std::string_view name);

struct Attachment {
  std::string sha256;
  std::int64_t size = 0;
  std::string fileName;
};

// A record of one performance of a recurring activity (an access review, a restore test).
struct Record {
  std::int64_t id = 0;
  std::string requirement;     // a record requirement's id
  std::int64_t performedOn = 0;  // UTC midnight
  std::string performedBy;
  std::string summary;
  RecordOutcome outcome = RecordOutcome::Ok;
  std::vector<Attachment> attachments;
  std::int64_t createdAt = 0;
  std::string createdBy;
};

// One record satisfies its requirement from the day it was performed for cadence + grace days, rounded up.
std::int64_t recordValidDays(int cadenceDays, int gracePercent);

enum class RecordStatus { Missing, Current, Overdue };
std::string_view recordStatusName(RecordStatus status);

struct RecordStanding {
  RecordStatus status = RecordStatus::Missing;
  std::optional<Record> latest;             // the latest performed on or before `at`
  std::optional<std::int64_t> validUntil;   // when the latest stops satisfying the requirement
};

// `records`: any records; only those of `requirement` performed on or before `at` count.
RecordStanding recordStandingAt(const EvidenceRequirement& requirement, int gracePercent,
                                const std::vector<Record>& records, std::int64_t at);

// The entries these items make in the evidence log (docs/evidence.md): their canonical JSON, whose SHA-256 the
// log chains. What the entry covers never changes after it is written (retirement has an entry of its own).
inline constexpr std::string_view kEvidenceItemAgent = kIsmsEvidenceAgent;
nlohmann::json documentEvidenceJson(const Document& document);
nlohmann::json documentRetirementEvidenceJson(const Document& document);
nlohmann::json recordEvidenceJson(const Record& record);
std::string documentLogId(std::int64_t id);            // "document/12"
std::string documentRetirementLogId(std::int64_t id);  // "document/12/retired"
std::string recordLogId(std::int64_t id);              // "record/5"

}  // namespace annexa::collector::isms
