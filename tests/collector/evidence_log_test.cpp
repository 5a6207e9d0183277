// The evidence log on a real SQLite file: every stored report is chained, tampering with raw SQL is named
// by verify-log (entry or head, and why), retention purges are not tampering, and heads are signed with the
// real server key of an initialised data directory.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collector/store/body_codec.hpp"
#include "collector/app/cli.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/store/evidence_chain.hpp"
#include "collector/evidence/evidence_signer.hpp"
#include "collector/evidence/evidence_verify.hpp"
#include "collector/app/isms_cli.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/sqlite_schema.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/pki.hpp"
#include "common/random.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kDay1 = 1793491200;  // 2026-11-01T00:00:00Z

class EvidenceLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = initDataDir(data_, {});
    ASSERT_TRUE(init) << init.error();
    store_ = openSqliteStore(data_.database());
    store_->addAgent(agent("agent-1"));
    auto certificate = pki::loadCertificate(data_.serverChain());
    ASSERT_TRUE(certificate) << certificate.error();
    certificate_ = std::move(*certificate);
  }

  static AgentRecord agent(const std::string& id) {
    AgentRecord a;
    a.id = id;
    a.certSerial = "serial-" + id;
    a.enrolledAt = kDay1 - 3600;
    return a;
  }

  // A report as an agent sends it, hashed as the API does on its network thread.
  IngestRequest request(std::int64_t at, const std::string& reportId = uuid4()) {
    Report report;
    report.reportId = reportId;
    report.startedAt = formatRfc3339(at);
    CheckResult ssh;
    ssh.check = "ssh.permit_root_login";
    ssh.status = CheckStatus::Pass;
    ssh.evidence = {{"/etc/ssh/sshd_config", "PermitRootLogin no", "no"}};
    report.results = {ssh};
    const auto body = toJson(report).dump(2);  // not canonical on the wire
    return {"agent-1", report, body, at, prepareReport(report, body)};
  }

  // Stores the short form of a run at `at` that reproduced `full`'s results; returns its id.
  std::string ingestUnchanged(const Report& full, std::int64_t at) {
    const auto shortReport = test::unchangedSince(full, formatRfc3339(at));
    const auto body = toJson(shortReport).dump();
    EXPECT_EQ(store_->ingest({{"agent-1", shortReport, body, at, prepareReport(shortReport, body)}}),
              std::vector<IngestOutcome>{IngestOutcome::Stored});
    return shortReport.reportId;
  }

  // Five stored reports, one per hour; returns their ids in chain order.
  std::vector<std::string> ingestFive() {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      auto r = request(kDay1 + i * 3600);
      ids.push_back(r.report.reportId);
      EXPECT_EQ(store_->ingest({r}), std::vector<IngestOutcome>{IngestOutcome::Stored});
    }
    return ids;
  }

  EvidenceHeadSigner signer() {
    auto key = pki::loadPrivateKey(data_.serverKey());
    EXPECT_TRUE(key);
    return EvidenceHeadSigner(*store_, std::move(*key), pki::fingerprint(certificate_.get()), 60,
                              [this] { return now_; });
  }

  // Tampering as an attacker with file access would: raw SQL on the database file.
  void tamper(const std::string& sql) { Database::open(data_.database())->exec(sql); }

  // Rewrites a stored body as an attacker who knows the format would: decompressed, edited, recompressed.
  void editBody(const std::string& reportId, const std::string& from, const std::string& to) {
    auto body = store_->rawReport("agent-1", reportId).value();
    const auto at = body.find(from);
    ASSERT_NE(at, std::string::npos);
    body.replace(at, from.size(), to);
    Database::open(data_.database())
        ->prepare("UPDATE reports SET body = ? WHERE report_id = ?")
        .bindBlob(1, compressBody(body))
        .bind(2, reportId)
        .run();
  }

  EvidenceVerification verify() { return verifyEvidenceLog(*store_, certificate_.get()); }

  test::FixtureRoot root_;
  DataDir data_{root_.path() / "data"};
  std::unique_ptr<Store> store_;
  pki::CertPtr certificate_;
  std::int64_t now_ = kDay1 + 86400;
};

TEST_F(EvidenceLogTest, ChainsEveryStoredReportAndDuplicatesAddNoEntry) {
  const auto ids = ingestFive();
  EXPECT_EQ(store_->ingest({request(kDay1 + 99999, ids[2])}), std::vector<IngestOutcome>{IngestOutcome::Duplicate});

  const auto head = store_->evidenceHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 5);
  const auto records = store_->evidenceRecords(0, 100);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].entry.prevHash, kEvidenceGenesisHash);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& e = records[i].entry;
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.reportId, ids[i]);
    EXPECT_EQ(e.entryHash, evidenceEntryHash(e));
    if (i > 0) {
      EXPECT_EQ(e.prevHash, records[i - 1].entry.entryHash);
    }
    // Canonical: the compact, key-sorted re-serialisation of what was received.
    EXPECT_EQ(e.reportSha256, sha256Hex(nlohmann::json::parse(records[i].bodyBytes).dump()));
  }

  const auto result = verify();
  EXPECT_TRUE(result.intact()) << describe(result.problems.front());
  EXPECT_EQ(result.entries, 5);
  EXPECT_EQ(result.unsignedEntries, 5);
}

TEST_F(EvidenceLogTest, EncodingIsTheDocumentedOne) {
  const EvidenceEntry e{7, "a\n1", "r", 1793491200, std::string(64, 'b'), std::string(64, 'c'), ""};
  EXPECT_EQ(evidenceEntryHash(e), sha256Hex("annexa.evidence/1\n1:7\n3:a\n1\n1:r\n10:1793491200\n64:" +
                                            std::string(64, 'b') + "\n64:" + std::string(64, 'c') + "\n"));
  EXPECT_EQ(evidenceHeadSigningString(7, "abc", kDay1), "annexa.evidence-head/1\n7\nabc\n2026-11-01T00:00:00Z");
  EXPECT_EQ(evidenceReportSha256(R"({ "b": 1,  "a": [1, 2] })"), evidenceReportSha256(R"({"a":[1,2],"b":1})"));
}

TEST_F(EvidenceLogTest, BodiesAreStoredCompressedAndReadBackAsReceived) {
  auto r = request(kDay1);
  const auto received = r.rawBody;
  ASSERT_EQ(store_->ingest({r}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  auto db = Database::open(data_.database(), Database::Mode::ReadOnly);
  auto row = db->prepare("SELECT body, encoding FROM reports WHERE report_id = ?");
  row.bind(1, r.report.reportId);
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.columnText(1), "zstd");
  EXPECT_NE(row.columnText(0), received);
  EXPECT_EQ(decompressBody(row.columnText(0), 1 << 20).value(), received);
  row.reset();
  EXPECT_EQ(store_->rawReport("agent-1", r.report.reportId), received);
}

TEST_F(EvidenceLogTest, AnEditedReportBodyIsNamed) {
  const auto ids = ingestFive();
  editBody(ids[2], "PermitRootLogin no", "PermitRootLogin yes");
  const auto result = verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems.front().seq, 3);
  EXPECT_EQ(result.problems.front().reportId, ids[2]);
  EXPECT_EQ(result.problems.front().agentId, "agent-1");
  EXPECT_NE(result.problems.front().reason.find("does not match its hash"), std::string::npos);
}

TEST_F(EvidenceLogTest, AShortReportMustNameAnEarlierFullReportOfItsHost) {
  const auto full = request(kDay1);
  ASSERT_EQ(store_->ingest({full}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  const auto shortId = ingestUnchanged(full.report, kDay1 + 900);
  const auto intact = verify();
  EXPECT_TRUE(intact.intact()) << describe(intact.problems.front());
  EXPECT_EQ(intact.entries, 2);

  editBody(shortId, full.report.reportId, "report-that-never-was");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 2u);  // the edit itself, and what it claims
  EXPECT_NE(result.problems[0].reason.find("does not match its hash"), std::string::npos);
  EXPECT_EQ(result.problems[1].reason,
            "short report names \"report-that-never-was\", which is not a full report of this host earlier in the log");
}

TEST_F(EvidenceLogTest, AShortReportNamingAFullReportWhoseBodyWasPurgedStaysIntact) {
  // A full report, then a short one every 15 minutes naming it; retention then purges the full report and the
  // first twelve short ones: the short reports still kept name a report the walk can no longer read.
  const auto full = request(kDay1);
  ASSERT_EQ(store_->ingest({full}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  for (int i = 1; i <= 16; ++i) ingestUnchanged(full.report, kDay1 + i * 900);
  ASSERT_EQ(store_->purgeReportsBefore(kDay1 + 12 * 900 + 1), 13);
  const auto result = verify();
  EXPECT_TRUE(result.intact()) << describe(result.problems.front());
  EXPECT_EQ(result.purgedBodies, 13);

  // Once a short report is seen to name a readable full report, a later one naming no such report is named again.
  const auto fresh = request(kDay1 + 5 * 3600);
  ASSERT_EQ(store_->ingest({fresh}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  ingestUnchanged(fresh.report, kDay1 + 5 * 3600 + 900);
  const auto lastShort = ingestUnchanged(fresh.report, kDay1 + 5 * 3600 + 1800);
  EXPECT_TRUE(verify().intact());
  editBody(lastShort, fresh.report.reportId, full.report.reportId);  // names the purged one instead
  const auto edited = verify();
  ASSERT_EQ(edited.problems.size(), 2u);
  EXPECT_NE(edited.problems[1].reason.find("which is not a full report of this host earlier in the log"), std::string::npos);
}

TEST_F(EvidenceLogTest, AnEditedBodyOfAnotherShapeIsReportedNotThrown) {
  const auto ids = ingestFive();
  editBody(ids[1], "\"annexa.report/1\"", "[\"annexa.unchanged/1\"]");  // a schema that is no string
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems.front().reason.find("does not match its hash"), std::string::npos);
}

TEST_F(EvidenceLogTest, ADamagedCompressedBodyIsNamedAndNotReadAsAReport) {
  const auto ids = ingestFive();
  tamper("UPDATE reports SET body = substr(body, 1, 20) || X'00' || substr(body, 22) WHERE report_id = '" + ids[1] + "'");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems.front().seq, 2);
  EXPECT_NE(result.problems.front().reason.find("stored report body is damaged"), std::string::npos)
      << result.problems.front().reason;
  EXPECT_THROW(store_->rawReport("agent-1", ids[1]), std::exception);
}

TEST_F(EvidenceLogTest, ADeletedReportRowIsNamed) {
  const auto ids = ingestFive();
  tamper("DELETE FROM reports WHERE report_id = '" + ids[3] + "'");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(describe(result.problems.front()), "entry 4 (agent agent-1, report " + ids[3] + "): report row missing");
}

TEST_F(EvidenceLogTest, ADeletedEntryIsMissing) {
  ingestFive();
  tamper("DELETE FROM evidence_log WHERE seq = 3");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems.front().seq, 3);
  EXPECT_EQ(describe(result.problems.front()), "entry 3 missing (the log continues at 4)");
}

TEST_F(EvidenceLogTest, ReorderedEntriesBreakTheLink) {
  const auto ids = ingestFive();
  // Swap the contents of entries 2 and 3, keeping their seq numbers.
  tamper("UPDATE evidence_log SET seq = -2 WHERE seq = 2; UPDATE evidence_log SET seq = 2 WHERE seq = 3; "
         "UPDATE evidence_log SET seq = 3 WHERE seq = -2;");
  const auto result = verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(result.problems.front().seq, 2);
  EXPECT_EQ(result.problems.front().reportId, ids[2]);
  EXPECT_NE(result.problems.front().reason.find("prev_hash does not link to entry 1"), std::string::npos);
}

TEST_F(EvidenceLogTest, ACorruptedHeadSignatureIsNamed) {
  ingestFive();
  auto headSigner = signer();
  ASSERT_TRUE(*headSigner.signIfDue());
  EXPECT_TRUE(verify().intact());
  tamper("UPDATE evidence_heads SET signature = substr(signature, 1, 10) || X'00' || substr(signature, 12)");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems.front().kind, EvidenceProblem::Kind::Head);
  EXPECT_EQ(result.problems.front().seq, 5);
  EXPECT_NE(describe(result.problems.front()).find("signed head at entry 5: signature does not verify"),
            std::string::npos);
}

TEST_F(EvidenceLogTest, ATruncatedTailBehindASignedHeadIsNamed) {
  ingestFive();
  auto headSigner = signer();
  ASSERT_TRUE(*headSigner.signIfDue());
  tamper("DELETE FROM evidence_log WHERE seq >= 4");
  const auto result = verify();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems.front().kind, EvidenceProblem::Kind::Head);
  EXPECT_EQ(result.problems.front().seq, 5);
  EXPECT_NE(result.problems.front().reason.find("beyond the end of the log (entry 3)"), std::string::npos);
}

TEST_F(EvidenceLogTest, PurgedBodiesAreReportedAsPurgedNotBroken) {
  ingestFive();
  EXPECT_EQ(store_->purgeReportsBefore(kDay1 + 2 * 3600), 2);
  const auto result = verify();
  EXPECT_TRUE(result.intact());
  EXPECT_EQ(result.purgedBodies, 2);
  EXPECT_EQ(result.entries, 5);
}

TEST_F(EvidenceLogTest, HeadsAreSignedWhenMovedAndDueAndOnStop) {
  store_->ingest({request(kDay1)});
  auto headSigner = signer();
  EXPECT_TRUE(*headSigner.signIfDue());
  EXPECT_FALSE(*headSigner.signIfDue());  // the head did not move
  store_->ingest({request(kDay1 + 1)});
  now_ += 59;
  EXPECT_FALSE(*headSigner.signIfDue());  // moved, but signed less than 60 s ago
  now_ += 1;
  EXPECT_TRUE(*headSigner.signIfDue());
  store_->ingest({request(kDay1 + 2)});
  EXPECT_TRUE(*headSigner.stop());  // shutdown signs the moved head whatever the interval

  const auto heads = store_->signedHeads();
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads.back().seq, 3);
  EXPECT_TRUE(pki::verifySha256(certificate_.get(), evidenceHeadSigningString(3, heads.back().entryHash, now_),
                                heads.back().signature));
  const auto result = verify();
  EXPECT_TRUE(result.intact());
  EXPECT_EQ(result.signedHeads, 3);
  EXPECT_EQ(result.unsignedEntries, 0);
}

TEST_F(EvidenceLogTest, RangeOfAPeriodNamesItsEntriesAndCoveringHead) {
  ingestFive();
  auto headSigner = signer();
  ASSERT_TRUE(*headSigner.signIfDue());
  const auto range = store_->evidenceRange(kDay1 + 3600, kDay1 + 3 * 3600);  // the 2nd and 3rd reports
  ASSERT_TRUE(range);
  EXPECT_EQ(range->firstSeq, 2);
  EXPECT_EQ(range->lastSeq, 3);
  EXPECT_EQ(range->headHash, store_->evidenceRecords(2, 1).front().entry.entryHash);
  ASSERT_TRUE(range->signedHead);
  EXPECT_EQ(range->signedHead->seq, 5);
  EXPECT_EQ(store_->evidenceEntries(kDay1 + 3600, kDay1 + 3 * 3600).size(), 2u);
  EXPECT_FALSE(store_->evidenceRange(kDay1 - 86400, kDay1));
}

TEST_F(EvidenceLogTest, AVersion1DatabaseStartsItsChainAtTheFirstNewReport) {
  const auto path = root_.path() / "v1.db";
  {
    auto db = Database::open(path);
    migrateStore(*db, 1);  // the schema as version 1 shipped it
    db->exec("INSERT INTO agents (id, cert_serial, enrolled_at) VALUES ('agent-1', 's', 0);"
             "INSERT INTO reports (agent_id, report_id, received_at, observed_at, sha256, body) "
             "VALUES ('agent-1', 'old-report', 10, 10, 'x', '{}')");
  }
  auto store = openSqliteStore(path);
  {
    auto db = Database::open(path, Database::Mode::ReadOnly);
    auto version = db->prepare("PRAGMA user_version");
    ASSERT_TRUE(version.step());
    EXPECT_EQ(version.columnInt(0), kStoreSchemaVersion);
  }
  EXPECT_FALSE(store->evidenceHead());
  EXPECT_EQ(store->ingest({request(kDay1)}), std::vector<IngestOutcome>{IngestOutcome::Stored});
  EXPECT_EQ(store->reportCount(), 2);
  const auto result = verifyEvidenceLog(*store, certificate_.get());
  EXPECT_TRUE(result.intact());
  EXPECT_EQ(result.entries, 1);
  EXPECT_EQ(store->evidenceHead()->seq, 1);
}

TEST_F(EvidenceLogTest, VerifyLogCommandExitsZeroWhenIntactAndNonZeroNamingTheBreak) {
  const auto ids = ingestFive();
  const std::string dir = data_.root.string();
  std::ostringstream out, err;
  EXPECT_EQ(runCollectorCli({"verify-log", "--data", dir}, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("5 entries"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("INTACT"), std::string::npos);

  tamper("DELETE FROM reports WHERE report_id = '" + ids[1] + "'");
  std::ostringstream brokenOut, brokenErr;
  EXPECT_EQ(runCollectorCli({"verify-log", "--data", dir}, brokenOut, brokenErr), 2);
  EXPECT_NE(brokenOut.str().find("BROKEN: entry 2 (agent agent-1, report " + ids[1] + "): report row missing"),
            std::string::npos)
      << brokenOut.str();

  std::ostringstream jsonOut, jsonErr;
  EXPECT_EQ(runCollectorCli({"verify-log", "--data", dir, "--json"}, jsonOut, jsonErr), 2);
  const auto json = nlohmann::json::parse(jsonOut.str());
  EXPECT_FALSE(json.at("intact").get<bool>());
  EXPECT_EQ(json.at("problems").at(0).at("seq"), 2);
  EXPECT_EQ(json.at("problems").at(0).at("report_id"), ids[1]);
}

TEST_F(EvidenceLogTest, VerifyLogCommandChecksDocumentsBetweenReports) {
  ingestFive();
  const std::string dir = data_.root.string();
  const auto policy = data_.root / "policy.txt";
  std::ofstream(policy) << "Information security policy\n";
  std::ostringstream out, err;
  ASSERT_EQ(runIsmsCli({"docs", "add", policy.string(), "--title", "Security policy", "--controls", "A.5.1", "--owner",
                        "CISO", "--approved-by", "Board", "--approved-on", "2026-10-01", "--data", dir},
                       out, err, now_),
            0)
      << err.str();
  EXPECT_EQ(store_->ingest({request(kDay1 + 6 * 3600)}), std::vector<IngestOutcome>{IngestOutcome::Stored});

  std::ostringstream jsonOut, jsonErr;
  EXPECT_EQ(runCollectorCli({"verify-log", "--data", dir, "--json"}, jsonOut, jsonErr), 0) << jsonOut.str();
  const auto json = nlohmann::json::parse(jsonOut.str());
  EXPECT_EQ(json.at("entries"), 7);
  EXPECT_EQ(json.at("isms_items"), 1);

  tamper("UPDATE isms_documents SET owner = 'someone else'");
  std::ostringstream brokenOut, brokenErr;
  EXPECT_EQ(runCollectorCli({"verify-log", "--data", dir}, brokenOut, brokenErr), 2);
  EXPECT_NE(brokenOut.str().find("BROKEN: entry 6 (agent annexa:isms, report document/1): stored document does not "
                                 "match its hash (document altered)"),
            std::string::npos)
      << brokenOut.str();
}

}  // namespace
}  // namespace annexa::collector
