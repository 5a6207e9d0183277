// The per-report work that does not need the database, done on the network thread (see PreparedReport).
#include "collector/store/body_codec.hpp"
#include "collector/store/evidence_chain.hpp"
#include "collector/store/store.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/result_digest.hpp"

namespace annexa::collector {

PreparedReport prepareReport(const Report& report, std::string_view rawBody, std::string canonicalSha256,
                             bool bodyIsCanonical, const BodyDictionary* dictionary) {
  PreparedReport p;
  const bool canonicalKnown = !canonicalSha256.empty();
  p.reportSha256 = canonicalKnown ? std::move(canonicalSha256) : evidenceReportSha256(rawBody);
  p.bodySha256 = canonicalKnown && bodyIsCanonical ? p.reportSha256 : sha256Hex(rawBody);
  p.storedBody = compressBody(rawBody, dictionary);
  // A short report has no results: it carries the digest of those it confirms, checked against the stored one.
  if (report.unchangedSince) {
    p.resultsDigest = report.unchangedSince->resultsDigest;
    return p;
  }
  auto digests = digestResults(report.results);
  p.evidence = std::move(digests.evidence);
  p.digests = std::move(digests.digests);
  p.resultsDigest = std::move(digests.resultsDigest);
  return p;
}

}  // namespace annexa::collector
