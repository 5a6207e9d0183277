// A received report body, read once: the typed report and the canonical hash that the evidence log chains.
#pragma once

#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/model.hpp"
#include "common/result.hpp"

namespace annexa::collector {

struct ReceivedReport {
  Report report;
  std::string canonicalSha256;  // SHA-256 of canonicalDump(document): what evidenceReportSha256(body) computes
  bool bodyIsCanonical = false;  // the body is byte for byte that canonical text (agents send it so)
};

// simdjson reads the common case at several times nlohmann's speed. nlohmann reads what only it can render
// canonically (floats, repeated keys) and words every syntax error. Either way the report, the hash and the error
// are the ones nlohmann alone would give.
Result<ReceivedReport> readReceivedReport(std::string_view body, int maxDepth = kDefaultMaxJsonDepth);

}  // namespace annexa::collector
