#include "dashboard/data_source.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/json.hpp"
#include "common/text.hpp"
#include "dashboard/drilldown.hpp"
#include "dashboard/isms_snapshot.hpp"

namespace annexa::dashboard {
namespace {

// "/api/v1/controls/A.5.1": control and host ids come from the API itself, but never trust them blindly.
bool safePathSegment(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

std::string replyDetail(const HttpResponse& reply) {
  std::string detail = reply.body;
  if (auto doc = parseJson(detail); doc && doc->is_object() && doc->contains("error") && (*doc)["error"].is_string())
    detail = (*doc)["error"].get<std::string>();
  return text::truncate(detail, 200);
}

std::string httpErrorText(std::string_view method, const std::string& target, const HttpResponse& reply) {
  return std::string(method) + " " + target + ": HTTP " + std::to_string(reply.status) + " " + replyDetail(reply);
}

Fetch fetchOver(Exchange exchange) {
  return [exchange = std::move(exchange)](const std::string& target) -> Result<std::string> {
    auto reply = exchange("GET", target, {});
    if (!reply) return makeError(reply.error());
    if (reply->status != 200) return makeError(httpErrorText("GET", target, *reply));
    return std::move(reply->body);
  };
}

DataSource::DataSource(Fetch fetch, DataSourceOptions options, UnixClock clock)
    : fetch_(std::move(fetch)), options_(std::move(options)), clock_(std::move(clock)) {
  auto initial = std::make_shared<Snapshot>();
  initial->connection.server = options_.serverLabel;
  snapshot_ = std::move(initial);
  if (options_.background) worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

DataSource::~DataSource() {
  if (worker_.joinable()) {
    worker_.request_stop();
    wake_.notify_all();
    worker_.join();
  }
}

std::shared_ptr<const Snapshot> DataSource::current() const {
  std::lock_guard lock(snapshotMutex_);
  return snapshot_;
}

void DataSource::refresh() {
  {
    std::lock_guard lock(requestMutex_);
    refreshRequested_ = true;
  }
  wake_.notify_all();
}

void DataSource::selectControl(const std::string& controlId) {
  {
    std::lock_guard lock(requestMutex_);
    controlRequested_ = controlId;
  }
  wake_.notify_all();
}

void DataSource::selectHost(const std::string& hostId) {
  {
    std::lock_guard lock(requestMutex_);
    hostRequested_ = hostId;
  }
  wake_.notify_all();
}

void DataSource::onPublish(std::function<void()> callback) {
  std::lock_guard lock(snapshotMutex_);
  onPublish_ = std::move(callback);
}

void DataSource::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    bool doRefresh = false;
    std::optional<std::string> control, host;
    // While the collector is unreachable, retry sooner than the normal interval (at most every 5 s).
    const bool reachable = current()->connection.connected;
    const auto wait = reachable ? options_.refreshInterval
                                : std::min<std::chrono::milliseconds>(options_.refreshInterval, std::chrono::seconds(5));
    {
      std::unique_lock lock(requestMutex_);
      const bool woken = wake_.wait_for(lock, stop, wait, [&] {
        return refreshRequested_ || controlRequested_ || hostRequested_;
      });
      if (stop.stop_requested()) return;
      doRefresh = refreshRequested_ || !woken;  // the interval elapsed, or F5
      refreshRequested_ = false;
      std::swap(control, controlRequested_);
      std::swap(host, hostRequested_);
    }
    // Selections first: they are what the user is waiting for; the full refresh follows.
    if (control) {
      selectedControl_ = *control;
      fetchControl(*control);
    }
    if (host) {
      selectedHost_ = *host;
      fetchHost(*host);
    }
    if (doRefresh) refreshNow();
  }
}

void DataSource::publish(const std::function<void(Snapshot&)>& change) {
  std::function<void()> callback;
  {
    std::lock_guard lock(snapshotMutex_);
    auto next = std::make_shared<Snapshot>(*snapshot_);  // copies pointers, not the fleet
    ++next->generation;
    change(*next);
    snapshot_ = std::move(next);
    callback = onPublish_;
  }
  if (callback) callback();
}

void DataSource::failed(const std::string& error) {
  const auto now = clock_();
  publish([&](Snapshot& s) {
    if (s.connection.connected || s.connection.disconnectedSince == 0) s.connection.disconnectedSince = now;
    s.connection.connected = false;
    s.connection.lastError = error;
  });
}

void DataSource::refreshNow() {
  {  // selections not yet taken by the worker (or made without one) are part of this refresh
    std::lock_guard lock(requestMutex_);
    if (controlRequested_) selectedControl_ = *std::exchange(controlRequested_, std::nullopt);
    if (hostRequested_) selectedHost_ = *std::exchange(hostRequested_, std::nullopt);
  }
  const auto fail = [this](const std::string& message) { failed(message); };
  auto posture = fetch_("/api/v1/posture");
  if (!posture) return fail(posture.error());
  auto fleet = parsePosture(*posture);
  if (!fleet) return fail(fleet.error());

  const int pageSize = std::max(1, options_.hostPageSize);
  for (int offset = 0;; offset += pageSize) {
    auto body = fetch_("/api/v1/hosts?offset=" + std::to_string(offset) + "&limit=" + std::to_string(pageSize));
    if (!body) return fail(body.error());
    auto page = parseHostPage(*body);
    if (!page) return fail(page.error());
    const bool last = page->hosts.empty() || offset + static_cast<int>(page->hosts.size()) >= page->total;
    for (auto& h : page->hosts) fleet->hosts.push_back(std::move(h));
    if (last) break;
  }

  auto findingsBody = fetch_("/api/v1/findings");
  if (!findingsBody) return fail(findingsBody.error());
  auto findings = parseFindings(*findingsBody);
  if (!findings) return fail(findings.error());
  fleet->findings = std::move(*findings);

  auto historyBody = fetch_("/api/v1/history");
  if (!historyBody) return fail(historyBody.error());
  auto history = parseThemeHistory(*historyBody);
  if (!history) return fail(history.error());
  fleet->history = std::move(*history);

  auto isms = fetchIsms();
  applyExclusions(fleet->history, excludedHistories(isms->soa), fleet->controls);  // N/A in the trends too
  auto shared = std::make_shared<const FleetData>(std::move(*fleet));
  const auto now = clock_();
  publish([&](Snapshot& s) {  // fleet and registers in one snapshot: the views never mix two refreshes
    s.fleet = shared;
    s.isms = isms;
    s.connection.everConnected = true;
    s.connection.connected = true;
    s.connection.lastSuccess = now;
    s.connection.disconnectedSince = 0;
    s.connection.lastError.clear();
  });
  if (!selectedControl_.empty()) fetchControl(selectedControl_);
  if (!selectedHost_.empty()) fetchHost(selectedHost_);
}

// The five registers and the audit calendar. A failure here does not mark the collector unreachable (the fleet just arrived):
// the register stays empty and the ISMS views show the error.
std::shared_ptr<const IsmsData> DataSource::fetchIsms() {
  auto isms = std::make_shared<IsmsData>();
  const auto load = [&](const char* target, auto parse, auto& into) {
    auto body = fetch_(target);
    auto parsed = body ? parse(*body) : decltype(parse(*body))(makeError(body.error()));
    if (parsed) into = std::move(*parsed);
    else if (isms->error.empty()) isms->error = parsed.error();
  };
  load("/api/v1/soa", parseSoa, isms->soa);
  load("/api/v1/exceptions", parseExceptions, isms->exceptions);
  load("/api/v1/risks", parseRisks, isms->risks);
  load("/api/v1/nonconformities", parseNonConformities, isms->nonConformities);
  load("/api/v1/readiness", parseReadiness, isms->readiness);
  load("/api/v1/calendar", parseCalendar, isms->calendar);
  return isms;
}

// The daily series of every control the SoA excludes; one that cannot be fetched is left out (its days keep the
// fleet's status in the theme history).
std::vector<ControlHistory> DataSource::excludedHistories(const SoaRegister& soa) {
  std::vector<ControlHistory> out;
  for (const auto& id : excludedControls(soa)) {
    if (!safePathSegment(id)) continue;
    auto body = fetch_("/api/v1/history?control=" + id);
    auto history = body ? parseControlHistory(*body) : Result<ControlHistory>(makeError(body.error()));
    if (!history) continue;
    history->controlId = id;
    out.push_back(std::move(*history));
  }
  return out;
}

void DataSource::fetchControl(const std::string& controlId) {
  if (!safePathSegment(controlId)) return;
  auto body = fetch_("/api/v1/controls/" + controlId);
  if (!body) return failed(body.error());
  auto detail = parseControlDetail(*body);
  if (!detail) return failed(detail.error());
  auto historyBody = fetch_("/api/v1/history?control=" + controlId);
  if (!historyBody) return failed(historyBody.error());
  auto history = parseControlHistory(*historyBody);
  if (!history) return failed(history.error());
  if (history->controlId.empty()) history->controlId = controlId;
  auto sharedDetail = std::make_shared<const ControlDetail>(std::move(*detail));
  auto sharedHistory = std::make_shared<const ControlHistory>(std::move(*history));
  publish([&](Snapshot& s) {
    s.control = sharedDetail;
    s.controlHistory = sharedHistory;
  });
}

void DataSource::fetchHost(const std::string& hostId) {
  if (!safePathSegment(hostId)) return;
  auto body = fetch_("/api/v1/hosts/" + hostId);
  if (!body) return failed(body.error());
  auto detail = parseHostDetail(*body);
  if (!detail) return failed(detail.error());
  auto shared = std::make_shared<const HostDetail>(std::move(*detail));
  publish([&](Snapshot& s) { s.host = shared; });
}

}  // namespace annexa::dashboard
