// The evidence log's encodings (docs/evidence.md): the canonical report hash, the entry hash that chains
// entries, and the string a signed head covers. Pure functions; the SQL lives in sqlite_evidence.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "collector/store/store.hpp"
#include "common/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace annexa::collector {

// The agent_id of entries that chain an ISMS evidence item (a document version, its retirement, a record) instead
// of a report; agent ids are UUIDs, so it cannot collide. Their report_id says which item ("document/12").
inline constexpr std::string_view kIsmsEvidenceAgent = "annexa:isms";

// prev_hash of entry 1.
inline const std::string kEvidenceGenesisHash(64, '0');

// SHA-256 (hex) of the report re-serialised compactly with sorted keys, so whitespace and key order on the
// wire do not matter. A body that is not JSON (never accepted by the API) hashes as its raw bytes.
std::string evidenceReportSha256(std::string_view body);
// The same for a report already parsed (the collector parses each body once).
std::string canonicalReportSha256(const nlohmann::json& report);

// SHA-256 (hex) of "annexa.evidence/1\n" followed by each field as "<byte length>:<bytes>\n", in the order
// seq, agent_id, report_id, received_at, report_sha256, prev_hash (integers in decimal).
std::string evidenceEntryHash(const EvidenceEntry& entry);

// "annexa.evidence-head/1\n<seq>\n<entry_hash>\n<signed_at as RFC 3339 UTC>", no trailing newline.
std::string evidenceHeadSigningString(std::int64_t seq, const std::string& entryHash, std::int64_t signedAt);

// Signs the head `head` at `signedAt` with the server key.
Result<SignedHead> signEvidenceHead(EVP_PKEY* key, const std::string& signerFingerprint, const EvidenceEntry& head,
                                    std::int64_t signedAt);

}  // namespace annexa::collector
