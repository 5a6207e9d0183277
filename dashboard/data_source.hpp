// The dashboard's background thread: fetches from the collector, parses, and publishes immutable snapshots.
// The UI thread calls current() each frame (a mutex-guarded shared_ptr copy) and never waits on the network.
#pragma once

#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/https_client.hpp"
#include "common/result.hpp"
#include "dashboard/isms_snapshot.hpp"
#include "dashboard/snapshot.hpp"

namespace annexa::dashboard {

// GET target → body of a 200 response; transport errors and other statuses are errors.
using Fetch = std::function<Result<std::string>(const std::string& target)>;
// Any request (POST, raw bytes): transport errors are errors, every HTTP status is a reply.
using Exchange = std::function<Result<HttpResponse>(std::string_view method, const std::string& target, const std::string& body)>;

// The collector's own words: the JSON "error" of a reply when it sent one, else the body (truncated).
std::string replyDetail(const HttpResponse& reply);
// "POST /api/v1/exports: HTTP 409 an export is already running" (the API's JSON "error" when it sent one).
std::string httpErrorText(std::string_view method, const std::string& target, const HttpResponse& reply);
// The GET-only Fetch over an Exchange: a status other than 200 becomes httpErrorText.
Fetch fetchOver(Exchange exchange);
using UnixClock = std::function<std::int64_t()>;

// What the views read from and ask for more from. The UI holds one of these.
class SnapshotProvider {
 public:
  virtual ~SnapshotProvider() = default;
  virtual std::shared_ptr<const Snapshot> current() const = 0;
  virtual void refresh() = 0;                                   // F5: fetch everything again, now
  virtual void selectControl(const std::string& controlId) = 0;  // fetch detail + history of one control
  virtual void selectHost(const std::string& hostId) = 0;        // fetch one host's results
};

// A provider that never changes (benchmarks, render tests of a fixed fleet).
class FixedProvider final : public SnapshotProvider {
 public:
  explicit FixedProvider(std::shared_ptr<const Snapshot> snapshot) : snapshot_(std::move(snapshot)) {}
  std::shared_ptr<const Snapshot> current() const override { return snapshot_; }
  void refresh() override {}
  void selectControl(const std::string&) override {}
  void selectHost(const std::string&) override {}

 private:
  std::shared_ptr<const Snapshot> snapshot_;
};

struct DataSourceOptions {
  std::chrono::milliseconds refreshInterval = std::chrono::seconds(30);
  int hostPageSize = 1000;  // the API's maximum
  std::string serverLabel;  // shown in the status bar
  bool background = true;   // false: no worker thread; tests drive refreshNow() themselves
};

// Fetches the whole fleet on start, every refreshInterval and on refresh(); details when selected.
class DataSource final : public SnapshotProvider {
 public:
  DataSource(Fetch fetch, DataSourceOptions options, UnixClock clock);
  ~DataSource() override;  // stops and joins the thread (a request in flight finishes first)
  DataSource(const DataSource&) = delete;
  DataSource& operator=(const DataSource&) = delete;

  std::shared_ptr<const Snapshot> current() const override;
  void refresh() override;
  void selectControl(const std::string& controlId) override;
  void selectHost(const std::string& hostId) override;

  // Called on the worker thread after each publication (the UI uses it to wake its event loop).
  void onPublish(std::function<void()> callback);

  // One full refresh on the calling thread; the worker does exactly this. Exposed for tests.
  void refreshNow();

 private:
  void run(std::stop_token stop);
  void publish(const std::function<void(Snapshot&)>& change);
  void failed(const std::string& error);
  void fetchControl(const std::string& controlId);
  void fetchHost(const std::string& hostId);
  std::shared_ptr<const IsmsData> fetchIsms();
  std::vector<ControlHistory> excludedHistories(const SoaRegister& soa);

  Fetch fetch_;
  DataSourceOptions options_;
  UnixClock clock_;

  mutable std::mutex snapshotMutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::function<void()> onPublish_;

  std::mutex requestMutex_;
  std::condition_variable_any wake_;
  bool refreshRequested_ = true;
  std::optional<std::string> controlRequested_;
  std::optional<std::string> hostRequested_;
  std::string selectedControl_;  // re-fetched with every full refresh (worker thread only)
  std::string selectedHost_;

  std::jthread worker_;  // last: starts after everything above is constructed
};

}  // namespace annexa::dashboard
