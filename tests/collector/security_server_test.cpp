// Security hardening over real mutual TLS on loopback: revocable operators, bounded metrics (docs/security.md).
#include <gtest/gtest.h>

#include <sstream>

#include "collector/app/cli.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa::collector {
namespace {

using test::InProcessCollector;

std::string serialOf(const ClientTls& tls) {
  auto certificate = pki::parseCertificatePem(tls.certificatePem);
  return certificate ? pki::serialHex(certificate->get()) : std::string();
}

int statusOf(const Result<HttpResponse>& response) { return response.ok() ? response->status : -1; }

// --- item 1: operators are certificates, and a certificate can be revoked ---

TEST(OperatorRevocation, ReissuingAnOperatorRevokesTheOldCertificateAtTheHandshake) {
  InProcessCollector collector;
  const auto asAdmin = collector.issueOperator("alice", pki::Role::Admin);
  ASSERT_EQ(statusOf(collector.client(asAdmin)->request("POST", "/api/v1/tokens", "{}")), 201);
  // Downgraded to viewer with `operators add alice --role viewer` (another process: seen at the next maintenance).
  const auto asViewer = collector.issueOperator("alice", pki::Role::Viewer);
  collector.maintain();
  const auto failuresBefore = collector.metrics().handshakeFailures();
  const auto old = collector.client(asAdmin)->request("POST", "/api/v1/tokens", "{}");
  EXPECT_FALSE(old.ok()) << "the old admin certificate still works: HTTP " << old->status;
  // The server counts the failure on its own thread, possibly after the client gave up (TLS 1.3).
  EXPECT_TRUE(test::waitFor([&] { return collector.metrics().handshakeFailures() > failuresBefore; }));
  EXPECT_EQ(statusOf(collector.client(asViewer)->request("POST", "/api/v1/tokens", "{}")), 403);
  EXPECT_EQ(statusOf(collector.client(asViewer)->request("GET", "/api/v1/posture")), 200);
}

TEST(OperatorRevocation, AdminsListAndRevokeOperatorsOverTheApi) {
  InProcessCollector collector;
  const auto admin = collector.admin();
  const auto viewer = collector.operatorTls("auditor", pki::Role::Viewer);
  auto kept = collector.client(viewer);
  ASSERT_EQ(statusOf(kept->request("GET", "/api/v1/posture")), 200);
  // Viewers may neither list nor revoke operators.
  EXPECT_EQ(statusOf(kept->request("GET", "/api/v1/operators")), 403);
  EXPECT_EQ(statusOf(kept->request("POST", "/api/v1/operators/" + serialOf(admin) + "/revoke")), 403);

  const auto listed = collector.client(admin)->request("GET", "/api/v1/operators");
  ASSERT_EQ(statusOf(listed), 200);
  bool found = false;
  const auto listing = nlohmann::json::parse(listed->body);
  for (const auto& op : listing.at("operators"))
    found = found || (op.at("name") == "auditor" && op.at("serial") == serialOf(viewer) && op.at("role") == "viewer" &&
                      op.at("revoked_at").is_null());
  EXPECT_TRUE(found) << listed->body;

  const auto revoked = collector.client(admin)->request("POST", "/api/v1/operators/" + serialOf(viewer) + "/revoke");
  ASSERT_EQ(statusOf(revoked), 200) << (revoked.ok() ? revoked->body : revoked.error());
  // Refused at once: at the handshake for a new connection, by the API on the one already open.
  EXPECT_FALSE(collector.client(viewer)->request("GET", "/api/v1/posture").ok());
  EXPECT_EQ(statusOf(kept->request("GET", "/api/v1/posture")), 403);
  const auto again = collector.client(admin)->request("POST", "/api/v1/operators/" + serialOf(viewer) + "/revoke");
  EXPECT_EQ(statusOf(again), 404);
  EXPECT_EQ(statusOf(collector.client(admin)->request("GET", "/api/v1/posture")), 200);
}

TEST(OperatorCli, ListsEveryCertificateAndRevokesBySerialOrName) {
  test::FixtureRoot root;
  const auto data = (root.path() / "data").string();
  ASSERT_TRUE(initDataDir(DataDir{data}, {}).ok());
  std::ostringstream out, err;
  ASSERT_EQ(runCollectorCli({"operators", "add", "bob", "--role", "admin", "--data", data}, out, err), 0) << err.str();
  ASSERT_EQ(runCollectorCli({"operators", "add", "bob", "--role", "viewer", "--data", data}, out, err), 0) << err.str();
  auto store = openSqliteStore(DataDir{data}.database());
  auto operators = store->listOperators();
  ASSERT_EQ(operators.size(), 3u);  // admin, bob (revoked admin), bob (viewer)
  const auto bob = [&](const std::string& role) {
    for (const auto& op : operators)
      if (op.name == "bob" && op.role == role) return op;
    ADD_FAILURE() << "no " << role << " bob";
    return OperatorRecord{};
  };
  const auto oldBob = bob("admin");
  const auto newBob = bob("viewer");
  EXPECT_TRUE(oldBob.revokedAt.has_value());
  EXPECT_FALSE(newBob.revokedAt.has_value());
  EXPECT_TRUE(store->revokedSerials().count(oldBob.certSerial));

  std::ostringstream listed;
  ASSERT_EQ(runCollectorCli({"operators", "list", "--data", data}, listed, err), 0);
  EXPECT_NE(listed.str().find("serial " + oldBob.certSerial), std::string::npos) << listed.str();
  EXPECT_NE(listed.str().find("revoked"), std::string::npos) << listed.str();

  std::ostringstream revokedOut;
  ASSERT_EQ(runCollectorCli({"operators", "revoke", "bob", "--data", data}, revokedOut, err), 0) << err.str();
  EXPECT_NE(revokedOut.str().find(newBob.certSerial), std::string::npos) << revokedOut.str();
  EXPECT_EQ(runCollectorCli({"operators", "revoke", "bob", "--data", data}, out, err), 2);
  EXPECT_EQ(store->revokedSerials().size(), 2u);
}

// --- item 3: what unauthenticated clients send does not grow /metrics ---

TEST(MetricsBound, ManyDistinctUnknownPathsDoNotGrowMetrics) {
  InProcessCollector collector;
  auto admin = collector.client(collector.admin());
  auto anonymous = collector.client(collector.anonymous());
  const auto metricsLines = [&] {
    auto response = admin->request("GET", "/metrics");
    EXPECT_EQ(statusOf(response), 200);
    std::size_t lines = 0;
    for (const char c : response.ok() ? response->body : std::string()) lines += c == '\n';
    return std::make_pair(lines, response.ok() ? response->body : std::string());
  };
  for (const auto* warmUp : {"/warm-up", "/api/v1/warm-up"})
    ASSERT_EQ(statusOf(anonymous->request("GET", warmUp)), 401);
  metricsLines();
  const auto before = metricsLines();
  for (int i = 0; i < 400; ++i) {
    const auto path = (i % 2 ? "/api/v1/probe-" : "/probe/") + std::to_string(i) + "?q=" + std::to_string(i);
    ASSERT_EQ(statusOf(anonymous->request("GET", path)), 401) << path;
  }
  const auto after = metricsLines();
  EXPECT_EQ(after.first, before.first) << after.second;
  EXPECT_EQ(after.second.find("probe"), std::string::npos);
  EXPECT_NE(after.second.find("annexa_http_requests_total{route=\"other\",status=\"401\"}"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector
