#include "collector/ingest/ingest_queue.hpp"

#include <cstdio>
#include <exception>
#include <vector>

#include "common/log.hpp"

namespace annexa::collector {

IngestQueue::IngestQueue(IngestSink& store, std::size_t maxBatch, std::size_t maxDepth)
    : store_(store), maxBatch_(maxBatch), maxDepth_(maxDepth), syncer_([this] { syncLoop(); }) {
  try {
    writer_ = std::thread([this] { run(); });
  } catch (...) {
    {
      std::lock_guard lock(syncMutex_);
      writerDone_ = true;
    }
    syncWake_.notify_one();
    syncer_.join();  // a joinable thread left behind would terminate the program
    throw;
  }
}

IngestQueue::~IngestQueue() { stop(); }

bool IngestQueue::submit(IngestRequest request, Completion completion) {
  {
    std::lock_guard lock(mutex_);
    // Batches waiting for the disk count too: a slow disk must turn into 503s, not into unbounded memory.
    if (stopping_ || failed_ || pending_ >= maxDepth_) return false;
    items_.push_back({std::move(request), std::move(completion)});
    ++pending_;
  }
  wake_.notify_one();
  return true;
}

bool IngestQueue::accepting() const {
  std::lock_guard lock(mutex_);
  return !stopping_ && !failed_ && pending_ < maxDepth_;
}

std::string IngestQueue::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

std::string IngestQueue::storageProblem() const {
  std::lock_guard lock(mutex_);
  return failure_.empty() ? lastWriteError_ : failure_;
}

void IngestQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(syncMutex_);
    writerDone_ = true;
  }
  syncWake_.notify_one();
  if (syncer_.joinable()) syncer_.join();
}

void IngestQueue::run() {
  std::vector<Item> batch;
  std::vector<IngestRequest> requests;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !items_.empty(); });
      if (items_.empty()) return;  // stopping and drained
      // Whatever queued while the last batch committed forms the next one: group commit.
      while (!items_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(items_.front()));
        items_.pop_front();
      }
    }
    requests.clear();
    for (auto& item : batch) requests.push_back(std::move(item.request));
    Committed done{std::move(batch), {}};
    done.results.reserve(done.items.size());
    if (failed_) {
      refuseAll(done, failure());  // nothing more is written after a failed flush
    } else {
      try {
        for (const auto outcome : store_.ingestUnsynced(requests)) done.results.emplace_back(outcome);
        std::lock_guard lock(mutex_);
        lastWriteError_.clear();
      } catch (const std::exception& e) {
        // Usually rolled back; at worst committed but unanswered. Either way the agents keep their spooled copies
        // and send them again, and a stored one is then recognised as a duplicate.
        refuseAll(done, e.what());
        log::event(log::Level::Error, "storage_error",
                   {{"error", e.what()}, {"reports", std::to_string(done.items.size())}});
        std::lock_guard lock(mutex_);
        lastWriteError_ = std::string("cannot store reports: ") + e.what();
      }
    }
    {
      std::lock_guard lock(syncMutex_);
      committed_.push_back(std::move(done));
    }
    syncWake_.notify_one();
    batch.clear();
  }
}

void IngestQueue::syncLoop() {
  std::vector<Committed> waiting;
  while (true) {
    {
      std::unique_lock lock(syncMutex_);
      syncWake_.wait(lock, [&] { return writerDone_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the writer has stopped and everything is answered
      waiting.swap(committed_);
    }
    // One sync for every batch committed meanwhile.
    try {
      if (!failed_) store_.syncCommitted();
    } catch (const std::exception& e) {
      markFailed(e.what());
    }
    if (failed_) {
      // Committed but perhaps never on disk: the agents keep their copies and send them again after a restart.
      const std::string why = failure();
      for (auto& batch : waiting) refuseAll(batch, why);
    }
    for (auto& batch : waiting) {
      complete(batch);
      pending_ -= batch.items.size();
    }
    waiting.clear();
  }
}

void IngestQueue::refuseAll(Committed& batch, const std::string& why) {
  batch.results.clear();
  for (std::size_t i = 0; i < batch.items.size(); ++i) batch.results.emplace_back(makeError("storage failure: " + why));
}

void IngestQueue::markFailed(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (failed_) return;
    failure_ = "cannot flush the write-ahead log (" + why + "); the collector refuses reports until it is restarted";
    failed_ = true;
  }
  std::fprintf(stderr, "annexa-collector: %s\n", failure().c_str());
  log::event(log::Level::Error, "storage_failed", {{"error", why}});
}

// Each completion runs exactly once, outside any try: a throwing one must not answer the others twice.
void IngestQueue::complete(Committed& batch) {
  for (std::size_t i = 0; i < batch.items.size(); ++i) batch.items[i].completion(std::move(batch.results[i]));
}

}  // namespace annexa::collector
