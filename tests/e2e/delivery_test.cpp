// The agent's delivery code (spool → mutual TLS → collector) against a real in-process collector.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>

#include <sstream>

#include "agent/delivery.hpp"
#include "agent/enrollment.hpp"
#include "agent/run_loop.hpp"
#include "collector/store/body_codec.hpp"
#include "collector/store/sqlite.hpp"
#include "common/result_digest.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa::collector {
namespace {
namespace fs = std::filesystem;
using test::InProcessCollector;

collector::ServerOptions roomyOptions() {
  auto options = InProcessCollector::fastOptions();
  options.bodyLimit = 1024 * 1024;  // a live report of this machine must fit
  return options;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_ = collector_.enrollOrThrow();
    ASSERT_TRUE(spool_.open().ok());
  }
  std::string spoolValid() {
    auto report = test::makeReport(agent_.id, agent_.machineId);
    EXPECT_TRUE(spool_.add(test::reportBody(report)).ok());
    return report.reportId;
  }
  std::vector<std::string> spooledIds() {
    std::vector<std::string> ids;
    for (const auto& r : spool_.list()) {
      auto parsed = parseJson(spool_.read(r).value());
      ids.push_back(parsed && parsed->is_object() ? parsed->value("report_id", std::string("?")) : "?");
    }
    return ids;
  }
  std::size_t rejectedCount() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(spool_.directory() / "rejected")) ++n;
    return n;
  }

  // makeReport's results are the same every time; only the id and the start differ.
  Report reportStartedAt(std::int64_t unixSeconds) {
    auto report = test::makeReport(agent_.id, agent_.machineId);
    report.startedAt = formatRfc3339(unixSeconds);
    return report;
  }
  void spool(const Report& report) { ASSERT_TRUE(spool_.add(test::reportBody(report)).ok()); }
  // Delivers the whole spool, remembering the last full report in memoryFile(), and checks the counts.
  agent::DeliveryOutcome deliverExpecting(int delivered, int unchanged) {
    auto client = collector_.client(agent_.tls);
    auto outcome = agent::deliverSpool(spool_, *client, memoryFile());
    EXPECT_FALSE(outcome.error.has_value()) << *outcome.error;
    EXPECT_EQ(outcome.delivered, delivered);
    EXPECT_EQ(outcome.unchanged, unchanged);
    EXPECT_TRUE(spool_.list().empty());
    return outcome;
  }
  fs::path memoryFile() const { return collector_.scratch() / "last-full-report.json"; }
  nlohmann::json memory() const { return parseJson(test::readFileOrEmpty(memoryFile())).valueOr(nlohmann::json()); }
  void writeMemory(const nlohmann::json& memory) const {
    ASSERT_TRUE(agent::writeFileDurably(memoryFile(), memory.dump(), 0600).ok());
  }
  nlohmann::json stored(const std::string& reportId) {
    const auto body = collector_.store().rawReport(agent_.id, reportId);
    return body ? parseJson(*body).valueOr(nlohmann::json()) : nlohmann::json();
  }

  InProcessCollector collector_{roomyOptions()};
  test::TestAgent agent_;
  agent::Spool spool_{collector_.scratch() / "spool"};
};

std::string resultsDigest(const Report& report) { return digestResults(report.results).resultsDigest; }

TEST_F(DeliveryTest, DeletesOnlyAfter2xxAndStopsAtTheFirstFailure) {
  const auto first = spoolValid();
  const auto second = spoolValid();
  const auto other = collector_.enrollOrThrow();
  auto foreign = test::makeReport(other.id, agent_.machineId);  // 403: speaks for another agent
  ASSERT_TRUE(spool_.add(test::reportBody(foreign)).ok());
  const auto fourth = spoolValid();

  auto client = collector_.client(agent_.tls);
  const auto outcome = agent::deliverSpool(spool_, *client);
  EXPECT_EQ(outcome.delivered, 2);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_NE(outcome.error->find("HTTP 403"), std::string::npos) << *outcome.error;
  EXPECT_EQ(spooledIds(), (std::vector<std::string>{foreign.reportId, fourth}));
  EXPECT_EQ(collector_.store().reportCount(), 2);
  EXPECT_TRUE(collector_.store().rawReport(agent_.id, first).has_value());
  EXPECT_TRUE(collector_.store().rawReport(agent_.id, second).has_value());
}

TEST_F(DeliveryTest, SetsAsideWhatTheCollectorWillNeverTake) {
  ASSERT_TRUE(spool_.add("{\"schema\": \"annexa.report/1\", trunc").ok());  // 400
  const auto valid = spoolValid();
  auto huge = test::makeReport(agent_.id, agent_.machineId);
  huge.results[0].message = std::string(2 * 1024 * 1024, 'm');  // 413
  ASSERT_TRUE(spool_.add(test::reportBody(huge)).ok());

  auto client = collector_.client(agent_.tls);
  const auto outcome = agent::deliverSpool(spool_, *client);
  EXPECT_FALSE(outcome.error.has_value()) << *outcome.error;
  EXPECT_EQ(outcome.delivered, 1);
  EXPECT_EQ(outcome.quarantined, 2);
  EXPECT_TRUE(spool_.list().empty());
  EXPECT_EQ(rejectedCount(), 2u);
  EXPECT_EQ(collector_.store().reportCount(), 1);
  EXPECT_TRUE(collector_.store().rawReport(agent_.id, valid).has_value());
}

TEST_F(DeliveryTest, BusyOrUnreachableCollectorKeepsEverySpooledReport) {
  const auto ids = std::vector<std::string>{spoolValid(), spoolValid()};
  auto client = collector_.client(agent_.tls);
  collector_.queue().stop();  // the storage writer is gone: 503
  auto outcome = agent::deliverSpool(spool_, *client);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_NE(outcome.error->find("HTTP 503"), std::string::npos) << *outcome.error;
  EXPECT_EQ(outcome.delivered, 0);
  EXPECT_EQ(spooledIds(), ids);

  collector_.stop();
  outcome = agent::deliverSpool(spool_, *client);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(spooledIds(), ids);
  EXPECT_EQ(collector_.store().reportCount(), 0);
}

TEST_F(DeliveryTest, RepeatedResultsGoAsUnchangedSinceTheLastFullReport) {
  const auto t0 = collector_.now();
  const auto first = reportStartedAt(t0 - 600);
  spool(first);
  auto outcome = deliverExpecting(1, 0);  // nothing remembered yet (no file): full
  EXPECT_EQ(stored(first.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(memory().value("report_id", ""), first.reportId);
  EXPECT_EQ(memory().value("results_digest", ""), resultsDigest(first));
  const auto reportsBefore = collector_.store().reportCount();

  const auto second = reportStartedAt(t0 - 300);
  spool(second);
  outcome = deliverExpecting(1, 1);
  EXPECT_EQ(outcome.unchangedSince, first.reportId);
  const auto shortReport = stored(second.reportId);
  EXPECT_EQ(shortReport.value("schema", ""), kUnchangedSchema);
  EXPECT_EQ(shortReport.value("same_as", ""), first.reportId);
  EXPECT_EQ(shortReport.value("results_digest", ""), resultsDigest(second));
  EXPECT_FALSE(shortReport.contains("results"));
  EXPECT_EQ(collector_.store().findAgent(agent_.id)->lastSeen, t0 - 300);  // the host was seen again
  EXPECT_EQ(collector_.store().reportCount(), reportsBefore + 1);
  EXPECT_EQ(memory().value("report_id", ""), first.reportId);  // a short report is never the one to name
}

TEST_F(DeliveryTest, ChangedResultsGoInFullAndAreRememberedInstead) {
  const auto t0 = collector_.now();
  const auto first = reportStartedAt(t0 - 900);
  auto changed = reportStartedAt(t0 - 600);
  changed.results[1].evidence[0].observed = "something else";
  auto repeated = reportStartedAt(t0 - 300);
  repeated.results = changed.results;
  spool(first);
  spool(changed);
  spool(repeated);

  deliverExpecting(3, 1);
  EXPECT_EQ(stored(changed.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(stored(repeated.reportId).value("schema", ""), kUnchangedSchema);
  EXPECT_EQ(stored(repeated.reportId).value("same_as", ""), changed.reportId);
  EXPECT_EQ(memory().value("report_id", ""), changed.reportId);
  EXPECT_EQ(memory().value("results_digest", ""), resultsDigest(changed));
}

TEST_F(DeliveryTest, AStaleMemoryCostsOneRefusalThenTheFullReport) {
  const auto t0 = collector_.now();
  const auto report = reportStartedAt(t0 - 300);
  // Right digest, but a report this collector never took (say, its database was restored from a backup).
  writeMemory({{"report_id", uuid4()}, {"results_digest", resultsDigest(report)},
               {"started_at", formatRfc3339(t0 - 600)}, {"agent_version", report.agentVersion}});
  spool(report);

  deliverExpecting(1, 0);
  const auto metrics = collector_.metrics().render({});
  EXPECT_NE(metrics.find("annexa_reports_rejected_total{reason=\"not_current\"} 1\n"), std::string::npos) << metrics;
  EXPECT_EQ(stored(report.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(collector_.store().reportCount(), 1);
  EXPECT_EQ(memory().value("report_id", ""), report.reportId);
}

TEST_F(DeliveryTest, AShortFormTheCollectorCannotReadNeverSetsTheFullReportAside) {
  // A collector older than annexa.unchanged/1 answers 400 to the short form; so does this one to a same_as longer
  // than a report id may be. The full report itself is fine and must be delivered, not set aside.
  const auto t0 = collector_.now();
  const auto first = reportStartedAt(t0 - 600);
  const auto second = reportStartedAt(t0 - 300);
  writeMemory({{"report_id", std::string(65, 'r')}, {"results_digest", resultsDigest(first)},
               {"started_at", formatRfc3339(t0 - 900)}, {"agent_version", first.agentVersion}});
  spool(first);
  spool(second);

  const auto outcome = deliverExpecting(2, 0);
  EXPECT_EQ(outcome.quarantined, 0);
  EXPECT_EQ(stored(first.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(stored(second.reportId).value("schema", ""), kReportSchema) << "no second try of the short form";
  EXPECT_EQ(memory().value("report_id", ""), second.reportId);
  const auto metrics = collector_.metrics().render({});
  EXPECT_NE(metrics.find("annexa_reports_rejected_total{reason=\"malformed\"} 1\n"), std::string::npos) << metrics;
}

TEST_F(DeliveryTest, AFullReportGoesAtLeastOnceADay) {
  const auto t0 = collector_.now();
  const auto first = reportStartedAt(t0 - kFullReportEverySeconds - 600);
  const auto justInside = reportStartedAt(t0 - 601);  // 24 h less a second after `first`
  const auto aDayLater = reportStartedAt(t0 - 600);
  spool(first);
  spool(justInside);
  spool(aDayLater);

  deliverExpecting(3, 1);
  EXPECT_EQ(stored(justInside.reportId).value("same_as", ""), first.reportId);
  EXPECT_EQ(stored(aDayLater.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(memory().value("report_id", ""), aDayLater.reportId);
}

TEST_F(DeliveryTest, AnUnreadableMemoryMeansAFullReport) {
  const auto t0 = collector_.now();
  const auto first = reportStartedAt(t0 - 600);
  spool(first);
  deliverExpecting(1, 0);
  const auto second = reportStartedAt(t0 - 300);
  spool(second);
  ASSERT_TRUE(agent::writeFileDurably(memoryFile(), "{\"report_id\": \"" + first.reportId + "\", trunc", 0600).ok());

  deliverExpecting(1, 0);
  EXPECT_EQ(stored(second.reportId).value("schema", ""), kReportSchema);
  EXPECT_EQ(memory().value("report_id", ""), second.reportId);  // rewritten whole
}

// `annexa-agent run --once` as a function: real checks of this machine, spooled, delivered.
TEST(AgentRunLoop, DroppedReportCountTravelsInTheNextReport) {
  InProcessCollector collector(roomyOptions());
  const agent::StateDir state{collector.scratch() / "agent-state"};
  auto identity = agent::enrollAgent({collector.url(), collector.createToken(), collector.caFingerprint(), state, 900, false});
  ASSERT_TRUE(identity.ok()) << identity.error();
  const agent::SpoolLimits limits{2, 1ull << 30};
  {
    // While the collector was away the spool overflowed: 2 reports dropped, 2 kept.
    agent::Spool spool(state.spool(), limits);
    ASSERT_TRUE(spool.open().ok());
    const auto machineId = collector.store().findAgent(identity->agentId)->machineId;
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(spool.add(test::reportBody(test::makeReport(identity->agentId, machineId))).ok());
    ASSERT_EQ(spool.droppedCount(), 2u);
  }
  agent::RunLoopOptions options;
  options.state = state;
  options.once = true;
  options.spoolLimits = limits;
  std::ostringstream out, err;
  // Spooling this run's report drops one more; the report announces the two dropped before it.
  ASSERT_EQ(agent::runAgentLoop(options, out, err), 0) << err.str();
  EXPECT_EQ(agent::Spool(state.spool(), limits).droppedCount(), 1u);
  ASSERT_EQ(agent::runAgentLoop(options, out, err), 0) << err.str();
  EXPECT_EQ(agent::Spool(state.spool(), limits).droppedCount(), 0u);
  EXPECT_TRUE(fs::exists(state.lastFullReport()));  // the loop remembers what the collector took
  // The loop blocks SIGTERM while it runs, and gives the caller its signal mask back.
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGTERM));

  std::vector<std::uint64_t> announced;
  auto db = Database::open(collector.data().database(), Database::Mode::ReadOnly);
  auto rows = db->prepare("SELECT body FROM reports");
  while (rows.step()) {
    auto report = parseReport(decompressBody(rows.columnText(0), 1 << 20).value());
    ASSERT_TRUE(report.ok()) << report.error();
    if (report->agentVersion != "test") announced.push_back(report->droppedReports);
  }
  rows.reset();
  std::sort(announced.begin(), announced.end());
  EXPECT_EQ(announced, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(collector.store().reportCount(), 3);  // one kept from the overflow, one per run
  const auto metrics = collector.client(collector.admin())->request("GET", "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.error();
  EXPECT_NE(metrics->body.find("\nannexa_agent_reports_dropped_total 3\n"), std::string::npos) << metrics->body;
}

}  // namespace
}  // namespace annexa::collector
