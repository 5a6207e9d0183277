#include "collector/api/export_routes.hpp"

#include <regex>

#include <nlohmann/json.hpp>

#include "collector/posture/posture_at.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kDefaultPeriodSeconds = 30LL * 86400;
constexpr std::size_t kMaxHostFilter = 256;

nlohmann::json instantJson(std::int64_t t) { return t ? nlohmann::json(formatRfc3339(t)) : nlohmann::json(nullptr); }

nlohmann::json jobJson(const ExportJob& job) {
  auto files = nlohmann::json::array();
  for (const auto& f : job.files) files.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
  return {{"id", job.id},
          {"state", toString(job.state)},
          {"stage", job.stage},
          {"done", job.done},
          {"total", job.total},
          {"error", job.error},
          {"request",
           {{"from", formatRfc3339(job.request.from)}, {"to", formatRfc3339(job.request.to)},
            {"at", formatRfc3339(job.request.at)}, {"hosts", job.request.hosts}}},
          {"created_at", instantJson(job.createdAt)},
          {"started_at", instantJson(job.startedAt)},
          {"finished_at", instantJson(job.finishedAt)},
          {"files", files}};
}

// A string field as an instant; absent → fallback.
Result<std::int64_t> instantField(const nlohmann::json& body, const char* key, std::int64_t fallback) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_string()) return makeError(std::string(key) + " must be a string (RFC 3339 or YYYY-MM-DD)");
  const auto t = parseRfc3339(it->get<std::string>());
  if (!t) return makeError(std::string(key) + " is not a date (RFC 3339 or YYYY-MM-DD): " + it->get<std::string>());
  return *t;
}

ApiResponse startExport(ExportJobs& jobs, const ApiRequest& request, std::int64_t now) {
  auto parsed = parseExportRequest(request.body, now);
  if (!parsed) return jsonError(400, parsed.error());
  auto job = jobs.start(std::move(*parsed));
  if (!job) return jsonError(409, job.error());
  return {202, nlohmann::json{{"id", job->id}, {"state", toString(job->state)}}.dump(), "application/json"};
}

ApiResponse listExports(const ExportJobs& jobs) {
  auto out = nlohmann::json::array();
  for (const auto& job : jobs.recent()) out.push_back(jobJson(job));
  return {200, nlohmann::json{{"exports", out}}.dump(), "application/json"};
}

ApiResponse exportFile(const ExportJobs& jobs, const std::string& id, const std::string& name) {
  if (!isSafeExportName(name)) return jsonError(400, "not a file name of an export: " + text::truncate(name, 100));
  const auto path = jobs.file(id, name);  // only names the finished job lists
  if (!path) return jsonError(404, "export " + id + " has no file " + name);
  auto bytes = readTextFile(*path, 64 * 1024 * 1024);
  if (!bytes) return jsonError(500, bytes.error());
  return {200, std::move(*bytes), exportContentType(name)};
}

}  // namespace

bool isExportPath(std::string_view path) { return path == "/api/v1/exports" || text::startsWith(path, "/api/v1/exports/"); }

Result<ExportRequest> parseExportRequest(std::string_view body, std::int64_t now) {
  auto json = parseJson(body.empty() ? std::string_view("{}") : body);
  if (!json || !json->is_object()) return makeError("expected a JSON object");
  ExportRequest request;
  auto to = instantField(*json, "to", now);
  if (!to) return makeError(to.error());
  auto from = instantField(*json, "from", *to - kDefaultPeriodSeconds);
  if (!from) return makeError(from.error());
  if (*from >= *to) return makeError("from must be before to");
  request.from = *from;
  request.to = *to;
  request.at = now;
  if (const auto at = json->find("at"); at != json->end() && !at->is_null()) {
    if (!at->is_string()) return makeError("at must be a string (RFC 3339 or YYYY-MM-DD)");
    auto instant = parseInstant(at->get<std::string>(), now);  // refuses the future
    if (!instant) return makeError(instant.error());
    request.at = *instant;
  }
  if (const auto hosts = json->find("hosts"); hosts != json->end() && !hosts->is_null()) {
    if (!hosts->is_string()) return makeError("hosts must be a string");
    request.hosts = hosts->get<std::string>();
    if (request.hosts.size() > kMaxHostFilter) return makeError("hosts is longer than 256 characters");
  }
  return request;
}

ApiResponse handleExport(ExportJobs* jobs, const ApiRequest& request, const std::string& path, std::int64_t now) {
  if (!jobs) return jsonError(501, "this collector has no export runner configured");
  static const std::regex jobPath("^/api/v1/exports/([A-Za-z0-9-]{1,64})$");
  static const std::regex filePath("^/api/v1/exports/([A-Za-z0-9-]{1,64})/files/(.+)$");
  const auto& method = request.method;
  std::smatch match;
  if (path == "/api/v1/exports") {
    if (method == "POST") return startExport(*jobs, request, now);
    if (method == "GET") return listExports(*jobs);
    return jsonError(405, "use GET or POST");
  }
  if (method != "GET") return jsonError(405, "use GET");
  if (std::regex_match(path, match, jobPath)) {
    const auto job = jobs->find(match[1]);
    if (!job) return jsonError(404, "no export " + match[1].str());
    return {200, jobJson(*job).dump(), "application/json"};
  }
  if (std::regex_match(path, match, filePath)) return exportFile(*jobs, match[1], match[2]);
  return jsonError(404, "no such endpoint: " + method + " " + path);
}

}  // namespace annexa::collector
