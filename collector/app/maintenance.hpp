// The collector's upkeep, apart from the network: the revocation list refreshed from the store (revocations made
// from the CLI reach the handshake within one interval), the body dictionary trained once enough reports are
// stored, today's posture row each minute, closed non-conformities reopened when their checks fail again, and
// retention each hour.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "collector/api/api.hpp"
#include "collector/api/revocation_list.hpp"
#include "collector/store/store.hpp"

namespace annexa::collector {

namespace isms {
class IsmsService;
}

struct MaintenanceOptions {
  std::chrono::milliseconds interval{5000};
  std::int64_t retentionDays = 400;
};

class Maintenance {
 public:
  using Clock = std::function<std::int64_t()>;
  Maintenance(Store& store, Api& api, RevocationList& revocations, isms::IsmsService* isms,
              MaintenanceOptions options, Clock clock);

  // One round; rounds from several threads run one at a time.
  void run();
  std::chrono::milliseconds interval() const { return options_.interval; }

 private:
  Store& store_;
  Api& api_;
  RevocationList& revocations_;
  isms::IsmsService* isms_;
  MaintenanceOptions options_;
  Clock clock_;
  std::mutex mutex_;
  std::int64_t lastDailyPosture_ = 0;
  std::int64_t lastPurge_ = 0;
};

// Runs a round every interval on its own thread, until destroyed. The caller runs the first round itself, before
// serving: the revocation list must be loaded before the first handshake.
class MaintenanceLoop {
 public:
  explicit MaintenanceLoop(Maintenance& maintenance);
  ~MaintenanceLoop();
  MaintenanceLoop(const MaintenanceLoop&) = delete;
  MaintenanceLoop& operator=(const MaintenanceLoop&) = delete;

 private:
  Maintenance& maintenance_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace annexa::collector
