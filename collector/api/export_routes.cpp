#include "collector/api/export_routes.hpp"

#include <nlohmann/json.hpp>

#include "collector/posture/posture_at.hpp"
#include "common/text_file.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

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

// A string field as an instant; absent or null → nullopt (the default). Only the posture instant must not lie in
// the future; a period's end after now is cut to now by resolveExportRequest.
Result<std::optional<std::int64_t>> instantField(const nlohmann::json& body, const char* key, std::int64_t now) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::int64_t>();
  if (!it->is_string()) return makeError(std::string(key) + " must be a string (RFC 3339 or YYYY-MM-DD)");
  const auto& text = it->get_ref<const std::string&>();
  if (std::string_view(key) == "at") {
    auto t = parseInstant(text, now);  // refuses the future
    if (!t) return makeError(std::string(key) + ": " + t.error());
    return std::optional<std::int64_t>(*t);
  }
  const auto t = parseRfc3339(text);
  if (!t) return makeError(std::string(key) + " is not a date (RFC 3339 or YYYY-MM-DD): " + text);
  return std::optional<std::int64_t>(*t);
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

Result<ExportRequest> parseExportRequest(std::string_view body, std::int64_t now) {
  auto json = parseJson(body.empty() ? std::string_view("{}") : body);
  if (!json || !json->is_object()) return makeError("expected a JSON object");
  for (const auto& [key, value] : json->items())
    if (key != "from" && key != "to" && key != "at" && key != "hosts") return makeError("unknown field " + key);
  auto from = instantField(*json, "from", now);
  if (!from) return makeError(from.error());
  auto to = instantField(*json, "to", now);
  if (!to) return makeError(to.error());
  auto at = instantField(*json, "at", now);
  if (!at) return makeError(at.error());
  std::string hosts;
  if (const auto h = json->find("hosts"); h != json->end() && !h->is_null()) {
    if (!h->is_string()) return makeError("hosts must be a string");
    hosts = h->get<std::string>();
    if (hosts.size() > kMaxHostFilter) return makeError("hosts is longer than 256 characters");
  }
  return resolveExportRequest(*from, *to, *at, std::move(hosts), now);
}

void addExportRoutes(Router& router, ExportJobs* jobs, std::function<std::int64_t()> clock) {
  // Without a runner every route answers 501, so a client learns why rather than "no such endpoint".
  const auto route = [&](const char* method, const char* pattern, Router::Handler handler) {
    router.add(method, pattern, Access::Operator, [jobs, handler = std::move(handler)](const RouteContext& c) {
      return jobs ? handler(c) : jsonError(501, "this collector has no export runner configured");
    });
  };
  route("POST", "/api/v1/exports", [jobs, clock](const RouteContext& c) { return startExport(*jobs, c.request, clock()); });
  route("GET", "/api/v1/exports", [jobs](const RouteContext&) { return listExports(*jobs); });
  route("GET", "/api/v1/exports/{job}", [jobs](const RouteContext& c) {
    const auto job = jobs->find(c.param(0));
    if (!job) return jsonError(404, "no export " + c.param(0));
    return ApiResponse{200, jobJson(*job).dump(), "application/json"};
  });
  route("GET", "/api/v1/exports/{job}/files/{file...}",
        [jobs](const RouteContext& c) { return exportFile(*jobs, c.param(0), c.param(1)); });
}

}  // namespace annexa::collector
