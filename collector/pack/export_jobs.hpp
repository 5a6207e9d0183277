// Evidence-pack export jobs: the collector runs one export at a time on its own worker thread, into
// DATA/exports/<job id>/, and keeps the state (stage, progress, files with their SHA-256) for the API.
// The export itself is injected (ExportRunner), so this file knows nothing of what a pack contains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "collector/pack/export_request.hpp"
#include "common/result.hpp"

namespace annexa::collector {


// Writes the pack into `dir` (which exists and is empty); reports progress as it goes.
using ExportRunner =
    std::function<VoidResult(const ExportRequest&, const std::filesystem::path& dir, const ExportProgress& progress)>;

enum class ExportState { Queued, Running, Done, Failed };
std::string_view toString(ExportState state);

struct ExportedFile {
  std::string name;  // relative to the job directory, '/'-separated
  std::uintmax_t size = 0;
  std::string sha256;
};

struct ExportJob {
  std::string id;
  ExportRequest request;
  ExportState state = ExportState::Queued;
  std::string stage;
  std::size_t done = 0;
  std::size_t total = 0;
  std::string error;
  std::int64_t createdAt = 0;
  std::int64_t startedAt = 0;   // 0 until running
  std::int64_t finishedAt = 0;  // 0 until done or failed
  std::vector<ExportedFile> files;  // once done
};

class ExportJobs {
 public:
  using Clock = std::function<std::int64_t()>;
  static constexpr std::size_t kKeptJobs = 5;

  // `dir` is created 0700 when missing; job directories beyond the newest `keep` are removed.
  ExportJobs(std::filesystem::path dir, ExportRunner runner, Clock clock, std::size_t keep = kKeptJobs);
  ~ExportJobs();  // waits for a running export to finish (the runner cannot be interrupted)
  ExportJobs(const ExportJobs&) = delete;
  ExportJobs& operator=(const ExportJobs&) = delete;

  // Starts a job on the worker thread. Fails (without queueing) while another export runs.
  Result<ExportJob> start(ExportRequest request);
  std::optional<ExportJob> find(const std::string& id) const;
  std::vector<ExportJob> recent() const;  // newest first
  // The file `name` of a finished job, only if the job lists it (never a path built from the request).
  std::optional<std::filesystem::path> file(const std::string& id, const std::string& name) const;
  bool busy() const;

 private:
  void run(std::string id, ExportRequest request);
  void update(const std::string& id, const std::function<void(ExportJob&)>& change);
  void prune(const std::string& keepId);

  std::filesystem::path dir_;
  ExportRunner runner_;
  Clock clock_;
  std::size_t keep_;

  mutable std::mutex mutex_;
  std::vector<ExportJob> jobs_;  // oldest first
  bool busy_ = false;
  std::thread worker_;
};

// The files under `dir` (regular files, recursively, symlinks skipped), with size and SHA-256, sorted by name.
Result<std::vector<ExportedFile>> listExportedFiles(const std::filesystem::path& dir);
// A '/'-separated relative name whose parts are [A-Za-z0-9._-], none "." or ".." or hidden.
bool isSafeExportName(std::string_view name);
// By extension: .json, .csv, .html, .crt/.pem, SHA256SUMS; otherwise application/octet-stream.
std::string exportContentType(std::string_view name);

}  // namespace annexa::collector
