// The storage writer's queue on a real SQLite file: what it takes, and when it refuses.
#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "collector/ingest_queue.hpp"
#include "collector/store.hpp"
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

TEST(IngestQueue, StoresWhatItAcceptsAndRefusesOnceFullOrStopped) {
  test::FixtureRoot root;
  auto store = openSqliteStore(root.path() / "annexa.db");
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "01";
  store->addAgent(agent);
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

}  // namespace
}  // namespace annexa::collector
