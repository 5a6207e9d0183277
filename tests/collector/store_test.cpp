#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "collector/store/body_codec.hpp"
#include "collector/posture/posture.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/sqlite_schema.hpp"
#include "collector/store/store.hpp"
#include "common/digest.hpp"
#include "common/random.hpp"
#include "common/result_digest.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {
using test::unchangedSince;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = openSqliteStore(dir_.path() / "annexa.db");
    AgentRecord agent;
    agent.id = "agent-1";
    agent.hostname = "web-01";
    agent.certSerial = "abc1";
    agent.enrolledAt = 1000;
    store_->addAgent(agent);
  }

  static Report makeReport(const std::string& started, CheckStatus sshStatus, const std::string& observed) {
    Report report;
    report.reportId = uuid4();
    report.startedAt = started;
    report.host.hostname = "web-01";
    CheckResult ssh;
    ssh.check = "ssh.permit_root_login";
    ssh.status = sshStatus;
    ssh.severity = Severity::High;
    ssh.evidence = {{"/etc/ssh/sshd_config", observed, "no"}};
    CheckResult aslr;
    aslr.check = "kernel.aslr";
    aslr.status = CheckStatus::Pass;
    report.results = {ssh, aslr};
    return report;
  }

  IngestRequest request(const Report& report, std::int64_t receivedAt) {
    return {"agent-1", report, toJson(report).dump(), receivedAt, {}};  // the writer hashes it
  }

  test::FixtureRoot dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, StoresReportOnceAndRecognisesDuplicates) {
  const auto report = makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  auto outcomes = store_->ingest({request(report, 1793491200)});
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0], IngestOutcome::Stored);
  outcomes = store_->ingest({request(report, 1793491300), request(report, 1793491300)});
  EXPECT_EQ(outcomes[0], IngestOutcome::Duplicate);
  EXPECT_EQ(outcomes[1], IngestOutcome::Duplicate);
  EXPECT_EQ(store_->reportCount(), 1);
  const auto raw = store_->rawReport("agent-1", report.reportId);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, toJson(report).dump());
}

TEST_F(StoreTest, FailingChecksCountStaleHostsAsIsStaleJudgesThem) {
  const std::int64_t seen = 1793491200;
  store_->ingest({request(makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes"), seen)});
  const auto agent = store_->findAgent("agent-1");
  ASSERT_TRUE(agent && agent->lastSeen);
  for (const std::int64_t now : {seen, seen + 1800, seen + 1801, seen + 86400}) {
    const auto failing = store_->failingChecks(now);
    ASSERT_EQ(failing.size(), 1u);
    EXPECT_EQ(failing[0].checkId, "ssh.permit_root_login");
    EXPECT_EQ(failing[0].hosts, 1);  // a stale host's failure still counts
    EXPECT_EQ(failing[0].hostsStale, isStale(*agent, now) ? 1 : 0) << now - seen;
  }
  EXPECT_EQ(store_->failingChecks(seen + 1801)[0].hostsStale, 1);
}

TEST_F(StoreTest, HistoryGetsARowOnlyWhenAResultChanges) {
  const std::int64_t day1 = 1793491200;  // 2026-11-01
  store_->ingest({request(makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes"), day1)});
  store_->ingest({request(makeReport("2026-11-01T01:00:00Z", CheckStatus::Fail, "PermitRootLogin yes"), day1 + 3600)});
  store_->ingest({request(makeReport("2026-11-01T02:00:00Z", CheckStatus::Pass, "PermitRootLogin no"), day1 + 7200)});
  const auto changes = store_->changesBetween(0, day1 + 86400);
  // First report: two rows; the unchanged second: none; the third: the ssh check only.
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[2].checkId, "ssh.permit_root_login");
  EXPECT_EQ(changes[2].status, CheckStatus::Pass);
  EXPECT_EQ(changes[2].at, day1 + 7200);
  EXPECT_EQ(store_->currentStatuses().size(), 2u);
  EXPECT_EQ(store_->reportCount(), 3);

  const auto current = store_->currentResults("agent-1");
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(current[1].checkId, "ssh.permit_root_login");
  EXPECT_EQ(current[1].status, CheckStatus::Pass);
  EXPECT_EQ(current[1].since, day1 + 7200);
  EXPECT_EQ(nlohmann::json::parse(current[1].evidenceJson)[0]["observed"], "PermitRootLogin no");
  EXPECT_EQ(store_->findAgent("agent-1")->lastSeen, day1 + 7200);
}

TEST_F(StoreTest, OlderRedeliveredReportDoesNotRollStateBack) {
  const std::int64_t t = 1793491200;
  const auto newer = makeReport("2026-11-01T02:00:00Z", CheckStatus::Pass, "PermitRootLogin no");
  const auto older = makeReport("2026-11-01T01:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  store_->ingest({request(newer, t + 7200)});
  EXPECT_EQ(store_->ingest({request(older, t + 7300)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->currentResults("agent-1")[1].status, CheckStatus::Pass);
  EXPECT_EQ(store_->reportCount(), 2);
}

TEST_F(StoreTest, AShortReportConfirmingTheCurrentStateCostsAHeartbeat) {
  const std::int64_t t = 1793491200;  // 2026-11-01T00:00:00Z
  const auto full = makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  ASSERT_EQ(store_->ingest({request(full, t)})[0], IngestOutcome::Stored);
  const auto confirmed = unchangedSince(full, "2026-11-01T00:15:00Z");
  ASSERT_EQ(store_->ingest({request(confirmed, t + 900)})[0], IngestOutcome::Stored);

  EXPECT_EQ(store_->findAgent("agent-1")->lastSeen, t + 900);  // seen: the host is not stale
  EXPECT_EQ(store_->changesBetween(0, t + 86400).size(), 2u);  // the full report's two rows, nothing more
  EXPECT_EQ(store_->currentResults("agent-1")[1].reportId, full.reportId);  // evidence stays with the full report
  EXPECT_EQ(store_->reportCount(), 2);
  EXPECT_EQ(store_->rawReport("agent-1", confirmed.reportId), toJson(confirmed).dump());
  EXPECT_EQ(store_->evidenceHead()->reportId, confirmed.reportId);  // chained like any report
  // A second short report may name the same full report; a redelivered one is a duplicate.
  EXPECT_EQ(store_->ingest({request(unchangedSince(full, "2026-11-01T00:30:00Z"), t + 1800)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->ingest({request(confirmed, t + 1900)})[0], IngestOutcome::Duplicate);
  // A late one is taken while its full report is the state, and does not move the host's last sighting back.
  EXPECT_EQ(store_->ingest({request(unchangedSince(full, "2026-11-01T00:20:00Z"), t + 2000)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->findAgent("agent-1")->lastSeen, t + 1800);

  // Once another full report is the state, a short report taken before is still a duplicate (its answer was lost).
  const auto next = makeReport("2026-11-01T01:00:00Z", CheckStatus::Pass, "PermitRootLogin no");
  ASSERT_EQ(store_->ingest({request(next, t + 3600)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->ingest({request(confirmed, t + 3700)})[0], IngestOutcome::Duplicate);
  EXPECT_EQ(store_->reportCount(), 5);
  EXPECT_EQ(store_->currentResults("agent-1")[1].status, CheckStatus::Pass);
}

TEST_F(StoreTest, AShortReportThatDoesNotMatchTheStateIsRefusedAndNotStored) {
  const std::int64_t t = 1793491200;
  const auto first = makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  const auto refused = [&](const Report& shortReport, std::int64_t at) {
    const auto count = store_->reportCount();
    const bool notCurrent = store_->ingest({request(shortReport, at)})[0] == IngestOutcome::NotCurrent;
    return notCurrent && store_->reportCount() == count && !store_->rawReport("agent-1", shortReport.reportId);
  };
  EXPECT_TRUE(refused(unchangedSince(first, "2026-11-01T00:15:00Z"), t + 900)) << "no full report stored yet";
  ASSERT_EQ(store_->ingest({request(first, t)})[0], IngestOutcome::Stored);

  auto wrongDigest = unchangedSince(first, "2026-11-01T00:15:00Z");
  wrongDigest.unchangedSince->resultsDigest = std::string(64, '0');
  EXPECT_TRUE(refused(wrongDigest, t + 900));
  auto unknownReport = unchangedSince(first, "2026-11-01T00:15:00Z");
  unknownReport.unchangedSince->reportId = uuid4();
  EXPECT_TRUE(refused(unknownReport, t + 900));
  EXPECT_TRUE(refused(unchangedSince(first, "2026-11-03T00:00:01Z"), t + 2 * 86400 + 1)) << "more than 48 h on";
  EXPECT_TRUE(refused(unchangedSince(first, "2026-10-31T23:59:00Z"), t + 60)) << "before the report it names";
  // Another agent cannot borrow this host's state: `first` is not its full report, whatever it knows of it.
  AgentRecord other;
  other.id = "agent-2";
  other.certSerial = "abc2";
  store_->addAgent(other);
  const auto borrowed = unchangedSince(first, "2026-11-01T00:15:00Z");
  EXPECT_EQ(store_->ingest({{"agent-2", borrowed, toJson(borrowed).dump(), t + 900, {}}})[0], IngestOutcome::NotCurrent);
  EXPECT_FALSE(store_->rawReport("agent-2", borrowed.reportId));

  // Once another full report is the state, the earlier one no longer is, even with the same results.
  const auto second = makeReport("2026-11-01T01:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  ASSERT_EQ(store_->ingest({request(second, t + 3600)})[0], IngestOutcome::Stored);
  EXPECT_TRUE(refused(unchangedSince(first, "2026-11-01T01:15:00Z"), t + 4500));
  EXPECT_EQ(store_->ingest({request(unchangedSince(second, "2026-11-01T01:15:00Z"), t + 4500)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->findAgent("agent-1")->lastSeen, t + 4500);
}

TEST_F(StoreTest, TokensAreSingleUseExpiringAndRevocable) {
  const std::string hash = sha256Hex("secret-token");
  store_->addToken({"tok-1", "laptops", 100, 200, 1, std::nullopt}, hash);
  EXPECT_EQ(store_->redeemToken(sha256Hex("other"), 150).error(), "unknown enrollment token");
  EXPECT_EQ(store_->redeemToken(hash, 250).error(), "enrollment token has expired");
  ASSERT_TRUE(store_->redeemToken(hash, 150).ok());
  EXPECT_EQ(store_->redeemToken(hash, 151).error(), "enrollment token has been used up");

  store_->addToken({"tok-2", "", 100, 200, 5, std::nullopt}, sha256Hex("t2"));
  EXPECT_TRUE(store_->revokeToken("tok-2", 120));
  EXPECT_FALSE(store_->revokeToken("tok-2", 121));
  EXPECT_EQ(store_->redeemToken(sha256Hex("t2"), 150).error(), "enrollment token has been revoked");
  EXPECT_EQ(store_->listTokens().size(), 2u);
}

TEST_F(StoreTest, RevokedAgentsAndOperatorsListTheirSerials) {
  EXPECT_TRUE(store_->revokedSerials().empty());
  EXPECT_TRUE(store_->revokeAgent("agent-1", 2000));
  EXPECT_FALSE(store_->revokeAgent("agent-1", 2001));
  store_->addOperator({"alice", "admin", "op1", 100, std::nullopt});
  store_->addOperator({"alice", "viewer", "op2", 200, std::nullopt});  // re-issue revokes op1
  // The old certificate stays known, revoked: a downgraded admin cannot go on using it.
  EXPECT_EQ(store_->revokedSerials(), (std::set<std::string>{"abc1", "op1"}));
  const auto ops = store_->listOperators();
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].certSerial, "op1");
  EXPECT_EQ(ops[0].role, "admin");
  EXPECT_EQ(ops[0].revokedAt, std::optional<std::int64_t>(200));
  EXPECT_EQ(ops[1].certSerial, "op2");
  EXPECT_EQ(ops[1].role, "viewer");
  EXPECT_FALSE(ops[1].revokedAt.has_value());
}

TEST_F(StoreTest, OperatorsAreRevokedBySerialOrByName) {
  store_->addOperator({"alice", "admin", "op1", 100, std::nullopt});
  store_->addOperator({"bob", "viewer", "op2", 100, std::nullopt});
  EXPECT_EQ(store_->revokeOperator("op1", 300), std::vector<std::string>{"op1"});
  EXPECT_TRUE(store_->revokeOperator("op1", 301).empty());  // already revoked
  EXPECT_EQ(store_->revokeOperator("bob", 302), std::vector<std::string>{"op2"});
  EXPECT_TRUE(store_->revokeOperator("nobody", 303).empty());
  EXPECT_EQ(store_->revokedSerials(), (std::set<std::string>{"op1", "op2"}));
}

TEST_F(StoreTest, SurvivesReopenAndPurgesOldBodies) {
  const auto report = makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  store_->ingest({request(report, 1000)});
  store_.reset();
  store_ = openSqliteStore(dir_.path() / "annexa.db");
  EXPECT_EQ(store_->reportCount(), 1);
  EXPECT_EQ(store_->purgeReportsBefore(2000), 1);
  EXPECT_FALSE(store_->rawReport("agent-1", report.reportId).has_value());
  // The id is still known: a late redelivery is a duplicate, not a new report.
  EXPECT_EQ(store_->ingest({request(report, 3000)})[0], IngestOutcome::Duplicate);
}

TEST_F(StoreTest, AVersion2DatabaseKeepsItsBodiesAndDuplicateIdsAfterMigrating) {
  const auto path = dir_.path() / "v2.db";
  const auto old = makeReport("2026-11-01T00:00:00Z", CheckStatus::Pass, "PermitRootLogin no");
  const auto oldBody = toJson(old).dump();
  {
    auto db = Database::open(path);
    migrateStore(*db, 2);  // reports keyed (agent, report id) in a WITHOUT ROWID table, bodies as received
    db->exec("INSERT INTO agents (id, cert_serial, enrolled_at) VALUES ('agent-1', 's', 0)");
    db->prepare("INSERT INTO reports (agent_id, report_id, received_at, observed_at, sha256, body) VALUES (?,?,?,?,?,?)")
        .bind(1, "agent-1").bind(2, old.reportId).bind(3, 100).bind(4, 100).bind(5, sha256Hex(oldBody))
        .bindBlob(6, oldBody).run();
  }
  store_ = openSqliteStore(path);
  EXPECT_EQ(store_->rawReport("agent-1", old.reportId), oldBody);
  EXPECT_EQ(store_->ingest({request(old, 200)})[0], IngestOutcome::Duplicate);
  const auto fresh = makeReport("2026-11-01T01:00:00Z", CheckStatus::Fail, "PermitRootLogin yes");
  EXPECT_EQ(store_->ingest({request(fresh, 300)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->rawReport("agent-1", fresh.reportId), toJson(fresh).dump());
  EXPECT_EQ(store_->reportCount(), 2);
  EXPECT_EQ(store_->purgeReportsBefore(250), 1);
  EXPECT_FALSE(store_->rawReport("agent-1", old.reportId));
}

TEST_F(StoreTest, WriteAheadLogStaysBoundedUnderSustainedWrites) {
  // A writer that never pauses: left to the background checkpointer alone, the log grew without bound.
  const auto path = dir_.path() / "busy.db";
  const SqliteTuning tuning{64};
  auto store = openSqliteStore(path, tuning);
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "abc1";
  store->addAgent(agent);
  const std::uintmax_t bound = (tuning.walCheckpointFrames + 512) * std::uintmax_t{4096 + 24};
  std::uintmax_t largest = 0;
  for (int batch = 0; batch < 60; ++batch) {
    std::vector<IngestRequest> requests;
    for (int i = 0; i < 8; ++i) {
      const auto noise = randomBytes(1500);  // incompressible: every report dirties several pages
      auto report = makeReport("2026-11-01T00:00:00Z", CheckStatus::Fail, toHex(noise.data(), noise.size()));
      requests.push_back(request(report, 1000 + batch));
    }
    for (const auto outcome : store->ingest(requests)) ASSERT_EQ(outcome, IngestOutcome::Stored);
    largest = std::max(largest, std::filesystem::file_size(path.string() + "-wal"));
  }
  EXPECT_LE(largest, bound) << "the log outgrew the checkpoint threshold";
  EXPECT_EQ(store->reportCount(), 480);
  store.reset();
  // Every page went through the log at least once: without checkpoints it would have held all of them.
  EXPECT_GT(std::filesystem::file_size(path), bound) << "the test wrote too little to tell";
}

TEST_F(StoreTest, TrainsABodyDictionaryOnceAndReadsEveryBodyBackAfterReopening) {
  const auto path = dir_.path() / "dictionary.db";
  SqliteTuning tuning;
  tuning.dictionaryAfterReports = 40;
  tuning.dictionarySamples = 40;
  auto store = openSqliteStore(path, tuning);
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "abc1";
  store->addAgent(agent);
  // As the API does: each body prepared (and compressed) with the store's current dictionary.
  std::vector<std::pair<std::string, std::string>> stored;  // report id, body as received
  const auto ingestReports = [&](int from, int count) {
    for (int i = from; i < from + count; ++i) {
      auto report = test::fleetLikeReport(i);
      const auto body = toJson(report).dump();
      const auto dictionary = store->bodyDictionary();
      auto prepared = prepareReport(report, body, {}, false, dictionary.get());
      ASSERT_EQ(store->ingest({{"agent-1", report, "", 1000 + i, std::move(prepared)}})[0], IngestOutcome::Stored);
      stored.emplace_back(report.reportId, body);
    }
  };
  ingestReports(0, 39);
  EXPECT_FALSE(store->trainBodyDictionary(2000)) << "too few reports yet";
  ingestReports(39, 1);
  ASSERT_TRUE(store->trainBodyDictionary(2000));
  const auto dictionary = store->bodyDictionary();
  ASSERT_TRUE(dictionary);
  EXPECT_FALSE(store->trainBodyDictionary(2001)) << "one dictionary per database";
  ingestReports(40, 10);

  store.reset();
  store = openSqliteStore(path, tuning);
  ASSERT_TRUE(store->bodyDictionary());
  EXPECT_EQ(store->bodyDictionary()->id(), dictionary->id());
  for (const auto& [reportId, body] : stored) EXPECT_EQ(store->rawReport("agent-1", reportId), body) << reportId;
  for (const auto& record : store->evidenceRecords(0, 100)) {
    EXPECT_EQ(record.body, EvidenceBody::Present);
    EXPECT_TRUE(record.bodyDamage.empty()) << record.bodyDamage;
  }
  {
    auto db = Database::open(path);
    auto q = db->prepare("SELECT body FROM reports WHERE report_id = ?");
    q.bind(1, stored.back().first);
    ASSERT_TRUE(q.step());
    EXPECT_EQ(bodyDictionaryId(q.columnText(0)), dictionary->id());  // later bodies really use it
    q.reset();
    db->exec("DELETE FROM body_dictionaries");
  }
  // Without its dictionary a body is reported damaged, never read as other bytes.
  store.reset();
  store = openSqliteStore(path, tuning);
  EXPECT_THROW(store->rawReport("agent-1", stored.back().first), SqliteError);
  EXPECT_EQ(store->rawReport("agent-1", stored.front().first), stored.front().second);  // from before the dictionary
}

TEST_F(StoreTest, TrainsTheBodyDictionaryOnFullReportsNotOnShortOnes) {
  // Once agents send short reports, most of the latest bodies are short: the dictionary is for the full ones.
  SqliteTuning tuning;
  tuning.dictionaryAfterReports = 40;
  tuning.dictionarySamples = 10;
  auto store = openSqliteStore(dir_.path() / "dictionary.db", tuning);
  AgentRecord agent;
  agent.id = "agent-1";
  agent.certSerial = "abc1";
  store->addAgent(agent);
  Report full;
  for (int i = 0; i < 10; ++i) {
    full = test::fleetLikeReport(i);
    ASSERT_EQ(store->ingest({{"agent-1", full, toJson(full).dump(), 1000 + i, {}}})[0], IngestOutcome::Stored);
  }
  for (int i = 10; i < 40; ++i) {
    const auto shortReport = unchangedSince(full, full.startedAt);
    ASSERT_EQ(store->ingest({{"agent-1", shortReport, toJson(shortReport).dump(), 1000 + i, {}}})[0],
              IngestOutcome::Stored);
  }
  ASSERT_TRUE(store->trainBodyDictionary(2000));
  EXPECT_NE(store->bodyDictionary()->bytes().find("hardening baseline"), std::string::npos)
      << "trained on the short reports";
}

TEST_F(StoreTest, AVersion4DatabaseTakesShortReportsOnlyAfterItsNextFullReport) {
  const auto path = dir_.path() / "v4.db";
  const auto old = makeReport("2026-11-01T00:00:00Z", CheckStatus::Pass, "PermitRootLogin no");
  const std::int64_t t = 1793491200;
  {
    auto db = Database::open(path);
    migrateStore(*db, 4);  // the host's state as a version 4 writer left it: a digest, but no full report named
    db->prepare("INSERT INTO agents (id, cert_serial, enrolled_at, last_seen, last_results_digest) VALUES (?,?,?,?,?)")
        .bind(1, "agent-1").bind(2, "s").bind(3, 0).bind(4, t).bind(5, digestResults(old.results).resultsDigest).run();
  }
  store_ = openSqliteStore(path);
  {
    auto db = Database::open(path, Database::Mode::ReadOnly);
    auto version = db->prepare("PRAGMA user_version");
    ASSERT_TRUE(version.step());
    EXPECT_EQ(version.columnInt(0), kStoreSchemaVersion);
  }
  // The agent may remember `old` (an older collector acknowledged it), but nothing says it is the state.
  EXPECT_EQ(store_->ingest({request(unchangedSince(old, "2026-11-01T00:15:00Z"), t + 900)})[0], IngestOutcome::NotCurrent);
  const auto full = makeReport("2026-11-01T00:30:00Z", CheckStatus::Pass, "PermitRootLogin no");
  ASSERT_EQ(store_->ingest({request(full, t + 1800)})[0], IngestOutcome::Stored);
  EXPECT_EQ(store_->ingest({request(unchangedSince(full, "2026-11-01T00:45:00Z"), t + 2700)})[0], IngestOutcome::Stored);
}

TEST_F(StoreTest, DailyPostureUpserts) {
  store_->saveDailyPosture({{"2026-11-01", "A.8.5", "failing", 1, 2, 0, 0}});
  store_->saveDailyPosture({{"2026-11-01", "A.8.5", "passing", 3, 0, 0, 0}, {"2026-11-02", "A.8.5", "passing", 3, 0, 0, 0}});
  const auto rows = store_->dailyPosture("2026-11-01", "2026-11-30", std::string("A.8.5"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, "passing");
  EXPECT_EQ(rows[0].passing, 3);
}

}  // namespace
}  // namespace annexa::collector
