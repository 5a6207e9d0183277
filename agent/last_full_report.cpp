#include "agent/last_full_report.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "agent/spool.hpp"
#include "common/text_file.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/result_digest.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

std::optional<LastFullReport> load(const fs::path& file) {
  auto content = readTextFile(file, 64 * 1024);
  if (!content) return std::nullopt;
  auto j = parseJson(*content);
  if (!j || !j->is_object()) return std::nullopt;
  const auto text = [&](const char* key) {
    const auto it = j->find(key);
    return it != j->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  LastFullReport last{text("report_id"), text("results_digest"), text("started_at"), text("agent_version")};
  if (last.reportId.empty() || !isResultsDigest(last.resultsDigest) || !parseRfc3339(last.startedAt)) return std::nullopt;
  return last;
}

bool mayStandFor(const Report& report, const std::string& digest, const LastFullReport& last) {
  const auto started = parseRfc3339(report.startedAt);
  const auto lastStarted = parseRfc3339(last.startedAt);
  return report.reportId != last.reportId && digest == last.resultsDigest && report.agentVersion == last.agentVersion &&
         started && lastStarted && *started >= *lastStarted && *started < *lastStarted + kFullReportEverySeconds;
}

}  // namespace

LastFullReportFile::LastFullReportFile(fs::path file) : file_(std::move(file)) {
  if (enabled()) current_ = load(file_);
}

void LastFullReportFile::remember(LastFullReport report) {
  if (!enabled()) return;
  const nlohmann::json j = {{"report_id", report.reportId},
                            {"results_digest", report.resultsDigest},
                            {"started_at", report.startedAt},
                            {"agent_version", report.agentVersion}};
  if (!writeFileDurably(file_, j.dump(2) + "\n", 0600)) return forget();
  current_ = std::move(report);
}

void LastFullReportFile::forget() {
  current_.reset();
  std::error_code ec;
  if (enabled()) fs::remove(file_, ec);
}

DeliveryForms deliveryForms(const std::string& body, const std::optional<LastFullReport>& remembered) {
  auto report = parseReport(body);
  if (!report || report->unchangedSince) return {};  // the collector judges what we cannot read
  DeliveryForms forms;
  auto digest = digestResults(report->results).resultsDigest;
  forms.full = LastFullReport{report->reportId, digest, report->startedAt, report->agentVersion};
  if (remembered && mayStandFor(*report, digest, *remembered)) {
    report->results.clear();
    report->unchangedSince = UnchangedSince{remembered->reportId, std::move(digest)};
    forms.unchangedBody = toJson(*report).dump();
  }
  return forms;
}

}  // namespace annexa::agent
