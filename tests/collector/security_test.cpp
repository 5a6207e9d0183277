// Security hardening (docs/security.md, issue 15): each test reproduces one way an attacker or a careless input
// could hurt the collector, against the real API, store and CLI.
#include <gtest/gtest.h>

#include <future>
#include <sstream>

#include "collector/api/api.hpp"
#include "collector/api/failure_throttle.hpp"
#include "collector/api/isms_routes.hpp"
#include "collector/api/metrics.hpp"
#include "collector/app/cli.hpp"
#include "collector/app/isms_cli.hpp"
#include "collector/store/sqlite.hpp"
#include "tests/collector/api_fixture.hpp"
#include "tests/collector/collector_harness.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector {
namespace {

using test::InProcessCollector;
using namespace std::string_literals;

// Calls the API as the network layer would, and waits for the answer (reports are answered by the storage thread).
ApiResponse call(Api& api, ApiRequest request) {
  auto answer = std::make_shared<std::promise<ApiResponse>>();
  auto future = answer->get_future();
  api.handle(request, [answer](ApiResponse response) { answer->set_value(std::move(response)); });
  return future.get();
}

PeerIdentity adminPeer() { return {true, "admin", pki::Role::Admin, "admin-serial"}; }
PeerIdentity viewerPeer() { return {true, "auditor", pki::Role::Viewer, "viewer-serial"}; }

nlohmann::json hostWithMachine(const std::string& machineId) { return {{"hostname", "h"}, {"machine_id", machineId}}; }

std::string enrollmentBody(const std::string& token, const nlohmann::json& host = hostWithMachine(uuid4())) {
  auto key = pki::generateKey().value();
  return nlohmann::json{{"token", token}, {"csr", pki::createCsrPem(key.get(), "x").value()}, {"host", host}}.dump();
}

// --- item 3: metric labels come from a fixed set and are escaped ---

// Labels are the patterns of the API's route table, with the ISMS and export routes in it.
TEST(MetricLabels, UnknownPathsShareOneLabelAndIdsAreFolded) {
  test::ApiFixture fixture;
  const auto& api = fixture.api;
  EXPECT_EQ(api.routeLabel("/healthz"), "/healthz");
  EXPECT_EQ(api.routeLabel("/api/v1/hosts?limit=5"), "/api/v1/hosts");
  EXPECT_EQ(api.routeLabel("/api/v1/hosts/6d1c2a4e-0000"), "/api/v1/hosts/{agent}");
  EXPECT_EQ(api.routeLabel("/api/v1/agents/abc/revoke"), "/api/v1/agents/{agent}/revoke");
  EXPECT_EQ(api.routeLabel("/api/v1/risks/12"), "/api/v1/risks/{id}");
  EXPECT_EQ(api.routeLabel("/api/v1/exports/abc/files/csv/hosts.csv"), "/api/v1/exports/{job}/files/{file...}");
  for (const auto* target : {"/", "/favicon.ico", "/api/v1/", "/api/v1/x1", "/api/v1/unknown/1", "/api/v2/hosts",
                             "/api/v1/hosts\"} 1\nevil_metric 1", "/%2e%2e/etc/passwd", "/api/v1/risks/x"})
    EXPECT_EQ(api.routeLabel(target), "other") << target;
}

TEST(MetricLabels, LabelValuesAreEscapedAsThePrometheusFormatRequires) {
  EXPECT_EQ(escapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Metrics metrics;
  metrics.requestServed("x\"} 1\ninjected_total 9", 200, 0.001);
  metrics.reportRejected("why\"\n");
  const auto text = metrics.render({});
  EXPECT_EQ(text.find("\ninjected_total"), std::string::npos) << text;
  EXPECT_NE(text.find("annexa_http_requests_total{route=\"x\\\"} 1\\ninjected_total 9\",status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("annexa_reports_rejected_total{reason=\"why\\\"\\n\"} 1\n"), std::string::npos) << text;
}

// --- item 8: enrollment checks the token before signing, and failures are throttled per source address ---

class EnrollmentTest : public ::testing::Test {
 protected:
  ApiResponse enroll(const std::string& body, const std::string& source = "192.0.2.10") {
    return call(collector_.api(), {"POST", "/api/v1/enroll", body, {}, source});
  }
  InProcessCollector collector_;
};

TEST_F(EnrollmentTest, ABadTokenIsRefusedBeforeAnyCertificateIsSigned) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(enroll(enrollmentBody("anx_not_a_token")).status, 403);
  EXPECT_EQ(collector_.metrics().certificatesIssued(), 0u);
  EXPECT_EQ(enroll(enrollmentBody(collector_.createToken())).status, 201);
  EXPECT_EQ(collector_.metrics().certificatesIssued(), 1u);
}

TEST_F(EnrollmentTest, TenFailuresAMinuteFromOneAddressThenItIsRefusedWith429) {
  const auto good = collector_.createToken(5);
  for (int i = 0; i < 9; ++i) ASSERT_EQ(enroll(enrollmentBody("anx_guess_" + std::to_string(i))).status, 403);
  ASSERT_EQ(enroll(R"({"token": 7, "csr": "x"})").status, 400);  // a field of the wrong type counts too
  // Even a valid token is not looked at from that address now; another address is not affected.
  EXPECT_EQ(enroll(enrollmentBody(good)).status, 429);
  EXPECT_EQ(enroll(enrollmentBody(good), "198.51.100.7").status, 201);
  // The same /64 is the same client; the window ends after a minute.
  for (int i = 0; i < 10; ++i) enroll(enrollmentBody("anx_guess"), "2001:db8:1:2::1");
  EXPECT_EQ(enroll(enrollmentBody(good), "2001:db8:1:2:ffff::9").status, 429);
  collector_.advanceClock(60);
  EXPECT_EQ(enroll(enrollmentBody(good)).status, 201);
  EXPECT_EQ(collector_.store().listAgents().size(), 2u);
}

TEST(FailureThrottle, TheTableStaysBoundedWhateverTheNumberOfAddresses) {
  FailureThrottle throttle({10, 60, 100});
  for (int i = 0; i < 10000; ++i)
    throttle.recordFailure("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), 1000);
  EXPECT_LE(throttle.trackedSources(), 100u);
  // Windows that ended make room first.
  for (int i = 0; i < 10; ++i) throttle.recordFailure("203.0.113.1", 2000);
  EXPECT_FALSE(throttle.allows("203.0.113.1", 2000));
  EXPECT_EQ(FailureThrottle::sourceKey("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(FailureThrottle::sourceKey("2001:db8:0:1::5"), FailureThrottle::sourceKey("2001:db8:0:1:8::6"));
  EXPECT_NE(FailureThrottle::sourceKey("2001:db8:0:1::5"), FailureThrottle::sourceKey("2001:db8:0:2::5"));
}

TEST(TokenCli, CreateIsCappedLikeTheApi) {
  test::FixtureRoot root;
  const auto data = (root.path() / "data").string();
  ASSERT_TRUE(initDataDir(DataDir{data}, {}).ok());
  std::ostringstream out, err;
  EXPECT_EQ(runCollectorCli({"token", "create", "--data", data, "--ttl", "31d"}, out, err), 2);
  EXPECT_NE(err.str().find("between 1m and 30d"), std::string::npos) << err.str();
  EXPECT_EQ(runCollectorCli({"token", "create", "--data", data, "--uses", "100001"}, out, err), 2);
  EXPECT_EQ(runCollectorCli({"token", "create", "--data", data, "--uses", "4294967297"}, out, err), 2);
  EXPECT_EQ(runCollectorCli({"token", "create", "--data", data, "--ttl", "30d", "--uses", "100000"}, out, err), 0)
      << err.str();
  EXPECT_EQ(openSqliteStore(DataDir{data}.database())->listTokens().size(), 1u);
}

// --- item 7: agent-supplied fields are bounded; terminal output is escaped ---

TEST_F(EnrollmentTest, OversizedHostFieldsAreRefusedAtEnrollment) {
  const auto token = collector_.createToken(5);
  const auto tooLong = enroll(enrollmentBody(token, {{"hostname", std::string(254, 'h')}, {"machine_id", uuid4()}}));
  EXPECT_EQ(tooLong.status, 400);
  EXPECT_NE(tooLong.body.find("host.hostname is longer than 253"), std::string::npos) << tooLong.body;
  auto longKernel = hostWithMachine(uuid4());
  longKernel["kernel"] = std::string(4096, 'k');
  EXPECT_EQ(enroll(enrollmentBody(token, longKernel)).status, 400);
  EXPECT_EQ(collector_.metrics().certificatesIssued(), 0u);
  EXPECT_EQ(enroll(enrollmentBody(token, {{"hostname", std::string(253, 'h')}, {"machine_id", uuid4()}})).status, 201);
}

TEST_F(EnrollmentTest, OversizedReportFieldsAreRefusedWith400AndNotStored) {
  const auto agent = collector_.enrollOrThrow();
  const auto send = [&](const Report& report) {
    return call(collector_.api(), {"POST", "/api/v1/reports", test::reportBody(report),
                                   {true, agent.id, pki::Role::Agent, "agent-serial"}, "127.0.0.1"});
  };
  auto longHostname = test::makeReport(agent.id, agent.machineId);
  longHostname.host.hostname = std::string(20000, 'x');
  const auto refused = send(longHostname);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("host.hostname is longer than 253 bytes"), std::string::npos) << refused.body;
  auto longEvidence = test::makeReport(agent.id, agent.machineId);
  longEvidence.results[0].evidence[0].observed = std::string(16385, 'e');
  EXPECT_EQ(send(longEvidence).status, 400);
  EXPECT_EQ(collector_.store().reportCount(), 0);
  EXPECT_EQ(collector_.store().findAgent(agent.id)->hostname, "test-host");
  EXPECT_EQ(send(test::makeReport(agent.id, agent.machineId)).status, 200);
}

TEST(AgentsCli, HostileHostnamesArePrintedEscaped) {
  test::FixtureRoot root;
  const auto data = (root.path() / "data").string();
  ASSERT_TRUE(initDataDir(DataDir{data}, {}).ok());
  {
    auto store = openSqliteStore(DataDir{data}.database());
    AgentRecord agent;
    agent.id = "agent-1";
    agent.hostname = "\x1b]0;owned\x07\x1b[2J\r\nfake line\0end"s;
    agent.certSerial = "01";
    store->addAgent(agent);
  }
  std::ostringstream out, err;
  ASSERT_EQ(runCollectorCli({"agents", "list", "--data", data}, out, err), 0) << err.str();
  const auto text = out.str();
  for (const char c : text.substr(0, text.size() - 1)) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << int(c);
  EXPECT_NE(text.find("\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0afake line\\x00end"), std::string::npos) << text;
}

// --- item 6: host identity is bound at enrollment ---

class HostIdentityTest : public EnrollmentTest {
 protected:
  std::string tokenAllowing(bool noMachineId, bool duplicateMachineId) {
    const std::string token = "anx_" + uuid4();
    collector_.store().addToken({uuid4(), "exception", collector_.now(), collector_.now() + 3600, 5, std::nullopt,
                                 noMachineId, duplicateMachineId},
                                sha256Hex(token));
    return token;
  }
  ApiResponse report(const test::TestAgent& agent, const Report& report) {
    return call(collector_.api(), {"POST", "/api/v1/reports", test::reportBody(report),
                                   {true, agent.id, pki::Role::Agent, "agent-serial"}, "127.0.0.1"});
  }
};

TEST_F(HostIdentityTest, AMachineIdIsRequiredUnlessTheTokenSaysOtherwise) {
  const auto missing = enroll(enrollmentBody(collector_.createToken(), {{"hostname", "h"}}));
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("needs host.machine_id"), std::string::npos) << missing.body;
  EXPECT_EQ(collector_.metrics().certificatesIssued(), 0u);
  EXPECT_EQ(enroll(enrollmentBody(tokenAllowing(true, false), {{"hostname", "h"}})).status, 201);
}

TEST_F(HostIdentityTest, ASecondEnrollmentOfAMachineIsRefusedUntilAnAdminAllowsIt) {
  const auto first = collector_.enrollOrThrow("machine-1");
  const auto again = enroll(enrollmentBody(collector_.createToken(), hostWithMachine("machine-1")));
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find(first.id), std::string::npos) << again.body;
  EXPECT_EQ(collector_.metrics().certificatesIssued(), 1u);
  // Either revoking the old agent first (a reinstalled host), or a token an admin made for it.
  ASSERT_TRUE(collector_.store().revokeAgent(first.id, collector_.now()));
  EXPECT_EQ(enroll(enrollmentBody(collector_.createToken(), hostWithMachine("machine-1"))).status, 201);
  EXPECT_EQ(enroll(enrollmentBody(collector_.createToken(), hostWithMachine("machine-1"))).status, 409);
  EXPECT_EQ(enroll(enrollmentBody(tokenAllowing(false, true), hostWithMachine("machine-1"))).status, 201);
}

TEST_F(HostIdentityTest, AnAgentEnrolledWithoutAMachineIdCannotClaimAnothersLater) {
  const auto victim = collector_.enrollOrThrow("victim-machine");
  const auto reply = enroll(enrollmentBody(tokenAllowing(true, false), {{"hostname", "h"}}));
  ASSERT_EQ(reply.status, 201) << reply.body;
  const test::TestAgent blank{nlohmann::json::parse(reply.body).at("agent_id").get<std::string>(), "", {}};
  const auto claimed = report(blank, test::makeReport(blank.id, victim.machineId));
  EXPECT_EQ(claimed.status, 403) << claimed.body;
  EXPECT_EQ(report(blank, test::makeReport(blank.id, "")).status, 200);
}

TEST_F(HostIdentityTest, AHostnameChangeIsRecordedForAnAdminNotApplied) {
  const auto agent = collector_.enrollOrThrow();  // enrolled as "test-host"
  auto renamed = test::makeReport(agent.id, agent.machineId);
  renamed.host.hostname = "db-primary";
  ASSERT_EQ(report(agent, renamed).status, 200);
  renamed.reportId = uuid4();
  ASSERT_EQ(report(agent, renamed).status, 200);
  EXPECT_EQ(collector_.store().findAgent(agent.id)->hostname, "test-host");
  const auto events = collector_.store().agentEvents(agent.id);
  ASSERT_EQ(events.size(), 1u);  // once per claimed name
  EXPECT_EQ(events[0].kind, "hostname_changed");
  EXPECT_EQ(events[0].claimed, "db-primary");
  EXPECT_EQ(events[0].recorded, "test-host");

  const auto path = "/api/v1/agents/" + agent.id + "/events";
  EXPECT_EQ(call(collector_.api(), {"GET", path, "", viewerPeer(), "127.0.0.1"}).status, 403);
  const auto listed = call(collector_.api(), {"GET", path, "", adminPeer(), "127.0.0.1"});
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(nlohmann::json::parse(listed.body).at("events").at(0).at("claimed"), "db-primary") << listed.body;
}

// --- item 9: out-of-range numbers and dates are refused; /healthz tells when storage is degraded ---

TEST_F(EnrollmentTest, DatesBeforeTheEpochAreRefusedWith400) {
  for (const auto* target : {"/api/v1/posture?at=0001-01-01", "/api/v1/posture?at=1677-01-01T00:00:00Z",
                             "/api/v1/history?from=0001-01-01"}) {
    const auto response = call(collector_.api(), {"GET", target, "", viewerPeer(), "127.0.0.1"});
    EXPECT_EQ(response.status, 400) << target << " " << response.body;
  }
}

TEST_F(EnrollmentTest, PageNumbersThatDoNotFitAreRefused) {
  for (const auto* target : {"/api/v1/hosts?offset=4294967297", "/api/v1/hosts?limit=-1", "/api/v1/hosts?limit=x"}) {
    const auto response = call(collector_.api(), {"GET", target, "", viewerPeer(), "127.0.0.1"});
    EXPECT_EQ(response.status, 400) << target << " " << response.body;
  }
  EXPECT_EQ(call(collector_.api(), {"GET", "/api/v1/hosts?limit=5000", "", viewerPeer(), "127.0.0.1"}).status, 200);
}

class IsmsRangeTest : public ::testing::Test {
 protected:
  isms::test::IsmsFixture f_;
};

TEST_F(IsmsRangeTest, ALikelihoodThatDoesNotFitAnIntIsRefusedNotWrapped) {
  std::ostringstream out, err;
  const auto data = f_.dir.path().string();
  const std::vector<std::string> args = {"risks",        "add", "--title", "wraps", "--likelihood", "4294967297",
                                         "--impact",     "2",   "--data",  data};
  EXPECT_EQ(runIsmsCli(args, out, err, isms::test::kNow), 1);
  EXPECT_NE(err.str().find("likelihood must be a whole number between"), std::string::npos) << err.str();
  Router router;
  addIsmsRoutes(router, f_.service, [] { return isms::test::kNow; }, {});
  const nlohmann::json risk = {{"title", "wraps"}, {"likelihood", 4294967297ULL}, {"impact", 2}};
  const ApiRequest request{"POST", "/api/v1/risks", risk.dump(), adminPeer(), "127.0.0.1"};
  ApiResponse answer;
  router.dispatch(request, [&](ApiResponse r) { answer = std::move(r); });
  EXPECT_EQ(answer.status, 400);
  EXPECT_TRUE(f_.isms->risks().empty());
}

// A store whose writes fail as they do on a full disk.
class FullDisk final : public IngestSink {
 public:
  std::vector<IngestOutcome> ingestUnsynced(const std::vector<IngestRequest>&) override {
    if (full) throw SqliteError("database or disk is full");
    return std::vector<IngestOutcome>{IngestOutcome::Stored};
  }
  void syncCommitted() override {}
  std::atomic<bool> full{true};
};

TEST(Healthz, ReportsDegradedStorageWhileReportsAreRefusedForAFullDisk) {
  test::FixtureRoot root;
  const DataDir dir{root.path() / "data"};
  ASSERT_TRUE(initDataDir(dir, {}).ok());
  auto store = openSqliteStore(dir.database());
  auto ca = loadCertificateAuthority(dir).value();
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "01";
  store->addAgent(agent);
  FullDisk disk;
  IngestQueue queue(disk);
  Metrics metrics;
  RevocationList revocations;
  Api api(*store, queue, metrics, revocations, ca, Catalog::builtin(), CheckMapping::builtin(), {},
          [] { return unixNow(); });
  const auto healthz = [&] { return call(api, {"GET", "/healthz", "", {}, "127.0.0.1"}); };
  const auto report = [&] {
    return call(api, {"POST", "/api/v1/reports", test::reportBody(test::makeReport("agent-1", "")),
                      {true, "agent-1", pki::Role::Agent, "01"}, "127.0.0.1"});
  };
  EXPECT_EQ(healthz().status, 200);
  const auto refused = report();
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("disk is full"), std::string::npos) << refused.body;
  const auto degraded = healthz();
  EXPECT_EQ(degraded.status, 503);
  EXPECT_EQ(nlohmann::json::parse(degraded.body).value("status", ""), "degraded") << degraded.body;
  EXPECT_NE(degraded.body.find("disk is full"), std::string::npos) << degraded.body;
  // Space is freed: the next report is stored and the collector is healthy again.
  disk.full = false;
  EXPECT_EQ(report().status, 200);
  EXPECT_EQ(healthz().status, 200);
  queue.stop();
}

}  // namespace
}  // namespace annexa::collector
