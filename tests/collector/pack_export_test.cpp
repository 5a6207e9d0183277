// `annexa-collector export` end to end: a real data directory (CA, server key, SQLite), reports stored over
// simulated days, an exception valid for part of them, then packs exported for instants in between —
// each reflecting the fleet as it was then, signed, verifiable and valid OSCAL.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collector/app/cli.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/pack/pack.hpp"
#include "collector/pack/pack_gather.hpp"
#include "collector/store/store.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "tests/collector/pack_fixture.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr const char* kSsh = "ssh.permit_root_login";

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The CSV line of one host's check ("host-a,host-a,ssh.permit_root_login,...").
std::string resultLine(const std::string& csv, const std::string& host, const std::string& check) {
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(host + "," + host + "," + check + ",", 0) == 0) return line;
  return {};
}

class PackExportTest : public ::testing::Test {
 protected:
  // Day 0 is ten days ago (the export refuses instants in the future); reports at noon.
  std::int64_t day(int n, int hour = 12) const { return day0_ + n * kDay + hour * 3600; }

  void SetUp() override {
    auto init = initDataDir(data_, {});
    ASSERT_TRUE(init) << init.error();
    caFingerprint_ = init->caFingerprint;
    store_ = openSqliteStore(data_.database());
    registers_ = isms::IsmsStore::open(data_.database());
    enroll("host-a");
    enroll("host-b");
    for (int d = 1; d <= 6; ++d) {
      // host-a fails root login on days 3 and 4 only; host-b always passes.
      report("host-a", day(d), d == 3 || d == 4 ? CheckStatus::Fail : CheckStatus::Pass);
      report("host-b", day(d), CheckStatus::Pass);
    }
    isms::RiskAcceptance exception;
    exception.scope = isms::ExceptionScope::HostCheck;
    exception.agentId = "host-a";
    exception.checkId = kSsh;
    exception.justification = "legacy jump host, replaced in Q1";
    exception.approver = "ciso";
    exception.validFrom = day(3, 0);
    exception.expiresAt = day(4, 0);  // covers day 3 only
    registers_->addException(exception, "ciso", day(3, 0));
  }

  void enroll(const std::string& id) {
    AgentRecord agent;
    agent.id = id;
    agent.hostname = id;
    agent.certSerial = "serial-" + id;
    agent.enrolledAt = day(1, 0);
    agent.intervalSeconds = 86400;
    store_->addAgent(agent);
  }

  void report(const std::string& agentId, std::int64_t at, CheckStatus ssh) {
    Report r;
    r.reportId = uuid4();
    r.startedAt = formatRfc3339(at);
    r.host.hostname = agentId;
    CheckResult check;
    check.check = kSsh;
    check.title = "Root login over SSH is disabled";
    check.status = ssh;
    check.severity = Severity::High;
    check.evidence = {{"/etc/ssh/sshd_config", ssh == CheckStatus::Pass ? "PermitRootLogin no" : "PermitRootLogin yes",
                       "no"}};
    r.results = {check};
    store_->ingest({{agentId, r, toJson(r).dump(), at, {}}});
  }

  int cli(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return runCollectorCli(args, out_, err_);
  }

  int exportAt(const std::filesystem::path& out, std::int64_t at, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"export", "--data", data_.root.string(), "--out", out.string(),
                                     "--from", formatRfc3339(day(0, 0)), "--to", formatRfc3339(day(7, 0)),
                                     "--at", formatRfc3339(at)};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }

  const std::int64_t day0_ = (unixNow() / kDay - 10) * kDay;
  annexa::test::FixtureRoot root_;
  DataDir data_{root_.path() / "data"};
  std::string caFingerprint_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<isms::IsmsStore> registers_;
  std::ostringstream out_, err_;
};

TEST_F(PackExportTest, EachPackShowsTheFleetAsItWasAtItsInstant) {
  const auto day3 = root_.path() / "day3";
  const auto day4 = root_.path() / "day4";
  const auto day5 = root_.path() / "day5";
  ASSERT_EQ(exportAt(day3, day(3, 18)), 0) << err_.str();
  EXPECT_NE(out_.str().find("verify-pack " + day3.string() + " --ca-fingerprint " + caFingerprint_), std::string::npos)
      << out_.str();
  ASSERT_EQ(exportAt(day4, day(4, 18)), 0) << err_.str();
  ASSERT_EQ(exportAt(day5, day(5, 18)), 0) << err_.str();

  // results.csv: host-a's root login failed on days 3 and 4 and passed again on day 5, with the evidence it had then.
  const auto failing3 = resultLine(readFile(day3 / "results.csv"), "host-a", kSsh);
  EXPECT_NE(failing3.find(",fail,high,"), std::string::npos) << failing3;
  EXPECT_NE(failing3.find("PermitRootLogin yes"), std::string::npos) << failing3;
  EXPECT_NE(resultLine(readFile(day4 / "results.csv"), "host-a", kSsh).find(",fail,"), std::string::npos);
  const auto passing5 = resultLine(readFile(day5 / "results.csv"), "host-a", kSsh);
  EXPECT_NE(passing5.find(",pass,"), std::string::npos) << passing5;
  EXPECT_NE(passing5.find("PermitRootLogin no"), std::string::npos) << passing5;

  // The control: accepted on day 3 (the exception was valid), failing on day 4 (it had expired), passing on day 5.
  const std::string control = CheckMapping::builtin().controlsFor(kSsh).front();
  const auto status = [&](const std::filesystem::path& pack) {
    const auto doc = nlohmann::json::parse(readFile(pack / "assessment-results.json"));
    for (const auto& f : doc["assessment-results"]["results"][0]["findings"])
      if (f["target"]["target-id"] == control) return f["target"]["status"]["state"].get<std::string>();
    return std::string("no finding");
  };
  EXPECT_EQ(status(day3), "not-satisfied");  // accepted is never satisfied
  EXPECT_EQ(status(day4), "not-satisfied");
  EXPECT_EQ(status(day5), "satisfied");
  const auto controls3 = readFile(day3 / "controls.csv");
  const auto controls4 = readFile(day4 / "controls.csv");
  EXPECT_NE(controls3.find(control + ","), std::string::npos);
  EXPECT_NE(controls3.find(",accepted,"), std::string::npos) << controls3.substr(0, 600);
  EXPECT_EQ(controls4.find(",accepted,"), std::string::npos);

  // Signed, verifiable, with the evidence log of the period (12 reports), and valid OSCAL.
  EXPECT_EQ(cli({"verify-pack", day3.string(), "--ca-fingerprint", caFingerprint_}), 0) << err_.str();
  const auto manifest = nlohmann::json::parse(readFile(day3 / "manifest.json"));
  EXPECT_EQ(manifest["evidence_log"]["first_seq"], 1);
  EXPECT_EQ(manifest["evidence_log"]["last_seq"], 12);
  EXPECT_EQ(manifest["at"], formatRfc3339(day(3, 18)));
  const auto oscal = validateOscal(readFile(day3 / "assessment-results.json"));
  EXPECT_EQ(oscal.exitCode, 0) << oscal.output;

  // One altered byte in the exported results is caught and named.
  {
    std::fstream f(day5 / "results.csv", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5);
    f.put('#');
  }
  EXPECT_EQ(cli({"verify-pack", day5.string()}), 1);
  EXPECT_NE(err_.str().find("results.csv"), std::string::npos) << err_.str();
}

TEST_F(PackExportTest, AHostFilterKeepsOnlyTheMatchingHosts) {
  const auto pack = root_.path() / "only-b";
  ASSERT_EQ(exportAt(pack, day(5, 18), {"--hosts", "host-b*"}), 0) << err_.str();
  const auto results = readFile(pack / "results.csv");
  EXPECT_FALSE(resultLine(results, "host-b", kSsh).empty()) << results;
  EXPECT_TRUE(resultLine(results, "host-a", kSsh).empty()) << results;
  EXPECT_TRUE(hostSelected("web-*,db-1", "web-07", "x"));
  EXPECT_TRUE(hostSelected("web-*, db-1", "db-1", "x"));
  EXPECT_TRUE(hostSelected("", "anything", "x"));
  EXPECT_FALSE(hostSelected("web-*", "db-1", "agent-web"));
}

TEST_F(PackExportTest, BadRequestsAreClearErrorsNotPacks) {
  const auto pack = root_.path() / "bad";
  EXPECT_EQ(exportAt(pack, day(8, 0)), 2);  // outside the period
  EXPECT_NE(err_.str().find("at must lie within the period"), std::string::npos) << err_.str();
  EXPECT_EQ(exportAt(pack, unixNow() + 3 * kDay), 2);
  EXPECT_NE(err_.str().find("future"), std::string::npos) << err_.str();
  EXPECT_EQ(exportAt(pack, day(5), {"--hosts", "nomatch-*"}), 2);
  EXPECT_NE(err_.str().find("matches no host"), std::string::npos) << err_.str();
  EXPECT_EQ(cli({"export", "--data", data_.root.string(), "--out", pack.string(), "--from", "2026-13-01"}), 2);
  EXPECT_NE(err_.str().find("--from"), std::string::npos) << err_.str();
  EXPECT_EQ(cli({"export", "--data", data_.root.string()}), 2);  // no --out
  EXPECT_NE(err_.str().find("usage"), std::string::npos) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(pack));

  // A second export into a used directory needs --force.
  ASSERT_EQ(exportAt(pack, day(5)), 0) << err_.str();
  EXPECT_EQ(exportAt(pack, day(5)), 2);
  EXPECT_EQ(exportAt(pack, day(5), {"--force"}), 0) << err_.str();
}

}  // namespace
}  // namespace annexa::collector::pack::test
