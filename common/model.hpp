// The report schema shared by agent, collector and dashboard: annexa.report/1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"

namespace annexa {

inline constexpr std::string_view kReportSchema = "annexa.report/1";
// A short report: this run's results are exactly those of an earlier full report (docs/unchanged-reports.md).
inline constexpr std::string_view kUnchangedSchema = "annexa.unchanged/1";
// An agent sends a full report at least this often, so evidence never rests on a reference far back; the
// collector refuses a short report observed further than kUnchangedLongestSeconds after the report it names.
inline constexpr std::int64_t kFullReportEverySeconds = 24 * 3600;
inline constexpr std::int64_t kUnchangedLongestSeconds = 48 * 3600;

enum class CheckStatus { Pass, Fail, NotApplicable, Error };
enum class Severity { Low, Medium, High, Critical };

std::string_view toString(CheckStatus status);
std::string_view toString(Severity severity);
std::optional<CheckStatus> parseCheckStatus(std::string_view text);
std::optional<Severity> parseSeverity(std::string_view text);

// One thing the check looked at: where, what it saw, what it wanted to see.
struct Evidence {
  std::string source;
  std::string observed;
  std::string expected;
  bool operator==(const Evidence&) const = default;
};

struct CheckResult {
  std::string check;
  std::string title;
  CheckStatus status = CheckStatus::Error;
  Severity severity = Severity::Medium;
  std::vector<std::string> controls;
  std::vector<Evidence> evidence;
  std::string message;
  std::string remediation;
};

struct OsInfo {
  std::string id;
  std::string version;
  std::string prettyName;
};

struct HostInfo {
  std::string hostname;
  OsInfo os;
  std::string kernel;
  std::string machineId;
};

// What a short report confirms: the host's last full report the collector took, and the digest of its results
// (common/result_digest.hpp) that this run reproduced.
struct UnchangedSince {
  std::string reportId;
  std::string resultsDigest;
  bool operator==(const UnchangedSince&) const = default;
};

struct Report {
  std::string reportId;
  std::string agentVersion;
  std::string agentId;  // set by enrolled agents; the collector checks it against the client certificate
  HostInfo host;
  std::string startedAt;  // RFC 3339 UTC
  std::int64_t durationMs = 0;
  std::uint64_t droppedReports = 0;  // reports the agent's spool had to drop since the last delivery
  std::vector<CheckResult> results;
  // Set: an annexa.unchanged/1 report, with no results of its own; else an annexa.report/1 one. The schema is
  // derived from it, so the two can never disagree.
  std::optional<UnchangedSince> unchangedSince;
};

nlohmann::json toJson(const Evidence& evidence);
nlohmann::json toJson(const CheckResult& result);
nlohmann::json toJson(const HostInfo& host);
nlohmann::json toJson(const Report& report);

Result<Report> reportFromJson(const nlohmann::json& j);
// Parses and validates raw bytes (depth-limited, size-limited by the caller).
Result<Report> parseReport(std::string_view body);
// The report a stored annexa.unchanged/1 body names (its same_as; empty when it names none); nothing for a body of
// any other kind, readable or not. Only a body that mentions the short schema is parsed: a full one costs a scan.
std::optional<std::string> unchangedReference(std::string_view body);

}  // namespace annexa
