// Posture at a date: reports fed over simulated days into a real SQLite store, then the fleet asked for
// instants in between — host results, control statuses and exceptions as they were then.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_fleet.hpp"
#include "collector/posture/posture_at.hpp"
#include "collector/store/store.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "tests/collector/collector_harness.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kDay0 = 1793404800;  // 2026-10-31T00:00:00Z; day N starts at kDay0 + N days
constexpr const char* kSsh = "ssh.permit_root_login";

std::int64_t day(int n, int hour = 0) { return kDay0 + n * kDay + hour * kHour; }

class PostureAtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = openSqliteStore(dir_.path() / "annexa.db");
    control_ = CheckMapping::builtin().controlsFor(kSsh).front();
    enroll("host-a", day(1, 11), 12 * kHour);  // reports daily at noon: stale after 24 h
    enroll("host-b", day(2, 11), 12 * kHour);  // enrolled on day 2
    enroll("host-r", day(1, 11), 12 * kHour);  // revoked on day 4
    enroll("host-s", day(1, 11), 30 * kHour);  // goes silent after day 2: stale after 60 h
    for (int d = 1; d <= 5; ++d) {
      // host-a: pass on days 1-2, fail on days 3-4, pass again on day 5; kernel.aslr only on day 1.
      report("host-a", day(d, 12), d == 3 || d == 4 ? CheckStatus::Fail : CheckStatus::Pass, d == 1);
      if (d >= 2) report("host-b", day(d, 12), CheckStatus::Pass);
      if (d <= 3) report("host-r", day(d, 12), CheckStatus::Pass);
      if (d <= 2) report("host-s", day(d, 12), CheckStatus::Pass);
    }
    store_->revokeAgent("host-r", day(4, 9));
    // Accepts host-a's ssh failure from day 3 to the start of day 5.
    isms::RiskAcceptance exception;
    exception.scope = isms::ExceptionScope::HostCheck;
    exception.agentId = "host-a";
    exception.checkId = kSsh;
    exception.validFrom = day(3);
    exception.expiresAt = day(5);
    exceptions_ = {exception};
  }

  void enroll(const std::string& id, std::int64_t at, std::int64_t interval) {
    AgentRecord agent;
    agent.id = id;
    agent.hostname = id;
    agent.certSerial = "serial-" + id;
    agent.enrolledAt = at;
    agent.intervalSeconds = interval;
    store_->addAgent(agent);
  }

  void report(const std::string& agentId, std::int64_t at, CheckStatus ssh, bool withAslr = false) {
    Report r;
    r.reportId = uuid4();
    r.startedAt = formatRfc3339(at);
    CheckResult check;
    check.check = kSsh;
    check.status = ssh;
    check.severity = Severity::High;
    check.evidence = {{"/etc/ssh/sshd_config", ssh == CheckStatus::Pass ? "PermitRootLogin no" : "PermitRootLogin yes",
                       "no"}};
    r.results = {check};
    if (withAslr) {
      CheckResult aslr;
      aslr.check = "kernel.aslr";
      aslr.status = CheckStatus::Pass;
      r.results.push_back(aslr);
    }
    store_->ingest({{agentId, r, toJson(r).dump(), at, {}}});  // the writer hashes it
  }

  ControlPosture controlAt(std::int64_t t) {
    const auto posture = postureAt(*store_, Catalog::builtin(), CheckMapping::builtin(), t,
                                   isms::acceptanceAt(exceptions_, t));
    for (const auto& c : posture.controls)
      if (c.control->id == control_) return c;
    ADD_FAILURE() << "no control " << control_;
    return {};
  }

  std::vector<StoredResult> hostAt(const std::string& id, std::int64_t t) { return store_->resultsAt(t, id); }

  test::FixtureRoot dir_;
  std::unique_ptr<Store> store_;
  std::string control_;
  std::vector<isms::RiskAcceptance> exceptions_;
};

TEST_F(PostureAtTest, HostResultsAreThoseObservedByTheInstant) {
  EXPECT_TRUE(hostAt("host-a", day(1, 11)).empty());  // enrolled, not yet reported
  const auto day1 = hostAt("host-a", day(1, 13));
  ASSERT_EQ(day1.size(), 2u);  // ssh and kernel.aslr
  const auto day2 = hostAt("host-a", day(2, 13));
  ASSERT_EQ(day2.size(), 1u);  // kernel.aslr stopped being reported on day 2
  EXPECT_EQ(day2[0].status, CheckStatus::Pass);
  EXPECT_EQ(day2[0].since, day(1, 12));  // unchanged since day 1

  const auto day3 = hostAt("host-a", day(3, 13));
  ASSERT_EQ(day3.size(), 1u);
  EXPECT_EQ(day3[0].status, CheckStatus::Fail);
  EXPECT_EQ(day3[0].since, day(3, 12));
  EXPECT_NE(day3[0].evidenceJson.find("PermitRootLogin yes"), std::string::npos);
  EXPECT_EQ(hostAt("host-a", day(5, 13))[0].status, CheckStatus::Pass);
  EXPECT_EQ(hostAt("host-a", day(5, 11))[0].status, CheckStatus::Fail);
}

TEST_F(PostureAtTest, AgentsAreThoseEnrolledRevokedAndSeenByTheInstant) {
  const auto at = [&](std::int64_t t) {
    std::map<std::string, AgentRecord> byId;
    for (auto& a : store_->agentsAt(t)) byId.emplace(a.id, std::move(a));
    return byId;
  };
  EXPECT_EQ(at(day(1, 13)).count("host-b"), 0u);
  EXPECT_EQ(at(day(2, 13)).count("host-b"), 1u);
  EXPECT_FALSE(at(day(4, 8)).at("host-r").revokedAt);
  EXPECT_EQ(at(day(4, 10)).at("host-r").revokedAt, day(4, 9));
  EXPECT_EQ(at(day(3, 13)).at("host-a").lastSeen, day(3, 12));
  EXPECT_EQ(at(day(5, 13)).at("host-s").lastSeen, day(2, 12));
  EXPECT_FALSE(isStale(at(day(3, 13)).at("host-s"), day(3, 13)));
  EXPECT_TRUE(isStale(at(day(5, 13)).at("host-s"), day(5, 13)));
}

TEST_F(PostureAtTest, ControlStatusFollowsResultsExceptionsRevocationAndSilence) {
  auto c = controlAt(day(1, 13));
  EXPECT_EQ(c.status, ControlStatus::Passing);
  EXPECT_EQ(c.hostsPassing, 3);  // host-b is not enrolled yet

  c = controlAt(day(2, 13));
  EXPECT_EQ(c.status, ControlStatus::Passing);
  EXPECT_EQ(c.hostsPassing, 4);

  c = controlAt(day(3, 13));  // host-a fails, but the exception is valid
  EXPECT_EQ(c.status, ControlStatus::Accepted);
  EXPECT_EQ(c.hostsAccepted, 1);
  EXPECT_EQ(c.hostsPassing, 3);

  c = controlAt(day(4, 13));  // host-r revoked at 09:00: out of scope
  EXPECT_EQ(c.status, ControlStatus::Accepted);
  EXPECT_EQ(c.hostsPassing, 2);

  c = controlAt(day(5, 1));  // the exception expired, host-a still fails until its noon report
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailing, 1);

  c = controlAt(day(5, 13));  // host-a passes again; host-s has been silent for 73 h (stale after 60 h)
  EXPECT_EQ(c.status, ControlStatus::Partial);
  EXPECT_EQ(c.hostsPassing, 2);
  EXPECT_EQ(c.hostsStale, 1);
}

// One host fails on days 1 and 2, then goes silent (stale 24 h after its last report).
class StaleFailureAtTest : public PostureAtTest {
 protected:
  void SetUp() override {
    store_ = openSqliteStore(dir_.path() / "annexa.db");
    control_ = CheckMapping::builtin().controlsFor(kSsh).front();
    enroll("host-f", day(1, 11), 12 * kHour);
    enroll("host-p", day(1, 11), 12 * kHour);
    for (int d = 1; d <= 5; ++d) {
      if (d <= 2) report("host-f", day(d, 12), CheckStatus::Fail);
      report("host-p", day(d, 12), CheckStatus::Pass);
    }
  }
};

TEST_F(StaleFailureAtTest, ASilentHostKeepsTheControlFailingBeforeAndAfterItGoesStale) {
  auto c = controlAt(day(2, 13));  // reporting: failing
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailing, 1);
  EXPECT_EQ(c.hostsFailingStale, 0);

  c = controlAt(day(4, 13));  // silent for 49 h: stale, and still failing
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailing, 1);
  EXPECT_EQ(c.hostsFailingStale, 1);
  EXPECT_EQ(c.hostsPassing, 1);

  isms::RiskAcceptance exception;  // an exception valid on day 4 accepts the stale failure
  exception.scope = isms::ExceptionScope::HostCheck;
  exception.agentId = "host-f";
  exception.checkId = kSsh;
  exception.validFrom = day(4);
  exception.expiresAt = day(5);
  exceptions_ = {exception};
  c = controlAt(day(4, 13));
  EXPECT_EQ(c.status, ControlStatus::Accepted);
  EXPECT_EQ(c.hostsAcceptedStale, 1);
  c = controlAt(day(5, 13));  // the exception expired: failing again
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.hostsFailingStale, 1);
}

TEST_F(PostureAtTest, TheLatestInstantMatchesTheCurrentState) {
  const auto now = day(5, 13);
  auto current = store_->currentStatuses();
  auto atNow = store_->statusesAt(now);
  const auto key = [](const StatusRow& r) { return std::make_tuple(r.agentId, r.checkId, r.status, r.at); };
  std::vector<decltype(key(current[0]))> a, b;
  for (const auto& r : current) a.push_back(key(r));
  for (const auto& r : atNow) b.push_back(key(r));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}

TEST_F(PostureAtTest, AtInstantMustBeAPastRfc3339Time) {
  EXPECT_EQ(*parseInstant("2026-11-03T13:00:00Z", day(5)), day(3, 13));
  EXPECT_FALSE(parseInstant("yesterday", day(5)));
  EXPECT_FALSE(parseInstant("2026-11-06T00:00:01Z", day(5)));
}

// ?at= over real TLS: the host and the control as they were before the host started failing.
TEST(PostureAtApiTest, AtQueryAnswersWithThePastOverTls) {
  test::InProcessCollector collector;
  const auto agent = collector.enrollOrThrow();
  auto send = [&](CheckStatus status) {
    auto report = test::makeReport(agent.id, agent.machineId, 1);
    report.startedAt = formatRfc3339(collector.now());
    report.results[0].status = status;
    auto response = collector.client(agent.tls)->request("POST", "/api/v1/reports", test::reportBody(report));
    ASSERT_TRUE(response) << response.error();
    ASSERT_EQ(response->status, 200) << response->body;
  };
  send(CheckStatus::Pass);
  const auto passing = collector.now() + 60;
  collector.advanceClock(kDay);
  send(CheckStatus::Fail);
  collector.advanceClock(60);

  auto admin = collector.client(collector.admin());
  const auto get = [&](const std::string& target) {
    auto response = admin->request("GET", target);
    EXPECT_TRUE(response) << response.error();
    return *response;
  };
  const auto atPass = "?at=" + formatRfc3339(passing);
  auto host = get("/api/v1/hosts/" + agent.id + atPass);
  ASSERT_EQ(host.status, 200) << host.body;
  auto json = nlohmann::json::parse(host.body);
  EXPECT_EQ(json.at("results").at(0).at("status"), "pass");
  EXPECT_EQ(json.at("at"), formatRfc3339(passing));
  host = get("/api/v1/hosts/" + agent.id);
  EXPECT_EQ(nlohmann::json::parse(host.body).at("results").at(0).at("status"), "fail");

  const auto control = CheckMapping::builtin().controlsFor(kSsh).front();
  auto detail = get("/api/v1/controls/" + control + atPass);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(nlohmann::json::parse(detail.body).at("status"), "passing");
  EXPECT_EQ(nlohmann::json::parse(get("/api/v1/controls/" + control).body).at("status"), "failing");

  auto posture = get("/api/v1/posture" + atPass);
  ASSERT_EQ(posture.status, 200);
  EXPECT_EQ(nlohmann::json::parse(posture.body).at("summary").at("hosts").at("total"), 1);
  EXPECT_EQ(get("/api/v1/posture?at=" + formatRfc3339(collector.now() - 3 * kDay)).status, 200);

  auto bad = get("/api/v1/posture?at=last-tuesday");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(test::errorOf(bad).find("RFC 3339"), std::string::npos);
  auto future = get("/api/v1/hosts/" + agent.id + "?at=" + formatRfc3339(collector.now() + kDay));
  EXPECT_EQ(future.status, 400);
  EXPECT_NE(test::errorOf(future).find("in the future"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector
