// The storage writer: network threads submit validated reports; one thread stores them in batches
// (one transaction per batch) and only then completes each submission, so a 2xx means "on disk".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "collector/store.hpp"

namespace annexa::collector {

class IngestQueue {
 public:
  // Called on the writer thread once the batch holding the report has committed (or failed).
  using Completion = std::function<void(Result<IngestOutcome>)>;

  IngestQueue(Store& store, std::size_t maxBatch = 256, std::size_t maxDepth = 20000);
  ~IngestQueue();
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // False when the queue is full or stopping (answer 503 so the agent retries later).
  bool submit(IngestRequest request, Completion completion);
  std::size_t depth() const;
  // Whether submit() would take a report now: lets a network thread refuse one before preparing it.
  bool accepting() const;
  // Submitted and not yet completed: the queue plus the batch being written.
  std::size_t pending() const { return pending_; }
  // Stores everything already submitted, then stops the writer thread.
  void stop();

 private:
  struct Item {
    IngestRequest request;
    Completion completion;
  };
  void run();

  Store& store_;
  const std::size_t maxBatch_;
  const std::size_t maxDepth_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> items_;
  bool stopping_ = false;
  std::atomic<std::size_t> pending_{0};
  std::thread writer_;
};

}  // namespace annexa::collector
