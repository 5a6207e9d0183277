// Signs the evidence log's head with the collector's server key: periodically on its own thread (never a
// network thread) when the head changed, and once more on shutdown so the last reports are covered.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "collector/store/store.hpp"
#include "common/pki.hpp"
#include "common/result.hpp"

namespace annexa::collector {

class EvidenceHeadSigner {
 public:
  using Clock = std::function<std::int64_t()>;
  EvidenceHeadSigner(EvidenceLogStore& store, pki::KeyPtr serverKey, std::string serverFingerprint,
                     std::int64_t intervalSeconds, Clock clock);
  ~EvidenceHeadSigner();
  EvidenceHeadSigner(const EvidenceHeadSigner&) = delete;
  EvidenceHeadSigner& operator=(const EvidenceHeadSigner&) = delete;

  // Signs when the head moved since the last signature and that signature is at least the interval old
  // (`ignoreInterval`: whenever the head moved). True when it signed.
  Result<bool> signIfDue(bool ignoreInterval = false);

  // Checks every interval on a background thread.
  void start();
  // Stops the thread, then signs a head that moved since the last signature (graceful shutdown).
  Result<bool> stop();

 private:
  void run();
  void stopThread();

  EvidenceLogStore& store_;
  pki::KeyPtr key_;
  std::string fingerprint_;
  std::int64_t intervalSeconds_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace annexa::collector
