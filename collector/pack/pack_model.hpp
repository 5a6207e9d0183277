// The audit evidence pack as plain data: everything one export contains, gathered from the store beforehand.
// The writers (pack_writers.hpp) are pure functions of it, so a pack can be rebuilt byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/isms/isms_model.hpp"
#include "collector/isms/management_review.hpp"
#include "collector/pack/export_request.hpp"
#include "collector/posture/posture.hpp"
#include "common/model.hpp"

namespace annexa::collector::pack {

struct PackHost {
  std::string agentId;
  std::string hostname;
  std::string os;  // pretty name, e.g. "Debian GNU/Linux 12 (bookworm)"
  std::optional<std::int64_t> lastSeen;
  bool stale = false;
};

// One check on one host as it stood at the posture instant: the agent's result (CheckResult::check is the id)
// and where it came from.
struct PackResult {
  std::string agentId;
  CheckResult result;
  std::int64_t observedAt = 0;  // the report that carried it
  std::int64_t since = 0;       // first observed with this status
  std::string reportId;
  std::string reportSha256;  // of the raw report body kept as evidence
};

// A head of the evidence log as the collector signed it (docs/evidence.md, "annexa.evidence-head/1").
struct SignedLogHead {
  std::int64_t seq = 0;
  std::string hash;  // entry_hash at seq
  std::int64_t signedAt = 0;
  std::string signerFingerprint;  // "SHA256:…" of the certificate that signed it
  std::string signatureBase64;    // DER ECDSA-SHA256
};

// The stretch of the hash-chained evidence log the pack covers.
struct EvidenceLogRange {
  std::int64_t firstSeq = 0;
  std::int64_t lastSeq = 0;
  std::string headHash;  // hash of entry lastSeq
  std::optional<SignedLogHead> signedHead;
};

struct CollectorIdentity {
  std::string certificatePem;
  std::string caCertificatePem;
  std::string caFingerprint;  // "SHA256:…"
};

struct PackData {
  std::int64_t generatedAt = 0;
  std::int64_t periodFrom = 0;
  std::int64_t periodTo = 0;
  std::int64_t at = 0;  // the instant the posture, results and exception validity describe
  std::string scope;    // the scope / host filter as the operator gave it; empty: the whole fleet
  CollectorIdentity collector;
  std::vector<PackHost> hosts;
  std::vector<PackResult> results;  // host × check at `at`
  FleetPosture posture;             // all 93 controls (ControlPosture::checks = the mapped checks)
  std::vector<isms::SoaEntry> soa;
  std::vector<isms::RiskAcceptance> exceptions;  // all; validity at `at` is computed by the writers
  std::vector<isms::RiskStatus> risks;           // with whether the treatment works at `at`
  std::vector<isms::NonConformity> nonConformities;
  int readinessScore = 0;              // n / 27; the band follows from isms::readinessBand
  std::vector<DailyPostureRow> daily;  // posture_daily over the period: each control's status each day
  EvidenceLogRange evidenceLog;
};

// Progress of a long write: stage (a file name), done of total steps.
using PackProgress = ExportProgress;

// Lookups the writers share, built once per write.
struct PackIndex {
  explicit PackIndex(const PackData& data);
  std::map<std::string, const PackHost*, std::less<>> hostById;
  std::map<std::string, std::vector<const PackResult*>, std::less<>> resultsByCheck;
  std::map<std::string, const isms::SoaEntry*, std::less<>> soaByControl;

  std::string_view hostname(std::string_view agentId) const;
  bool stale(std::string_view agentId) const;  // silent at the posture instant: its results are its last known
  bool applicable(std::string_view controlId) const;  // per the SoA; a control without a row counts as applicable
};

// A name-based UUID (RFC 4122 layout, version 5 nibble) from the SHA-256 of `name`: stable across exports.
std::string nameUuid(std::string_view name);

}  // namespace annexa::collector::pack
