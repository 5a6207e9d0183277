#include "dashboard/register_writer.hpp"

#include <utility>

namespace annexa::dashboard {
namespace {

// "HTTP 400: an exception needs an approver" (the collector's own words; the route is the form's).
std::string replyError(const HttpResponse& reply) { return "HTTP " + std::to_string(reply.status) + ": " + replyDetail(reply); }

}  // namespace

RegisterWriter::RegisterWriter(Exchange exchange, std::function<void()> afterWrite)
    : exchange_(std::move(exchange)), afterWrite_(std::move(afterWrite)) {
  worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

RegisterWriter::~RegisterWriter() {
  worker_.request_stop();
  wake_.notify_all();
}

void RegisterWriter::submit(WriteRequest request) {
  {
    std::lock_guard lock(mutex_);
    auto& outcome = outcomes_[request.form];
    outcome.phase = WriteOutcome::Phase::Pending;
    outcome.error.clear();
    outcome.sequence = ++sequence_;
    queue_.push_back(std::move(request));
  }
  wake_.notify_all();
}

WriteOutcome RegisterWriter::outcome(const std::string& form) const {
  std::lock_guard lock(mutex_);
  const auto it = outcomes_.find(form);
  return it == outcomes_.end() ? WriteOutcome{} : it->second;
}

void RegisterWriter::forget(const std::string& form) {
  std::lock_guard lock(mutex_);
  if (const auto it = outcomes_.find(form); it != outcomes_.end() && it->second.phase != WriteOutcome::Phase::Pending)
    outcomes_.erase(it);
}

OperatorRole RegisterWriter::role() const {
  std::lock_guard lock(mutex_);
  return role_;
}

void RegisterWriter::onChange(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  onChange_ = std::move(callback);
}

void RegisterWriter::notify() {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    callback = onChange_;
  }
  if (callback) callback();
}

// GET /api/v1/operators answers 200 to admins and 403 to viewers; anything else leaves the role unknown.
void RegisterWriter::probeRole() {
  auto reply = exchange_("GET", "/api/v1/operators", {});
  const auto role = !reply                  ? OperatorRole::Unknown
                    : reply->status == 200  ? OperatorRole::Admin
                    : reply->status == 403  ? OperatorRole::Viewer
                                            : OperatorRole::Unknown;
  {
    std::lock_guard lock(mutex_);
    role_ = role;
  }
  notify();
}

void RegisterWriter::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (role() == OperatorRole::Unknown) probeRole();
    std::optional<WriteRequest> request;
    {
      std::unique_lock lock(mutex_);
      // While the role is unknown (the collector was unreachable), ask again every 5 s.
      wake_.wait_for(lock, stop, std::chrono::seconds(5), [&] { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      if (queue_.empty()) continue;
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    // No method: the form refused its own input (say, a number that is not one); the body says why.
    const bool local = request->method.empty();
    auto reply = local ? Result<HttpResponse>(makeError(request->body))
                       : exchange_(request->method, request->target, request->body);
    const bool ok = reply && reply->status >= 200 && reply->status < 300;
    {
      std::lock_guard lock(mutex_);
      auto& outcome = outcomes_[request->form];
      outcome.phase = ok ? WriteOutcome::Phase::Done : WriteOutcome::Phase::Failed;
      outcome.error = ok ? std::string() : !reply ? reply.error() : replyError(*reply);
    }
    if (ok && afterWrite_) afterWrite_();
    notify();
  }
}

}  // namespace annexa::dashboard
