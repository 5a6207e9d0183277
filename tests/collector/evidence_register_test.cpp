// Documents and records: status rules at an instant, content-addressed files, the register's validation, the
// evidence-log entries and verify-log's check of them, and the docs/records commands.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "collector/app/evidence_cli.hpp"
#include "collector/isms/evidence_files.hpp"
#include "collector/store/evidence_chain.hpp"
#include "collector/isms/evidence_status.hpp"
#include "collector/evidence/evidence_verify.hpp"
#include "collector/app/isms_cli.hpp"
#include "collector/isms/isms_evidence.hpp"
#include "collector/store/sqlite.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector::isms {
namespace {

using test::kNow;

std::int64_t day(const char* date) { return *parseRfc3339(date); }

const EvidenceRequirement& requirement(const char* id) { return *EvidenceRequirements::builtin().find(id); }

Document approvedDocument(const char* approvedOn, int reviewMonths = 12) {
  Document d;
  d.id = 1;
  d.approvedOn = day(approvedOn);
  d.reviewMonths = reviewMonths;
  return d;
}

TEST(DocumentStatus, AddMonthsKeepsTheDayOrFallsOnTheMonthsLastDay) {
  EXPECT_EQ(addMonths(day("2026-01-15"), 12), day("2027-01-15"));
  EXPECT_EQ(addMonths(day("2026-01-31"), 1), day("2026-02-28"));
  EXPECT_EQ(addMonths(day("2028-01-31"), 1), day("2028-02-29"));
  EXPECT_EQ(addMonths(day("2026-11-30"), 3), day("2027-02-28"));
  EXPECT_EQ(addMonths(day("2026-12-31"), 36), day("2029-12-31"));
}

TEST(DocumentStatus, CurrentThenDueThirtyDaysBeforeReviewThenOverdue) {
  const auto d = approvedDocument("2026-01-15");
  const auto review = day("2027-01-15");
  EXPECT_EQ(nextReviewDate(d), review);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, d.approvedOn - 1), DocumentStatus::NotYetApproved);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, d.approvedOn), DocumentStatus::Current);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, review - 30 * kDay - 1), DocumentStatus::Current);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, review - 30 * kDay), DocumentStatus::Due);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, review - 1), DocumentStatus::Due);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, review), DocumentStatus::Overdue);
  EXPECT_EQ(documentStatusAt(approvedDocument("2026-01-15", 6), std::nullopt, day("2026-07-15")), DocumentStatus::Overdue);
}

TEST(DocumentStatus, SupersededOrWithdrawnDocumentsAreRetiredFromThatDayOn) {
  auto d = approvedDocument("2025-10-01");
  const auto replacedOn = day("2026-09-01");
  EXPECT_EQ(documentStatusAt(d, replacedOn, replacedOn - 1), DocumentStatus::Current);
  EXPECT_EQ(documentStatusAt(d, replacedOn, replacedOn), DocumentStatus::Retired);
  d.retiredAt = day("2026-03-01");
  EXPECT_EQ(documentStatusAt(d, std::nullopt, day("2026-02-28")), DocumentStatus::Current);
  EXPECT_EQ(documentStatusAt(d, std::nullopt, day("2026-03-01")), DocumentStatus::Retired);

  Document next = approvedDocument("2026-09-01");
  next.id = 2;
  next.supersedes = 1;
  Document unrelated = approvedDocument("2026-08-01");
  unrelated.id = 3;
  EXPECT_EQ(supersededOn(d, {d, next, unrelated}), replacedOn);
  EXPECT_EQ(supersededOn(next, {d, next, unrelated}), std::nullopt);
}

TEST(RecordStatus, ValidForOneCadencePlusGraceRoundedUp) {
  EXPECT_EQ(recordValidDays(90, 10), 99);
  EXPECT_EQ(recordValidDays(30, 10), 33);
  EXPECT_EQ(recordValidDays(365, 10), 402);  // 401.5 → 402
  EXPECT_EQ(recordValidDays(180, 0), 180);
}

Record performed(std::int64_t id, const char* requirementId, const char* on) {
  Record r;
  r.id = id;
  r.requirement = requirementId;
  r.performedOn = day(on);
  return r;
}

TEST(RecordStatus, CurrentUntilCadencePlusGraceThenOverdue) {
  const auto& accessReview = requirement("access-review");  // 90 days
  const std::vector<Record> records = {performed(1, "access-review", "2026-01-10")};
  EXPECT_EQ(recordStandingAt(accessReview, 10, {}, kNow).status, RecordStatus::Missing);
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, day("2026-01-09")).status, RecordStatus::Missing);
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, day("2026-01-10")).status, RecordStatus::Current);
  const auto until = day("2026-01-10") + 99 * kDay;
  const auto standing = recordStandingAt(accessReview, 10, records, until - 1);
  EXPECT_EQ(standing.status, RecordStatus::Current);
  EXPECT_EQ(standing.validUntil, until);
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, until).status, RecordStatus::Overdue);
  // Without grace, the cadence alone.
  EXPECT_EQ(recordStandingAt(accessReview, 0, records, day("2026-01-10") + 90 * kDay).status, RecordStatus::Overdue);
}

TEST(RecordStatus, TheLatestRecordOfTheRequirementPerformedByThenCounts) {
  const auto& accessReview = requirement("access-review");
  const std::vector<Record> records = {performed(1, "access-review", "2026-01-10"),
                                       performed(2, "access-review", "2026-04-01"),
                                       performed(3, "log-review", "2026-06-01")};
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, day("2026-03-31")).latest->id, 1);
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, day("2026-07-01")).latest->id, 2);
  EXPECT_EQ(recordStandingAt(accessReview, 10, records, day("2026-07-01")).status, RecordStatus::Current);
  EXPECT_EQ(recordStandingAt(requirement("log-review"), 10, records, day("2026-07-01")).status, RecordStatus::Current);
  EXPECT_EQ(recordStandingAt(requirement("log-review"), 10, records, day("2026-07-04")).status, RecordStatus::Overdue);
}

class EvidenceFilesTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  ::annexa::test::FixtureRoot dir_;
  EvidenceFiles files_{dir_.path() / "evidence-files"};
};

TEST_F(EvidenceFilesTest, StoresContentUnderItsHashReadOnlyAndOnce) {
  const auto first = files_.addFile(write("policy.txt", "Information security policy v1\n"));
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->sha256, sha256Hex("Information security policy v1\n"));
  EXPECT_EQ(first->size, 31);
  const auto path = *files_.pathOf(first->sha256);
  EXPECT_EQ(path, dir_.path() / "evidence-files" / first->sha256.substr(0, 2) / first->sha256);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);
  // The same bytes under another name: the same stored file, no temporary left behind.
  const auto again = files_.addFile(write("copy.txt", "Information security policy v1\n"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sha256, first->sha256);
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() / "evidence-files")) entries += e.is_regular_file();
  EXPECT_EQ(entries, 1u);
  EXPECT_TRUE(files_.verify(first->sha256, first->size));
}

TEST_F(EvidenceFilesTest, VerifyFindsAlteredAndMissingFiles) {
  const auto stored = *files_.addFile(write("policy.txt", "approved text"));
  const auto path = *files_.pathOf(stored.sha256);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(path, std::ios::binary) << "edited text!!";
  EXPECT_EQ(files_.verify(stored.sha256, stored.size).error(),
            "evidence file " + stored.sha256 + " does not match its hash (file altered)");
  std::filesystem::remove(path);
  EXPECT_EQ(files_.verify(stored.sha256, stored.size).error(), "evidence file " + stored.sha256 + " is missing");
}

TEST_F(EvidenceFilesTest, RefusesNonRegularFilesOversizeStreamsAndNamesThatAreNotHashes) {
  EXPECT_FALSE(files_.addFile(dir_.path()));
  ASSERT_EQ(::mkfifo((dir_.path() / "fifo").c_str(), 0600), 0);
  const auto fifo = files_.addFile(dir_.path() / "fifo");
  ASSERT_FALSE(fifo);
  EXPECT_NE(fifo.error().find("not a regular file"), std::string::npos);
  EXPECT_FALSE(files_.addFile(dir_.path() / "missing.pdf"));

  std::int64_t produced = 0;
  const auto tooBig = files_.addStream([&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    std::fill(buffer, buffer + capacity, 'x');
    produced += static_cast<std::int64_t>(capacity);
    return capacity;
  });
  ASSERT_FALSE(tooBig);
  EXPECT_EQ(tooBig.error(), "larger than 50 MiB");
  EXPECT_LE(produced, EvidenceFiles::kMaxFileBytes + 64 * 1024);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() / "evidence-files"))
    EXPECT_FALSE(e.is_regular_file()) << e.path();  // the partial upload is gone

  EXPECT_EQ(files_.pathOf("../../etc/passwd"), std::nullopt);
  EXPECT_EQ(files_.pathOf(std::string(64, 'A')), std::nullopt);
  EXPECT_NE(files_.pathOf(std::string(64, 'a')), std::nullopt);
}

class EvidenceRegisterTest : public ::testing::Test {
 protected:
  StoredFile stored(const std::string& content) {
    const auto path = f_.dir.path() / "upload.tmp";
    std::ofstream(path, std::ios::binary) << content;
    return *files_.addFile(path);
  }
  nlohmann::json policyFields(const char* approvedOn = "2026-01-15") {
    return {{"title", "Information security policy"}, {"controls", "A.5.1"}, {"owner", "CISO"},
            {"approved_by", "Board"}, {"approved_on", approvedOn}, {"file_name", "policy.pdf"}};
  }
  Reply addPolicy(nlohmann::json fields, const std::string& content = "policy v1") {
    return evidence_.addDocument(fields, stored(content), "alice", kNow);
  }
  EvidenceVerification verify() {
    return verifyEvidenceLog(*f_.store, nullptr, {}, 100000,
                             [&](const EvidenceEntry& e) { return evidence_.checkLogEntry(e); });
  }

  test::IsmsFixture f_;
  EvidenceFiles files_{f_.dir.path() / "evidence-files"};
  EvidenceRegister evidence_{*f_.isms, files_, EvidenceRequirements::builtin(), Catalog::builtin()};
};

TEST_F(EvidenceRegisterTest, AddingADocumentStoresItChainsItAndAuditsIt) {
  const auto reply = addPolicy(policyFields());
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  EXPECT_EQ(reply.body["status"], "current");
  EXPECT_EQ(reply.body["next_review"], "2027-01-15");
  EXPECT_EQ(reply.body["review_months"], 12);
  EXPECT_EQ(reply.body["sha256"], sha256Hex("policy v1"));
  EXPECT_EQ(reply.body["file_name"], "policy.pdf");

  const auto head = f_.store->evidenceHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->agentId, kIsmsEvidenceAgent);
  EXPECT_EQ(head->reportId, "document/1");
  EXPECT_EQ(head->receivedAt, kNow);
  const auto document = *f_.isms->findDocument(1);
  EXPECT_EQ(head->reportSha256, sha256Hex(canonicalDump(documentEvidenceJson(document))));

  const auto audit = f_.isms->audit("document", "1");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "alice");
  EXPECT_EQ(audit[0].action, "create");
  EXPECT_EQ(audit[0].at, kNow);
}

TEST_F(EvidenceRegisterTest, ARequirementGivesTheControlsAndReviewInterval) {
  auto fields = policyFields();
  fields.erase("controls");
  fields["requirement"] = "access-control-policy";
  fields["review_every"] = "6m";
  const auto reply = addPolicy(fields);
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  EXPECT_EQ(reply.body["controls"], requirement("access-control-policy").controls);
  EXPECT_EQ(reply.body["next_review"], "2026-07-15");
  EXPECT_EQ(reply.body["status"], "overdue");  // kNow is 2026-11-23
}

TEST_F(EvidenceRegisterTest, InvalidDocumentsAreRefusedWithTheReason) {
  const auto error = [&](const char* key, const nlohmann::json& value) {
    auto fields = policyFields();
    if (value.is_null()) fields.erase(key);
    else fields[key] = value;
    return addPolicy(fields).error();
  };
  EXPECT_EQ(error("title", nullptr), "title is required");
  EXPECT_EQ(error("title", std::string(201, 'x')), "title is longer than 200 characters");
  EXPECT_EQ(error("title", "Policy\x1b[2J"), "title must be UTF-8 text without control characters");
  EXPECT_EQ(error("owner", "\xff\xfe"), "owner must be UTF-8 text without control characters");
  EXPECT_EQ(error("controls", "A.5.1,A.9.9"), "unknown control A.9.9");
  EXPECT_EQ(error("controls", nullptr), "controls (e.g. A.5.1,A.5.10) or a document requirement is required");
  EXPECT_EQ(error("approved_on", "2026-11-24"), "approved_on 2026-11-24 is in the future");
  EXPECT_EQ(error("approved_on", "15/01/2026"), "approved_on must be a date (YYYY-MM-DD)");
  EXPECT_EQ(error("review_every", "0m"), "review_every must be a number of months from 1 to 36 (e.g. 12m)");
  EXPECT_EQ(error("review_every", "1y"), "review_every must be a number of months from 1 to 36 (e.g. 12m)");
  EXPECT_EQ(error("requirement", "access-review"), "requirement access-review is a record requirement, not a document one");
  EXPECT_EQ(error("requirement", "nope"), "unknown requirement nope");
  EXPECT_EQ(error("supersedes", "7"), "no document 7 to supersede");
  EXPECT_FALSE(f_.store->evidenceHead());  // nothing was written
  EXPECT_TRUE(f_.isms->documents().empty());
}

TEST_F(EvidenceRegisterTest, FileNamesAreReducedToADisplayName) {
  auto fields = policyFields();
  fields["file_name"] = "../../etc/passwd";
  EXPECT_EQ(addPolicy(fields).body["file_name"], "passwd");
  fields["file_name"] = "..";
  EXPECT_EQ(addPolicy(fields, "other").body["file_name"], "document");
}

TEST_F(EvidenceRegisterTest, ANewVersionSupersedesTheOldOneFromItsApprovalDate) {
  ASSERT_EQ(addPolicy(policyFields("2025-07-01")).status, 201);
  EXPECT_EQ(evidence_.document(1, kNow).body["status"], "overdue");
  auto v2 = policyFields("2026-11-01");
  v2["supersedes"] = 1;
  const auto reply = addPolicy(v2, "policy v2");
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  EXPECT_EQ(reply.body["supersedes"], 1);
  EXPECT_EQ(reply.body["status"], "current");
  const auto old = evidence_.document(1, kNow).body;
  EXPECT_EQ(old["status"], "retired");
  EXPECT_EQ(old["superseded_by"], 2);
  EXPECT_EQ(old["superseded_on"], "2026-11-01");
  // As the register stood on a day in between: the old version overdue, the new one not yet approved.
  EXPECT_EQ(evidence_.document(1, day("2026-10-15")).body["status"], "overdue");
  EXPECT_EQ(evidence_.document(2, day("2026-10-15")).body["status"], "not_yet_approved");

  EXPECT_EQ(addPolicy(v2, "policy v2b").error(), "document 1 is already superseded by document 2");
  auto early = policyFields("2025-06-01");
  early["supersedes"] = 2;
  EXPECT_EQ(addPolicy(early, "v3").error(), "a new version cannot be approved before the version it supersedes (2026-11-01)");
}

TEST_F(EvidenceRegisterTest, RetiringIsChainedAuditedAndOnlyOnce) {
  ASSERT_EQ(addPolicy(policyFields()).status, 201);
  EXPECT_EQ(evidence_.retireDocument(1, nlohmann::json::object(), "bob", kNow).error(), "reason is required");
  EXPECT_EQ(evidence_.retireDocument(9, {{"reason", "x"}}, "bob", kNow).status, 404);
  const auto reply = evidence_.retireDocument(1, {{"reason", "replaced by the group policy"}, {"retired_on", "2026-11-20"}},
                                              "bob", kNow);
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["status"], "retired");
  EXPECT_EQ(reply.body["retired_on"], "2026-11-20");
  EXPECT_EQ(evidence_.document(1, day("2026-11-19")).body["status"], "current");
  EXPECT_EQ(f_.store->evidenceHead()->reportId, "document/1/retired");
  EXPECT_EQ(f_.isms->audit("document", "1").back().action, "retire");
  EXPECT_EQ(f_.isms->audit("document", "1").back().actor, "bob");
  EXPECT_EQ(evidence_.retireDocument(1, {{"reason", "again"}}, "bob", kNow).error(), "document 1 is already retired");
  auto v2 = policyFields("2026-11-21");
  v2["supersedes"] = 1;
  EXPECT_EQ(addPolicy(v2, "v2").error(), "document 1 is retired");
}

TEST_F(EvidenceRegisterTest, RecordsNeedARecordRequirementAndShowTheirValidity) {
  const nlohmann::json fields = {{"requirement", "restore-test"}, {"performed_on", "2026-10-01"},
                                 {"performed_by", "Ops team"}, {"summary", "Restored the CRM database\nin 42 minutes"},
                                 {"outcome", "issues"}};
  const auto attachment = stored("restore log");
  const auto reply = evidence_.addRecord(fields, {{attachment.sha256, attachment.size, "restore.log"}}, "alice", kNow);
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  EXPECT_EQ(reply.body["valid_through"], "2027-04-16");  // 180 days + 10 % = 198 days, the first one included
  EXPECT_EQ(reply.body["counts"], true);
  EXPECT_EQ(reply.body["outcome"], "issues");
  EXPECT_EQ(reply.body["controls"], requirement("restore-test").controls);
  EXPECT_EQ(reply.body["attachments"][0]["sha256"], attachment.sha256);
  EXPECT_EQ(f_.store->evidenceHead()->reportId, "record/1");
  EXPECT_EQ(f_.isms->audit("record", "1").size(), 1u);

  const auto error = [&](const char* key, const nlohmann::json& value) {
    auto changed = fields;
    changed[key] = value;
    return evidence_.addRecord(changed, {}, "alice", kNow).error();
  };
  EXPECT_EQ(error("requirement", "security-policy"), "requirement security-policy is a document requirement, not a record one");
  EXPECT_EQ(error("requirement", "nope"), "unknown requirement nope");
  EXPECT_EQ(error("outcome", "fine"), "outcome must be ok or issues");
  EXPECT_EQ(error("performed_on", "2027-01-01"), "performed_on 2027-01-01 is in the future");
  EXPECT_EQ(error("summary", ""), "summary is required");
  EXPECT_EQ(error("summary", "bell\a"), "summary must be UTF-8 text without control characters");
  EXPECT_EQ(f_.isms->records().size(), 1u);
}

TEST_F(EvidenceRegisterTest, ARecordWithIssuesProposesANonConformityOnce) {
  const nlohmann::json fields = {{"requirement", "restore-test"}, {"performed_on", "2026-10-01"},
                                 {"performed_by", "Ops"}, {"summary", "Two of five databases failed to restore"},
                                 {"outcome", "issues"}};
  ASSERT_EQ(evidence_.addRecord(fields, {}, "alice", kNow).status, 201);
  auto ok = fields;
  ok["outcome"] = "ok";
  ASSERT_EQ(evidence_.addRecord(ok, {}, "alice", kNow).status, 201);
  const auto titled = [&](const nlohmann::json& proposals) {
    std::vector<nlohmann::json> out;
    for (const auto& p : proposals)
      if (p["title"].get<std::string>().rfind("Record ", 0) == 0) out.push_back(p);
    return out;
  };
  auto proposals = titled(f_.service.proposals(kNow).body["proposals"]);
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0]["title"], "Record 1 (Backup restore test) found issues");
  EXPECT_EQ(proposals[0]["kind"], "minor");
  EXPECT_EQ(proposals[0]["control"], "A.8.13");
  EXPECT_EQ(proposals[0]["reason"], "performed on 2026-10-01 by Ops: Two of five databases failed to restore");

  // With A.8.13 excluded, the restore test's other control carries it.
  ASSERT_TRUE(f_.service.updateSoa("A.8.13", {{"applicable", false}, {"justification", "no data kept"}}, "cli", kNow).ok());
  EXPECT_EQ(titled(f_.service.proposals(kNow).body["proposals"])[0]["control"], "A.5.30");

  ASSERT_EQ(f_.service.applyProposals("alice", kNow).status, 201);
  EXPECT_TRUE(titled(f_.service.proposals(kNow).body["proposals"]).empty());
}

TEST_F(EvidenceRegisterTest, VerifyLogChecksDocumentsRecordsAndTheirFiles) {
  test::IsmsFixture& f = f_;
  f.host("host-1", {{"ssh.permit_root_login", CheckStatus::Pass}});
  ASSERT_EQ(addPolicy(policyFields()).status, 201);
  const auto attachment = stored("training attendance");
  ASSERT_EQ(evidence_.addRecord({{"requirement", "awareness-training"}, {"performed_on", "2026-09-01"},
                                 {"performed_by", "HR"}, {"summary", "Annual training, 41 of 42 attended"}},
                                {{attachment.sha256, attachment.size, "attendance.csv"}}, "alice", kNow)
                .status,
            201);
  ASSERT_EQ(evidence_.retireDocument(1, {{"reason", "withdrawn"}}, "alice", kNow).status, 200);
  f.report("host-1", {{"ssh.permit_root_login", CheckStatus::Fail}});

  auto result = verify();
  EXPECT_TRUE(result.intact()) << (result.problems.empty() ? "" : describe(result.problems.front()));
  EXPECT_EQ(result.entries, 5);
  EXPECT_EQ(result.ismsItems, 3);

  // Without the registers, such entries cannot be vouched for.
  const auto blind = verifyEvidenceLog(*f.store, nullptr);
  ASSERT_FALSE(blind.intact());
  EXPECT_EQ(blind.problems.front().reason, "ISMS evidence item, but no ISMS register to check it against");

  Database::open(f.dir.path() / "annexa.db")->exec("UPDATE isms_documents SET approved_on = approved_on + 86400");
  result = verify();
  ASSERT_FALSE(result.intact());
  EXPECT_EQ(describe(result.problems.front()),
            "entry 2 (agent annexa:isms, report document/1): stored document does not match its hash (document altered)");

  const auto path = *files_.pathOf(attachment.sha256);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(path, std::ios::binary) << "training attendancE";
  result = verify();
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_EQ(result.problems[1].reportId, "record/1");
  EXPECT_EQ(result.problems[1].reason, "evidence file " + attachment.sha256 + " does not match its hash (file altered)");

  Database::open(f.dir.path() / "annexa.db")->exec("UPDATE isms_documents SET retired_at = NULL");
  result = verify();
  ASSERT_EQ(result.problems.size(), 3u);
  EXPECT_EQ(result.problems[2].reason, "the document's retirement was removed");
}

class EvidenceCliTest : public ::testing::Test {
 protected:
  int run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.push_back("--data");
    args.push_back(f_.dir.path().string());
    return runIsmsCli(args, out_, err_, kNow);
  }
  std::string file(const std::string& name, const std::string& content) {
    const auto path = f_.dir.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  test::IsmsFixture f_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(EvidenceCliTest, DocsAddListShowDownloadRetire) {
  const auto policy = file("policy.md", "# Information security policy\n");
  ASSERT_EQ(run({"docs", "add", policy, "--title", "Information security policy", "--controls", "A.5.1,A.5.10",
                 "--owner", "CISO", "--approved-by", "Board", "--approved-on", "2026-01-15", "--review-every", "12m"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "added document 1 (sha256 " + sha256Hex("# Information security policy\n") +
                            ", next review 2027-01-15)\n");
  ASSERT_EQ(run({"docs", "list"}), 0);
  EXPECT_EQ(out_.str(), "1     current           2027-01-15  Information security policy (A.5.1,A.5.10)\n");
  ASSERT_EQ(run({"docs", "list", "--at", "2027-01-01"}), 0);
  EXPECT_NE(out_.str().find(" due "), std::string::npos);
  ASSERT_EQ(run({"docs", "show", "1"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["created_by"], "cli");

  const auto copy = (f_.dir.path() / "copy.md").string();
  ASSERT_EQ(run({"docs", "download", "1", "--out", copy}), 0) << err_.str();
  std::ifstream in(copy);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "# Information security policy\n");
  EXPECT_EQ(run({"docs", "download", "1", "--out", copy}), 1);  // never over an existing file
  EXPECT_NE(err_.str().find("File exists"), std::string::npos);

  EXPECT_EQ(run({"docs", "retire", "1"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: reason is required\n");
  ASSERT_EQ(run({"docs", "retire", "1", "--reason", "merged into the ISMS manual"}), 0);
  EXPECT_EQ(out_.str(), "retired document 1\n");
  EXPECT_EQ(run({"docs", "show", "2"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: no document 2\n");
  EXPECT_EQ(run({"docs", "add", file("x.md", "x"), "--title", "X", "--controls", "A.5.1", "--owner", "o",
                 "--approved-by", "a", "--approved-on", "tomorrow"}),
            1);
  EXPECT_EQ(err_.str(), "annexa-collector: approved_on must be a date (YYYY-MM-DD)\n");
}

TEST_F(EvidenceCliTest, RecordsAddWithSeveralAttachmentsListAndShow) {
  const auto log = file("restore.log", "restore ok\n");
  const auto screenshot = file("screen.png", "\x89PNG fake");
  ASSERT_EQ(run({"records", "add", "--requirement", "restore-test", "--performed-on", "2026-10-01", "--by", "Ops",
                 "--summary", "Restored the CRM", "--attach", log, "--attach", screenshot}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "added record 1 for restore-test (counts through 2027-04-16)\n");
  const auto record = *f_.isms->findRecord(1);
  ASSERT_EQ(record.attachments.size(), 2u);
  EXPECT_EQ(record.attachments[0].fileName, "restore.log");
  EXPECT_EQ(record.attachments[1].sha256, sha256Hex("\x89PNG fake"));
  ASSERT_EQ(run({"records", "list"}), 0);
  EXPECT_EQ(out_.str(), "1     2026-10-01  ok      restore-test                  Ops\n");
  ASSERT_EQ(run({"records", "show", "1"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["summary"], "Restored the CRM");
  EXPECT_EQ(run({"records", "add", "--requirement", "restore-test", "--performed-on", "2026-10-01", "--by", "Ops",
                 "--summary", "x", "--attach", (f_.dir.path() / "missing").string()}),
            1);
  EXPECT_EQ(f_.isms->records().size(), 1u);
  EXPECT_EQ(run({"records"}), 2);
}

}  // namespace
}  // namespace annexa::collector::isms
