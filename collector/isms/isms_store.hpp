// Storage of the ISMS registers in the collector's SQLite database. The tables have a schema version of
// their own (table isms_schema_version), so they migrate independently of the report store's user_version.
// Every change writes an audit row (who, when, the new state) in the same transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collector/isms/evidence_status.hpp"
#include "collector/isms/isms_calendar.hpp"
#include "collector/isms/isms_model.hpp"

namespace annexa::collector {
class Database;
}

namespace annexa::collector::isms {

class IsmsStore {
 public:
  // Opens its own connection to the database file, migrates the ISMS tables and seeds one SoA row per control.
  static std::unique_ptr<IsmsStore> open(const std::filesystem::path& path);
  ~IsmsStore();
  IsmsStore(const IsmsStore&) = delete;
  IsmsStore& operator=(const IsmsStore&) = delete;

  int schemaVersion();

  // Statement of Applicability, catalog order, with manual evidence.
  std::vector<SoaEntry> soa();
  std::optional<SoaEntry> soaEntry(const std::string& controlId);
  void saveSoa(const SoaEntry& entry, const std::string& actor, std::int64_t now);
  std::int64_t addEvidence(ManualEvidence evidence, const std::string& actor, std::int64_t now);

  // Exceptions are never deleted: revoking keeps the row, so validity at a past time stays known.
  std::int64_t addException(RiskAcceptance exception, const std::string& actor, std::int64_t now);
  std::vector<RiskAcceptance> exceptions();
  std::optional<RiskAcceptance> exception(std::int64_t id);
  bool revokeException(std::int64_t id, const std::string& actor, std::int64_t now);

  std::int64_t addRisk(Risk risk, const std::string& actor, std::int64_t now);
  void updateRisk(Risk risk, const std::string& actor, std::int64_t now);
  std::vector<Risk> risks();
  std::optional<Risk> risk(std::int64_t id);

  std::int64_t addNonConformity(NonConformity nc, const std::string& actor, std::int64_t now);
  // `action` names the change in the audit trail (update, transition, reopen).
  void updateNonConformity(const NonConformity& nc, const std::string& action, const std::string& actor, std::int64_t now);
  std::vector<NonConformity> nonConformities();
  std::optional<NonConformity> nonConformity(std::int64_t id);

  // Keeps every attestation; the latest per item counts.
  void attest(const Attestation& attestation, const std::string& actor, std::int64_t now);
  std::vector<Attestation> latestAttestations();

  // The audit calendar (isms_store_calendar.cpp): empty until first saved.
  AuditCalendar calendar();
  void saveCalendar(const AuditCalendar& calendar, const std::string& actor, std::int64_t now);
  // The latest management review date on or before `at` that the calendar has ever held.
  std::optional<std::int64_t> lastManagementReview(std::int64_t at);

  // Documents and records (isms_store_evidence.cpp). Each addition and each retirement appends an entry to the
  // evidence log (agent kEvidenceItemAgent) in the transaction that writes its row and its audit row, so the
  // report store's tables must exist in the database.
  std::int64_t addDocument(Document document, const std::string& actor, std::int64_t now);
  std::vector<Document> documents();
  std::optional<Document> findDocument(std::int64_t id);
  // Withdraws a document from `retiredAt` on; false when it is unknown or already retired.
  bool retireDocument(std::int64_t id, std::int64_t retiredAt, const std::string& reason, const std::string& actor,
                      std::int64_t now);
  std::int64_t addRecord(Record record, const std::string& actor, std::int64_t now);
  std::vector<Record> records();
  std::optional<Record> findRecord(std::int64_t id);

  std::vector<AuditEntry> audit(const std::string& entity = "", const std::string& entityId = "");

 private:
  explicit IsmsStore(std::unique_ptr<Database> db);
  void record(const std::string& actor, std::int64_t now, const std::string& entity, const std::string& id,
              const std::string& action, const std::string& detail);

  std::mutex mutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace annexa::collector::isms
