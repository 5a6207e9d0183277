// The collector over real mutual TLS on loopback: enrollment, reports, roles, limits, timeouts, shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "agent/delivery.hpp"
#include "agent/enrollment.hpp"
#include "collector/store/body_codec.hpp"
#include "collector/store/sqlite.hpp"
#include "common/random.hpp"
#include "tests/collector/collector_harness.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {

using test::InProcessCollector;
using test::RawTlsConnection;
using test::errorOf;

class ServerTest : public ::testing::Test {
 protected:
  HttpResponse post(const ClientTls& tls, const std::string& target, const std::string& body) {
    auto response = collector_.client(tls)->request("POST", target, body);
    EXPECT_TRUE(response.ok()) << response.error();
    return response.ok() ? *response : HttpResponse{};
  }
  HttpResponse get(const ClientTls& tls, const std::string& target) {
    auto response = collector_.client(tls)->request("GET", target);
    EXPECT_TRUE(response.ok()) << response.error();
    return response.ok() ? *response : HttpResponse{};
  }
  HttpResponse enrollWith(const std::string& token) {
    auto key = pki::generateKey().value();
    const nlohmann::json body = {{"token", token}, {"csr", pki::createCsrPem(key.get(), "x").value()},
                                 {"host", {{"hostname", "h"}, {"machine_id", uuid4()}}}};
    return post(collector_.anonymous(), "/api/v1/enroll", body.dump());
  }
  bool healthy() {
    auto response = collector_.client(collector_.anonymous())->request("GET", "/healthz");
    return response.ok() && response->status == 200;
  }

  InProcessCollector collector_;
};

TEST_F(ServerTest, EnrollReportAndPostureEndToEnd) {
  const auto state = collector_.scratch() / "agent-state";
  agent::EnrollOptions options{collector_.url(), collector_.createToken(), collector_.caFingerprint(),
                               agent::StateDir{state}, 900, false};
  auto identity = agent::enrollAgent(options);
  ASSERT_TRUE(identity.ok()) << identity.error();
  auto loaded = agent::loadIdentity(agent::StateDir{state});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->agentId, identity->agentId);
  const auto record = collector_.store().findAgent(identity->agentId);
  ASSERT_TRUE(record.has_value());

  // The agent's own spool and delivery code, over its enrolled identity.
  agent::Spool spool(state / "spool");
  ASSERT_TRUE(spool.open().ok());
  auto report = test::makeReport(identity->agentId, record->machineId, 4);
  report.host.hostname = record->hostname;  // as the agent sends it: the name it enrolled with
  ASSERT_TRUE(spool.add(test::reportBody(report)).ok());
  HttpsClient client(collector_.endpoint(), ClientTls{loaded->caPem, "", loaded->certificatePem, loaded->privateKeyPem});
  const auto delivery = agent::deliverSpool(spool, client);
  EXPECT_FALSE(delivery.error.has_value()) << *delivery.error;
  EXPECT_EQ(delivery.delivered, 1);
  EXPECT_TRUE(spool.list().empty());
  EXPECT_EQ(collector_.store().reportCount(), 1);

  const auto admin = collector_.admin();
  const auto posture = get(admin, "/api/v1/posture");
  ASSERT_EQ(posture.status, 200) << posture.body;
  const auto summary = nlohmann::json::parse(posture.body).at("summary");
  EXPECT_EQ(summary.at("hosts").at("total"), 1);
  EXPECT_GT(summary.at("controls").at("failing").get<int>(), 0);  // ssh.permit_root_login fails in the report

  const auto host = get(admin, "/api/v1/hosts/" + identity->agentId);
  ASSERT_EQ(host.status, 200) << host.body;
  const auto hostJson = nlohmann::json::parse(host.body);
  EXPECT_EQ(hostJson.at("results").size(), 4u);
  EXPECT_EQ(hostJson.at("hostname"), report.host.hostname);
}

TEST_F(ServerTest, WrongCaFingerprintAbortsEnrollmentAndKeepsTheToken) {
  const auto token = collector_.createToken(1);
  const auto state = collector_.scratch() / "agent-state";
  const std::string wrong = "SHA256:" + std::string(64, 'a');
  auto identity = agent::enrollAgent({collector_.url(), token, wrong, agent::StateDir{state}, 900, false});
  ASSERT_FALSE(identity.ok());
  EXPECT_NE(identity.error().find("does not contain the CA with fingerprint SHA256:" + std::string(64, 'a')),
            std::string::npos)
      << identity.error();
  EXPECT_FALSE(std::filesystem::exists(agent::StateDir{state}.enrollment()));
  EXPECT_TRUE(collector_.store().listAgents().empty());
  // Nothing reached the collector: the single-use token still works with the right pin.
  identity = agent::enrollAgent({collector_.url(), token, collector_.caFingerprint(), agent::StateDir{state}, 900, false});
  EXPECT_TRUE(identity.ok()) << identity.error();
}

TEST_F(ServerTest, RefusedTokensAnswer403WithTheReason) {
  EXPECT_EQ(errorOf(enrollWith("anx_never_issued")), "unknown enrollment token");
  EXPECT_EQ(enrollWith("anx_never_issued").status, 403);

  const auto once = collector_.createToken(1);
  EXPECT_EQ(enrollWith(once).status, 201);
  const auto usedUp = enrollWith(once);
  EXPECT_EQ(usedUp.status, 403);
  EXPECT_EQ(errorOf(usedUp), "enrollment token has been used up");

  const auto shortLived = collector_.createToken(5, 60);
  collector_.advanceClock(61);
  const auto expired = enrollWith(shortLived);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(errorOf(expired), "enrollment token has expired");

  const auto revokedToken = collector_.createToken(5);
  const auto tokens = collector_.store().listTokens();
  ASSERT_TRUE(collector_.store().revokeToken(tokens.back().id, collector_.now()));
  const auto revoked = enrollWith(revokedToken);
  EXPECT_EQ(revoked.status, 403);
  EXPECT_EQ(errorOf(revoked), "enrollment token has been revoked");

  EXPECT_EQ(enrollWith("").status, 400);
  EXPECT_EQ(collector_.store().listAgents().size(), 1u);
}

TEST_F(ServerTest, AnAgentRevokedFromTheCommandLineIsRefusedAfterTheNextMaintenance) {
  const auto agent = collector_.enrollOrThrow();
  auto kept = collector_.client(agent.tls);
  auto first = kept->request("POST", "/api/v1/reports", test::reportBody(test::makeReport(agent.id, agent.machineId)));
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->status, 200) << first->body;  // the agent is now remembered by the API

  // `annexa-collector agents revoke` writes the database from another process; the server learns of it when it
  // refreshes its revocation list, and from then on refuses the agent's reports on an open connection too.
  ASSERT_TRUE(collector_.store().revokeAgent(agent.id, collector_.now()));
  collector_.maintain();
  auto late = kept->request("POST", "/api/v1/reports", test::reportBody(test::makeReport(agent.id, agent.machineId)));
  ASSERT_TRUE(late.ok()) << late.error();
  EXPECT_EQ(late->status, 403) << late->body;
}

TEST_F(ServerTest, RevokedAgentIsRefusedAtTheHandshake) {
  const auto agent = collector_.enrollOrThrow();
  const auto other = collector_.enrollOrThrow();
  auto kept = collector_.client(agent.tls);
  auto first = kept->request("POST", "/api/v1/reports", test::reportBody(test::makeReport(agent.id, agent.machineId)));
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->status, 200) << first->body;

  const auto revoke = post(collector_.admin(), "/api/v1/agents/" + agent.id + "/revoke", "");
  ASSERT_EQ(revoke.status, 200) << revoke.body;

  // A new connection fails TLS (no HTTP status at all); the other agent is unaffected.
  const auto failuresBefore = collector_.metrics().handshakeFailures();
  auto fresh = collector_.client(agent.tls)->request("POST", "/api/v1/reports",
                                                     test::reportBody(test::makeReport(agent.id, agent.machineId)));
  ASSERT_FALSE(fresh.ok()) << "HTTP " << fresh->status;
  EXPECT_TRUE(test::waitFor([&] { return collector_.metrics().handshakeFailures() > failuresBefore; }));
  EXPECT_EQ(post(other.tls, "/api/v1/reports", test::reportBody(test::makeReport(other.id, other.machineId))).status, 200);

  // A connection opened before the revocation is refused by the API.
  auto late = kept->request("POST", "/api/v1/reports", test::reportBody(test::makeReport(agent.id, agent.machineId)));
  ASSERT_TRUE(late.ok()) << late.error();
  EXPECT_EQ(late->status, 403);
  EXPECT_EQ(collector_.store().reportCount(), 2);
}

TEST_F(ServerTest, AgentCannotReportForAnotherAgentOrMachine) {
  const auto agent = collector_.enrollOrThrow();
  const auto other = collector_.enrollOrThrow();
  auto asOther = test::makeReport(other.id, agent.machineId);
  EXPECT_EQ(post(agent.tls, "/api/v1/reports", test::reportBody(asOther)).status, 403);
  auto otherMachine = test::makeReport(agent.id, other.machineId);
  const auto refused = post(agent.tls, "/api/v1/reports", test::reportBody(otherMachine));
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(errorOf(refused).find("different host"), std::string::npos);
  // An operator certificate is not an agent either.
  EXPECT_EQ(post(collector_.admin(), "/api/v1/reports", test::reportBody(test::makeReport(agent.id, agent.machineId))).status,
            403);
  EXPECT_EQ(collector_.store().reportCount(), 0);
}

TEST_F(ServerTest, MalformedReportsAre400) {
  const auto agent = collector_.enrollOrThrow();
  EXPECT_EQ(post(agent.tls, "/api/v1/reports", "{\"schema\": ").status, 400);
  EXPECT_EQ(post(agent.tls, "/api/v1/reports", "[1,2,3]").status, 400);
  EXPECT_EQ(post(agent.tls, "/api/v1/reports", std::string(200, '[') + std::string(200, ']')).status, 400);
  auto wrongSchema = nlohmann::json::parse(test::reportBody(test::makeReport(agent.id, agent.machineId)));
  wrongSchema["schema"] = "annexa.report/99";
  const auto refused = post(agent.tls, "/api/v1/reports", wrongSchema.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(errorOf(refused).find("unsupported report schema"), std::string::npos);
  EXPECT_EQ(post(collector_.anonymous(), "/api/v1/enroll", "not json").status, 400);
  // Well-formed JSON with a field of the wrong type is the client's fault too, not an internal error.
  EXPECT_EQ(post(collector_.anonymous(), "/api/v1/enroll", R"({"token": 5, "csr": "x"})").status, 400);
  EXPECT_EQ(post(collector_.admin(), "/api/v1/tokens", R"({"uses": "many"})").status, 400);
  EXPECT_EQ(collector_.store().reportCount(), 0);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTest, OversizedBodiesAre413AndTheServerStaysUp) {
  const auto agent = collector_.enrollOrThrow();
  // Announced by Content-Length.
  const auto big = post(agent.tls, "/api/v1/reports", std::string(200 * 1024, ' '));
  EXPECT_EQ(big.status, 413);
  // Chunked, so the limit trips while reading the body.
  RawTlsConnection raw(collector_.port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.handshake());
  std::string request = "POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(16 * 1024, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  for (int i = 0; i < 6; ++i) request += size + chunk + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(raw.send(request));
  std::string answer;
  EXPECT_EQ(raw.readUntilClosed(answer, "\r\n\r\n"), RawTlsConnection::ReadResult::Data);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer.substr(0, 200);
  // Oversized headers.
  auto headers = collector_.client(agent.tls)->request("GET", "/healthz?" + std::string(32 * 1024, 'a'));
  ASSERT_TRUE(headers.ok()) << headers.error();
  EXPECT_EQ(headers->status, 431);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTest, OperatorRoutesNeedACertificateAndViewersOnlyRead) {
  EXPECT_EQ(get(collector_.anonymous(), "/api/v1/posture").status, 401);
  EXPECT_EQ(post(collector_.anonymous(), "/api/v1/tokens", "{}").status, 401);
  const auto agent = collector_.enrollOrThrow();
  EXPECT_EQ(get(agent.tls, "/api/v1/posture").status, 403);

  const auto viewer = collector_.operatorTls("auditor", pki::Role::Viewer);
  EXPECT_EQ(get(viewer, "/api/v1/posture").status, 200);
  EXPECT_EQ(get(viewer, "/api/v1/hosts").status, 200);
  EXPECT_EQ(get(viewer, "/api/v1/findings").status, 200);
  const auto refused = post(viewer, "/api/v1/tokens", "{}");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(errorOf(refused), "the viewer role is read-only");
  EXPECT_EQ(post(viewer, "/api/v1/agents/" + agent.id + "/revoke", "").status, 403);
  EXPECT_FALSE(collector_.store().findAgent(agent.id)->revokedAt.has_value());

  const auto created = post(collector_.admin(), "/api/v1/tokens", R"({"uses": 2, "ttl_seconds": 600})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(enrollWith(nlohmann::json::parse(created.body).at("token").get<std::string>()).status, 201);
}

TEST_F(ServerTest, DuplicateReportIdIsStoredOnce) {
  const auto agent = collector_.enrollOrThrow();
  const auto body = test::reportBody(test::makeReport(agent.id, agent.machineId));
  auto client = collector_.client(agent.tls);
  auto first = client->request("POST", "/api/v1/reports", body);
  auto second = client->request("POST", "/api/v1/reports", body);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(nlohmann::json::parse(first->body).at("status"), "stored");
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(nlohmann::json::parse(second->body).at("status"), "duplicate");
  EXPECT_EQ(collector_.store().reportCount(), 1);
}

TEST_F(ServerTest, AShortReportIsTakenOnlyWhileItsFullReportIsTheHostsState) {
  const auto agent = collector_.enrollOrThrow();
  const auto full = test::makeReport(agent.id, agent.machineId);
  const auto shortReport = test::unchangedSince(full, full.startedAt);
  auto client = collector_.client(agent.tls);
  const auto send = [&](const Report& report) {
    auto response = client->request("POST", "/api/v1/reports", test::reportBody(report));
    EXPECT_TRUE(response.ok()) << response.error();
    return response.ok() ? *response : HttpResponse{};
  };

  const auto early = send(shortReport);  // its full report is not stored yet
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(errorOf(early).find("send the full report"), std::string::npos) << early.body;
  EXPECT_EQ(collector_.store().reportCount(), 0);

  ASSERT_EQ(send(full).status, 200);
  const auto taken = send(shortReport);
  EXPECT_EQ(taken.status, 200);
  EXPECT_EQ(nlohmann::json::parse(taken.body).at("status"), "stored");
  EXPECT_EQ(nlohmann::json::parse(send(shortReport).body).at("status"), "duplicate");
  EXPECT_EQ(collector_.store().reportCount(), 2);

  // The certificate still decides who is talking: a short report is checked like a full one.
  auto otherMachine = shortReport;
  otherMachine.reportId = uuid4();
  otherMachine.host.machineId = "another-machine";
  EXPECT_EQ(send(otherMachine).status, 403);

  auto metrics = collector_.client(collector_.admin())->request("GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("annexa_reports_unchanged_total 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("annexa_reports_rejected_total{reason=\"not_current\"} 1\n"), std::string::npos);
}

TEST_F(ServerTest, Tls11ClientIsRefused) {
  RawTlsConnection modern(collector_.port());
  ASSERT_TRUE(modern.handshake(TLS1_2_VERSION));  // the same client code succeeds with TLS 1.2
  EXPECT_EQ(modern.version(), TLS1_2_VERSION);
  RawTlsConnection old(collector_.port());
  ASSERT_TRUE(old.connected());
  EXPECT_FALSE(old.handshake(TLS1_1_VERSION));
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTest, NoSessionTicketsAreIssued) {
  // Every connection is a full handshake that verifies the client certificate against the current revocation
  // list; tickets that cannot be used would only cost the server work on every connection.
  RawTlsConnection connection(collector_.port());
  ASSERT_TRUE(connection.handshake());
  EXPECT_EQ(connection.version(), TLS1_3_VERSION);
  ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
  std::string response;
  connection.readUntilClosed(response);
  EXPECT_NE(response.find("200"), std::string::npos) << response;
  EXPECT_FALSE(connection.resumable());
}

TEST(ServerTimeouts, SlowClientsAreCutOffAndTheServerStaysHealthy) {
  auto options = InProcessCollector::fastOptions();
  options.handshakeTimeout = std::chrono::milliseconds(300);
  options.headerTimeout = std::chrono::milliseconds(300);
  InProcessCollector collector(options);
  const auto started = std::chrono::steady_clock::now();
  RawTlsConnection halfHeader(collector.port());
  ASSERT_TRUE(halfHeader.handshake());
  ASSERT_TRUE(halfHeader.send("POST /api/v1/reports HTTP/1.1\r\nHost: collector\r\nContent-Le"));
  RawTlsConnection silent(collector.port());  // TCP only: never says hello
  ASSERT_TRUE(silent.connected());

  std::string answer;
  EXPECT_EQ(halfHeader.readUntilClosed(answer), RawTlsConnection::ReadResult::Closed) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(silent.readPlainUntilClosed(), RawTlsConnection::ReadResult::Closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  auto response = collector.client(collector.anonymous())->request("GET", "/healthz");
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
}

TEST(ServerShutdown, GracefulStopFinishesInFlightRequests) {
  InProcessCollector collector;
  const auto agent = collector.enrollOrThrow();
  const auto other = collector.enrollOrThrow();
  // Hold the database's write lock so the storage thread blocks on the first report.
  auto blocker = Database::open(collector.data().database());
  blocker->exec("BEGIN IMMEDIATE");
  auto send = [&](const test::TestAgent& a) {
    return std::async(std::launch::async, [&collector, a] {
      return collector.client(a.tls)->request("POST", "/api/v1/reports",
                                               test::reportBody(test::makeReport(a.id, a.machineId)));
    });
  };
  auto first = send(agent);
  auto second = send(other);
  // Both reports were read and handed to the (blocked) storage writer: they are in flight inside the collector.
  ASSERT_TRUE(test::waitFor([&] { return collector.queue().pending() == 2; }));

  std::thread stopper([&] { collector.stop(); });
  // Shutdown has begun once new connections are refused.
  EXPECT_TRUE(test::waitFor([&] { return !RawTlsConnection(collector.port()).connected(); }));
  EXPECT_FALSE(collector.stopped());
  blocker->exec("ROLLBACK");
  stopper.join();
  for (auto* pending : {&first, &second}) {
    auto response = pending->get();
    ASSERT_TRUE(response.ok()) << response.error();
    EXPECT_EQ(response->status, 200) << response->body;
  }
  EXPECT_TRUE(collector.stopped());
  EXPECT_EQ(collector.store().reportCount(), 2);
}

TEST(ServerShutdown, StopsCleanlyWhileConnectionsKeepArriving) {
  // Shutdown closes the acceptor while accept handlers on other threads start the next accept: without the
  // control strand that was a race, seen as a crash in the reactor under load. Each round stops a server in the
  // middle of a stream of new connections; a crash here ends the whole test binary.
  for (int round = 0; round < 30; ++round) {
    InProcessCollector collector;
    std::atomic<bool> done{false};
    std::atomic<int> connected{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 2; ++t)
      clients.emplace_back([&] {
        while (!done)
          if (RawTlsConnection(collector.port()).connected()) ++connected;
      });
    ASSERT_TRUE(test::waitFor([&] { return connected > 20; }));
    collector.stop();
    done = true;
    for (auto& c : clients) c.join();
    EXPECT_TRUE(collector.stopped());
  }
}

TEST(ServerMaintenance, TrainsTheBodyDictionaryAtTheFirstMaintenanceWithEnoughReports) {
  auto options = InProcessCollector::fastOptions();
  SqliteTuning tuning;
  tuning.dictionaryAfterReports = 40;
  tuning.dictionarySamples = 40;
  InProcessCollector collector(options, tuning);
  const auto agent = collector.enrollOrThrow();
  auto client = collector.client(agent.tls);
  auto admin = collector.client(collector.admin());
  const auto metricsShow = [&](const std::string& dictionaryId) {
    auto response = admin->request("GET", "/metrics");
    return response.ok() && response->body.find("\nannexa_body_dictionary_id " + dictionaryId + "\n") != std::string::npos;
  };
  for (int seed = 0; seed < 40; ++seed) {
    auto report = test::fleetLikeReport(seed);
    report.agentId = agent.id;
    report.host.machineId = agent.machineId;
    auto response = client->request("POST", "/api/v1/reports", test::reportBody(report));
    ASSERT_TRUE(response.ok()) << response.error();
    ASSERT_EQ(response->status, 200) << response->body;
  }
  EXPECT_TRUE(metricsShow("0"));
  // Seconds after the start-up maintenance, not a minute later: new bodies shrink from then on.
  collector.maintain();
  const auto dictionary = collector.store().bodyDictionary();
  ASSERT_NE(dictionary, nullptr);
  EXPECT_TRUE(metricsShow(std::to_string(dictionary->id())));
}

}  // namespace
}  // namespace annexa::collector
