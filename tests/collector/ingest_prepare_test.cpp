// prepareReport: the writer's per-report work done ahead, on the network thread. Its evidence text and digests
// are compared with rows stored by earlier versions, so they must not drift.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/store/evidence_chain.hpp"
#include "collector/store/store.hpp"
#include "common/digest.hpp"

namespace annexa::collector {
namespace {

Report twoResults(CheckStatus sshStatus, const std::string& observed, const std::string& message) {
  Report report;
  report.reportId = "r-1";
  CheckResult ssh;
  ssh.check = "ssh.permit_root_login";
  ssh.status = sshStatus;
  ssh.severity = Severity::High;
  ssh.message = message;
  ssh.evidence = {{"/etc/ssh/sshd_config", observed, "no"}, {"sshd -T", "permitrootlogin \"no\"\t✓", "no"}};
  CheckResult aslr;
  aslr.check = "kernel.aslr";
  aslr.status = CheckStatus::Pass;
  report.results = {ssh, aslr};
  return report;
}

TEST(PrepareReport, EvidenceTextIsTheDumpOfTheEvidenceArray) {
  const auto report = twoResults(CheckStatus::Fail, "PermitRootLogin yes", "");
  const auto prepared = prepareReport(report, toJson(report).dump());
  ASSERT_EQ(prepared.evidence.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto expected = nlohmann::json::array();
    for (const auto& e : report.results[i].evidence) expected.push_back(toJson(e));
    EXPECT_EQ(prepared.evidence[i], expected.dump());
  }
  EXPECT_EQ(prepared.evidence[1], "[]");
}

TEST(PrepareReport, HashesTheBodyAndTheCanonicalReport) {
  const auto report = twoResults(CheckStatus::Pass, "PermitRootLogin no", "");
  const auto pretty = toJson(report).dump(2);
  const auto prepared = prepareReport(report, pretty);
  EXPECT_EQ(prepared.bodySha256, sha256Hex(pretty));
  EXPECT_EQ(prepared.reportSha256, sha256Hex(nlohmann::json::parse(pretty).dump()));
  EXPECT_EQ(prepareReport(report, pretty, "given").reportSha256, "given");
  // A body that is its own canonical text (as agents send it) is hashed once, for both.
  const auto compact = toJson(report).dump();
  const auto once = prepareReport(report, compact, sha256Hex(compact), /*bodyIsCanonical=*/true);
  EXPECT_EQ(once.bodySha256, sha256Hex(compact));
  EXPECT_EQ(once.reportSha256, once.bodySha256);
}

TEST(PrepareReport, ResultsDigestFollowsStatusAndEvidenceNotMessages) {
  const auto base = prepareReport(twoResults(CheckStatus::Pass, "PermitRootLogin no", "ok"), "{}");
  const auto reworded = prepareReport(twoResults(CheckStatus::Pass, "PermitRootLogin no", "fine"), "{}");
  const auto failed = prepareReport(twoResults(CheckStatus::Fail, "PermitRootLogin no", "ok"), "{}");
  const auto observed = prepareReport(twoResults(CheckStatus::Pass, "PermitRootLogin  no", "ok"), "{}");
  EXPECT_EQ(base.resultsDigest, reworded.resultsDigest);
  EXPECT_EQ(base.digests, reworded.digests);
  EXPECT_NE(base.resultsDigest, failed.resultsDigest);
  EXPECT_NE(base.digests[0], failed.digests[0]);
  EXPECT_EQ(base.digests[1], failed.digests[1]);
  EXPECT_NE(base.resultsDigest, observed.resultsDigest);
}

}  // namespace
}  // namespace annexa::collector
