#include "common/model.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json.hpp"

namespace annexa {
namespace {

constexpr std::array<std::pair<CheckStatus, std::string_view>, 4> kStatusNames{{
    {CheckStatus::Pass, "pass"},
    {CheckStatus::Fail, "fail"},
    {CheckStatus::NotApplicable, "not_applicable"},
    {CheckStatus::Error, "error"},
}};
constexpr std::array<std::pair<Severity, std::string_view>, 4> kSeverityNames{{
    {Severity::Low, "low"},
    {Severity::Medium, "medium"},
    {Severity::High, "high"},
    {Severity::Critical, "critical"},
}};

// Field readers that turn a type mismatch into a message naming the field.
Result<std::string> requireString(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return makeError(where + ": \"" + key + "\" must be a string");
  return it->get<std::string>();
}

std::string optionalString(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

}  // namespace

std::string_view toString(CheckStatus status) {
  for (const auto& [value, name] : kStatusNames)
    if (value == status) return name;
  return "error";
}

std::string_view toString(Severity severity) {
  for (const auto& [value, name] : kSeverityNames)
    if (value == severity) return name;
  return "medium";
}

std::optional<CheckStatus> parseCheckStatus(std::string_view text) {
  for (const auto& [value, name] : kStatusNames)
    if (name == text) return value;
  return std::nullopt;
}

std::optional<Severity> parseSeverity(std::string_view text) {
  for (const auto& [value, name] : kSeverityNames)
    if (name == text) return value;
  return std::nullopt;
}

nlohmann::json toJson(const Evidence& evidence) {
  return {{"source", evidence.source}, {"observed", evidence.observed}, {"expected", evidence.expected}};
}

nlohmann::json toJson(const CheckResult& result) {
  auto evidence = nlohmann::json::array();
  for (const auto& e : result.evidence) evidence.push_back(toJson(e));
  return {{"check", result.check},
          {"title", result.title},
          {"status", toString(result.status)},
          {"severity", toString(result.severity)},
          {"controls", result.controls},
          {"evidence", std::move(evidence)},
          {"message", result.message},
          {"remediation", result.remediation}};
}

nlohmann::json toJson(const HostInfo& host) {
  return {{"hostname", host.hostname},
          {"os", {{"id", host.os.id}, {"version", host.os.version}, {"pretty_name", host.os.prettyName}}},
          {"kernel", host.kernel},
          {"machine_id", host.machineId}};
}

nlohmann::json toJson(const Report& report) {
  auto results = nlohmann::json::array();
  for (const auto& r : report.results) results.push_back(toJson(r));
  nlohmann::json j = {{"schema", report.schema},
                      {"report_id", report.reportId},
                      {"agent", {{"version", report.agentVersion}}},
                      {"host", toJson(report.host)},
                      {"started_at", report.startedAt},
                      {"duration_ms", report.durationMs},
                      {"results", std::move(results)}};
  if (!report.agentId.empty()) j["agent"]["id"] = report.agentId;
  if (report.droppedReports > 0) j["dropped_reports"] = report.droppedReports;
  return j;
}

Result<CheckResult> checkResultFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return makeError("result must be an object");
  CheckResult r;
  auto check = requireString(j, "check", "result");
  if (!check) return makeError(check.error());
  r.check = std::move(*check);
  if (r.check.empty() || r.check.size() > 128) return makeError("result: \"check\" must be 1-128 characters");
  const std::string where = "result " + r.check;

  auto status = requireString(j, "status", where);
  if (!status) return makeError(status.error());
  const auto parsedStatus = parseCheckStatus(*status);
  if (!parsedStatus) return makeError(where + ": unknown status \"" + *status + "\"");
  r.status = *parsedStatus;

  auto severity = requireString(j, "severity", where);
  if (!severity) return makeError(severity.error());
  const auto parsedSeverity = parseSeverity(*severity);
  if (!parsedSeverity) return makeError(where + ": unknown severity \"" + *severity + "\"");
  r.severity = *parsedSeverity;

  r.title = optionalString(j, "title");
  r.message = optionalString(j, "message");
  r.remediation = optionalString(j, "remediation");

  if (const auto it = j.find("controls"); it != j.end()) {
    if (!it->is_array()) return makeError(where + ": \"controls\" must be an array");
    for (const auto& c : *it) {
      if (!c.is_string()) return makeError(where + ": controls must be strings");
      r.controls.push_back(c.get<std::string>());
    }
  }
  if (const auto it = j.find("evidence"); it != j.end()) {
    if (!it->is_array()) return makeError(where + ": \"evidence\" must be an array");
    for (const auto& e : *it) {
      if (!e.is_object()) return makeError(where + ": evidence entries must be objects");
      r.evidence.push_back({optionalString(e, "source"), optionalString(e, "observed"), optionalString(e, "expected")});
    }
  }
  return r;
}

Result<Report> reportFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return makeError("report must be a JSON object");
  Report report;
  auto schema = requireString(j, "schema", "report");
  if (!schema) return makeError(schema.error());
  if (*schema != kReportSchema) return makeError("unsupported report schema \"" + *schema + "\"");

  auto id = requireString(j, "report_id", "report");
  if (!id) return makeError(id.error());
  if (id->empty() || id->size() > 64) return makeError("report: \"report_id\" must be 1-64 characters");
  report.reportId = std::move(*id);

  auto started = requireString(j, "started_at", "report");
  if (!started) return makeError(started.error());
  report.startedAt = std::move(*started);

  if (const auto agent = j.find("agent"); agent != j.end() && agent->is_object())
  {
    report.agentVersion = optionalString(*agent, "version");
    report.agentId = optionalString(*agent, "id");
  }

  const auto host = j.find("host");
  if (host == j.end() || !host->is_object()) return makeError("report: \"host\" must be an object");
  report.host.hostname = optionalString(*host, "hostname");
  report.host.kernel = optionalString(*host, "kernel");
  report.host.machineId = optionalString(*host, "machine_id");
  if (const auto os = host->find("os"); os != host->end() && os->is_object()) {
    report.host.os = {optionalString(*os, "id"), optionalString(*os, "version"), optionalString(*os, "pretty_name")};
  }

  if (const auto d = j.find("duration_ms"); d != j.end() && d->is_number_integer()) report.durationMs = d->get<std::int64_t>();
  if (const auto d = j.find("dropped_reports"); d != j.end() && d->is_number_unsigned())
    report.droppedReports = d->get<std::uint64_t>();

  const auto results = j.find("results");
  if (results == j.end() || !results->is_array()) return makeError("report: \"results\" must be an array");
  report.results.reserve(results->size());
  for (const auto& item : *results) {
    auto r = checkResultFromJson(item);
    if (!r) return makeError(r.error());
    report.results.push_back(std::move(*r));
  }
  return report;
}

Result<Report> parseReport(std::string_view body) {
  auto parsed = parseJson(body);
  if (!parsed) return makeError(parsed.error());
  return reportFromJson(*parsed);
}

}  // namespace annexa
