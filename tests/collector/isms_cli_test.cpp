#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "collector/app/cli.hpp"
#include "collector/app/isms_cli.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::collector {
namespace {

using isms::test::kNow;

class IsmsCliTest : public ::testing::Test {
 protected:
  int run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.push_back("--data");
    args.push_back(f_.dir.path().string());
    return runIsmsCli(args, out_, err_, kNow);
  }

  isms::test::IsmsFixture f_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(IsmsCliTest, SoaSetRefusesAnUnjustifiedExclusion) {
  EXPECT_EQ(run({"soa", "set", "A.7.4", "--applicable", "no"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: excluding A.7.4 requires a justification\n");
  EXPECT_EQ(run({"soa", "set", "A.7.4", "--applicable", "no", "--justification", "fully remote company"}), 0);
  EXPECT_EQ(out_.str(), "updated A.7.4\n");
  EXPECT_EQ(f_.isms->audit("soa", "A.7.4")[0].actor, "cli");
  EXPECT_EQ(run({"soa", "list"}), 0);
  EXPECT_NE(out_.str().find("92 applicable, 1 excluded"), std::string::npos);
  EXPECT_EQ(run({"soa", "show", "A.9.1"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: no Annex A control A.9.1\n");
}

TEST_F(IsmsCliTest, SoaCsvRoundTripsThroughAFile) {
  const auto file = (f_.dir.path() / "soa.csv").string();
  ASSERT_EQ(run({"soa", "export-csv", "--out", file}), 0);
  std::ifstream in(file);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = content.find("A.5.1,");
  ASSERT_NE(at, std::string::npos);
  // Give A.5.1 a justification with a comma and quotes, via the file.
  const auto lineEnd = content.find("\r\n", at);
  content.replace(at, lineEnd - at, "A.5.1,,,yes,\"Required, says \"\"the board\"\"\",implemented,ciso,,,,,,,");
  std::ofstream(file, std::ios::binary) << content;
  ASSERT_EQ(run({"soa", "import-csv", file}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "imported " + file + ": {\"updated\":1}\n");
  const auto entry = *f_.isms->soaEntry("A.5.1");
  EXPECT_EQ(entry.justification, "Required, says \"the board\"");
  EXPECT_EQ(entry.implementation, isms::Implementation::Implemented);

  std::ofstream(file, std::ios::binary) << "control,applicable\nA.5.1,yes\nA.5.2,\"unterminated\n";
  EXPECT_EQ(run({"soa", "import-csv", file}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: " + file + ": line 3: quoted field is not closed\n");
}

TEST_F(IsmsCliTest, RisksExceptionsNcAndReadiness) {
  EXPECT_EQ(run({"risks", "add", "--title", "Stolen laptop", "--likelihood", "3", "--impact", "4", "--controls", "A.8.24"}), 0);
  EXPECT_EQ(out_.str(), "added risk #1 (score 12, high)\n");
  EXPECT_EQ(run({"risks", "add", "--title", "x", "--likelihood", "0"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: likelihood and impact must be 1 to 5\n");

  f_.host("h1", {{"ssh.mfa_required", CheckStatus::Fail}});
  EXPECT_EQ(run({"exceptions", "add", "--scope", "check", "--check", "ssh.mfa_required", "--justification", "tokens",
                 "--approver", "ciso", "--expires", "2026-12-01"}),
            0);
  EXPECT_EQ(out_.str(), "added exception #1\n");
  EXPECT_EQ(run({"exceptions", "add", "--scope", "check", "--check", "ssh.mfa_required", "--approver", "ciso",
                 "--justification", "t"}),
            1);
  EXPECT_EQ(err_.str(), "annexa-collector: an exception needs an expiry date\n");
  EXPECT_EQ(run({"exceptions", "list", "--expiring", "30"}), 0);
  EXPECT_NE(out_.str().find("#1  valid     expires 2026-12-01  ssh.mfa_required (all hosts)"), std::string::npos);

  EXPECT_EQ(run({"nc", "add", "--title", "No awareness training records", "--kind", "minor"}), 0);
  EXPECT_EQ(run({"nc", "close", "1", "--verification", "done"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: cannot move a non-conformity from open to closed; next: root_cause\n");
  EXPECT_EQ(run({"nc", "move", "1", "--to", "root_cause", "--root-cause", "no LMS"}), 0);
  EXPECT_EQ(out_.str(), "non-conformity #1 is now root_cause\n");

  EXPECT_EQ(run({"readiness", "attest", "program.scope", "--by", "ciso", "--evidence", "ISMS-SCOPE-v2", "--date",
                 "2026-11-01"}),
            0);
  EXPECT_EQ(run({"readiness"}), 0);
  EXPECT_NE(out_.str().find("[x] program.scope"), std::string::npos);
  EXPECT_NE(out_.str().find("Score 1 / 27: High risk (significant work needed)"), std::string::npos);
}

TEST_F(IsmsCliTest, ExceptionsCsvImportSkipsKnownRowsAndNamesBadLines) {
  f_.host("h1", {{"backup.recent", CheckStatus::Fail}});
  ASSERT_EQ(run({"exceptions", "add", "--scope", "host_check", "--host", "h1", "--check", "backup.recent",
                 "--justification", "decommissioned in December", "--approver", "ciso", "--expires", "2026-12-31"}),
            0);
  const auto file = (f_.dir.path() / "exceptions.csv").string();
  ASSERT_EQ(run({"exceptions", "export-csv", "--out", file}), 0);
  {
    std::ofstream append(file, std::ios::app | std::ios::binary);
    append << ",control,,,A.5.10,\"Accepted, pending policy\",ciso,,2027-02-01,,\r\n";
  }
  ASSERT_EQ(run({"exceptions", "import-csv", file}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "imported " + file + ": {\"added\":1}\n");  // the exported row was already known
  ASSERT_EQ(f_.isms->exceptions().size(), 2u);
  EXPECT_EQ(f_.isms->exceptions()[1].justification, "Accepted, pending policy");

  std::ofstream(file, std::ios::binary) << "scope,check,justification,approver,expires_at\n"
                                           "check,backup.recent,ok,ciso,2027-01-01\n"
                                           "check,backup.recent,ok,ciso,2028-06-01\n";
  EXPECT_EQ(run({"exceptions", "import-csv", file}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: " + file + ": line 3: an exception may last at most one year; renew it when it expires\n");
  EXPECT_EQ(f_.isms->exceptions().size(), 2u);  // all or nothing
}

TEST_F(IsmsCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run({"risks", "frobnicate"}), 2);
  EXPECT_NE(err_.str().find("usage: annexa-collector"), std::string::npos);
  EXPECT_EQ(run({"nc", "propose", "--major-share", "3"}), 2);
  EXPECT_EQ(err_.str(), "annexa-collector: --major-share must be a share between 0 and 1\n");
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(runCollectorCli({"soa", "list", "--data", (f_.dir.path() / "missing").string()}, out, err), 2);
  EXPECT_NE(err.str().find("no collector database"), std::string::npos);
}

TEST_F(IsmsCliTest, CalendarSetShowAndManagementReview) {
  EXPECT_EQ(run({"calendar", "set", "--scope", "Production and laptops", "--internal-audit", "2026-12-01",
                 "--management-review", "2026-12-15", "--stage1", "2027-01-10", "--stage2", "2027-02-15"}),
            0);
  EXPECT_EQ(out_.str(), "updated the audit calendar\n");
  EXPECT_EQ(run({"calendar", "set", "--stage2", "2027-01-01"}), 1);
  EXPECT_EQ(err_.str(), "annexa-collector: the Stage 2 audit cannot come before Stage 1\n");
  EXPECT_EQ(run({"calendar", "set"}), 2);
  EXPECT_EQ(run({"nc", "add", "--title", "Backups never restored", "--kind", "major"}), 0);
  EXPECT_EQ(run({"calendar"}), 0);
  EXPECT_EQ(out_.str(),
            "Scope:             Production and laptops\n"
            "Internal audit:    2026-12-01\n"
            "Management review: 2026-12-15\n"
            "Stage 1 audit:     2027-01-10\n"
            "Stage 2 audit:     2027-02-15\n"
            "Next audit: Internal audit on 2026-12-01 (in 8 days)\n"
            "Readiness 0 / 27: High risk (significant work needed); open major non-conformities: 1\n"
            "Not ready: 1 major non-conformity open; readiness 0 / 27: High risk (significant work needed)\n");
  EXPECT_EQ(f_.isms->audit("calendar").front().actor, "cli");

  const auto file = (f_.dir.path() / "review.html").string();
  EXPECT_EQ(run({"management-review", "--out", file, "--since", "2026-11-01"}), 0);
  EXPECT_EQ(out_.str(), "wrote " + file + "\n");
  std::ifstream in(file);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("Backups never restored"), std::string::npos);
  EXPECT_NE(page.find("Review period since 2026-11-01"), std::string::npos);
  EXPECT_EQ(run({"management-review", "--since", "soon"}), 2);
}

TEST_F(IsmsCliTest, PostureCountsStaleFailuresAndExceptionsLikeTheApi) {
  const auto now = unixNow();
  f_.host("fresh", {{"kernel.aslr", CheckStatus::Pass}, {"ssh.mfa_required", CheckStatus::Fail}}, now);
  f_.host("silent", {{"kernel.aslr", CheckStatus::Fail}}, now - 2 * 86400);
  std::ostringstream out, err;
  const auto posture = [&] {
    out.str("");
    err.str("");
    return runCollectorCli({"posture", "--data", f_.dir.path().string()}, out, err);
  };
  ASSERT_EQ(posture(), 0) << err.str();
  EXPECT_NE(out.str().find("Fleet posture: 2 hosts (1 stale)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("A.8.9   1 host failing, of which 1 stale"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("A.8.5   1 host failing  "), std::string::npos) << out.str();

  // An exception accepts the MFA failure: the CLI reads the registers as the API does.
  ASSERT_EQ(runIsmsCli({"exceptions", "add", "--scope", "check", "--check", "ssh.mfa_required", "--justification",
                        "tokens", "--approver", "ciso", "--expires", formatRfc3339(now + 30 * 86400).substr(0, 10),
                        "--data", f_.dir.path().string()},
                       out, err),  // at the real time, like the posture command
            0)
      << err.str();
  ASSERT_EQ(posture(), 0) << err.str();
  EXPECT_EQ(out.str().find("A.8.5 "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("accepted"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector
