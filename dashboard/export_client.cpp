#include "dashboard/export_client.hpp"

#include <time.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "dashboard/desktop_open.hpp"

namespace annexa::dashboard {
namespace fs = std::filesystem;
namespace {

constexpr std::int64_t kDefaultPeriodSeconds = 30LL * 86400;

// The collector sends URL-safe names; checked again here because they become paths on this machine.
VoidResult writeVerified(const fs::path& folder, const ExportFileEntry& file, const std::string& bytes) {
  const auto received = sha256Hex(bytes);
  if (received != file.sha256 || bytes.size() != file.size)
    return makeError("file " + file.name + " does not match the job's listing (SHA-256 " + received.substr(0, 16) +
                     "..., expected " + file.sha256.substr(0, 16) + "...); the export is not trustworthy, try again");
  const fs::path target = folder / fs::path(file.name);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  const fs::path partial = target.string() + ".part";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return makeError("cannot write " + partial.string());
  }
  fs::rename(partial, target, ec);
  if (ec) return makeError("cannot write " + target.string() + ": " + ec.message());
  return success();
}

VoidResult prepareFolder(const fs::path& folder) {
  if (folder.empty()) return makeError("choose a destination folder");
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_empty(folder, ec))
    return makeError("the folder " + folder.string() + " is not empty; choose a new one so the pack stays exactly as exported");
  fs::create_directories(folder, ec);
  if (ec) return makeError("cannot create " + folder.string() + ": " + ec.message());
  return success();
}

}  // namespace

ExportForm defaultExportForm(std::int64_t now, const fs::path& home) {
  const time_t t = static_cast<time_t>(now);
  tm local{};
  localtime_r(&t, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  return {formatRfc3339(now - kDefaultPeriodSeconds), formatRfc3339(now), "", "", home / "annexa-evidence" / stamp};
}

Result<std::string> exportRequestBody(const ExportForm& form) {
  nlohmann::json body = nlohmann::json::object();
  std::map<std::string, std::int64_t> times;
  const std::pair<const char*, const std::string*> fields[] = {{"from", &form.from}, {"to", &form.to}, {"at", &form.at}};
  for (const auto& [key, value] : fields) {
    const auto trimmed = std::string(text::trim(*value));
    if (trimmed.empty() || (std::string_view(key) == "at" && trimmed == "now")) continue;  // the collector's default
    const auto t = parseRfc3339(trimmed);
    if (!t) return makeError(std::string(key) + ": \"" + trimmed + "\" is not a date (YYYY-MM-DD or RFC 3339)");
    times[key] = *t;
    body[key] = formatRfc3339(*t);
  }
  if (times.count("from") && times.count("to") && times["from"] >= times["to"]) return makeError("the period must start before it ends");
  if (const auto hosts = std::string(text::trim(form.hosts)); !hosts.empty()) body["hosts"] = hosts;
  return body.dump();
}

Result<ExportJobStatus> parseExportJob(std::string_view json) {
  auto doc = parseJson(json);
  if (!doc || !doc->is_object()) return makeError("export job: " + (doc ? std::string("expected a JSON object") : doc.error()));
  try {
    ExportJobStatus job;
    job.id = doc->value("id", std::string());
    job.state = doc->value("state", std::string());
    job.stage = doc->value("stage", std::string());
    job.done = doc->value("done", std::size_t{0});
    job.total = doc->value("total", std::size_t{0});
    job.error = doc->value("error", std::string());
    for (const auto& f : doc->value("files", nlohmann::json::array()))
      job.files.push_back({f.at("name").get<std::string>(), f.at("size").get<std::uint64_t>(), f.at("sha256").get<std::string>()});
    if (job.id.empty() || job.state.empty()) return makeError("export job: no id or state");
    return job;
  } catch (const nlohmann::json::exception& e) {
    return makeError(std::string("export job: ") + e.what());
  }
}

std::string_view phaseWord(ExportPhase phase) {
  switch (phase) {
    case ExportPhase::Idle: return "READY";
    case ExportPhase::Starting: return "STARTING";
    case ExportPhase::Running: return "RUNNING";
    case ExportPhase::Downloading: return "DOWNLOADING";
    case ExportPhase::Done: return "DONE";
    case ExportPhase::Failed: return "FAILED";
    case ExportPhase::Cancelled: return "CANCELLED";
    case ExportPhase::Opening: return "OPENING";
  }
  return "?";
}

bool ExportStatus::working() const {
  return phase == ExportPhase::Starting || phase == ExportPhase::Running || phase == ExportPhase::Downloading ||
         phase == ExportPhase::Opening;
}

float ExportStatus::fraction() const {
  // The collector's work is the first 80 %, the downloads the rest.
  const float collector = total ? static_cast<float>(done) / static_cast<float>(total) : 0.0f;
  const float downloads = filesTotal ? static_cast<float>(filesDone) / static_cast<float>(filesTotal) : 0.0f;
  if (phase == ExportPhase::Done) return 1.0f;
  if (phase == ExportPhase::Downloading) return 0.8f + 0.2f * downloads;
  return 0.8f * std::min(collector, 1.0f);
}

ExportClient::ExportClient(Exchange exchange, ExportClientOptions options, FolderOpener opener)
    : exchange_(std::move(exchange)), options_(options), opener_(std::move(opener)) {
  if (!opener_) opener_ = [](const fs::path& folder) { return openFolderOnDesktop(folder); };
}

ExportClient::~ExportClient() {
  if (worker_.joinable()) {
    worker_.request_stop();
    wake_.notify_all();
    worker_.join();
  }
}

VoidResult ExportClient::start(const ExportForm& form) {
  auto body = exportRequestBody(form);
  if (!body) return makeError(body.error());
  if (status().working()) return makeError("an export is already in progress");
  change([&](ExportStatus& s) { s = ExportStatus{ExportPhase::Starting, {}, "asking the collector", 0, 0, 0, 0, {}, form.folder, {}, {}}; });
  launch([this, form, body = std::move(*body)](std::stop_token stop) { run(stop, form, body); });
  return success();
}

void ExportClient::cancel() {
  if (worker_.joinable()) worker_.request_stop();
  wake_.notify_all();
}

void ExportClient::openFolder() {
  const auto current = status();
  if (current.phase != ExportPhase::Done) return;
  change([](ExportStatus& s) {
    s.phase = ExportPhase::Opening;
    s.openError.clear();
  });
  launch([this, folder = current.folder](std::stop_token) {
    auto opened = opener_(folder);
    change([&](ExportStatus& s) {
      s.phase = ExportPhase::Done;
      s.openError = opened ? std::string() : opened.error();
    });
  });
}

ExportStatus ExportClient::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void ExportClient::onChange(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  onChange_ = std::move(callback);
}

void ExportClient::launch(std::function<void(std::stop_token)> work) {
  if (worker_.joinable()) worker_.join();  // the previous task has finished (working() was false)
  worker_ = std::jthread(std::move(work));
}

void ExportClient::change(const std::function<void(ExportStatus&)>& edit) {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    edit(status_);
    callback = onChange_;
  }
  if (callback) callback();
}

bool ExportClient::pause(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop, options_.pollInterval, [] { return false; });
  return !stop.stop_requested();
}

void ExportClient::run(std::stop_token stop, ExportForm form, std::string body) {
  const auto fail = [this](const std::string& message) {
    change([&](ExportStatus& s) {
      s.phase = ExportPhase::Failed;
      s.error = message;
    });
  };
  if (auto ready = prepareFolder(form.folder); !ready) return fail(ready.error());
  auto started = exchange_("POST", "/api/v1/exports", body);
  if (!started) return fail("cannot reach the collector: " + started.error());
  if (started->status != 202) return fail(httpErrorText("POST", "/api/v1/exports", *started));
  auto job = parseExportJob(started->body);
  if (!job) return fail(job.error());
  change([&](ExportStatus& s) {
    s.phase = ExportPhase::Running;
    s.jobId = job->id;
  });
  VoidResult outcome = follow(stop, job->id, *job);
  if (outcome) outcome = download(stop, *job, form.folder);
  if (stop.stop_requested())
    return change([](ExportStatus& s) {
      s.phase = ExportPhase::Cancelled;
      s.error = "cancelled here; the collector finishes the job and keeps its files";
    });
  if (!outcome) return fail(outcome.error());
  change([&](ExportStatus& s) {
    s.phase = ExportPhase::Done;
    s.files = job->files;
  });
}

// Polls the job every pollInterval until it is done (its file listing then in `job`) or failed.
VoidResult ExportClient::follow(std::stop_token stop, const std::string& id, ExportJobStatus& job) {
  const std::string target = "/api/v1/exports/" + id;
  if (!text::isSafeRelativePath(id)) return makeError("the collector sent an unusable job id");
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (pause(stop)) {
    auto reply = exchange_("GET", target, {});
    if (!reply) return makeError("lost the collector while it exported: " + reply.error());
    if (reply->status != 200) return makeError(httpErrorText("GET", target, *reply));
    auto parsed = parseExportJob(reply->body);
    if (!parsed) return makeError(parsed.error());
    job = std::move(*parsed);
    change([&](ExportStatus& s) {
      s.stage = job.stage;
      s.done = job.done;
      s.total = job.total;
    });
    if (job.state == "done") return success();
    if (job.state == "failed") return makeError("the collector could not export: " + job.error);
    if (std::chrono::steady_clock::now() >= deadline) return makeError("the collector did not finish the export in time");
  }
  return makeError("cancelled");
}

VoidResult ExportClient::download(std::stop_token stop, const ExportJobStatus& job, const fs::path& folder) {
  change([&](ExportStatus& s) {
    s.phase = ExportPhase::Downloading;
    s.filesTotal = job.files.size();
  });
  for (const auto& file : job.files) {
    if (stop.stop_requested()) return makeError("cancelled");
    if (!text::isSafeRelativePath(file.name)) return makeError("the collector listed an unsafe file name: " + text::truncate(file.name, 80));
    const std::string target = "/api/v1/exports/" + job.id + "/files/" + file.name;
    auto reply = exchange_("GET", target, {});
    if (!reply) return makeError("lost the collector while downloading: " + reply.error());
    if (reply->status != 200) return makeError(httpErrorText("GET", target, *reply));
    if (auto written = writeVerified(folder, file, reply->body); !written) return written;
    change([&](ExportStatus& s) {
      ++s.filesDone;
      s.stage = "downloaded " + file.name;
    });
  }
  return success();
}

}  // namespace annexa::dashboard
