#include "collector/isms/isms_store.hpp"

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "collector/store/sqlite.hpp"
#include "common/catalog.hpp"

namespace annexa::collector::isms {
namespace {

// Each entry migrates the ISMS tables from version (index) to (index + 1). Append only.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE isms_soa (
  control_id TEXT PRIMARY KEY,
  applicable INTEGER NOT NULL DEFAULT 1,
  justification TEXT NOT NULL DEFAULT '',
  implementation TEXT NOT NULL DEFAULT 'not_implemented',
  owner TEXT NOT NULL DEFAULT '',
  reviewed_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  updated_by TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE isms_soa_evidence (
  id INTEGER PRIMARY KEY,
  control_id TEXT NOT NULL REFERENCES isms_soa (control_id),
  document TEXT NOT NULL,
  location TEXT NOT NULL,
  date TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  removed_at INTEGER
);
CREATE TABLE isms_exceptions (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('host_check', 'check', 'control')),
  agent_id TEXT NOT NULL DEFAULT '',
  check_id TEXT NOT NULL DEFAULT '',
  control_id TEXT NOT NULL DEFAULT '',
  justification TEXT NOT NULL,
  approver TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE isms_risks (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE isms_nonconformities (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE isms_attestations (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  met INTEGER NOT NULL,
  attested_by TEXT NOT NULL,
  evidence_ref TEXT NOT NULL,
  attested_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE TABLE isms_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX isms_audit_entity ON isms_audit (entity, entity_id, at);
)sql",
    // Every save appends a row: the latest is the calendar, earlier rows keep past management review dates.
    R"sql(
CREATE TABLE isms_calendar (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  internal_audit INTEGER,
  management_review INTEGER,
  stage1 INTEGER,
  stage2 INTEGER,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
)sql",
    // Documents and records (issue 18). Rows are never deleted; a document's file is content-addressed by sha256.
    R"sql(
CREATE TABLE isms_documents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  controls TEXT NOT NULL,
  requirement TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  approved_on INTEGER NOT NULL,
  review_months INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  supersedes INTEGER REFERENCES isms_documents (id),
  retired_at INTEGER,
  retired_by TEXT NOT NULL DEFAULT '',
  retire_reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE isms_records (
  id INTEGER PRIMARY KEY,
  requirement TEXT NOT NULL,
  performed_on INTEGER NOT NULL,
  performed_by TEXT NOT NULL,
  summary TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'issues')),
  attachments TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX isms_records_requirement ON isms_records (requirement, performed_on);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

void migrate(Database& db) {
  Transaction tx(db);
  db.exec("CREATE TABLE IF NOT EXISTS isms_schema_version (version INTEGER NOT NULL)");
  auto q = db.prepare("SELECT max(version) FROM isms_schema_version");
  q.step();
  const int current = q.isNull(0) ? 0 : static_cast<int>(q.columnInt(0));
  q.reset();
  if (current > kSchemaVersion)
    throw SqliteError("ISMS schema version " + std::to_string(current) + " is newer than this collector (" +
                      std::to_string(kSchemaVersion) + ")");
  for (int v = current; v < kSchemaVersion; ++v) {
    db.exec(kMigrations[v]);
    db.exec("DELETE FROM isms_schema_version; INSERT INTO isms_schema_version VALUES (" + std::to_string(v + 1) + ")");
  }
  // Seeding is idempotent, so a catalog that grows gets its new rows on the next start.
  for (const auto& control : Catalog::builtin().controls())
    db.prepare("INSERT OR IGNORE INTO isms_soa (control_id) VALUES (?)").bind(1, control.id).run();
  tx.commit();
}

std::optional<std::int64_t> optionalInt(const Statement& s, int i) {
  return s.isNull(i) ? std::nullopt : std::optional<std::int64_t>(s.columnInt(i));
}

constexpr const char* kSoaColumns =
    "SELECT control_id, applicable, justification, implementation, owner, reviewed_at, updated_at, updated_by "
    "FROM isms_soa";
constexpr const char* kExceptionColumns =
    "SELECT id, scope, agent_id, check_id, control_id, justification, approver, valid_from, expires_at, revoked_at, "
    "created_at, created_by FROM isms_exceptions";

SoaEntry readSoa(const Statement& q) {
  SoaEntry s;
  s.controlId = q.columnText(0);
  s.applicable = q.columnInt(1) != 0;
  s.justification = q.columnText(2);
  s.implementation = parseImplementation(q.columnText(3)).valueOr(Implementation::NotImplemented);
  s.owner = q.columnText(4);
  s.reviewedAt = optionalInt(q, 5);
  s.updatedAt = q.columnInt(6);
  s.updatedBy = q.columnText(7);
  return s;
}

RiskAcceptance readException(const Statement& q) {
  RiskAcceptance e;
  e.id = q.columnInt(0);
  e.scope = parseExceptionScope(q.columnText(1)).valueOr(ExceptionScope::HostCheck);
  e.agentId = q.columnText(2);
  e.checkId = q.columnText(3);
  e.controlId = q.columnText(4);
  e.justification = q.columnText(5);
  e.approver = q.columnText(6);
  e.validFrom = q.columnInt(7);
  e.expiresAt = q.columnInt(8);
  e.revokedAt = optionalInt(q, 9);
  e.createdAt = q.columnInt(10);
  e.createdBy = q.columnText(11);
  return e;
}

// Risks and NCs are stored as their JSON (the same text the API serves) plus the columns queries need.
Risk riskFromRow(std::int64_t id, const std::string& body, std::int64_t created, std::int64_t updated) {
  auto risk = patchRisk(Risk{}, nlohmann::json::parse(body)).valueOr(Risk{});
  risk.id = id;
  risk.createdAt = created;
  risk.updatedAt = updated;
  return risk;
}

NonConformity ncFromRow(std::int64_t id, const std::string& text, std::int64_t created, std::int64_t updated) {
  const auto j = nlohmann::json::parse(text);
  NonConformity nc;
  nc.id = id;
  nc.kind = parseNcKind(j.value("kind", "minor")).valueOr(NcKind::Minor);
  nc.state = parseNcState(j.value("state", "open")).valueOr(NcState::Open);
  nc.title = j.value("title", "");
  nc.description = j.value("description", "");
  nc.controlId = j.value("control", "");
  nc.checks = j.value("checks", std::vector<std::string>{});
  nc.source = j.value("source", "manual");
  nc.rootCause = j.value("root_cause", "");
  nc.correctiveAction = j.value("corrective_action", "");
  nc.actionOwner = j.value("action_owner", "");
  if (j.contains("action_due_unix") && !j["action_due_unix"].is_null()) nc.actionDue = j["action_due_unix"].get<std::int64_t>();
  nc.verification = j.value("verification", "");
  nc.reopenCount = j.value("reopen_count", 0);
  if (j.contains("closed_at_unix") && !j["closed_at_unix"].is_null()) nc.closedAt = j["closed_at_unix"].get<std::int64_t>();
  nc.createdAt = created;
  nc.updatedAt = updated;
  return nc;
}

std::string ncBody(const NonConformity& nc) {
  auto j = toJson(nc, 0);
  j["action_due_unix"] = nc.actionDue ? nlohmann::json(*nc.actionDue) : nlohmann::json(nullptr);
  j["closed_at_unix"] = nc.closedAt ? nlohmann::json(*nc.closedAt) : nlohmann::json(nullptr);
  return j.dump();
}

}  // namespace

IsmsStore::IsmsStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
IsmsStore::~IsmsStore() = default;

std::unique_ptr<IsmsStore> IsmsStore::open(const std::filesystem::path& path) {
  auto db = Database::open(path);
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = FULL");
  migrate(*db);
  return std::unique_ptr<IsmsStore>(new IsmsStore(std::move(db)));
}

int IsmsStore::schemaVersion() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT max(version) FROM isms_schema_version");
  q.step();
  const int v = static_cast<int>(q.columnInt(0));
  q.reset();
  return v;
}

void IsmsStore::record(const std::string& actor, std::int64_t now, const std::string& entity, const std::string& id,
                       const std::string& action, const std::string& detail) {
  db_->prepare("INSERT INTO isms_audit (at, actor, entity, entity_id, action, detail) VALUES (?,?,?,?,?,?)")
      .bind(1, now).bind(2, actor).bind(3, entity).bind(4, id).bind(5, action).bind(6, detail).run();
}

std::vector<SoaEntry> IsmsStore::soa() {
  std::lock_guard lock(mutex_);
  std::map<std::string, SoaEntry> rows;
  auto q = db_->prepare(kSoaColumns);
  while (q.step()) {
    auto s = readSoa(q);
    rows.emplace(s.controlId, std::move(s));
  }
  auto e = db_->prepare("SELECT id, control_id, document, location, date, reviewer, created_at, created_by "
                        "FROM isms_soa_evidence WHERE removed_at IS NULL ORDER BY id");
  while (e.step()) {
    ManualEvidence m{e.columnInt(0), e.columnText(1), e.columnText(2), e.columnText(3), e.columnText(4),
                     e.columnText(5), e.columnInt(6), e.columnText(7)};
    if (auto it = rows.find(m.controlId); it != rows.end()) it->second.evidence.push_back(std::move(m));
  }
  std::vector<SoaEntry> out;
  for (const auto& control : Catalog::builtin().controls())
    if (auto it = rows.find(control.id); it != rows.end()) out.push_back(std::move(it->second));
  return out;
}

std::optional<SoaEntry> IsmsStore::soaEntry(const std::string& controlId) {
  for (auto& s : soa())
    if (s.controlId == controlId) return std::move(s);
  return std::nullopt;
}

void IsmsStore::saveSoa(const SoaEntry& s, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("UPDATE isms_soa SET applicable = ?, justification = ?, implementation = ?, owner = ?, reviewed_at = ?, "
               "updated_at = ?, updated_by = ? WHERE control_id = ?")
      .bind(1, s.applicable ? 1 : 0).bind(2, s.justification).bind(3, toString(s.implementation)).bind(4, s.owner)
      .bind(5, now).bind(6, now).bind(7, actor).bind(8, s.controlId).run();
  auto detail = toJson(s);
  detail.erase("manual_evidence");
  record(actor, now, "soa", s.controlId, "update", detail.dump());
  tx.commit();
}

std::int64_t IsmsStore::addEvidence(ManualEvidence e, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("INSERT INTO isms_soa_evidence (control_id, document, location, date, reviewer, created_at, created_by) "
               "VALUES (?,?,?,?,?,?,?)")
      .bind(1, e.controlId).bind(2, e.document).bind(3, e.location).bind(4, e.date).bind(5, e.reviewer).bind(6, now)
      .bind(7, actor).run();
  e.id = db_->lastInsertRowId();
  e.createdAt = now;
  e.createdBy = actor;
  record(actor, now, "soa_evidence", std::to_string(e.id), "create", toJson(e).dump());
  tx.commit();
  return e.id;
}

std::int64_t IsmsStore::addException(RiskAcceptance e, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("INSERT INTO isms_exceptions (scope, agent_id, check_id, control_id, justification, approver, "
               "valid_from, expires_at, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)")
      .bind(1, toString(e.scope)).bind(2, e.agentId).bind(3, e.checkId).bind(4, e.controlId).bind(5, e.justification)
      .bind(6, e.approver).bind(7, e.validFrom).bind(8, e.expiresAt).bind(9, now).bind(10, actor).run();
  e.id = db_->lastInsertRowId();
  e.createdAt = now;
  e.createdBy = actor;
  record(actor, now, "exception", std::to_string(e.id), "create", toJson(e, 0).dump());
  tx.commit();
  return e.id;
}

std::vector<RiskAcceptance> IsmsStore::exceptions() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(std::string(kExceptionColumns) + " ORDER BY id");
  std::vector<RiskAcceptance> out;
  while (q.step()) out.push_back(readException(q));
  return out;
}

std::optional<RiskAcceptance> IsmsStore::exception(std::int64_t id) {
  for (auto& e : exceptions())
    if (e.id == id) return std::move(e);
  return std::nullopt;
}

bool IsmsStore::revokeException(std::int64_t id, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("UPDATE isms_exceptions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(1, now).bind(2, id).run();
  if (db_->changes() == 0) return false;
  record(actor, now, "exception", std::to_string(id), "revoke", nlohmann::json{{"revoked_at", now}}.dump());
  tx.commit();
  return true;
}

std::int64_t IsmsStore::addRisk(Risk risk, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  risk.createdAt = risk.updatedAt = now;
  db_->prepare("INSERT INTO isms_risks (body, created_at, updated_at) VALUES (?,?,?)").bind(1, toJson(risk).dump())
      .bind(2, now).bind(3, now).run();
  risk.id = db_->lastInsertRowId();
  record(actor, now, "risk", std::to_string(risk.id), "create", toJson(risk).dump());
  tx.commit();
  return risk.id;
}

void IsmsStore::updateRisk(Risk risk, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  risk.updatedAt = now;
  const auto body = toJson(risk).dump();
  db_->prepare("UPDATE isms_risks SET body = ?, updated_at = ? WHERE id = ?").bind(1, body).bind(2, now).bind(3, risk.id).run();
  record(actor, now, "risk", std::to_string(risk.id), "update", body);
  tx.commit();
}

std::vector<Risk> IsmsStore::risks() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT id, body, created_at, updated_at FROM isms_risks ORDER BY id");
  std::vector<Risk> out;
  while (q.step()) out.push_back(riskFromRow(q.columnInt(0), q.columnText(1), q.columnInt(2), q.columnInt(3)));
  return out;
}

std::optional<Risk> IsmsStore::risk(std::int64_t id) {
  for (auto& r : risks())
    if (r.id == id) return std::move(r);
  return std::nullopt;
}

std::int64_t IsmsStore::addNonConformity(NonConformity nc, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  nc.createdAt = nc.updatedAt = now;
  db_->prepare("INSERT INTO isms_nonconformities (body, state, created_at, updated_at) VALUES (?,?,?,?)")
      .bind(1, ncBody(nc)).bind(2, toString(nc.state)).bind(3, now).bind(4, now).run();
  nc.id = db_->lastInsertRowId();
  record(actor, now, "nonconformity", std::to_string(nc.id), "create", ncBody(nc));
  tx.commit();
  return nc.id;
}

void IsmsStore::updateNonConformity(const NonConformity& nc, const std::string& action, const std::string& actor,
                                    std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("UPDATE isms_nonconformities SET body = ?, state = ?, updated_at = ? WHERE id = ?")
      .bind(1, ncBody(nc)).bind(2, toString(nc.state)).bind(3, now).bind(4, nc.id).run();
  record(actor, now, "nonconformity", std::to_string(nc.id), action, ncBody(nc));
  tx.commit();
}

std::vector<NonConformity> IsmsStore::nonConformities() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT id, body, created_at, updated_at FROM isms_nonconformities ORDER BY id");
  std::vector<NonConformity> out;
  while (q.step()) out.push_back(ncFromRow(q.columnInt(0), q.columnText(1), q.columnInt(2), q.columnInt(3)));
  return out;
}

std::optional<NonConformity> IsmsStore::nonConformity(std::int64_t id) {
  for (auto& n : nonConformities())
    if (n.id == id) return std::move(n);
  return std::nullopt;
}

void IsmsStore::attest(const Attestation& a, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("INSERT INTO isms_attestations (item_id, met, attested_by, evidence_ref, attested_at, recorded_at, "
               "recorded_by) VALUES (?,?,?,?,?,?,?)")
      .bind(1, a.itemId).bind(2, a.met ? 1 : 0).bind(3, a.attestedBy).bind(4, a.evidenceRef).bind(5, a.attestedAt)
      .bind(6, now).bind(7, actor).run();
  record(actor, now, "attestation", a.itemId, "attest", toJson(a).dump());
  tx.commit();
}

std::vector<Attestation> IsmsStore::latestAttestations() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(
      "SELECT item_id, met, attested_by, evidence_ref, attested_at, recorded_at, recorded_by FROM isms_attestations a "
      "WHERE id = (SELECT max(id) FROM isms_attestations b WHERE b.item_id = a.item_id) ORDER BY item_id");
  std::vector<Attestation> out;
  while (q.step())
    out.push_back({q.columnText(0), q.columnInt(1) != 0, q.columnText(2), q.columnText(3), q.columnInt(4),
                   q.columnInt(5), q.columnText(6)});
  return out;
}

std::vector<AuditEntry> IsmsStore::audit(const std::string& entity, const std::string& entityId) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT id, at, actor, entity, entity_id, action, detail FROM isms_audit "
                        "WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR entity_id = ?2) ORDER BY id");
  q.bind(1, entity).bind(2, entityId);
  std::vector<AuditEntry> out;
  while (q.step())
    out.push_back({q.columnInt(0), q.columnInt(1), q.columnText(2), q.columnText(3), q.columnText(4), q.columnText(5),
                   q.columnText(6)});
  return out;
}

}  // namespace annexa::collector::isms
