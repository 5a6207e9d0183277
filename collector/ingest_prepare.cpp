// The per-report work that does not need the database, done on the network thread (see PreparedReport).
#include "collector/body_codec.hpp"
#include "collector/evidence_log.hpp"
#include "collector/store.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"

namespace annexa::collector {
namespace {

// canonicalDump of the evidence as JSON (an array of toJson(Evidence)), written without building the document.
std::string evidenceText(const std::vector<Evidence>& evidence) {
  std::string out = "[";
  for (const auto& e : evidence) {
    if (out.size() > 1) out += ',';
    out += R"({"expected":)";
    appendJsonString(out, e.expected);
    out += R"(,"observed":)";
    appendJsonString(out, e.observed);
    out += R"(,"source":)";
    appendJsonString(out, e.source);
    out += '}';
  }
  out += ']';
  return out;
}

// What counts as a change: status, severity or any observed evidence. Messages may reword freely.
std::string resultDigest(const CheckResult& r, const std::string& evidence) {
  return sha256Hex(std::string(toString(r.status)) + '\n' + std::string(toString(r.severity)) + '\n' + evidence);
}

}  // namespace

PreparedReport prepareReport(const Report& report, std::string_view rawBody, std::string canonicalSha256,
                             bool bodyIsCanonical, const BodyDictionary* dictionary) {
  PreparedReport p;
  const bool canonicalKnown = !canonicalSha256.empty();
  p.reportSha256 = canonicalKnown ? std::move(canonicalSha256) : evidenceReportSha256(rawBody);
  p.bodySha256 = canonicalKnown && bodyIsCanonical ? p.reportSha256 : sha256Hex(rawBody);
  p.storedBody = compressBody(rawBody, dictionary);
  const auto& results = report.results;
  p.evidence.reserve(results.size());
  p.digests.reserve(results.size());
  std::string allDigests;
  for (const auto& r : results) {
    p.evidence.push_back(evidenceText(r.evidence));
    p.digests.push_back(resultDigest(r, p.evidence.back()));
    allDigests += r.check + '=' + p.digests.back() + '\n';
  }
  p.resultsDigest = sha256Hex(allDigests);
  return p;
}

}  // namespace annexa::collector
