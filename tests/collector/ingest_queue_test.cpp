// The storage writer's queue on a real SQLite file: what it takes, when it refuses, and that it answers only once
// a batch is on disk.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "collector/ingest/ingest_queue.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/store.hpp"
#include "common/model.hpp"
#include "common/random.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {

IngestRequest reportOf(const std::string& agentId) {
  Report report;
  report.reportId = uuid4();
  report.startedAt = "2026-11-23T12:00:00Z";
  return {agentId, report, toJson(report).dump(), 1795000000, std::nullopt};
}

// A store in `root` that knows agent-1.
std::unique_ptr<Store> storeWithAgent(const test::FixtureRoot& root) {
  auto store = openSqliteStore(root.path() / "annexa.db");
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "01";
  store->addAgent(agent);
  return store;
}

TEST(IngestQueue, StoresWhatItAcceptsAndRefusesOnceFullOrStopped) {
  test::FixtureRoot root;
  auto store = storeWithAgent(root);
  IngestQueue queue(*store, 256, /*maxDepth=*/1);
  EXPECT_TRUE(queue.accepting());
  std::promise<Result<IngestOutcome>> done;
  ASSERT_TRUE(queue.submit(reportOf("agent-1"), [&](Result<IngestOutcome> r) { done.set_value(std::move(r)); }));
  const auto outcome = done.get_future().get();
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(*outcome, IngestOutcome::Stored);
  EXPECT_EQ(store->reportCount(), 1);
  queue.stop();
  EXPECT_FALSE(queue.accepting());
  EXPECT_FALSE(queue.submit(reportOf("agent-1"), [](Result<IngestOutcome>) { FAIL() << "completed after stop"; }));
  EXPECT_EQ(store->reportCount(), 1);
}

// The real store, with syncs the test holds back or makes fail: when the queue answers, and what.
class HeldSync final : public IngestSink {
 public:
  explicit HeldSync(Store& store) : store_(store) {}
  std::vector<IngestOutcome> ingestUnsynced(const std::vector<IngestRequest>& batch) override {
    return store_.ingestUnsynced(batch);
  }
  void syncCommitted() override {
    if (!started_.exchange(true)) syncStarted_.set_value();
    released_.wait();
    if (failing_) throw SqliteError("disk full");
    store_.syncCommitted();
  }
  std::future<void> syncStarted() { return syncStarted_.get_future(); }
  void release() {
    if (!releasedOnce_.exchange(true)) release_.set_value();
  }
  void fail(bool failing) { failing_ = failing; }

 private:
  Store& store_;
  std::atomic<bool> started_{false};
  std::promise<void> syncStarted_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::atomic<bool> failing_{false};
  std::atomic<bool> releasedOnce_{false};
};

// Lets a held sync go when a test ends early, so the queue's destructor does not wait for it forever.
struct ReleaseAtExit {
  HeldSync& sink;
  ~ReleaseAtExit() { sink.release(); }
};

class IngestQueueSync : public ::testing::Test {
 protected:
  std::future<Result<IngestOutcome>> submit(IngestQueue& queue, IngestRequest request) {
    auto done = std::make_shared<std::promise<Result<IngestOutcome>>>();
    auto answer = done->get_future();
    EXPECT_TRUE(queue.submit(std::move(request), [done](Result<IngestOutcome> r) { done->set_value(std::move(r)); }));
    return answer;
  }

  test::FixtureRoot root_;
  std::unique_ptr<Store> store_ = storeWithAgent(root_);
  HeldSync sink_{*store_};
};

TEST_F(IngestQueueSync, AnswersOnlyOnceTheCommittedBatchIsOnDisk) {
  IngestQueue queue(sink_);
  const ReleaseAtExit releaseAtExit{sink_};
  auto answer = submit(queue, reportOf("agent-1"));
  // The batch is committed and the queue waits for the disk.
  ASSERT_EQ(sink_.syncStarted().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(store_->reportCount(), 1);
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "answered before the sync";
  sink_.release();
  const auto outcome = answer.get();
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(*outcome, IngestOutcome::Stored);
}

TEST_F(IngestQueueSync, AfterAFailedSyncEveryReportIsRefusedUntilRestart) {
  IngestQueue queue(sink_);
  const auto request = reportOf("agent-1");
  sink_.fail(true);
  sink_.release();
  auto answer = submit(queue, request);
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto failed = answer.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("storage failure: cannot flush the write-ahead log (disk full)"), std::string::npos)
      << failed.error();
  // The kernel reports a failed flush once: a later flush would succeed and yet not cover the lost pages, so
  // the queue takes nothing more (the agents keep their reports spooled until the collector restarts).
  EXPECT_FALSE(queue.accepting());
  EXPECT_NE(queue.failure().find("disk full"), std::string::npos) << queue.failure();
  sink_.fail(false);
  EXPECT_FALSE(queue.submit(request, [](Result<IngestOutcome>) { FAIL() << "a report taken after the failure"; }));
}

TEST(SqliteStoreFlush, AFailedFlushMakesTheStoreRefuseReports) {
  // The store's own guard, for callers other than the queue: after the flush fails it refuses to append.
  test::FixtureRoot root;
  auto store = storeWithAgent(root);
  ASSERT_EQ(store->ingestUnsynced({reportOf("agent-1")}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  EXPECT_NO_THROW(store->syncCommitted());
  // Pull the log out from under the store: what an outside tool replacing it would do.
  const auto wal = root.path() / "annexa.db-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  std::filesystem::rename(wal, root.path() / "moved-wal");
  std::ofstream(wal.string()) << "";
  EXPECT_THROW(store->syncCommitted(), SqliteError);
  // Even with the log back in place, it takes no more reports: only a restart starts again from the disk.
  std::filesystem::remove(wal);
  std::filesystem::rename(root.path() / "moved-wal", wal);
  EXPECT_THROW(store->ingestUnsynced({reportOf("agent-1")}), SqliteError);
  EXPECT_THROW(store->ingest({reportOf("agent-1")}), SqliteError);
  EXPECT_EQ(store->reportCount(), 1);
}

TEST(WalSync, SyncsTheLogOfAWalDatabaseOnly) {
  test::FixtureRoot root;
  auto journal = Database::open(root.path() / "journal.db");
  journal->exec("CREATE TABLE t (x)");
  EXPECT_EQ(WalSync::open(*journal), nullptr);
  auto wal = Database::open(root.path() / "wal.db");
  wal->exec("PRAGMA journal_mode = WAL");
  wal->exec("CREATE TABLE t (x)");
  const auto sync = WalSync::open(*wal);
  ASSERT_NE(sync, nullptr);
  wal->exec("INSERT INTO t VALUES (1)");
  EXPECT_NO_THROW(sync->sync());
}

}  // namespace
}  // namespace annexa::collector
