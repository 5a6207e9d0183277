// The rules for reading an annexa.report/1 (or its short form, annexa.unchanged/1) document into a typed Report, written once over any JSON DOM.
// A Node adaptor offers: isObject(), isArray(), isString(), find(key) -> std::optional<Node>, text() (a string's
// value), integer() / unsignedInteger() -> std::optional (as nlohmann's is_number_integer / is_number_unsigned),
// size() of an array, and forEach(f) over an array's elements, stopping when f returns false.
// model.cpp reads nlohmann documents with it; the collector reads simdjson documents on its ingest path, so the
// two readers cannot drift apart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/model.hpp"
#include "common/result_digest.hpp"

namespace annexa::report_reader {

template <class Node>
Result<std::string> requireString(const Node& j, const char* key, const std::string& where) {
  const auto value = j.find(key);
  if (!value || !value->isString()) return makeError(where + ": \"" + key + "\" must be a string");
  return value->text();
}

// A string naming something ("check", "report_id"): required, 1 to maxSize characters.
template <class Node>
Result<std::string> requireIdentifier(const Node& j, const char* key, const std::string& where, std::size_t maxSize) {
  auto value = requireString(j, key, where);
  if (value && (value->empty() || value->size() > maxSize))
    return makeError(where + ": \"" + key + "\" must be 1-" + std::to_string(maxSize) + " characters");
  return value;
}

template <class Node>
std::string optionalString(const Node& j, const char* key) {
  const auto value = j.find(key);
  return value && value->isString() ? value->text() : std::string();
}

// A string field naming one of an enum's values ("status", "severity").
template <class T, class Node>
Result<T> requireNamed(const Node& j, const char* key, std::optional<T> (*parse)(std::string_view), const std::string& where) {
  auto text = requireString(j, key, where);
  if (!text) return makeError(text.error());
  const auto parsed = parse(*text);
  if (!parsed) return makeError(where + ": unknown " + key + " \"" + *text + "\"");
  return *parsed;
}

// The optional arrays of a result: "controls" (strings) and "evidence" (objects). An empty string: no error.
template <class Node>
std::string readResultLists(const Node& j, const std::string& where, CheckResult& r) {
  std::string error;
  if (const auto controls = j.find("controls")) {
    if (!controls->isArray()) return where + ": \"controls\" must be an array";
    controls->forEach([&](const Node& c) {
      if (!c.isString()) error = where + ": controls must be strings";
      else r.controls.push_back(c.text());
      return error.empty();
    });
    if (!error.empty()) return error;
  }
  if (const auto evidence = j.find("evidence")) {
    if (!evidence->isArray()) return where + ": \"evidence\" must be an array";
    evidence->forEach([&](const Node& e) {
      if (!e.isObject()) error = where + ": evidence entries must be objects";
      else r.evidence.push_back({optionalString(e, "source"), optionalString(e, "observed"), optionalString(e, "expected")});
      return error.empty();
    });
  }
  return error;
}

template <class Node>
Result<CheckResult> readCheckResult(const Node& j) {
  if (!j.isObject()) return makeError("result must be an object");
  CheckResult r;
  auto check = requireIdentifier(j, "check", "result", 128);
  if (!check) return makeError(check.error());
  r.check = std::move(*check);
  const std::string where = "result " + r.check;

  const auto status = requireNamed(j, "status", parseCheckStatus, where);
  if (!status) return makeError(status.error());
  r.status = *status;
  const auto severity = requireNamed(j, "severity", parseSeverity, where);
  if (!severity) return makeError(severity.error());
  r.severity = *severity;

  r.title = optionalString(j, "title");
  r.message = optionalString(j, "message");
  r.remediation = optionalString(j, "remediation");
  if (auto error = readResultLists(j, where, r); !error.empty()) return makeError(std::move(error));
  return r;
}

template <class Node>
void readHost(const Node& host, HostInfo& out) {
  out.hostname = optionalString(host, "hostname");
  out.kernel = optionalString(host, "kernel");
  out.machineId = optionalString(host, "machine_id");
  if (const auto os = host.find("os"); os && os->isObject())
    out.os = {optionalString(*os, "id"), optionalString(*os, "version"), optionalString(*os, "pretty_name")};
}

template <class Node>
Result<Report> readReport(const Node& j) {
  if (!j.isObject()) return makeError("report must be a JSON object");
  Report report;
  auto schema = requireString(j, "schema", "report");
  if (!schema) return makeError(schema.error());
  const bool unchanged = *schema == kUnchangedSchema;
  if (*schema != kReportSchema && !unchanged) return makeError("unsupported report schema \"" + *schema + "\"");

  auto id = requireIdentifier(j, "report_id", "report", 64);
  if (!id) return makeError(id.error());
  report.reportId = std::move(*id);

  auto started = requireString(j, "started_at", "report");
  if (!started) return makeError(started.error());
  report.startedAt = std::move(*started);

  if (const auto agent = j.find("agent"); agent && agent->isObject()) {
    report.agentVersion = optionalString(*agent, "version");
    report.agentId = optionalString(*agent, "id");
  }
  const auto host = j.find("host");
  if (!host || !host->isObject()) return makeError("report: \"host\" must be an object");
  readHost(*host, report.host);

  if (const auto d = j.find("duration_ms"); d && d->integer()) report.durationMs = *d->integer();
  if (const auto d = j.find("dropped_reports"); d && d->unsignedInteger()) report.droppedReports = *d->unsignedInteger();

  if (unchanged) {
    auto sameAs = requireIdentifier(j, "same_as", "report", 64);
    if (!sameAs) return makeError(sameAs.error());
    auto digest = requireString(j, "results_digest", "report");
    if (!digest) return makeError(digest.error());
    if (!isResultsDigest(*digest)) return makeError("report: \"results_digest\" must be 64 lower-case hex digits");
    if (j.find("results")) return makeError("report: an annexa.unchanged/1 report has no \"results\"");
    report.unchangedSince = UnchangedSince{std::move(*sameAs), std::move(*digest)};
    return report;
  }

  const auto results = j.find("results");
  if (!results || !results->isArray()) return makeError("report: \"results\" must be an array");
  report.results.reserve(results->size());
  std::string error;
  results->forEach([&](const Node& item) {
    auto r = readCheckResult(item);
    if (!r) error = r.error();
    else report.results.push_back(std::move(*r));
    return error.empty();
  });
  if (!error.empty()) return makeError(std::move(error));
  return report;
}

}  // namespace annexa::report_reader
