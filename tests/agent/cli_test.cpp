#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "agent/check.hpp"
#include "agent/cli.hpp"
#include "common/catalog.hpp"
#include "common/model.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

using test::FixtureRoot;

struct CliRun {
  int exitCode;
  std::string out;
  std::string err;
};

CliRun runCli(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = runAgentCli(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(AgentCli, CheckAgainstRootPrintsAValidReport) {
  FixtureRoot root("kernel/hardened");
  root.write("/etc/hostname", "fixture-host\n");
  root.write("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
  root.write("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
  const auto run = runCli({"check", "--root", root.path().string(), "--format", "json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const auto report = parseReport(run.out);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->host.hostname, "fixture-host");
  EXPECT_EQ(report->host.os.id, "debian");
  EXPECT_EQ(report->host.os.version, "12");
  EXPECT_EQ(report->host.machineId, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(report->results.size(), CheckRegistry::instance().checks().size());
  for (const auto& r : report->results) {
    EXPECT_FALSE(r.controls.empty()) << r.check;
    EXPECT_FALSE(r.message.empty()) << r.check;
  }
}

TEST(AgentCli, OnlySelectsChecksAndRejectsUnknownIds) {
  FixtureRoot root("kernel/weak");
  const auto run = runCli({"check", "--root", root.path().string(), "--only", "kernel.aslr", "--format", "json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["check"], "kernel.aslr");
  EXPECT_EQ(j["results"][0]["status"], "fail");

  const auto bad = runCli({"check", "--root", root.path().string(), "--only", "kernel.nope"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("unknown check \"kernel.nope\""), std::string::npos);
}

TEST(AgentCli, TextReportGroupsByThemeWithSummary) {
  FixtureRoot root("kernel/weak");
  const auto run = runCli({"check", "--root", root.path().string(), "--only", "kernel.aslr"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_NE(run.out.find("Technological"), std::string::npos);
  EXPECT_NE(run.out.find("FAIL"), std::string::npos);
  EXPECT_NE(run.out.find("Summary: 0 pass, 1 fail"), std::string::npos) << run.out;
}

TEST(AgentCli, BadInvocationsExitTwoWithAMessage) {
  EXPECT_EQ(runCli({}).exitCode, 2);
  auto run = runCli({"frobnicate"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("unknown command"), std::string::npos);
  run = runCli({"check", "--format", "xml"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("--format must be text or json"), std::string::npos);
  run = runCli({"check", "--root", "/nonexistent/annexa-root"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("is not a directory"), std::string::npos);
  run = runCli({"check", "--root"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("--root needs a value"), std::string::npos);
}

TEST(AgentCli, ConfigErrorsAreFatalAndClear) {
  FixtureRoot root("kernel/hardened");
  auto run = runCli({"check", "--root", root.path().string(), "--config", "/nonexistent/agent.json"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("no such file"), std::string::npos) << run.err;

  root.write("/cfg/bad.json", "{\"thresholds\": {\"backup.max_age_hour\": 3}}");
  run = runCli({"check", "--root", root.path().string(), "--config", root.hostPath("/cfg/bad.json").string()});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("unknown threshold \"backup.max_age_hour\""), std::string::npos) << run.err;

  root.write("/cfg/garbage.json", "{ nope");
  run = runCli({"check", "--root", root.path().string(), "--config", root.hostPath("/cfg/garbage.json").string()});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("malformed JSON"), std::string::npos) << run.err;

  root.write("/cfg/disable.json", "{\"disabled_checks\": [\"kernel.aslr\"]}");
  run = runCli({"check", "--root", root.path().string(), "--format", "json", "--config",
                root.hostPath("/cfg/disable.json").string()});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  for (const auto& r : report["results"]) EXPECT_NE(r["check"], "kernel.aslr");
}

TEST(AgentCli, CatalogJsonListsAll93Controls) {
  const auto run = runCli({"catalog", "--format", "json"});
  ASSERT_EQ(run.exitCode, 0);
  const auto j = nlohmann::json::parse(run.out);
  ASSERT_EQ(j.size(), 93u);
  EXPECT_EQ(j[0]["id"], "A.5.1");
  bool found = false;
  for (const auto& c : j) {
    if (c["id"] != "A.8.24") continue;
    found = true;
    EXPECT_EQ(c["theme"], "Technological");
    EXPECT_EQ(c["iso2013"], nlohmann::json::array({"A.10.1.1", "A.10.1.2"}));
  }
  EXPECT_TRUE(found);
  const auto text = runCli({"catalog"});
  EXPECT_NE(text.out.find("new in 2022"), std::string::npos);
}

TEST(AgentCli, ChecksJsonCarriesRationaleAndControls) {
  const auto run = runCli({"checks", "--format", "json"});
  ASSERT_EQ(run.exitCode, 0);
  const auto j = nlohmann::json::parse(run.out);
  ASSERT_EQ(j.size(), CheckRegistry::instance().checks().size());
  for (const auto& c : j) {
    EXPECT_FALSE(c["rationale"].get<std::string>().empty()) << c["id"];
    EXPECT_FALSE(c["controls"].empty()) << c["id"];
  }
}

}  // namespace
}  // namespace annexa::agent
