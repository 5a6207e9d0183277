// The fleet at a past instant, rebuilt from history (result_changes, result_removals, reports, agents).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/sqlite.hpp"
#include "collector/store/store.hpp"

namespace annexa::collector::history_sql {

// A check the host no longer reports leaves current_results; this keeps the past exact (writer only).
void recordRemoval(Database& writer, const std::string& agentId, const std::string& checkId, std::int64_t removedAt,
                   const std::string& reportId);

std::vector<AgentRecord> agentsAt(Database& db, std::int64_t t);
std::vector<StatusRow> statusesAt(Database& db, std::int64_t t);
std::vector<StoredResult> resultsAt(Database& db, std::int64_t t, const std::optional<std::string>& agentId);

}  // namespace annexa::collector::history_sql
