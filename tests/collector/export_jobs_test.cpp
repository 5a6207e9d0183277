// Export jobs over real TLS: the job API around an injected runner (the test's GatedRunner), roles,
// validation, file serving and its refusal of anything the job does not list.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "collector/api/export_routes.hpp"
#include "collector/pack/pack.hpp"
#include "collector/app/pack_cli.hpp"
#include "common/random.hpp"
#include "tests/collector/export_harness.hpp"

namespace annexa::test {
namespace {
namespace fs = std::filesystem;

nlohmann::json bodyOf(const HttpResponse& response) { return nlohmann::json::parse(response.body); }

// Polls the job until `done` holds for its JSON (bounded); returns the last JSON seen.
nlohmann::json pollJob(HttpsClient& client, const std::string& id, const std::function<bool(const nlohmann::json&)>& done) {
  nlohmann::json job;
  waitFor([&] {
    auto response = client.request("GET", "/api/v1/exports/" + id);
    if (!response || response->status != 200) return false;
    job = bodyOf(*response);
    return done(job);
  });
  return job;
}

std::string startExport(HttpsClient& client, const std::string& body = "{}") {
  auto response = client.request("POST", "/api/v1/exports", body);
  if (!response || response->status != 202) return {};
  return bodyOf(*response).value("id", std::string());
}

TEST(ExportJobs, RunsToDoneAndServesTheListedFilesWithTheirHashes) {
  ExportCollector c;
  auto admin = c.collector.client(c.collector.admin());
  auto started = admin->request("POST", "/api/v1/exports", R"({"from": "2026-01-01", "to": "2026-02-01", "hosts": "web"})");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const auto id = bodyOf(*started).at("id").get<std::string>();

  const auto running = pollJob(*admin, id, [](const nlohmann::json& j) { return j["stage"] == "collecting posture"; });
  EXPECT_EQ(running["state"], "running");
  EXPECT_EQ(running["done"], 1);
  EXPECT_EQ(running["total"], 3);
  EXPECT_TRUE(running["files"].empty());
  auto second = admin->request("POST", "/api/v1/exports", "{}");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409) << "one export at a time";

  c.gate.open();
  const auto done = pollJob(*admin, id, [](const nlohmann::json& j) { return j["state"] != "running"; });
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["done"], 3);
  EXPECT_EQ(done["request"]["from"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(done["request"]["hosts"], "web");
  EXPECT_EQ(c.gate.request().to, *parseRfc3339("2026-02-01"));
  ASSERT_EQ(done["files"].size(), 2u);
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"assessment-results.json", {kExportJson, "application/json"}},
      {"csv/hosts.csv", {kExportCsv, "text/csv; charset=utf-8"}}};
  for (const auto& file : done["files"]) {
    const auto name = file["name"].get<std::string>();
    ASSERT_EQ(expected.count(name), 1u) << name;
    auto served = admin->request("GET", "/api/v1/exports/" + id + "/files/" + name);
    ASSERT_TRUE(served);
    ASSERT_EQ(served->status, 200) << name;
    EXPECT_EQ(served->body, expected.at(name).first);
    EXPECT_EQ(served->contentType, expected.at(name).second);
    EXPECT_EQ(file["size"], served->body.size());
    EXPECT_EQ(file["sha256"], sha256Hex(served->body));
  }
  const auto dir = c.collector.data().exports();
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  auto list = admin->request("GET", "/api/v1/exports");
  ASSERT_TRUE(list);
  EXPECT_EQ(bodyOf(*list)["exports"][0]["id"], id);
}

TEST(ExportJobs, BadTimesAreRefusedWithAJsonError) {
  ExportCollector c(true, true);
  auto admin = c.collector.client(c.collector.admin());
  const auto future = formatRfc3339(c.collector.now() + 3600);
  const std::vector<std::string> bodies = {R"({"from": "2026-03-01", "to": "2026-02-01"})", R"({"from": "2026-02-01", "to": "2026-02-01"})",
                                 R"({"at": ")" + future + R"("})", R"({"from": "last tuesday"})", R"({"to": 5})",
                                 R"({"hosts": ["a"]})", "[1]", "not json",
                                 // an instant outside the period is refused here, not later by the job
                                 R"({"from": "2026-01-01", "to": "2026-02-01", "at": "2026-03-01"})",
                                 R"({"form": "2026-01-01"})"};
  for (const auto& body : bodies) {
    auto response = admin->request("POST", "/api/v1/exports", body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << body;
    EXPECT_FALSE(errorOf(*response).empty()) << body;
  }
  EXPECT_TRUE(c.jobs->recent().empty());
}

// The dashboard sends its own "now" as the period's end: a clock a little ahead of the collector's is not an error.
TEST(ExportJobs, APeriodEndingAfterNowEndsNow) {
  ExportCollector c(true, true);
  auto admin = c.collector.client(c.collector.admin());
  const auto soon = formatRfc3339(c.collector.now() + 5);
  auto response = admin->request("POST", "/api/v1/exports", R"({"to": ")" + soon + R"("})");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202) << response->body;
  const auto jobs = c.jobs->recent();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.to, c.collector.now());
  EXPECT_EQ(jobs[0].request.at, c.collector.now());
  EXPECT_EQ(jobs[0].request.from, c.collector.now() - collector::kDefaultExportPeriodSeconds);
}

TEST(ExportJobs, FileNamesOutsideTheListingAreRefused) {
  ExportCollector c(true, true);
  auto admin = c.collector.client(c.collector.admin());
  const auto id = startExport(*admin);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(pollJob(*admin, id, [](const nlohmann::json& j) { return j["state"] != "running" && j["state"] != "queued"; })["state"], "done");
  for (const std::string& name : std::vector<std::string>{"../../annexa.db", "..%2F..%2Fannexa.db", "csv/../assessment-results.json", ".hidden",
                                 "%2e%2e/collector.json", "missing.json", "csv"}) {
    auto response = admin->request("GET", "/api/v1/exports/" + id + "/files/" + name);
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->status == 400 || response->status == 404) << name << ": " << response->status;
    EXPECT_FALSE(errorOf(*response).empty()) << name;
  }
  auto otherJob = admin->request("GET", "/api/v1/exports/00000000-0000-0000-0000-000000000000/files/assessment-results.json");
  ASSERT_TRUE(otherJob);
  EXPECT_EQ(otherJob->status, 404);
}

TEST(ExportJobs, ViewersMayExportAgentsAndAnonymousMayNot) {
  ExportCollector c(true, true);
  auto viewer = c.collector.client(c.collector.operatorTls("auditor", pki::Role::Viewer));
  EXPECT_FALSE(startExport(*viewer).empty());
  auto agent = c.collector.enrollOrThrow();
  for (const auto& tls : {agent.tls, c.collector.anonymous()}) {
    auto refused = c.collector.client(tls)->request("POST", "/api/v1/exports", "{}");
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->status == 401 || refused->status == 403) << refused->status;
    auto listing = c.collector.client(tls)->request("GET", "/api/v1/exports");
    ASSERT_TRUE(listing);
    EXPECT_TRUE(listing->status == 401 || listing->status == 403) << listing->status;
  }
  EXPECT_EQ(c.jobs->recent().size(), 1u);
}

TEST(ExportJobs, ARunnerFailureFailsTheJobWithItsMessageAndLeavesNoFiles) {
  ExportCollector c;
  c.gate.failure = "cannot sign the manifest: key missing";
  c.gate.open();
  auto admin = c.collector.client(c.collector.admin());
  const auto id = startExport(*admin);
  ASSERT_FALSE(id.empty());
  const auto job = pollJob(*admin, id, [](const nlohmann::json& j) { return j["state"] == "done" || j["state"] == "failed"; });
  EXPECT_EQ(job["state"], "failed");
  EXPECT_EQ(job["error"], "cannot sign the manifest: key missing");
  EXPECT_TRUE(job["files"].empty());
  EXPECT_FALSE(job["finished_at"].is_null());
  EXPECT_FALSE(fs::exists(c.collector.data().exports() / id));
}

TEST(ExportJobs, WithoutARunnerTheRoutesAnswer501) {
  ExportCollector c(false);
  auto admin = c.collector.client(c.collector.admin());
  for (const char* method : {"POST", "GET"}) {
    auto response = admin->request(method, "/api/v1/exports", "{}");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 501) << method;
    EXPECT_NE(errorOf(*response).find("no export runner"), std::string::npos);
  }
}

TEST(ExportJobs, KeepsOnlyTheNewestJobDirectories) {
  FixtureRoot root;
  const auto dir = root.path() / "exports";
  fs::create_directories(dir / "left-over-from-an-earlier-run");
  const collector::ExportRunner write = [](const collector::ExportRequest&, const fs::path& out, const collector::ExportProgress&) {
    std::ofstream(out / "a.json") << "{}";
    return success();
  };
  collector::ExportJobs jobs(dir, write, [] { return std::int64_t{1'790'000'000}; }, 2);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto job = jobs.start({});
    ASSERT_TRUE(job) << job.error();
    ids.push_back(job->id);
    ASSERT_TRUE(waitFor([&] { return !jobs.busy(); }));
  }
  std::set<std::string> onDisk;
  for (const auto& entry : fs::directory_iterator(dir)) onDisk.insert(entry.path().filename().string());
  EXPECT_EQ(onDisk, (std::set<std::string>{ids[1], ids[2]}));
  EXPECT_EQ(jobs.recent().size(), 2u);
  EXPECT_FALSE(jobs.file(ids[0], "a.json"));
  EXPECT_TRUE(jobs.file(ids[2], "a.json"));
}

TEST(ExportJobs, ContentTypesAndSafeNames) {
  EXPECT_EQ(collector::exportContentType("report.html"), "text/html; charset=utf-8");
  EXPECT_EQ(collector::exportContentType("SHA256SUMS"), "text/plain; charset=utf-8");
  EXPECT_EQ(collector::exportContentType("ca.crt"), "application/x-pem-file");
  EXPECT_EQ(collector::exportContentType("manifest.sig"), "application/octet-stream");
  EXPECT_TRUE(collector::isSafeExportName("csv/hosts.csv"));
  for (const char* bad : {"", "..", "a/../b", "/etc/passwd", "a//b", ".env", "a\\b", "a b"})
    EXPECT_FALSE(collector::isSafeExportName(bad)) << bad;
}

// The real runner, as `serve` wires it: the job writes a signed evidence pack of the stored fleet that
// verify-pack accepts, and the API serves its files byte for byte.
TEST(ExportJobs, TheRealRunnerWritesAVerifiableEvidencePack) {
  std::unique_ptr<collector::ExportJobs> jobs;  // outlives the collector's server
  InProcessCollector collector(InProcessCollector::fastOptions(), {}, [&](InProcessCollector& c) {
    jobs = std::make_unique<collector::ExportJobs>(
        c.data().exports(), collector::exportRunner(c.data(), c.store(), [&c] { return c.now(); }),
        [&c] { return c.now(); });
    return collector::ApiExtras{nullptr, jobs.get()};
  });
  collector::AgentRecord agent;
  agent.id = "agent-1";
  agent.hostname = "web-1";
  agent.certSerial = "serial-1";
  agent.enrolledAt = collector.now() - 7200;
  collector.store().addAgent(agent);
  Report report;
  report.reportId = uuid4();
  report.startedAt = formatRfc3339(collector.now() - 3600);
  report.host.hostname = "web-1";
  CheckResult ssh;
  ssh.check = "ssh.permit_root_login";
  ssh.status = CheckStatus::Fail;
  ssh.evidence = {{"/etc/ssh/sshd_config", "PermitRootLogin yes", "no"}};
  report.results = {ssh};
  collector.store().ingest({{"agent-1", report, toJson(report).dump(), collector.now() - 3600, {}}});

  auto viewer = collector.client(collector.operatorTls("auditor", pki::Role::Viewer));
  const auto id = startExport(*viewer);
  ASSERT_FALSE(id.empty());
  const auto done =
      pollJob(*viewer, id, [](const nlohmann::json& j) { return j["state"] == "done" || j["state"] == "failed"; });
  ASSERT_EQ(done["state"], "done") << done.dump();
  std::set<std::string> names;
  for (const auto& file : done["files"]) names.insert(file["name"].get<std::string>());
  for (const auto* expected : {"assessment-results.json", "results.csv", "report.html", "manifest.json", "manifest.sig"})
    EXPECT_EQ(names.count(expected), 1u) << expected;
  const auto verification = collector::pack::verifyPack(collector.data().exports() / id, collector.caFingerprint());
  EXPECT_TRUE(verification.intact()) << (verification.problems.empty() ? "" : verification.problems[0].message);
  auto results = viewer->request("GET", "/api/v1/exports/" + id + "/files/results.csv");
  ASSERT_TRUE(results);
  EXPECT_NE(results->body.find("web-1,agent-1,ssh.permit_root_login"), std::string::npos) << results->body;
  collector.stop();
}

}  // namespace
}  // namespace annexa::test
