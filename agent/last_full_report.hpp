// The agent's memory of the last full report the collector acknowledged (STATE/last-full-report.json), and the
// rule for when a later report may go as "unchanged since" it (annexa.unchanged/1, docs/unchanged-reports.md).
// The memory is only an optimisation: when it is missing, unreadable or stale, the agent sends full reports.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/model.hpp"

namespace annexa::agent {

struct LastFullReport {
  std::string reportId;
  std::string resultsDigest;  // digestResults over its results, as the collector computes it
  std::string startedAt;
  std::string agentVersion;
};

// The file, loaded once; an empty path keeps no memory at all (every report goes in full).
class LastFullReportFile {
 public:
  explicit LastFullReportFile(std::filesystem::path file);

  bool enabled() const { return !file_.empty(); }
  const std::optional<LastFullReport>& current() const { return current_; }
  // If it cannot be written, forgets instead: an older memory left behind would only cost a 409.
  void remember(LastFullReport report);
  void forget();

 private:
  std::filesystem::path file_;
  std::optional<LastFullReport> current_;
};

// A spooled body as delivery sees it.
struct DeliveryForms {
  std::optional<LastFullReport> full;        // set when the body is a full report: what to remember once taken
  std::optional<std::string> unchangedBody;  // set when the short form may stand for it
};

// The short form may stand for a full report when its results digest and agent version are those of `remembered`
// and it started at or after it, less than kFullReportEverySeconds later (a full report at least once a day).
DeliveryForms deliveryForms(const std::string& body, const std::optional<LastFullReport>& remembered);

}  // namespace annexa::agent
