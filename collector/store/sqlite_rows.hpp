// Row readers shared by the SQLite store's translation units (current state, history, evidence log).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/body_codec.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/store.hpp"
#include "common/result.hpp"

namespace annexa::collector::rows {

std::optional<std::int64_t> optionalInt(const Statement& s, int i);

// Columns in this order: see kAgentColumns.
inline constexpr const char* kAgentColumns =
    "id, hostname, machine_id, os_id, os_version, os_name, kernel, agent_version, cert_serial, cert_not_after, "
    "enrolled_at, last_seen, interval_seconds, revoked_at, token_id";
AgentRecord readAgent(const Statement& s);

// agent_id, check_id, status, severity, at
StatusRow readStatusRow(const Statement& s);

// The dictionary with a given id (body_dictionaries), or null when there is none.
using DictionaryLookup = std::function<std::shared_ptr<const BodyDictionary>(std::uint32_t id)>;

// A report body as received, from its stored bytes and encoding columns (collector/store/body_codec.hpp). An error
// when a compressed body does not decompress: the row is damaged or was edited, or its dictionary is missing.
Result<std::string> readBody(const Statement& s, int bodyColumn, int encodingColumn, const DictionaryLookup& dictionaries);

// agent_id, check_id, title, status, severity, message, remediation, evidence, since, report_id; resets `q`.
std::vector<StoredResult> readResults(Statement& q);

}  // namespace annexa::collector::rows
