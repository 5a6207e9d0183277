#include "collector/store/evidence_chain.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/pki.hpp"

namespace annexa::collector {
namespace {

void appendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '\n';
}

}  // namespace

std::string evidenceReportSha256(std::string_view body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  // nlohmann's objects are ordered maps: dump() (and canonicalDump) write keys sorted, without whitespace.
  return parsed.is_discarded() ? sha256Hex(body) : canonicalReportSha256(parsed);
}

std::string canonicalReportSha256(const nlohmann::json& report) { return sha256Hex(canonicalDump(report)); }

std::string evidenceEntryHash(const EvidenceEntry& e) {
  std::string encoded = "annexa.evidence/1\n";
  appendField(encoded, std::to_string(e.seq));
  appendField(encoded, e.agentId);
  appendField(encoded, e.reportId);
  appendField(encoded, std::to_string(e.receivedAt));
  appendField(encoded, e.reportSha256);
  appendField(encoded, e.prevHash);
  return sha256Hex(encoded);
}

std::string evidenceHeadSigningString(std::int64_t seq, const std::string& entryHash, std::int64_t signedAt) {
  return "annexa.evidence-head/1\n" + std::to_string(seq) + "\n" + entryHash + "\n" + formatRfc3339(signedAt);
}

Result<SignedHead> signEvidenceHead(EVP_PKEY* key, const std::string& signerFingerprint, const EvidenceEntry& head,
                                    std::int64_t signedAt) {
  auto signature = pki::signSha256(key, evidenceHeadSigningString(head.seq, head.entryHash, signedAt));
  if (!signature) return makeError("signing the evidence head: " + signature.error());
  return SignedHead{head.seq, head.entryHash, signedAt, signerFingerprint, std::move(*signature)};
}

}  // namespace annexa::collector
