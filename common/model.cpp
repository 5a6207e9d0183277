#include "common/model.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json.hpp"
#include "common/report_reader.hpp"
#include "common/text.hpp"

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

// report_reader's view of a nlohmann document.
class NlohmannNode {
 public:
  explicit NlohmannNode(const nlohmann::json& j) : j_(&j) {}
  bool isObject() const { return j_->is_object(); }
  bool isArray() const { return j_->is_array(); }
  bool isString() const { return j_->is_string(); }
  std::optional<NlohmannNode> find(const char* key) const {
    const auto it = j_->find(key);
    return it == j_->end() ? std::nullopt : std::optional(NlohmannNode(*it));
  }
  std::string text() const { return j_->get<std::string>(); }
  std::optional<std::int64_t> integer() const {
    return j_->is_number_integer() ? std::optional(j_->get<std::int64_t>()) : std::nullopt;
  }
  std::optional<std::uint64_t> unsignedInteger() const {
    return j_->is_number_unsigned() ? std::optional(j_->get<std::uint64_t>()) : std::nullopt;
  }
  std::size_t size() const { return j_->size(); }
  template <class F>
  void forEach(F&& f) const {
    for (const auto& element : *j_)
      if (!f(NlohmannNode(element))) return;
  }

 private:
  const nlohmann::json* j_;
};

// Strings in a report come from the audited system (file contents, paths, host names): JSON cannot carry bytes
// that are not UTF-8, so they are written as "\\xNN" text rather than failing the whole document.
std::string utf8(const std::string& s) { return text::escapeInvalidUtf8(s); }

nlohmann::json utf8(const std::vector<std::string>& list) {
  auto out = nlohmann::json::array();
  for (const auto& s : list) out.push_back(utf8(s));
  return out;
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
  return {{"source", utf8(evidence.source)}, {"observed", utf8(evidence.observed)}, {"expected", utf8(evidence.expected)}};
}

nlohmann::json toJson(const CheckResult& result) {
  auto evidence = nlohmann::json::array();
  for (const auto& e : result.evidence) evidence.push_back(toJson(e));
  return {{"check", utf8(result.check)},
          {"title", utf8(result.title)},
          {"status", toString(result.status)},
          {"severity", toString(result.severity)},
          {"controls", utf8(result.controls)},
          {"evidence", std::move(evidence)},
          {"message", utf8(result.message)},
          {"remediation", utf8(result.remediation)}};
}

nlohmann::json toJson(const HostInfo& host) {
  return {{"hostname", utf8(host.hostname)},
          {"os", {{"id", utf8(host.os.id)}, {"version", utf8(host.os.version)}, {"pretty_name", utf8(host.os.prettyName)}}},
          {"kernel", utf8(host.kernel)},
          {"machine_id", utf8(host.machineId)}};
}

nlohmann::json toJson(const Report& report) {
  nlohmann::json j = {{"schema", report.unchangedSince ? kUnchangedSchema : kReportSchema},
                      {"report_id", utf8(report.reportId)},
                      {"agent", {{"version", utf8(report.agentVersion)}}},
                      {"host", toJson(report.host)},
                      {"started_at", utf8(report.startedAt)},
                      {"duration_ms", report.durationMs}};
  if (report.unchangedSince) {
    j["same_as"] = utf8(report.unchangedSince->reportId);
    j["results_digest"] = utf8(report.unchangedSince->resultsDigest);
  } else {
    auto results = nlohmann::json::array();
    for (const auto& r : report.results) results.push_back(toJson(r));
    j["results"] = std::move(results);
  }
  if (!report.agentId.empty()) j["agent"]["id"] = utf8(report.agentId);
  if (report.droppedReports > 0) j["dropped_reports"] = report.droppedReports;
  return j;
}

Result<Report> reportFromJson(const nlohmann::json& j) { return report_reader::readReport(NlohmannNode(j)); }

Result<Report> parseReport(std::string_view body) {
  auto parsed = parseJson(body);
  if (!parsed) return makeError(parsed.error());
  return reportFromJson(*parsed);
}

std::optional<std::string> unchangedReference(std::string_view body) {
  if (body.find(kUnchangedSchema) == std::string_view::npos) return std::nullopt;
  const auto j = parseJson(body);
  if (!j || !j->is_object()) return std::nullopt;
  const auto schema = j->find("schema");
  if (schema == j->end() || !schema->is_string() || schema->get_ref<const std::string&>() != kUnchangedSchema)
    return std::nullopt;
  const auto sameAs = j->find("same_as");
  return sameAs != j->end() && sameAs->is_string() ? sameAs->get<std::string>() : std::string();
}

}  // namespace annexa
