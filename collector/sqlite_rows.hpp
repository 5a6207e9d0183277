// Row readers shared by the SQLite store's translation units (current state, history, evidence log).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "collector/sqlite.hpp"
#include "collector/store.hpp"

namespace annexa::collector::rows {

std::optional<std::int64_t> optionalInt(const Statement& s, int i);

// Columns in this order: see kAgentColumns.
inline constexpr const char* kAgentColumns =
    "id, hostname, machine_id, os_id, os_version, os_name, kernel, agent_version, cert_serial, cert_not_after, "
    "enrolled_at, last_seen, interval_seconds, revoked_at, token_id";
AgentRecord readAgent(const Statement& s);

// agent_id, check_id, status, severity, at
StatusRow readStatusRow(const Statement& s);

// agent_id, check_id, title, status, severity, message, remediation, evidence, since, report_id; resets `q`.
std::vector<StoredResult> readResults(Statement& q);

}  // namespace annexa::collector::rows
