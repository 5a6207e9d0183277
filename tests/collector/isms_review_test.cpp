#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/isms/management_review.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;  // 2026-11-23T09:00:27Z

bool has(const std::string& page, const std::string& text) { return page.find(text) != std::string::npos; }

std::int64_t addNc(test::IsmsFixture& f, const std::string& title, const char* kind, std::int64_t at) {
  const auto reply = f.service.addNonConformity({{"title", title}, {"kind", kind}}, "alice", at);
  EXPECT_EQ(reply.status, 201) << reply.body;
  return reply.body["id"].get<std::int64_t>();
}

void closeNc(test::IsmsFixture& f, std::int64_t id, std::int64_t at) {
  for (const nlohmann::json& step : {nlohmann::json{{"to", "root_cause"}, {"root_cause", "no process"}},
                                     nlohmann::json{{"to", "corrective_action"}, {"corrective_action", "write it"},
                                                    {"action_owner", "ciso"}, {"action_due", "2027-01-01"}},
                                     nlohmann::json{{"to", "verification"}},
                                     nlohmann::json{{"to", "closed"}, {"verification", "checked"}}}) {
    const auto reply = f.service.transitionNonConformity(id, step, "alice", at);
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
}

TEST(ManagementReview, AuditResultsCoverTheTimeSinceTheLastReview) {
  test::IsmsFixture f;
  ASSERT_EQ(f.service.updateCalendar({{"management_review", "2026-06-01"}}, "alice", kNow - 300 * kDay).status, 200);
  ASSERT_EQ(f.service.updateCalendar({{"management_review", "2027-06-01"}}, "alice", kNow - 100 * kDay).status, 200);
  addNc(f, "Raised before the review", "minor", kNow - 200 * kDay);
  const auto closedAfter = addNc(f, "Closed after the review", "minor", kNow - 190 * kDay);
  closeNc(f, closedAfter, kNow - 20 * kDay);
  addNc(f, "Raised after the review", "major", kNow - 10 * kDay);

  const auto page = f.service.managementReview(kNow);
  EXPECT_TRUE(has(page, "Review period since 2026-06-01 (the last management review)"));
  EXPECT_TRUE(has(page, "1 non-conformities raised, 1 closed."));
  const auto results = page.substr(page.find("Audit results since the last review"));
  const auto raised = results.substr(0, results.find("<h3>Closed"));
  EXPECT_TRUE(has(raised, "Raised after the review"));
  EXPECT_FALSE(has(raised, "Raised before the review"));
  EXPECT_FALSE(has(raised, "Closed after the review"));
  EXPECT_TRUE(has(results.substr(results.find("<h3>Closed")), "Closed after the review"));
  EXPECT_TRUE(has(page, "Not ready for audit: 1 major non-conformity open"));

  // An explicit period start takes every NC raised since then.
  const auto wide = f.service.managementReview(kNow, kNow - 365 * kDay);
  EXPECT_TRUE(has(wide, "(chosen for this report)"));
  EXPECT_TRUE(has(wide, "3 non-conformities raised, 1 closed."));
}

TEST(ManagementReview, WithoutAnEarlierReviewEverythingCounts) {
  test::IsmsFixture f;
  addNc(f, "Old finding", "ofi", kNow - 900 * kDay);
  const auto page = f.service.managementReview(kNow);
  EXPECT_TRUE(has(page, "with no earlier management review recorded: all records"));
  EXPECT_TRUE(has(page, "1 non-conformities raised, 0 closed."));
  EXPECT_TRUE(has(page, "No daily posture was recorded in this period."));
}

TEST(ManagementReview, PostureTrendIsAnInlineSvgOfControlsPassing) {
  test::IsmsFixture f;
  f.store->saveDailyPosture({{"2026-11-20", "A.5.1", "passing", 1, 0, 0, 0},
                             {"2026-11-20", "A.8.5", "failing", 0, 1, 0, 0},
                             {"2026-11-20", "A.8.7", "not_evidenced", 0, 0, 0, 0},
                             {"2026-11-22", "A.5.1", "passing", 1, 0, 0, 0},
                             {"2026-11-22", "A.8.5", "passing", 1, 0, 0, 0},
                             {"2026-01-01", "A.5.1", "failing", 0, 1, 0, 0}});  // before the 90-day window
  const auto trend = postureTrend(f.store->dailyPosture("2026-11-01", "2026-11-30", std::nullopt));
  ASSERT_EQ(trend.size(), 2u);
  EXPECT_EQ(trend[0].evaluated, 2);  // not_evidenced does not count
  EXPECT_DOUBLE_EQ(trend[0].percent(), 50.0);
  EXPECT_DOUBLE_EQ(trend[1].percent(), 100.0);

  const auto page = f.service.managementReview(kNow);
  EXPECT_TRUE(has(page, "Controls passing: 50.0 % on 2026-11-20, 100.0 % on 2026-11-22."));
  EXPECT_TRUE(has(page, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  // x from 44 to 628 over two days; y 50 % = 102, 100 % = 12.
  EXPECT_TRUE(has(page, "points=\"44.0,102.0 628.0,12.0\""));
  EXPECT_FALSE(has(page, "2026-01-01"));
  // Self-contained: no scripts, stylesheets, images or anything fetched.
  for (const char* external : {"<script", "<link", "<img", "src=", "href=", "@import", "url("})
    EXPECT_FALSE(has(page, external)) << external;
}

TEST(ManagementReview, EscapesAllUserText) {
  test::IsmsFixture f;
  const std::string attack = "<script>alert('x')</script>";
  ASSERT_EQ(f.service.updateCalendar({{"scope", "Scope " + attack}}, "alice", kNow).status, 200);
  addNc(f, "NC " + attack, "major", kNow);
  ASSERT_EQ(f.service.addRisk({{"title", "Risk " + attack}, {"likelihood", 2}, {"impact", 3}, {"owner", "<b>o</b>"}},
                              "alice", kNow).status, 201);
  f.host("h1", {{"backup.recent", CheckStatus::Fail}});
  ASSERT_EQ(f.service.addException({{"scope", "check"}, {"check", "backup.recent"}, {"justification", "J " + attack},
                                    {"approver", "\"ciso\" & co"}, {"expires_at", "2026-12-10"}}, "alice", kNow).status,
            201);
  const auto page = f.service.managementReview(kNow);
  EXPECT_FALSE(has(page, "<script"));
  EXPECT_FALSE(has(page, "<b>o</b>"));
  for (const char* prefix : {"Scope ", "NC ", "Risk ", "J "})
    EXPECT_TRUE(has(page, std::string(prefix) + "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")) << prefix;
  EXPECT_TRUE(has(page, "&quot;ciso&quot; &amp; co"));
  // The exception expires in 17 days: flagged.
  EXPECT_TRUE(has(page, "1 valid, 1 expiring within 30 days."));
  EXPECT_TRUE(has(page, "<b>expires within 30 days</b>"));
  EXPECT_TRUE(has(page, "Readiness: <b>0 / 27</b> — High risk (significant work needed)"));
}

TEST(ManagementReview, RiskTreatmentStatusShowsIneffectiveTreatment) {
  test::IsmsFixture f;
  f.fleet("h", 4, 4, "ssh.mfa_required", Severity::High);
  ASSERT_EQ(f.service.addRisk({{"title", "Account takeover"}, {"likelihood", 4}, {"impact", 5}, {"controls", "A.8.5"}},
                              "alice", kNow).status, 201);
  const auto page = f.service.managementReview(kNow);
  EXPECT_TRUE(has(page, "Account takeover</td><td>20</td><td>critical</td><td>mitigate</td>"));
  EXPECT_TRUE(has(page, "<b>no</b> (failing: A.8.5)"));
  EXPECT_FALSE(has(page, "The risk register is empty."));
}

}  // namespace
}  // namespace annexa::collector::isms
