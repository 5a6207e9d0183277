// The storage writer: network threads submit validated reports; one thread stores them in batches (one
// transaction per batch), and a second waits for the disk and only then completes each submission, so a 2xx
// means "on disk". While the second waits for one batch's sync, the first already writes the next: the disk's
// latency no longer stalls the writer (pipelined group commit).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collector/store/store.hpp"

namespace annexa::collector {

class IngestQueue {
 public:
  // Called on the sync thread once the batch holding the report is committed and on disk (or failed).
  using Completion = std::function<void(Result<IngestOutcome>)>;

  IngestQueue(IngestSink& store, std::size_t maxBatch = 256, std::size_t maxDepth = 20000);
  ~IngestQueue();
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // False when the queue is full, stopping or failed (answer 503 so the agent retries later).
  bool submit(IngestRequest request, Completion completion);
  // Submitted and not yet answered: queued, being written, or committed and waiting for the disk.
  std::size_t depth() const { return pending_; }
  // Whether submit() would take a report now: lets a network thread refuse one before preparing it.
  bool accepting() const;
  std::size_t pending() const { return pending_; }
  // Why the queue refuses every report since a flush of the log failed (empty while it works). The kernel
  // reports a failed flush only once and may drop the pages it could not write, so nothing committed after that
  // can be promised to be on disk: the collector must be restarted, and SQLite then recovers what the disk holds.
  std::string failure() const;
  // What keeps reports from being stored now, for /healthz: failure(), or else the error of the last batch written
  // when it failed (a full disk), until a batch is written again. Empty while storage works.
  std::string storageProblem() const;
  // Stores everything already submitted, then stops the writer thread.
  void stop();

 private:
  struct Item {
    IngestRequest request;
    Completion completion;
  };
  // A committed batch waiting for its sync.
  struct Committed {
    std::vector<Item> items;
    std::vector<Result<IngestOutcome>> results;
  };
  void run();
  void syncLoop();
  void markFailed(const std::string& why);
  static void refuseAll(Committed& batch, const std::string& why);
  static void complete(Committed& batch);

  IngestSink& store_;
  const std::size_t maxBatch_;
  const std::size_t maxDepth_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> items_;
  bool stopping_ = false;
  std::string failure_;  // guarded by mutex_
  std::string lastWriteError_;  // guarded by mutex_; empty after a batch was written
  std::atomic<bool> failed_{false};
  std::atomic<std::size_t> pending_{0};
  std::mutex syncMutex_;
  std::condition_variable syncWake_;
  std::vector<Committed> committed_;  // in commit order
  bool writerDone_ = false;           // the writer has handed over its last batch
  std::thread syncer_;
  std::thread writer_;
};

}  // namespace annexa::collector
