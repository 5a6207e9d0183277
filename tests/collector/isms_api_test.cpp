#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/collector/api_fixture.hpp"

namespace annexa::collector {
namespace {

using isms::test::kNow;

class IsmsApiTest : public ::testing::Test {
 protected:
  ApiResponse call(const std::string& method, const std::string& target, pki::Role role, const std::string& body = "") {
    return api_.call(method, target, {true, role == pki::Role::Admin ? "alice" : "victor", role, "01"}, body);
  }
  ApiResponse admin(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr) {
    return call(method, target, pki::Role::Admin, body.is_null() ? "" : body.dump());
  }
  static nlohmann::json json(const ApiResponse& r) { return nlohmann::json::parse(r.body); }

  test::ApiFixture api_;
  isms::test::IsmsFixture& f_ = api_.f;
};

TEST_F(IsmsApiTest, ViewersReadButCannotWrite) {
  const auto read = call("GET", "/api/v1/soa", pki::Role::Viewer);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json(read)["controls"].size(), 93u);
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", "/api/v1/soa/A.5.1"}, {"POST", "/api/v1/exceptions"}, {"POST", "/api/v1/risks"},
           {"POST", "/api/v1/nonconformities/proposals"}, {"PUT", "/api/v1/readiness/program.scope"},
           {"POST", "/api/v1/risks/import"}}) {
    const auto r = call(method, target, pki::Role::Viewer, "{}");
    EXPECT_EQ(r.status, 403) << method << " " << target;
    EXPECT_EQ(json(r)["error"], "the viewer role is read-only");
  }
  EXPECT_EQ(call("GET", "/api/v1/risks", pki::Role::Agent).status, 403);
  EXPECT_TRUE(f_.isms->audit().empty());  // nothing was written
}

TEST_F(IsmsApiTest, AdminWritesAreValidatedAndAudited) {
  auto r = admin("PUT", "/api/v1/soa/A.5.1", {{"justification", "policy set required"}, {"owner", "ciso"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["owner"], "ciso");
  EXPECT_EQ(admin("PUT", "/api/v1/soa/A.5.1", {{"applicable", "maybe"}}).status, 400);
  EXPECT_EQ(json(admin("PUT", "/api/v1/soa/A.5.1", {{"applicable", "maybe"}}))["error"], "applicable must be yes or no");
  EXPECT_EQ(call("PUT", "/api/v1/soa/A.5.1", pki::Role::Admin, "{not json").status, 400);
  EXPECT_EQ(admin("GET", "/api/v1/soa/A.9.9").status, 404);

  r = admin("POST", "/api/v1/risks", {{"title", "Phishing"}, {"likelihood", 4}, {"impact", 3}, {"controls", {"A.6.3"}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json(r)["level"], "high");
  EXPECT_EQ(admin("GET", "/api/v1/risks/1").status, 200);
  EXPECT_EQ(admin("GET", "/api/v1/risks/7").status, 404);
  EXPECT_EQ(admin("GET", "/api/v1/risks/abc").status, 404);
  EXPECT_EQ(admin("PUT", "/api/v1/risks/1", {{"likelihood", 9}}).status, 400);

  r = admin("POST", "/api/v1/nonconformities", {{"title", "Training records incomplete"}, {"kind", "minor"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(admin("POST", "/api/v1/nonconformities/1/transition", {{"to", "verification"}}).status, 400);
  EXPECT_EQ(admin("POST", "/api/v1/nonconformities/1/transition", {{"to", "root_cause"}, {"root_cause", "no LMS"}}).status, 200);
  EXPECT_EQ(admin("POST", "/api/v1/nonconformities/9/transition", {{"to", "root_cause"}}).status, 404);

  const auto audit = json(admin("GET", "/api/v1/isms/audit"))["audit"];
  ASSERT_EQ(audit.size(), 4u);  // soa update, risk, NC create, NC transition
  EXPECT_EQ(audit[0]["actor"], "alice");
  EXPECT_EQ(audit[0]["at"], formatRfc3339(kNow));
}

TEST_F(IsmsApiTest, PostureViewCountsAcceptedFailuresSeparately) {
  f_.host("h1", {{"ssh.mfa_required", CheckStatus::Fail}});
  EXPECT_EQ(json(admin("GET", "/api/v1/controls/A.8.5"))["status"], "failing");
  const auto created = admin("POST", "/api/v1/exceptions",
                             {{"scope", "check"}, {"check", "ssh.mfa_required"}, {"justification", "hardware tokens on order"},
                              {"approver", "ciso"}, {"expires_at", "2027-01-31"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto posture = json(admin("GET", "/api/v1/posture"));
  for (const auto& c : posture["controls"]) {
    if (c["id"] != "A.8.5") continue;
    EXPECT_EQ(c["status"], "accepted");
    EXPECT_EQ(c["hosts"]["accepted"], 1);
    EXPECT_EQ(c["hosts"]["passing"], 0);
  }
  EXPECT_EQ(posture["summary"]["controls"]["accepted"], 1);
  EXPECT_EQ(json(admin("GET", "/api/v1/exceptions?expiring_days=90"))["exceptions"].size(), 1u);
  EXPECT_EQ(admin("GET", "/api/v1/exceptions?expiring_days=x").status, 400);
  EXPECT_EQ(admin("POST", "/api/v1/exceptions/1/revoke").status, 200);
  EXPECT_EQ(admin("POST", "/api/v1/exceptions/1/revoke").status, 400);
  // The past stays visible: before the revocation (and before it started) the register read differently.
  EXPECT_EQ(json(admin("GET", "/api/v1/exceptions"))["exceptions"][0]["state"], "revoked");
  EXPECT_EQ(json(admin("GET", "/api/v1/exceptions?at=2026-12-01"))["exceptions"][0]["state"], "revoked");
  EXPECT_EQ(json(admin("GET", "/api/v1/exceptions?at=2026-11-01"))["exceptions"][0]["state"], "scheduled");
  EXPECT_EQ(admin("GET", "/api/v1/exceptions?at=yesterday").status, 400);
  EXPECT_EQ(admin("DELETE", "/api/v1/exceptions/5").status, 404);
}

TEST_F(IsmsApiTest, CsvAndHtmlExportsAndImport) {
  const auto csv = admin("GET", "/api/v1/soa?format=csv");
  EXPECT_EQ(csv.contentType, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("control,theme,title,applicable,justification,implementation", 0), 0u);
  EXPECT_EQ(admin("GET", "/api/v1/soa?format=html").contentType, "text/html; charset=utf-8");
  auto r = call("POST", "/api/v1/risks/import", pki::Role::Admin,
                "title,likelihood,impact,controls\r\nLost laptop,3,4,\"A.8.24,A.7.10\"\r\nFlood,1,5,A.7.5\r\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["added"], 2);
  r = call("POST", "/api/v1/risks/import", pki::Role::Admin, "title,likelihood\nOk,2\nBad,7\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json(r)["error"], "line 3: likelihood and impact must be 1 to 5");
  EXPECT_EQ(json(admin("GET", "/api/v1/risks"))["risks"].size(), 2u);  // the bad file added nothing
  const auto exported = admin("GET", "/api/v1/risks?format=csv").body;
  EXPECT_NE(exported.find("\"A.8.24,A.7.10\""), std::string::npos);
}

TEST_F(IsmsApiTest, CalendarViewersReadAdminsWrite) {
  EXPECT_EQ(call("PUT", "/api/v1/calendar", pki::Role::Viewer, R"({"stage1":"2027-01-10"})").status, 403);
  auto r = admin("PUT", "/api/v1/calendar", {{"scope", "HQ and laptops"}, {"stage1", "2027-01-10"}, {"stage2", "2027-02-15"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(admin("PUT", "/api/v1/calendar", {{"stage2", "2027-01-01"}}).status, 400);
  EXPECT_EQ(admin("PUT", "/api/v1/calendar", {{"stage3", "2027-01-01"}}).status, 400);
  EXPECT_EQ(admin("POST", "/api/v1/calendar/x", {{"scope", "y"}}).status, 404);
  ASSERT_EQ(admin("POST", "/api/v1/nonconformities", {{"title", "No MFA on bastion"}, {"kind", "major"}}).status, 201);

  r = call("GET", "/api/v1/calendar", pki::Role::Viewer);
  ASSERT_EQ(r.status, 200);
  const auto body = json(r);
  EXPECT_EQ(body["calendar"]["scope"], "HQ and laptops");
  EXPECT_EQ(body["calendar"]["updated_by"], "alice");
  const auto& s = body["summary"];
  EXPECT_EQ(s["next_audit"], nlohmann::json({{"kind", "stage1"}, {"title", "Stage 1 audit"}, {"date", "2027-01-10"},
                                             {"days", 48}}));
  EXPECT_EQ(s["open_major_nonconformities"], 1);
  EXPECT_FALSE(s["ready"].get<bool>());
  EXPECT_EQ(s["reasons"][0], "1 major non-conformity open");
  EXPECT_EQ(s["readiness"]["level"], "high_risk");
  EXPECT_EQ(f_.isms->audit("calendar").front().actor, "alice");
}

TEST_F(IsmsApiTest, ManagementReviewIsHtml) {
  auto r = call("GET", "/api/v1/management-review", pki::Role::Viewer);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.contentType, "text/html; charset=utf-8");
  EXPECT_EQ(r.body.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.body.find("clause 9.3"), std::string::npos);
  r = admin("GET", "/api/v1/management-review?since=2026-01-01");
  EXPECT_NE(r.body.find("Review period since 2026-01-01 (chosen for this report)"), std::string::npos);
  EXPECT_EQ(admin("GET", "/api/v1/management-review?since=last%20year").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/management-review", pki::Role::Admin, "{}").status, 405);  // a read-only route
}

}  // namespace
}  // namespace annexa::collector
