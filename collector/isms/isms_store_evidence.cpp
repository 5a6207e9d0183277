// IsmsStore: documents and records, each addition and retirement chained into the evidence log.
#include <nlohmann/json.hpp>

#include "collector/isms/isms_store.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/sqlite_evidence.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"

namespace annexa::collector::isms {
namespace {

constexpr const char* kDocumentColumns =
    "SELECT id, title, controls, requirement, owner, approved_by, approved_on, review_months, sha256, size, file_name, "
    "supersedes, retired_at, retired_by, retire_reason, created_at, created_by FROM isms_documents";
constexpr const char* kRecordColumns =
    "SELECT id, requirement, performed_on, performed_by, summary, outcome, attachments, created_at, created_by "
    "FROM isms_records";

std::optional<std::int64_t> optionalColumn(const Statement& q, int i) {
  return q.isNull(i) ? std::nullopt : std::optional<std::int64_t>(q.columnInt(i));
}

Document readDocument(const Statement& q) {
  Document d;
  d.id = q.columnInt(0);
  d.title = q.columnText(1);
  d.controls = nlohmann::json::parse(q.columnText(2)).get<std::vector<std::string>>();
  d.requirement = q.columnText(3);
  d.owner = q.columnText(4);
  d.approvedBy = q.columnText(5);
  d.approvedOn = q.columnInt(6);
  d.reviewMonths = static_cast<int>(q.columnInt(7));
  d.sha256 = q.columnText(8);
  d.size = q.columnInt(9);
  d.fileName = q.columnText(10);
  d.supersedes = optionalColumn(q, 11);
  d.retiredAt = optionalColumn(q, 12);
  d.retiredBy = q.columnText(13);
  d.retireReason = q.columnText(14);
  d.createdAt = q.columnInt(15);
  d.createdBy = q.columnText(16);
  return d;
}

nlohmann::json attachmentsJson(const std::vector<Attachment>& attachments) {
  auto out = nlohmann::json::array();
  for (const auto& a : attachments) out.push_back({{"sha256", a.sha256}, {"size", a.size}, {"file_name", a.fileName}});
  return out;
}

Record readRecord(const Statement& q) {
  Record r;
  r.id = q.columnInt(0);
  r.requirement = q.columnText(1);
  r.performedOn = q.columnInt(2);
  r.performedBy = q.columnText(3);
  r.summary = q.columnText(4);
  r.outcome = parseRecordOutcome(q.columnText(5)).value_or(RecordOutcome::Issues);
  for (const auto& a : nlohmann::json::parse(q.columnText(6)))
    r.attachments.push_back({a.at("sha256").get<std::string>(), a.at("size").get<std::int64_t>(),
                             a.at("file_name").get<std::string>()});
  r.createdAt = q.columnInt(7);
  r.createdBy = q.columnText(8);
  return r;
}

void appendToLog(Database& db, const std::string& logId, const nlohmann::json& item, std::int64_t now) {
  evidence_sql::append(db, std::string(kEvidenceItemAgent), logId, now, sha256Hex(canonicalDump(item)));
}

}  // namespace

std::int64_t IsmsStore::addDocument(Document d, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  d.createdAt = now;
  d.createdBy = actor;
  d.retiredAt.reset();
  db_->prepare("INSERT INTO isms_documents (title, controls, requirement, owner, approved_by, approved_on, "
               "review_months, sha256, size, file_name, supersedes, created_at, created_by) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, d.title).bind(2, nlohmann::json(d.controls).dump()).bind(3, d.requirement).bind(4, d.owner)
      .bind(5, d.approvedBy).bind(6, d.approvedOn).bind(7, d.reviewMonths).bind(8, d.sha256).bind(9, d.size)
      .bind(10, d.fileName).bind(11, d.supersedes).bind(12, now).bind(13, actor).run();
  d.id = db_->lastInsertRowId();
  const auto item = documentEvidenceJson(d);
  appendToLog(*db_, documentLogId(d.id), item, now);
  record(actor, now, "document", std::to_string(d.id), "create", item.dump());
  tx.commit();
  return d.id;
}

std::vector<Document> IsmsStore::documents() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(std::string(kDocumentColumns) + " ORDER BY id");
  std::vector<Document> out;
  while (q.step()) out.push_back(readDocument(q));
  return out;
}

std::optional<Document> IsmsStore::findDocument(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(std::string(kDocumentColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto d = readDocument(q);
  q.reset();
  return d;
}

bool IsmsStore::retireDocument(std::int64_t id, std::int64_t retiredAt, const std::string& reason,
                               const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("UPDATE isms_documents SET retired_at = ?, retired_by = ?, retire_reason = ? "
               "WHERE id = ? AND retired_at IS NULL")
      .bind(1, retiredAt).bind(2, actor).bind(3, reason).bind(4, id).run();
  if (db_->changes() == 0) return false;
  Document d;
  d.id = id;
  d.retiredAt = retiredAt;
  d.retiredBy = actor;
  d.retireReason = reason;
  const auto item = documentRetirementEvidenceJson(d);
  appendToLog(*db_, documentRetirementLogId(id), item, now);
  record(actor, now, "document", std::to_string(id), "retire", item.dump());
  tx.commit();
  return true;
}

std::int64_t IsmsStore::addRecord(Record r, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  r.createdAt = now;
  r.createdBy = actor;
  db_->prepare("INSERT INTO isms_records (requirement, performed_on, performed_by, summary, outcome, attachments, "
               "created_at, created_by) VALUES (?,?,?,?,?,?,?,?)")
      .bind(1, r.requirement).bind(2, r.performedOn).bind(3, r.performedBy).bind(4, r.summary)
      .bind(5, recordOutcomeName(r.outcome)).bind(6, attachmentsJson(r.attachments).dump()).bind(7, now)
      .bind(8, actor).run();
  r.id = db_->lastInsertRowId();
  const auto item = recordEvidenceJson(r);
  appendToLog(*db_, recordLogId(r.id), item, now);
  record(actor, now, "record", std::to_string(r.id), "create", item.dump());
  tx.commit();
  return r.id;
}

std::vector<Record> IsmsStore::records() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(std::string(kRecordColumns) + " ORDER BY id");
  std::vector<Record> out;
  while (q.step()) out.push_back(readRecord(q));
  return out;
}

std::optional<Record> IsmsStore::findRecord(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(std::string(kRecordColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto r = readRecord(q);
  q.reset();
  return r;
}

}  // namespace annexa::collector::isms
