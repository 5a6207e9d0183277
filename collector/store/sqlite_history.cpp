#include "collector/store/sqlite_history.hpp"

#include "collector/store/sqlite_rows.hpp"

namespace annexa::collector::history_sql {
namespace {

// The latest change per (host, check) observed by ?1, unless the check was removed after it (and by ?1).
// Per host, changes are written in observed order (older redeliveries change nothing), so max(id) is the
// latest; SQLite takes the bare columns from that row.
// With `oneHost`, ?2 names the host (and the index on (agent_id, check_id, changed_at) narrows the scan).
std::string latestChangesSql(const char* columns, bool oneHost) {
  return std::string(R"sql(
WITH latest AS (
  SELECT agent_id, check_id, status, severity, evidence, changed_at, report_id, max(id) AS id
  FROM result_changes WHERE changed_at <= ?1)sql") + (oneHost ? " AND agent_id = ?2" : "") + R"sql(
  GROUP BY agent_id, check_id)
SELECT )sql" + columns + R"sql(
FROM latest l
LEFT JOIN current_results c ON c.agent_id = l.agent_id AND c.check_id = l.check_id
WHERE NOT EXISTS (SELECT 1 FROM result_removals r WHERE r.agent_id = l.agent_id AND r.check_id = l.check_id
                  AND r.removed_at >= l.changed_at AND r.removed_at <= ?1)
ORDER BY l.agent_id, l.check_id
)sql";
}

// As rows::readStatusRow and rows::readResults expect them.
constexpr const char* kStatusColumns = "l.agent_id, l.check_id, l.status, l.severity, l.changed_at";
constexpr const char* kResultColumns =
    "l.agent_id, l.check_id, coalesce(c.title, ''), l.status, l.severity, coalesce(c.message, ''), "
    "coalesce(c.remediation, ''), l.evidence, l.changed_at, l.report_id";

}  // namespace

void recordRemoval(Database& writer, const std::string& agentId, const std::string& checkId, std::int64_t removedAt,
                   const std::string& reportId) {
  writer.prepare("INSERT INTO result_removals (agent_id, check_id, removed_at, report_id) VALUES (?,?,?,?)")
      .bind(1, agentId).bind(2, checkId).bind(3, removedAt).bind(4, reportId).run();
}

std::vector<AgentRecord> agentsAt(Database& db, std::int64_t t) {
  auto q = db.prepare(std::string("SELECT ") + rows::kAgentColumns + ", "
                      "(SELECT max(observed_at) FROM reports r WHERE r.agent_id = agents.id AND r.observed_at <= ?1) "
                      "FROM agents WHERE enrolled_at <= ?1 ORDER BY id");
  q.bind(1, t);
  std::vector<AgentRecord> out;
  while (q.step()) {
    auto agent = rows::readAgent(q);
    agent.lastSeen = rows::optionalInt(q, 15);
    if (agent.revokedAt && *agent.revokedAt > t) agent.revokedAt.reset();
    out.push_back(std::move(agent));
  }
  return out;
}

std::vector<StatusRow> statusesAt(Database& db, std::int64_t t) {
  auto q = db.prepare(latestChangesSql(kStatusColumns, false));
  q.bind(1, t);
  std::vector<StatusRow> out;
  while (q.step()) out.push_back(rows::readStatusRow(q));
  return out;
}

std::vector<StoredResult> resultsAt(Database& db, std::int64_t t, const std::optional<std::string>& agentId) {
  auto q = db.prepare(latestChangesSql(kResultColumns, agentId.has_value()));
  q.bind(1, t);
  if (agentId) q.bind(2, *agentId);
  return rows::readResults(q);
}

}  // namespace annexa::collector::history_sql
