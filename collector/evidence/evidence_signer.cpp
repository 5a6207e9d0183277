#include "collector/evidence/evidence_signer.hpp"

#include <chrono>
#include <cstdio>

#include "collector/store/evidence_chain.hpp"

namespace annexa::collector {

EvidenceHeadSigner::EvidenceHeadSigner(EvidenceLogStore& store, pki::KeyPtr serverKey, std::string serverFingerprint,
                                       std::int64_t intervalSeconds, Clock clock)
    : store_(store),
      key_(std::move(serverKey)),
      fingerprint_(std::move(serverFingerprint)),
      intervalSeconds_(intervalSeconds),
      clock_(std::move(clock)) {}

EvidenceHeadSigner::~EvidenceHeadSigner() { stopThread(); }

void EvidenceHeadSigner::stopThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Result<bool> EvidenceHeadSigner::signIfDue(bool ignoreInterval) {
  const auto head = store_.evidenceHead();
  if (!head) return false;
  const auto now = clock_();
  const auto last = store_.latestSignedHead();
  if (last && last->seq == head->seq && last->entryHash == head->entryHash) return false;
  if (last && !ignoreInterval && now - last->signedAt < intervalSeconds_) return false;
  auto signedHead = signEvidenceHead(key_.get(), fingerprint_, *head, now);
  if (!signedHead) return makeError(signedHead.error());
  store_.addSignedHead(*signedHead);
  return true;
}

void EvidenceHeadSigner::start() {
  thread_ = std::thread([this] { run(); });
}

void EvidenceHeadSigner::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(intervalSeconds_), [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (auto signedNow = signIfDue(); !signedNow)
        std::fprintf(stderr, "annexa-collector: %s\n", signedNow.error().c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "annexa-collector: signing the evidence head failed: %s\n", e.what());
    }
    lock.lock();
  }
}

Result<bool> EvidenceHeadSigner::stop() {
  stopThread();
  return signIfDue(true);
}

}  // namespace annexa::collector
