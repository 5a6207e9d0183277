// Register edits from the dashboard (no ImGui): on its own thread it sends each write to the collector's ISMS
// routes, keeps the outcome per form (so an error is shown next to the form that caused it), and asks the data
// source to refresh after a write succeeded. It also finds out once whether the operator certificate is an
// admin's (GET /api/v1/operators is admin-only): viewers get a read-only dashboard that says so.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "dashboard/data_source.hpp"

namespace annexa::dashboard {

enum class OperatorRole { Unknown, Viewer, Admin };

struct WriteRequest {
  std::string form;    // which form asked: its outcome is kept under this key
  std::string method;  // PUT, POST; empty: refused by the form itself, `body` says why (shown as an error)
  std::string target;  // /api/v1/soa/A.5.1
  std::string body;    // JSON
};

struct WriteOutcome {
  enum class Phase { Idle, Pending, Done, Failed };
  Phase phase = Phase::Idle;
  std::string error;   // Failed: "HTTP 400: <the collector's {"error"}>", or the transport error
  std::uint64_t sequence = 0;  // increases with every write of the form
};

class RegisterWriter {
 public:
  // `afterWrite` runs on the writer's thread after each successful write (the data source's refresh).
  RegisterWriter(Exchange exchange, std::function<void()> afterWrite);
  ~RegisterWriter();  // finishes the write in flight, drops the queued ones, joins
  RegisterWriter(const RegisterWriter&) = delete;
  RegisterWriter& operator=(const RegisterWriter&) = delete;

  void submit(WriteRequest request);
  WriteOutcome outcome(const std::string& form) const;
  void forget(const std::string& form);  // the form was reloaded: its old outcome no longer applies
  OperatorRole role() const;
  // Called on the writer's thread after each change (the UI wakes its event loop).
  void onChange(std::function<void()> callback);

 private:
  void run(std::stop_token stop);
  void probeRole();
  void notify();

  Exchange exchange_;
  std::function<void()> afterWrite_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<WriteRequest> queue_;
  std::map<std::string, WriteOutcome> outcomes_;
  std::uint64_t sequence_ = 0;
  OperatorRole role_ = OperatorRole::Unknown;
  std::function<void()> onChange_;
  std::jthread worker_;  // last: starts after everything above is constructed
};

}  // namespace annexa::dashboard
