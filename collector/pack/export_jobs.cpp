#include "collector/pack/export_jobs.hpp"

#include <algorithm>
#include <system_error>

#include "common/text_file.hpp"
#include "common/digest.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace fs = std::filesystem;
namespace {

// The dashboard's HTTPS client takes responses up to 64 MiB; a larger file could not be downloaded anyway.
constexpr std::size_t kMaxExportFileBytes = 64 * 1024 * 1024;

void makePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

}  // namespace

std::string_view toString(ExportState state) {
  switch (state) {
    case ExportState::Queued: return "queued";
    case ExportState::Running: return "running";
    case ExportState::Done: return "done";
    case ExportState::Failed: return "failed";
  }
  return "failed";
}

bool isSafeExportName(std::string_view name) { return text::isSafeRelativePath(name); }

std::string exportContentType(std::string_view name) {
  if (text::endsWith(name, ".json")) return "application/json";
  if (text::endsWith(name, ".csv")) return "text/csv; charset=utf-8";
  if (text::endsWith(name, ".html")) return "text/html; charset=utf-8";
  if (text::endsWith(name, ".crt") || text::endsWith(name, ".pem")) return "application/x-pem-file";
  if (text::endsWith(name, "SHA256SUMS") || text::endsWith(name, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Result<std::vector<ExportedFile>> listExportedFiles(const fs::path& dir) {
  std::vector<ExportedFile> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink() || !it->is_regular_file()) continue;  // a link could point outside the job directory
    const std::string name = fs::relative(it->path(), dir).generic_string();
    if (!isSafeExportName(name)) return makeError("the export wrote a file with an unsafe name: " + name);
    auto bytes = readTextFile(it->path(), kMaxExportFileBytes);
    if (!bytes) return makeError(bytes.error());
    files.push_back({name, bytes->size(), sha256Hex(*bytes)});
  }
  if (ec) return makeError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(), [](const ExportedFile& a, const ExportedFile& b) { return a.name < b.name; });
  return files;
}

ExportJobs::ExportJobs(fs::path dir, ExportRunner runner, Clock clock, std::size_t keep)
    : dir_(std::move(dir)), runner_(std::move(runner)), clock_(std::move(clock)), keep_(std::max<std::size_t>(keep, 1)) {
  makePrivateDirectory(dir_);
  prune("");  // jobs of an earlier run have no state any more; keep only the newest directories
}

ExportJobs::~ExportJobs() {
  if (worker_.joinable()) worker_.join();
}

Result<ExportJob> ExportJobs::start(ExportRequest request) {
  std::lock_guard lock(mutex_);
  if (busy_) return makeError("an export is already running; wait for it to finish");
  if (worker_.joinable()) worker_.join();  // the previous export has finished: its thread is about to return
  ExportJob job;
  job.id = uuid4();
  job.request = std::move(request);
  job.createdAt = clock_();
  jobs_.push_back(job);
  if (jobs_.size() > keep_) jobs_.erase(jobs_.begin(), jobs_.end() - static_cast<std::ptrdiff_t>(keep_));
  busy_ = true;
  worker_ = std::thread([this, id = job.id, r = job.request] { run(id, r); });
  return job;
}

void ExportJobs::run(std::string id, ExportRequest request) {
  const fs::path jobDir = dir_ / id;
  prune(id);
  makePrivateDirectory(jobDir);
  update(id, [&](ExportJob& j) {
    j.state = ExportState::Running;
    j.startedAt = clock_();
  });
  const ExportProgress progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    update(id, [&](ExportJob& j) {
      j.stage = std::string(stage);
      j.done = done;
      j.total = total;
    });
  };
  VoidResult outcome = success();
  try {
    outcome = runner_(request, jobDir, progress);
  } catch (const std::exception& e) {
    outcome = makeError(std::string("export failed: ") + e.what());
  }
  auto files = outcome ? listExportedFiles(jobDir) : Result<std::vector<ExportedFile>>(makeError(outcome.error()));
  if (!files) {
    std::error_code ec;
    fs::remove_all(jobDir, ec);  // a partial pack is not evidence: nothing of it is served
  }
  std::lock_guard lock(mutex_);
  for (auto& j : jobs_) {
    if (j.id != id) continue;
    j.finishedAt = clock_();
    j.state = files ? ExportState::Done : ExportState::Failed;
    if (files) j.files = std::move(*files);
    else j.error = files.error();
  }
  busy_ = false;
}

void ExportJobs::update(const std::string& id, const std::function<void(ExportJob&)>& change) {
  std::lock_guard lock(mutex_);
  for (auto& j : jobs_)
    if (j.id == id) change(j);
}

// Removes the oldest job directories so that, with `keepId`'s, at most keep_ remain.
void ExportJobs::prune(const std::string& keepId) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> dirs;
  for (const auto& entry : fs::directory_iterator(dir_, ec))
    if (entry.is_directory() && !entry.is_symlink() && entry.path().filename() != keepId)
      dirs.emplace_back(entry.last_write_time(ec), entry.path());
  const std::size_t room = keepId.empty() ? keep_ : keep_ - 1;
  if (dirs.size() <= room) return;
  std::sort(dirs.begin(), dirs.end());  // oldest first
  for (std::size_t i = 0; i < dirs.size() - room; ++i) fs::remove_all(dirs[i].second, ec);
}

std::optional<ExportJob> ExportJobs::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& j : jobs_)
    if (j.id == id) return j;
  return std::nullopt;
}

std::vector<ExportJob> ExportJobs::recent() const {
  std::lock_guard lock(mutex_);
  return {jobs_.rbegin(), jobs_.rend()};
}

std::optional<fs::path> ExportJobs::file(const std::string& id, const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& j : jobs_) {
    if (j.id != id || j.state != ExportState::Done) continue;
    for (const auto& f : j.files)
      if (f.name == name) return dir_ / id / f.name;
  }
  return std::nullopt;
}

bool ExportJobs::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

}  // namespace annexa::collector
