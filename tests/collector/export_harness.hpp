// A collector with export jobs attached and a test runner in place of the real evidence-pack writer: it
// reports a first stage, waits at a gate the test opens (so "running" can be observed), then writes two
// small files. Header-only, shared by the collector and dashboard export tests.
#pragma once

#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "collector/pack/export_jobs.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa::test {

inline const std::string kExportJson = R"({"schema": "test-export/1", "hosts": 3})";
inline const std::string kExportCsv = "host,status\nweb-1,pass\nweb-2,fail\n";

class GatedRunner {
 public:
  // Returns the runner; it fails with `failure` instead of writing when that is set.
  collector::ExportRunner runner() {
    return [this](const collector::ExportRequest& request, const std::filesystem::path& dir,
                  const collector::ExportProgress& progress) -> VoidResult {
      {
        std::lock_guard lock(mutex_);
        lastRequest = request;
      }
      progress("collecting posture", 1, 3);
      {
        std::unique_lock lock(mutex_);
        // Bounded: a test that never opens the gate fails instead of hanging.
        if (!opened_.wait_for(lock, std::chrono::seconds(20), [this] { return open_; }))
          return makeError("test gate never opened");
      }
      if (!failure.empty()) return makeError(failure);
      progress("writing files", 2, 3);
      std::filesystem::create_directories(dir / "csv");
      writeFile(dir / "assessment-results.json", kExportJson);
      writeFile(dir / "csv" / "hosts.csv", kExportCsv);
      progress("done", 3, 3);
      return success();
    };
  }

  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

  collector::ExportRequest request() {
    std::lock_guard lock(mutex_);
    return lastRequest;
  }

  std::string failure;

 private:
  static void writeFile(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  collector::ExportRequest lastRequest;
};

// The in-process collector with ExportJobs over DATA/exports; the server stops before the jobs go away.
class ExportCollector {
 public:
  explicit ExportCollector(bool withRunner = true, bool gateOpen = false)
      : collector(InProcessCollector::fastOptions(), {}, [this, withRunner](InProcessCollector& c) {
          if (!withRunner) return collector::ApiExtras{};
          jobs = std::make_unique<collector::ExportJobs>(c.data().exports(), gate.runner(), [&c] { return c.now(); });
          return collector::ApiExtras{nullptr, jobs.get()};
        }) {
    if (gateOpen) gate.open();
  }
  ~ExportCollector() {
    gate.open();
    collector.stop();
  }

  // The jobs outlive the collector's server: members are destroyed in reverse order.
  GatedRunner gate;
  std::unique_ptr<collector::ExportJobs> jobs;
  InProcessCollector collector;
};

}  // namespace annexa::test
