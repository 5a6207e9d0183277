// The register writer against a real collector (in process, mutual TLS on loopback): it learns the operator's
// role, sends a write off the caller's thread, keeps the collector's answer per form and refreshes only after a
// write that succeeded.
#include <gtest/gtest.h>

#include <atomic>

#include "dashboard/register_writer.hpp"
#include "tests/dashboard/live_collector.hpp"

namespace annexa::dashboard {
namespace {

using annexa::test::waitFor;

struct Writing {
  test::LiveCollector live;
  std::atomic<int> refreshes{0};
  std::unique_ptr<RegisterWriter> writer;

  explicit Writing(const std::string& operatorName = "admin") {
    if (operatorName != "admin") live.collector.operatorTls(operatorName, pki::Role::Viewer);
    auto exchange = makeHttpsExchange(live.connection(operatorName));
    if (!exchange) throw std::runtime_error(exchange.error());
    writer = std::make_unique<RegisterWriter>(std::move(*exchange), [this] { ++refreshes; });
  }

  WriteOutcome settle(const std::string& form) {
    WriteOutcome outcome;
    EXPECT_TRUE(waitFor([&] {
      outcome = writer->outcome(form);
      return outcome.phase == WriteOutcome::Phase::Done || outcome.phase == WriteOutcome::Phase::Failed;
    }));
    return outcome;
  }
};

TEST(RegisterWriter, AnAdminWritesAndTheViewIsRefreshedAfterwards) {
  Writing w;
  ASSERT_TRUE(waitFor([&] { return w.writer->role() == OperatorRole::Admin; }));
  w.writer->submit({"soa", "PUT", "/api/v1/soa/A.5.1", R"({"owner": "ciso office", "implementation": "planned"})"});
  const auto done = w.settle("soa");
  EXPECT_EQ(done.phase, WriteOutcome::Phase::Done) << done.error;
  EXPECT_EQ(w.refreshes.load(), 1);
  const auto row = w.live.call("GET", "/api/v1/soa/A.5.1", nullptr, 200);
  EXPECT_EQ(row.value("owner", ""), "ciso office") << row.dump();

  // Refused by the collector: its own words, and no refresh.
  w.writer->submit({"soa", "PUT", "/api/v1/soa/A.5.1", R"({"applicable": false})"});
  const auto refused = w.settle("soa");
  EXPECT_EQ(refused.phase, WriteOutcome::Phase::Failed);
  EXPECT_EQ(refused.error.rfind("HTTP 400: ", 0), 0u) << refused.error;
  EXPECT_NE(refused.error.find("justification"), std::string::npos) << refused.error;
  EXPECT_GT(refused.sequence, done.sequence);
  EXPECT_EQ(w.refreshes.load(), 1);

  // Refused by the form itself (no method): never sent, shown the same way.
  w.writer->submit({"risk", "", "", "impact: \"three\" is not a whole number"});
  EXPECT_EQ(w.settle("risk").error, "impact: \"three\" is not a whole number");
  w.writer->forget("risk");
  EXPECT_EQ(w.writer->outcome("risk").phase, WriteOutcome::Phase::Idle);
}

TEST(RegisterWriter, AViewerIsToldItIsReadOnlyAndItsWritesAreRefused) {
  Writing w("auditor");
  ASSERT_TRUE(waitFor([&] { return w.writer->role() == OperatorRole::Viewer; }));
  w.writer->submit({"calendar", "PUT", "/api/v1/calendar", R"({"scope": "everything"})"});
  const auto outcome = w.settle("calendar");
  EXPECT_EQ(outcome.phase, WriteOutcome::Phase::Failed);
  EXPECT_EQ(outcome.error.rfind("HTTP 403", 0), 0u) << outcome.error;
  EXPECT_EQ(w.refreshes.load(), 0);
}

TEST(RegisterWriter, AnUnreachableCollectorFailsTheWriteAndLeavesTheRoleUnknown) {
  test::LiveCollector live;
  auto config = live.connection();
  config.serverUrl = "https://127.0.0.1:1";  // real certificates, nothing listening
  auto exchange = makeHttpsExchange(config);
  ASSERT_TRUE(exchange) << exchange.error();
  std::atomic<int> refreshes{0};
  RegisterWriter writer(std::move(*exchange), [&] { ++refreshes; });
  writer.submit({"soa", "PUT", "/api/v1/soa/A.5.1", "{}"});
  ASSERT_TRUE(waitFor([&] { return writer.outcome("soa").phase == WriteOutcome::Phase::Failed; }));
  EXPECT_FALSE(writer.outcome("soa").error.empty());
  EXPECT_EQ(writer.role(), OperatorRole::Unknown);
  EXPECT_EQ(refreshes.load(), 0);
}

}  // namespace
}  // namespace annexa::dashboard
