// The Export view's data layer (no ImGui): on its own thread it asks the collector for an evidence pack
// (POST /api/v1/exports), follows the job (GET /api/v1/exports/{id}), downloads every listed file into a
// local folder and checks each one's SHA-256 against the listing. The UI thread only reads status().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "dashboard/data_source.hpp"

namespace annexa::dashboard {

// What the operator typed. Dates are YYYY-MM-DD or RFC 3339; an empty `at` means "now" (the collector's now).
struct ExportForm {
  std::string from;
  std::string to;
  std::string at;
  std::string hosts;
  std::filesystem::path folder;
};

// The last 30 days up to `now`, posture now, every host, into home/annexa-evidence/YYYYMMDD-HHMMSS.
ExportForm defaultExportForm(std::int64_t now, const std::filesystem::path& home);
// The POST body for the collector; errors name the field that is not a date, or a period that runs backwards.
Result<std::string> exportRequestBody(const ExportForm& form);

struct ExportFileEntry {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;
};

// GET /api/v1/exports/{id} as collector/api/export_routes.cpp writes it.
struct ExportJobStatus {
  std::string id;
  std::string state;  // queued, running, done, failed
  std::string stage;
  std::size_t done = 0;
  std::size_t total = 0;
  std::string error;
  std::vector<ExportFileEntry> files;
};
Result<ExportJobStatus> parseExportJob(std::string_view json);

enum class ExportPhase { Idle, Starting, Running, Downloading, Done, Failed, Cancelled, Opening };
// The word shown next to the progress bar (status by word, not only colour): "RUNNING", "FAILED", ...
std::string_view phaseWord(ExportPhase phase);

struct ExportStatus {
  ExportPhase phase = ExportPhase::Idle;
  std::string jobId;
  std::string stage;
  std::size_t done = 0;  // the collector's progress
  std::size_t total = 0;
  std::size_t filesDone = 0;  // downloaded and verified
  std::size_t filesTotal = 0;
  std::string error;  // Failed: what went wrong, for the operator
  std::filesystem::path folder;
  std::vector<ExportFileEntry> files;  // verified, once Done
  std::string openError;  // the last "Open folder" failed: why
  bool working() const;
  float fraction() const;  // 0..1 over the collector's work and then the downloads
};

struct ExportClientOptions {
  std::chrono::milliseconds pollInterval{250};
  std::chrono::seconds timeout{900};  // the collector's job must finish within this
};

using FolderOpener = std::function<VoidResult(const std::filesystem::path& folder)>;

class ExportClient {
 public:
  ExportClient(Exchange exchange, ExportClientOptions options = {}, FolderOpener opener = nullptr);
  ~ExportClient();  // cancels and joins
  ExportClient(const ExportClient&) = delete;
  ExportClient& operator=(const ExportClient&) = delete;

  // Starts the export on the worker thread; an error (at once) while one runs or when the form is invalid.
  VoidResult start(const ExportForm& form);
  // Stops following the job (the collector still finishes it; its files stay there).
  void cancel();
  // Opens the finished export's folder with the opener (xdg-open by default), on the worker thread.
  void openFolder();
  ExportStatus status() const;
  // Called on the worker thread after each change (the UI uses it to wake its event loop).
  void onChange(std::function<void()> callback);

 private:
  void run(std::stop_token stop, ExportForm form, std::string body);
  VoidResult follow(std::stop_token stop, const std::string& id, ExportJobStatus& job);
  VoidResult download(std::stop_token stop, const ExportJobStatus& job, const std::filesystem::path& folder);
  bool pause(std::stop_token stop);
  void change(const std::function<void(ExportStatus&)>& edit);
  void launch(std::function<void(std::stop_token)> work);

  Exchange exchange_;
  ExportClientOptions options_;
  FolderOpener opener_;

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  ExportStatus status_;
  std::function<void()> onChange_;
  std::jthread worker_;  // last: joined first
};

}  // namespace annexa::dashboard
