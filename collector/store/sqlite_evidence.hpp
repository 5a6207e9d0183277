// The evidence log's SQL (tables evidence_log, evidence_heads; docs/evidence.md), used by the SQLite store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/sqlite.hpp"
#include "collector/store/sqlite_rows.hpp"
#include "collector/store/store.hpp"

namespace annexa::collector::evidence_sql {

// Appends the next entry (head seq + 1, linked to the head). Call inside the writer's transaction, so a
// report and its entry commit together and one writer keeps the chain gap-free.
void append(Database& writer, const std::string& agentId, const std::string& reportId, std::int64_t receivedAt,
            const std::string& reportSha256);

std::optional<EvidenceEntry> head(Database& db);
std::vector<EvidenceRecord> records(Database& db, std::int64_t afterSeq, int limit, const rows::DictionaryLookup& dictionaries);
std::vector<EvidenceEntry> entriesReceived(Database& db, std::int64_t from, std::int64_t to);
std::optional<EvidenceRange> rangeReceived(Database& db, std::int64_t from, std::int64_t to);

void addSignedHead(Database& writer, const SignedHead& head);
std::optional<SignedHead> latestSignedHead(Database& db);
std::vector<SignedHead> signedHeads(Database& db);

}  // namespace annexa::collector::evidence_sql
