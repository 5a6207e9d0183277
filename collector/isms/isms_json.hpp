// JSON for the ISMS registers: what the API serves, what the audit trail stores, and the parsing of writes.
// Writes are patches (fields present replace, absent keep) and accept the forms the API, the CLI and CSV
// import produce alike: numbers or numeric strings, true/false or yes/no, arrays or comma-separated lists,
// dates as YYYY-MM-DD or RFC 3339.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_model.hpp"

namespace annexa::collector::isms {

nlohmann::json toJson(const ManualEvidence& evidence);
nlohmann::json toJson(const SoaEntry& entry);
// `now` adds the state: scheduled | valid | expired | revoked, and days_left.
nlohmann::json toJson(const RiskAcceptance& exception, std::int64_t now);
nlohmann::json toJson(const Risk& risk);
nlohmann::json toJson(const NonConformity& nc, std::int64_t now);
nlohmann::json toJson(const Attestation& attestation);
nlohmann::json toJson(const AuditEntry& entry);

Result<SoaEntry> patchSoa(SoaEntry entry, const nlohmann::json& patch);
Result<Risk> patchRisk(Risk risk, const nlohmann::json& patch);
// A new exception; valid_from defaults to `now`.
Result<RiskAcceptance> exceptionFromJson(const nlohmann::json& body, std::int64_t now);
Result<NonConformity> patchNonConformity(NonConformity nc, const nlohmann::json& patch);
Result<NcTransition> transitionFromJson(const nlohmann::json& body);
Result<ManualEvidence> evidenceFromJson(const nlohmann::json& body);
// attested_at defaults to `now` and may not lie in the future.
Result<Attestation> attestationFromJson(const nlohmann::json& body, std::int64_t now);

// "2026-11-23" for a date stored as seconds.
std::string formatDay(std::int64_t unixSeconds);

}  // namespace annexa::collector::isms
