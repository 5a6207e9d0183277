// The collector's schema and its migrations (PRAGMA user_version). The ISMS tables migrate separately.
#include "collector/store/sqlite_schema.hpp"

#include <iterator>
#include <string>

namespace annexa::collector {
namespace {

// Each entry migrates from version (index) to (index + 1). Append only; never edit a shipped step.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL DEFAULT '',
  machine_id TEXT NOT NULL DEFAULT '',
  os_id TEXT NOT NULL DEFAULT '',
  os_version TEXT NOT NULL DEFAULT '',
  os_name TEXT NOT NULL DEFAULT '',
  kernel TEXT NOT NULL DEFAULT '',
  agent_version TEXT NOT NULL DEFAULT '',
  cert_serial TEXT NOT NULL,
  cert_not_after INTEGER NOT NULL DEFAULT 0,
  enrolled_at INTEGER NOT NULL,
  last_seen INTEGER,
  interval_seconds INTEGER NOT NULL DEFAULT 900,
  last_results_digest TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER,
  token_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  uses_left INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE operators (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  cert_serial TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE reports (
  agent_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  observed_at INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  body BLOB,
  PRIMARY KEY (agent_id, report_id)
) WITHOUT ROWID;
CREATE INDEX reports_received ON reports (received_at);
CREATE TABLE current_results (
  agent_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL,
  remediation TEXT NOT NULL,
  evidence TEXT NOT NULL,
  digest TEXT NOT NULL,
  since INTEGER NOT NULL,
  report_id TEXT NOT NULL,
  PRIMARY KEY (agent_id, check_id)
) WITHOUT ROWID;
CREATE TABLE result_changes (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  evidence TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  report_id TEXT NOT NULL
);
CREATE INDEX result_changes_time ON result_changes (changed_at);
CREATE INDEX result_changes_host_check ON result_changes (agent_id, check_id, changed_at);
CREATE TABLE posture_daily (
  day TEXT NOT NULL,
  control_id TEXT NOT NULL,
  status TEXT NOT NULL,
  passing INTEGER NOT NULL,
  failing INTEGER NOT NULL,
  error INTEGER NOT NULL,
  stale INTEGER NOT NULL,
  PRIMARY KEY (day, control_id)
) WITHOUT ROWID;
)sql",
    // 2: the evidence log (docs/evidence.md), removals in history (so the past is exact), at-date indexes.
    // A database migrated from 1 starts its chain at seq 1 with the first report stored after the upgrade.
    R"sql(
CREATE TABLE evidence_log (
  seq INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  report_sha256 TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  entry_hash TEXT NOT NULL
);
CREATE INDEX evidence_log_received ON evidence_log (received_at);
CREATE TABLE evidence_heads (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  entry_hash TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  signer_fingerprint TEXT NOT NULL,
  signature BLOB NOT NULL
);
CREATE INDEX evidence_heads_seq ON evidence_heads (seq);
CREATE TABLE result_removals (
  agent_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  removed_at INTEGER NOT NULL,
  report_id TEXT NOT NULL
);
CREATE INDEX result_removals_host_check ON result_removals (agent_id, check_id, removed_at);
CREATE INDEX reports_agent_observed ON reports (agent_id, observed_at);
)sql",
    // 3: report bodies (~20 KB each) in a rowid table, appended in arrival order. Keyed by (agent, report id)
    // they landed all over a WITHOUT ROWID B-tree, splitting and rewriting pages on every insert. New bodies
    // are stored zstd-compressed (encoding 'zstd', collector/store/body_codec.hpp); older rows stay 'json'. A covering
    // index for the fleet-wide status reads.
    R"sql(
CREATE TABLE reports_v3 (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  observed_at INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  body BLOB,
  encoding TEXT NOT NULL DEFAULT 'json' CHECK (encoding IN ('json', 'zstd'))
);
INSERT INTO reports_v3 (agent_id, report_id, received_at, observed_at, sha256, body)
  SELECT agent_id, report_id, received_at, observed_at, sha256, body FROM reports ORDER BY received_at;
DROP TABLE reports;
ALTER TABLE reports_v3 RENAME TO reports;
CREATE UNIQUE INDEX reports_agent_report ON reports (agent_id, report_id);
CREATE INDEX reports_received ON reports (received_at);
CREATE INDEX reports_agent_observed ON reports (agent_id, observed_at);
-- The fleet-wide reads (posture, per-host counts) scan this instead of rows that carry evidence and messages.
CREATE INDEX current_results_status ON current_results (agent_id, status, severity, since);
)sql",
    // 4: zstd dictionaries trained on the fleet's own reports (collector/store/body_codec.hpp). A compressed body names
    // its dictionary by id inside its frame, so reports keep their 'zstd' encoding.
    R"sql(
CREATE TABLE body_dictionaries (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  dictionary BLOB NOT NULL
);
)sql",
    // 5: the full report whose results are the host's state, which a short report (annexa.unchanged/1) names.
    R"sql(
ALTER TABLE agents ADD COLUMN last_full_report_id TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN last_full_report_at INTEGER;
)sql",
    // 6: security hardening (docs/security.md). Operators are certificates: one row per serial, so re-issuing keeps
    // the old serial (revoked) and the handshake goes on refusing it. Host identity: tokens may let an enrollment
    // through without a machine id or with one already enrolled (an admin's decision), and what an agent claims
    // that differs from its enrollment is recorded as an event instead of being applied silently.
    R"sql(
CREATE TABLE operators_v6 (
  cert_serial TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
INSERT INTO operators_v6 (cert_serial, name, role, created_at, revoked_at)
  SELECT cert_serial, name, role, created_at, revoked_at FROM operators;
DROP TABLE operators;
ALTER TABLE operators_v6 RENAME TO operators;
CREATE INDEX operators_name ON operators (name, created_at);
CREATE INDEX agents_machine_id ON agents (machine_id);
ALTER TABLE tokens ADD COLUMN allow_no_machine_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN allow_duplicate_machine_id INTEGER NOT NULL DEFAULT 0;
CREATE TABLE agent_events (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  claimed TEXT NOT NULL,
  recorded TEXT NOT NULL,
  report_id TEXT NOT NULL
);
CREATE INDEX agent_events_agent ON agent_events (agent_id, kind, claimed);
)sql",
};
static_assert(std::size(kMigrations) == kStoreSchemaVersion);

}  // namespace

void migrateStore(Database& db, int targetVersion) {
  auto version = db.prepare("PRAGMA user_version");
  version.step();
  const auto current = static_cast<int>(version.columnInt(0));
  version.reset();
  if (current > kStoreSchemaVersion)
    throw SqliteError("database schema version " + std::to_string(current) + " is newer than this collector (" +
                      std::to_string(kStoreSchemaVersion) + ")");
  for (int v = current; v < targetVersion; ++v) {
    Transaction tx(db);
    db.exec(kMigrations[v]);
    db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

}  // namespace annexa::collector
