#include "collector/ingest_queue.hpp"

#include <exception>
#include <vector>

namespace annexa::collector {

IngestQueue::IngestQueue(IngestSink& store, std::size_t maxBatch, std::size_t maxDepth)
    : store_(store), maxBatch_(maxBatch), maxDepth_(maxDepth), syncer_([this] { syncLoop(); }), writer_([this] { run(); }) {}

IngestQueue::~IngestQueue() { stop(); }

bool IngestQueue::submit(IngestRequest request, Completion completion) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || items_.size() >= maxDepth_) return false;
    items_.push_back({std::move(request), std::move(completion)});
    ++pending_;
  }
  wake_.notify_one();
  return true;
}

bool IngestQueue::accepting() const {
  std::lock_guard lock(mutex_);
  return !stopping_ && items_.size() < maxDepth_;
}

std::size_t IngestQueue::depth() const {
  std::lock_guard lock(mutex_);
  return items_.size();
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
    try {
      for (const auto outcome : store_.ingestUnsynced(requests)) done.results.emplace_back(outcome);
    } catch (const std::exception& e) {
      // The transaction rolled back: nothing of the batch is stored, every agent keeps its spooled copy.
      done.results.clear();
      for (std::size_t i = 0; i < done.items.size(); ++i)
        done.results.emplace_back(makeError(std::string("storage failure: ") + e.what()));
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
      store_.syncCommitted();
    } catch (const std::exception& e) {
      // Committed but perhaps not on disk: the agents keep their copies and send them again, and a report that
      // did reach the disk is then recognised as a duplicate.
      for (auto& batch : waiting)
        for (auto& result : batch.results)
          if (result) result = makeError(std::string("storage failure: ") + e.what());
    }
    for (auto& batch : waiting) {
      complete(batch);
      pending_ -= batch.items.size();
    }
    waiting.clear();
  }
}

// Each completion runs exactly once, outside any try: a throwing one must not answer the others twice.
void IngestQueue::complete(Committed& batch) {
  for (std::size_t i = 0; i < batch.items.size(); ++i) batch.items[i].completion(std::move(batch.results[i]));
}

}  // namespace annexa::collector
