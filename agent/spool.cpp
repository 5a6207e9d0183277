#include "agent/spool.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "common/text_file.hpp"
#include "common/safe_file.hpp"
#include "common/text.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

constexpr const char* kReportSuffix = ".report.json";
constexpr const char* kDroppedFile = "dropped";

}  // namespace

VoidResult writeFileDurably(const fs::path& path, const std::string& content, unsigned mode) {
  return safe_file::writePath(path, content, static_cast<mode_t>(mode));
}

Spool::Spool(fs::path directory, SpoolLimits limits) : directory_(std::move(directory)), limits_(limits) {}

// The spool must be our own directory: a symbolic link (or a directory others may write) would let someone else
// decide where reports, and the files we delete, are.
VoidResult Spool::open() {
  for (const auto& dir : {directory_, directory_ / "rejected"})
    if (auto ready = safe_file::ensureDirectory(dir, 0700); !ready) return makeError("spool " + ready.error());
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec))
    if (text::endsWith(entry.path().filename().string(), ".tmp")) fs::remove(entry.path(), ec);
  return success();
}

std::vector<SpooledReport> Spool::list() const {
  std::vector<SpooledReport> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    if (!text::endsWith(entry.path().filename().string(), kReportSuffix)) continue;
    std::error_code sizeError;
    const auto size = entry.file_size(sizeError);
    out.push_back({entry.path(), sizeError ? 0 : size});
  }
  // Names start with a zero-padded timestamp and sequence: lexical order is age order.
  std::sort(out.begin(), out.end(), [](const SpooledReport& a, const SpooledReport& b) { return a.path < b.path; });
  return out;
}

VoidResult Spool::add(const std::string& reportJson) {
  if (reportJson.size() > limits_.maxBytes)
    return makeError("report of " + std::to_string(reportJson.size()) + " bytes exceeds the spool limit of " +
                     std::to_string(limits_.maxBytes) + " bytes");
  if (auto ok = enforceLimits(reportJson.size()); !ok) return ok;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  char name[64];
  std::snprintf(name, sizeof name, "%020lld-%06llu%s", static_cast<long long>(now),
                static_cast<unsigned long long>(sequence_++ % 1000000), kReportSuffix);
  return writeFileDurably(directory_ / name, reportJson, 0600);
}

VoidResult Spool::enforceLimits(std::uint64_t incomingBytes) {
  auto reports = list();
  std::uint64_t total = incomingBytes;
  for (const auto& r : reports) total += r.size;
  std::size_t dropped = 0;
  while (!reports.empty() && (reports.size() + 1 > limits_.maxReports || total > limits_.maxBytes)) {
    total -= reports.front().size;
    std::error_code ec;
    fs::remove(reports.front().path, ec);
    reports.erase(reports.begin());
    ++dropped;
  }
  if (dropped > 0) addDropped(dropped);
  return success();
}

Result<std::string> Spool::read(const SpooledReport& report) const { return readTextFile(report.path, limits_.maxBytes); }

VoidResult Spool::remove(const SpooledReport& report) {
  std::error_code ec;
  fs::remove(report.path, ec);
  if (ec) return makeError(report.path.string() + ": " + ec.message());
  return success();
}

VoidResult Spool::quarantine(const SpooledReport& report) {
  std::error_code ec;
  fs::rename(report.path, directory_ / "rejected" / report.path.filename(), ec);
  if (ec) return makeError(report.path.string() + ": " + ec.message());
  // Keep only the newest few rejected reports, for diagnosis.
  std::vector<fs::path> rejected;
  for (const auto& entry : fs::directory_iterator(directory_ / "rejected", ec)) rejected.push_back(entry.path());
  std::sort(rejected.begin(), rejected.end());
  for (std::size_t i = 0; i + 20 < rejected.size(); ++i) fs::remove(rejected[i], ec);
  return success();
}

std::uint64_t Spool::droppedCount() const {
  auto content = readTextFile(directory_ / kDroppedFile, 64);
  long long n = 0;
  return content && text::parseInt(*content, n) && n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

void Spool::addDropped(std::uint64_t n) {
  (void)writeFileDurably(directory_ / kDroppedFile, std::to_string(droppedCount() + n), 0600);
}

void Spool::acknowledgeDropped(std::uint64_t announced) {
  const auto current = droppedCount();
  if (current > announced) {
    (void)writeFileDurably(directory_ / kDroppedFile, std::to_string(current - announced), 0600);
    return;
  }
  std::error_code ec;
  fs::remove(directory_ / kDroppedFile, ec);
}

}  // namespace annexa::agent
