#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "collector/store/sqlite.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;

std::int64_t userVersion(const std::filesystem::path& db) {
  auto conn = Database::open(db, Database::Mode::ReadOnly);
  auto q = conn->prepare("PRAGMA user_version");
  q.step();
  const auto v = q.columnInt(0);
  q.reset();
  return v;
}

TEST(IsmsStore, SeedsOneSoaRowPerControlOnceAndKeepsUserVersionAlone) {
  ::annexa::test::FixtureRoot dir;
  const auto path = dir.path() / "annexa.db";
  auto store = openSqliteStore(path);
  const auto before = userVersion(path);
  auto isms = IsmsStore::open(path);
  const auto rows = isms->soa();
  ASSERT_EQ(rows.size(), 93u);
  EXPECT_EQ(rows.front().controlId, "A.5.1");
  EXPECT_EQ(rows.back().controlId, "A.8.34");
  EXPECT_TRUE(rows[0].applicable);
  EXPECT_FALSE(rows[0].reviewedAt.has_value());
  EXPECT_EQ(isms->schemaVersion(), 3);  // 3: documents and records
  // The report store's schema version is its own.
  EXPECT_EQ(userVersion(path), before);

  // Reopening (a collector restart) does not seed again.
  auto entry = rows[0];
  entry.owner = "ciso";
  isms->saveSoa(entry, "alice", kNow);
  auto again = IsmsStore::open(path);
  EXPECT_EQ(again->soa().size(), 93u);
  EXPECT_EQ(again->soaEntry("A.5.1")->owner, "ciso");
}

TEST(IsmsStore, RecordsWhoChangedWhatAndWhen) {
  test::IsmsFixture f;
  auto entry = *f.isms->soaEntry("A.8.5");
  entry.owner = "it-ops";
  entry.justification = "remote access to servers";
  entry.implementation = Implementation::Partially;
  f.isms->saveSoa(entry, "alice", kNow);
  const auto saved = *f.isms->soaEntry("A.8.5");
  EXPECT_EQ(saved.owner, "it-ops");
  EXPECT_EQ(saved.implementation, Implementation::Partially);
  EXPECT_EQ(saved.reviewedAt, kNow);
  EXPECT_EQ(saved.updatedBy, "alice");

  const auto audit = f.isms->audit("soa", "A.8.5");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "alice");
  EXPECT_EQ(audit[0].at, kNow);
  EXPECT_EQ(audit[0].action, "update");
  EXPECT_EQ(nlohmann::json::parse(audit[0].detail)["implementation"], "partially");
}

TEST(IsmsStore, ExceptionsAreRevokedNotDeletedSoThePastStaysKnown) {
  test::IsmsFixture f;
  RiskAcceptance e;
  e.scope = ExceptionScope::Check;
  e.checkId = "ssh.mfa_required";
  e.justification = "vendor appliance";
  e.approver = "ciso";
  e.validFrom = kNow;
  e.expiresAt = kNow + 90 * kDay;
  const auto id = f.isms->addException(e, "alice", kNow);
  EXPECT_TRUE(f.isms->revokeException(id, "bob", kNow + 10 * kDay));
  EXPECT_FALSE(f.isms->revokeException(id, "bob", kNow + 11 * kDay));
  const auto stored = *f.isms->exception(id);
  EXPECT_TRUE(stored.validAt(kNow + 5 * kDay));
  EXPECT_FALSE(stored.validAt(kNow + 10 * kDay));
  EXPECT_EQ(stored.createdBy, "alice");
  const auto audit = f.isms->audit("exception", std::to_string(id));
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "revoke");
  EXPECT_EQ(audit[1].actor, "bob");
}

TEST(IsmsStore, RisksAndNonConformitiesSurviveAReopen) {
  test::IsmsFixture f;
  Risk r;
  r.title = "Ransomware";
  r.likelihood = 3;
  r.impact = 5;
  r.controls = {"A.8.13"};
  r.dueDate = kNow + 30 * kDay;
  const auto riskId = f.isms->addRisk(r, "cli", kNow);
  NonConformity nc;
  nc.title = "Backups missing";
  nc.controlId = "A.8.13";
  nc.checks = {"backup.recent"};
  nc.state = NcState::Closed;
  nc.closedAt = kNow;
  nc.actionDue = kNow - kDay;
  const auto ncId = f.isms->addNonConformity(nc, "cli", kNow);

  auto reopened = IsmsStore::open(f.dir.path() / "annexa.db");
  const auto risk = *reopened->risk(riskId);
  EXPECT_EQ(risk.score(), 15);
  const auto created = nlohmann::json::parse(reopened->audit("risk", std::to_string(riskId))[0].detail);
  EXPECT_EQ(created["id"], riskId);
  EXPECT_EQ(created["created_at"], formatRfc3339(kNow));
  EXPECT_EQ(risk.controls, std::vector<std::string>{"A.8.13"});
  EXPECT_EQ(formatDay(*risk.dueDate), formatDay(kNow + 30 * kDay));
  const auto stored = *reopened->nonConformity(ncId);
  EXPECT_EQ(stored.state, NcState::Closed);
  EXPECT_EQ(stored.checks, std::vector<std::string>{"backup.recent"});
  EXPECT_EQ(stored.closedAt, kNow);
  EXPECT_EQ(stored.actionDue, kNow - kDay);
}

}  // namespace
}  // namespace annexa::collector::isms
