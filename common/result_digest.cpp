#include "common/result_digest.hpp"

#include <algorithm>

#include "common/digest.hpp"
#include "common/json.hpp"

namespace annexa {

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

std::string resultDigest(const CheckResult& result, std::string_view evidenceText) {
  std::string text;
  text.reserve(evidenceText.size() + 24);
  text.append(toString(result.status)).append(1, '\n').append(toString(result.severity)).append(1, '\n');
  text.append(evidenceText);
  return sha256Hex(text);
}

ResultDigests digestResults(const std::vector<CheckResult>& results) {
  ResultDigests d;
  d.evidence.reserve(results.size());
  d.digests.reserve(results.size());
  std::string lines;
  for (const auto& r : results) {
    d.evidence.push_back(evidenceText(r.evidence));
    d.digests.push_back(resultDigest(r, d.evidence.back()));
    lines.append(r.check).append(1, '=').append(d.digests.back()).append(1, '\n');
  }
  d.resultsDigest = sha256Hex(lines);
  return d;
}

bool isResultsDigest(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace annexa
