// GET /api/v1/hosts over real TLS: paging, sorting, filtering and result counts, and when the shared host table
// it pages through follows reports and revocations.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/collector/collector_harness.hpp"

namespace annexa::collector {
namespace {

class HostListTest : public ::testing::Test {
 protected:

  // Reports `results` checks; every third fails (see test::makeReport), or all pass.
  void report(const test::TestAgent& agent, int results, bool allPass = false) {
    auto r = test::makeReport(agent.id, agent.machineId, results);
    if (allPass)
      for (auto& result : r.results) result.status = CheckStatus::Pass;
    auto response = collector_.client(agent.tls)->request("POST", "/api/v1/reports", test::reportBody(r));
    ASSERT_TRUE(response) << response.error();
    ASSERT_EQ(response->status, 200) << response->body;
  }

  nlohmann::json hosts(const std::string& query = "") {
    auto response = admin_->request("GET", "/api/v1/hosts" + query);
    EXPECT_TRUE(response) << response.error();
    EXPECT_EQ(response->status, 200) << response->body;
    return nlohmann::json::parse(response->body);
  }

  test::InProcessCollector collector_;  // maintenance runs only when a test calls it
  std::unique_ptr<HttpsClient> admin_ = collector_.client(collector_.admin());
};

TEST_F(HostListTest, PagesSortsAndFilters) {
  std::vector<test::TestAgent> agents;
  for (int results : {1, 4, 7}) {  // 1, 2 and 3 failing checks
    agents.push_back(collector_.enrollOrThrow());
    report(agents.back(), results);
  }
  const auto first = hosts("?limit=2");
  EXPECT_EQ(first["total"], 3);
  ASSERT_EQ(first["hosts"].size(), 2u);
  const auto rest = hosts("?limit=2&offset=2");
  ASSERT_EQ(rest["hosts"].size(), 1u);
  std::set<std::string> seen;
  for (const auto* page : {&first, &rest})
    for (const auto& h : (*page)["hosts"]) seen.insert(h["id"].get<std::string>());
  EXPECT_EQ(seen, (std::set<std::string>{agents[0].id, agents[1].id, agents[2].id}));

  const auto byFailing = hosts("?sort=-failing");
  ASSERT_EQ(byFailing["hosts"].size(), 3u);
  EXPECT_EQ(byFailing["hosts"][0]["id"], agents[2].id);
  EXPECT_EQ(byFailing["hosts"][0]["results"]["fail"], 3);
  EXPECT_EQ(byFailing["hosts"][0]["results"]["pass"], 4);
  EXPECT_EQ(byFailing["hosts"][2]["id"], agents[0].id);

  const auto filtered = hosts("?filter=" + agents[1].id.substr(0, 8));
  ASSERT_EQ(filtered["total"], 1);
  EXPECT_EQ(filtered["hosts"][0]["id"], agents[1].id);
  const auto badSort = admin_->request("GET", "/api/v1/hosts?sort=colour");
  ASSERT_TRUE(badSort);
  EXPECT_EQ(badSort->status, 400);
  EXPECT_NE(test::errorOf(*badSort).find("sort must be one of"), std::string::npos);
}

TEST_F(HostListTest, FollowsEveryReportOfASmallFleet) {
  const auto agent = collector_.enrollOrThrow();
  report(agent, 4);
  EXPECT_EQ(hosts()["hosts"][0]["results"]["fail"], 2);
  report(agent, 4, /*allPass=*/true);
  EXPECT_EQ(hosts()["hosts"][0]["results"]["fail"], 0);
  EXPECT_EQ(hosts()["hosts"][0]["results"]["pass"], 4);
  const auto newcomer = collector_.enrollOrThrow();  // enrolled, no report yet: listed with no results
  const auto listed = hosts();
  ASSERT_EQ(listed["total"], 2);
  // Both keep the hostname they enrolled with (docs/security.md): find the newcomer by id.
  const auto& rows = listed["hosts"];
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& h) { return h["id"] == newcomer.id; });
  ASSERT_NE(row, rows.end());
  EXPECT_EQ((*row)["results"]["pass"], 0);
}

TEST_F(HostListTest, ARevocationFromTheCommandLineLeavesTheListAtTheNextMaintenance) {
  const auto agent = collector_.enrollOrThrow();
  report(agent, 1);
  ASSERT_EQ(hosts()["total"], 1);
  // The CLI writes the database from another process: the API learns of it at its next maintenance.
  collector_.store().revokeAgent(agent.id, collector_.now());
  EXPECT_EQ(hosts()["total"], 1);
  collector_.maintain();
  EXPECT_EQ(hosts()["total"], 0);
  EXPECT_EQ(hosts("?include_revoked=1")["total"], 1);
}

}  // namespace
}  // namespace annexa::collector
