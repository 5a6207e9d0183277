#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_calendar.hpp"
#include "collector/isms/isms_json.hpp"
#include "collector/store/sqlite.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;  // 2026-11-23T09:00:27Z

NonConformity nc(NcKind kind, NcState state) {
  NonConformity n;
  n.kind = kind;
  n.state = state;
  return n;
}

std::int64_t date(const char* text) { return *parseRfc3339(text); }

TEST(AuditCalendar, PatchesDatesAndRefusesWhatIsWrong) {
  auto c = patchCalendar({}, {{"scope", "  All production servers and laptops  "}, {"internal_audit", "2027-01-15"},
                              {"stage1", "2027-02-01T10:30:00Z"}, {"stage2", "2027-03-01"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->scope, "All production servers and laptops");
  EXPECT_EQ(*c->stage1, date("2027-02-01"));  // the start of the day
  const auto j = toJson(*c);
  EXPECT_EQ(j["internal_audit"], "2027-01-15");
  EXPECT_TRUE(j["management_review"].is_null());

  EXPECT_EQ(patchCalendar(*c, {{"stage2", "2027-01-31"}}).error(), "the Stage 2 audit cannot come before Stage 1");
  EXPECT_EQ(patchCalendar(*c, {{"stage1", "next week"}}).error(), "stage1 must be a date (YYYY-MM-DD or RFC 3339)");
  EXPECT_EQ(patchCalendar(*c, {{"stage_1", "2027-01-01"}}).error(),
            "unknown calendar field \"stage_1\" (scope, internal_audit, management_review, stage1, stage2)");
  EXPECT_EQ(patchCalendar(*c, {{"scope", std::string(4001, 'x')}}).error(), "scope is longer than 4000 characters");
  EXPECT_EQ(patchCalendar(*c, {{"scope", 3}}).error(), "scope must be a string");
  const auto cleared = patchCalendar(*c, {{"internal_audit", ""}, {"stage2", nullptr}});
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->internalAudit);
  EXPECT_FALSE(cleared->stage2);
  EXPECT_EQ(cleared->stage1, c->stage1);  // absent keys keep their value
}

TEST(AuditCalendar, NextAuditIsTheEarliestFromTodayOn) {
  AuditCalendar c;
  c.internalAudit = date("2026-11-01");      // past: ignored
  c.managementReview = date("2026-11-30");   // not an audit
  c.stage1 = date("2027-01-10");
  c.stage2 = date("2027-02-20");
  auto s = summarize(c, std::nullopt, 27, {}, kNow);
  ASSERT_TRUE(s.nextAudit);
  EXPECT_EQ(s.nextAudit->kind, "stage1");
  EXPECT_EQ(s.nextAudit->days, 48);
  ASSERT_TRUE(s.nextManagementReview);
  EXPECT_EQ(s.nextManagementReview->days, 7);
  EXPECT_EQ(s.today, "2026-11-23");

  c.internalAudit = date("2026-11-23");  // today, though the clock says 09:00: zero days
  s = summarize(c, std::nullopt, 27, {}, kNow);
  EXPECT_EQ(s.nextAudit->kind, "internal_audit");
  EXPECT_EQ(s.nextAudit->days, 0);
  EXPECT_FALSE(summarize({}, std::nullopt, 27, {}, kNow).nextAudit);
}

TEST(AuditCalendar, AnOpenMajorNcMeansNotReady) {
  const AuditCalendar c;
  auto s = summarize(c, std::nullopt, 27, {nc(NcKind::Minor, NcState::Open), nc(NcKind::Major, NcState::Closed)}, kNow);
  EXPECT_TRUE(s.ready);
  EXPECT_TRUE(s.reasons.empty());
  EXPECT_EQ(toJson(s)["reason"], nullptr);

  s = summarize(c, std::nullopt, 27, {nc(NcKind::Major, NcState::Verification), nc(NcKind::Major, NcState::Open)}, kNow);
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.openMajorNcs, 2);
  EXPECT_EQ(toJson(s)["reason"], "2 major non-conformities open");

  s = summarize(c, std::nullopt, 25, {nc(NcKind::Major, NcState::RootCause)}, kNow);
  const auto j = toJson(s);
  EXPECT_FALSE(j["ready"].get<bool>());
  EXPECT_EQ(j["reasons"], nlohmann::json({"1 major non-conformity open",
                                          "readiness 25 / 27: Low risk (minor improvements needed)"}));
  EXPECT_EQ(j["readiness"]["score_text"], "25 / 27");
  EXPECT_EQ(j["readiness"]["level"], "low_risk");
  EXPECT_EQ(j["open_major_nonconformities"], 1);
}

TEST(AuditCalendar, StoredWithItsHistoryAndAuditTrail) {
  test::IsmsFixture f;
  EXPECT_EQ(f.isms->calendar().updatedAt, 0);  // never set
  auto reply = f.service.updateCalendar({{"scope", "HQ"}, {"management_review", "2026-05-04"}}, "alice", kNow - 200 * kDay);
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = f.service.updateCalendar({{"management_review", "2027-05-03"}, {"stage1", "2027-06-01"}}, "bob", kNow);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(f.service.updateCalendar({{"stage2", "2027-05-01"}}, "bob", kNow).status, 400);

  // A new connection to the same file sees the calendar.
  auto reopened = IsmsStore::open(f.dir.path() / "annexa.db");
  const auto c = reopened->calendar();
  EXPECT_EQ(c.scope, "HQ");
  EXPECT_EQ(formatDay(*c.managementReview), "2027-05-03");
  EXPECT_EQ(c.updatedBy, "bob");
  // The last review on or before now is the one the calendar held before it was moved to next year.
  EXPECT_EQ(formatDay(*reopened->lastManagementReview(kNow)), "2026-05-04");
  EXPECT_FALSE(reopened->lastManagementReview(date("2026-05-03")));

  const auto trail = f.isms->audit("calendar");
  ASSERT_EQ(trail.size(), 2u);  // the refused change wrote nothing
  EXPECT_EQ(trail[1].actor, "bob");
  EXPECT_EQ(nlohmann::json::parse(trail[1].detail)["stage1"], "2027-06-01");

  const auto body = f.service.calendar(kNow).body;
  EXPECT_EQ(body["calendar"]["stage1"], "2027-06-01");
  EXPECT_EQ(body["summary"]["next_audit"]["days"], 190);
  EXPECT_EQ(body["summary"]["last_management_review"], "2026-05-04");
}

TEST(AuditCalendar, ServiceSummaryCountsOpenMajorNcs) {
  test::IsmsFixture f;
  ASSERT_EQ(f.service.addNonConformity({{"title", "No MFA"}, {"kind", "major"}}, "alice", kNow).status, 201);
  ASSERT_EQ(f.service.addNonConformity({{"title", "Logs"}, {"kind", "minor"}}, "alice", kNow).status, 201);
  auto s = f.service.calendar(kNow).body["summary"];
  EXPECT_EQ(s["open_major_nonconformities"], 1);
  EXPECT_FALSE(s["ready"].get<bool>());
  EXPECT_EQ(s["reasons"][0], "1 major non-conformity open");
  EXPECT_EQ(s["readiness"]["score_text"], "0 / 27");
  EXPECT_EQ(s["readiness"]["assessment"], "High risk (significant work needed)");
}

TEST(AuditCalendar, AVersionOneDatabaseMigratesKeepingItsRegisters) {
  test::IsmsFixture f;
  auto entry = *f.isms->soaEntry("A.5.1");
  entry.owner = "ciso";
  f.isms->saveSoa(entry, "alice", kNow);
  {
    auto db = Database::open(f.dir.path() / "annexa.db");
    db->exec("DROP TABLE isms_calendar; DROP TABLE isms_records; DROP TABLE isms_documents; "
             "UPDATE isms_schema_version SET version = 1");
  }
  auto migrated = IsmsStore::open(f.dir.path() / "annexa.db");
  EXPECT_EQ(migrated->schemaVersion(), 3);  // through 2 (calendar) to 3 (documents and records)
  EXPECT_EQ(migrated->soaEntry("A.5.1")->owner, "ciso");
  migrated->saveCalendar(*patchCalendar({}, {{"stage1", "2027-01-10"}}), "alice", kNow);
  EXPECT_EQ(formatDay(*migrated->calendar().stage1), "2027-01-10");
}

}  // namespace
}  // namespace annexa::collector::isms
