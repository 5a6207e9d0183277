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

// Limits on what an agent may send, checked at enrollment and on every report. A value over its limit is refused
// (400), never cut: a cut value would be stored as if the agent had said it, and the report's hash and results
// digest are over what it did say. Real hosts stay far below these (a DNS name is at most 253 characters).
struct FieldLimits {
  static constexpr std::size_t kHostname = 253;
  static constexpr std::size_t kMachineId = 64;
  static constexpr std::size_t kOsField = 256;      // os.id, os.version, os.pretty_name
  static constexpr std::size_t kKernel = 256;
  static constexpr std::size_t kAgentField = 64;    // agent.id, agent.version, started_at
  static constexpr std::size_t kResults = 4096;
  static constexpr std::size_t kTitle = 512;
  static constexpr std::size_t kMessage = 8192;     // message, remediation
  static constexpr std::size_t kControls = 64;      // per result, each an Annex A id
  static constexpr std::size_t kControlId = 16;
  static constexpr std::size_t kEvidenceItems = 256;
  static constexpr std::size_t kEvidenceField = 16384;  // source, observed, expected
};
VoidResult checkHostLimits(const HostInfo& host);
VoidResult checkReportLimits(const Report& report);

// simdjson reads the common case at several times nlohmann's speed. nlohmann reads what only it can render
// canonically (floats, repeated keys) and words every syntax error. Either way the report, the hash and the error
// are the ones nlohmann alone would give.
Result<ReceivedReport> readReceivedReport(std::string_view body, int maxDepth = kDefaultMaxJsonDepth);

}  // namespace annexa::collector
