#include "collector/ingest_queue.hpp"

#include <exception>
#include <vector>

namespace annexa::collector {

IngestQueue::IngestQueue(Store& store, std::size_t maxBatch, std::size_t maxDepth)
    : store_(store), maxBatch_(maxBatch), maxDepth_(maxDepth), writer_([this] { run(); }) {}

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
    std::vector<Result<IngestOutcome>> results;
    results.reserve(batch.size());
    try {
      for (const auto outcome : store_.ingest(requests)) results.emplace_back(outcome);
    } catch (const std::exception& e) {
      // The transaction rolled back: nothing of the batch is stored, every agent keeps its spooled copy.
      results.clear();
      for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(makeError(std::string("storage failure: ") + e.what()));
    }
    // Each completion runs exactly once, outside the try: a throwing one must not answer the others twice.
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].completion(std::move(results[i]));
    pending_ -= batch.size();
    batch.clear();
  }
}

}  // namespace annexa::collector
