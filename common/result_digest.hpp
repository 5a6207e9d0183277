// What counts as a change in a host's results, computed the same way by the agent (to know when it may send only
// "unchanged since", docs/unchanged-reports.md) and by the collector (to store a heartbeat instead of rows).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/model.hpp"

namespace annexa {

// A result's evidence as the canonical JSON array of {expected, observed, source}, written without a DOM.
std::string evidenceText(const std::vector<Evidence>& evidence);

// Status, severity and every piece of evidence count; title, message and remediation may reword freely.
std::string resultDigest(const CheckResult& result, std::string_view evidenceText);

struct ResultDigests {
  std::vector<std::string> evidence;  // per result: evidenceText
  std::vector<std::string> digests;   // per result: resultDigest
  std::string resultsDigest;          // over every check and its digest, in report order
};

ResultDigests digestResults(const std::vector<CheckResult>& results);

// A results digest as the collector stores it: 64 lower-case hex digits.
bool isResultsDigest(std::string_view text);

}  // namespace annexa
