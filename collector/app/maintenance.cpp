#include "collector/app/maintenance.hpp"

#include <cstdio>

#include "collector/isms/isms_service.hpp"
#include "common/clock.hpp"

namespace annexa::collector {

Maintenance::Maintenance(Store& store, Api& api, RevocationList& revocations, isms::IsmsService* isms,
                         MaintenanceOptions options, Clock clock)
    : store_(store), api_(api), revocations_(revocations), isms_(isms), options_(options), clock_(std::move(clock)) {}

void Maintenance::run() {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  // Revocations made from the CLI (another process) reach the handshake check, reports and the host list.
  api_.revocationsRefreshed(revocations_.replace(store_.revokedSerials()));
  // Once per database, at the first round after enough reports are stored (a cheap check until then): a
  // dictionary trained on the fleet's own reports shrinks every later body about five-fold.
  store_.trainBodyDictionary(now);
  if (lastDailyPosture_ != 0 && now - lastDailyPosture_ < 60) return;
  lastDailyPosture_ = now;
  store_.saveDailyPosture(dailyPostureRows(api_.posture(), formatRfc3339(now).substr(0, 10)));
  if (isms_) isms_->maintain(now);  // closed non-conformities whose checks fail again reopen
  if (now - lastPurge_ >= 3600) {
    store_.purgeReportsBefore(now - options_.retentionDays * 86400);
    lastPurge_ = now;
  }
}

MaintenanceLoop::MaintenanceLoop(Maintenance& maintenance) : maintenance_(maintenance) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, maintenance_.interval(), [this] { return stopping_; })) {
      lock.unlock();
      try {
        maintenance_.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "annexa-collector: maintenance failed: %s\n", e.what());  // the next round retries
      }
      lock.lock();
    }
  });
}

MaintenanceLoop::~MaintenanceLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace annexa::collector
