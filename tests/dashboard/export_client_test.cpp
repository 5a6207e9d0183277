// The Export view's data layer against an in-memory collector: POST, polling, downloads, SHA-256 checks,
// and every way it can go wrong ending in a readable error rather than a crash or a half-trusted folder.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "dashboard/desktop_open.hpp"
#include "dashboard/export_client.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The collector's export routes in memory: the job runs for `runningPolls` polls, then lists two files.
struct FakeExportApi {
  std::map<std::string, std::string> files = {{"assessment-results.json", R"({"ok": true})"}, {"csv/hosts.csv", "host\nweb-1\n"}};
  int runningPolls = 2;
  int postStatus = 202;
  std::string postError;
  std::string jobError;            // non-empty: the job fails with it
  std::string corruptFile;         // served with different bytes than listed
  std::string listedName;          // non-empty: listed instead of the first file's name
  bool down = false;

  std::mutex mutex;
  std::vector<std::string> requests;
  std::string postBody;
  int polls = 0;

  nlohmann::json job(const std::string& state) {
    auto list = nlohmann::json::array();
    for (const auto& [name, bytes] : files)
      list.push_back({{"name", list.empty() && !listedName.empty() ? listedName : name}, {"size", bytes.size()}, {"sha256", sha256Hex(bytes)}});
    return {{"id", "job-1"}, {"state", state}, {"stage", state == "running" ? "collecting posture" : "done"},
            {"done", state == "running" ? 1 : 3}, {"total", 3}, {"error", jobError}, {"files", state == "done" ? list : nlohmann::json::array()}};
  }

  Result<HttpResponse> operator()(std::string_view method, const std::string& target, const std::string& body) {
    std::lock_guard lock(mutex);
    requests.push_back(std::string(method) + " " + target);
    if (down) return makeError("cannot connect to https://127.0.0.1:1: Connection refused");
    if (method == "POST" && target == "/api/v1/exports") {
      postBody = body;
      if (postStatus != 202) return HttpResponse{postStatus, nlohmann::json{{"error", postError}}.dump(), "application/json"};
      return HttpResponse{202, R"({"id": "job-1", "state": "queued"})", "application/json"};
    }
    if (target == "/api/v1/exports/job-1") {
      const bool running = polls++ < runningPolls;
      return HttpResponse{200, job(running ? "running" : jobError.empty() ? "done" : "failed").dump(), "application/json"};
    }
    const std::string prefix = "/api/v1/exports/job-1/files/";
    if (target.rfind(prefix, 0) == 0 && files.count(target.substr(prefix.size()))) {
      const auto name = target.substr(prefix.size());
      return HttpResponse{200, name == corruptFile ? files[name] + "tampered" : files[name], "application/octet-stream"};
    }
    return HttpResponse{404, R"({"error": "no such endpoint"})", "application/json"};
  }
};

class ExportClientTest : public ::testing::Test {
 protected:
  ExportClient& client(FolderOpener opener = nullptr) {
    client_ = std::make_unique<ExportClient>([this](std::string_view m, const std::string& t, const std::string& b) { return api(m, t, b); },
                                             ExportClientOptions{1ms, 10s}, std::move(opener));
    client_->onChange([this] {
      std::lock_guard lock(phasesMutex);
      const auto phase = client_->status().phase;
      if (phases.empty() || phases.back() != phase) phases.push_back(phase);
    });
    return *client_;
  }
  ExportForm form() { return {"2026-10-01", "2026-11-01", "", "web", root.path() / "pack"}; }
  ExportStatus finish() {
    EXPECT_TRUE(waitUntil([&] { return !client_->status().working(); }));
    return client_->status();
  }
  // Runs an export that must fail, with `expected` in its error.
  void expectFailure(const std::string& expected) {
    if (!client_) client();
    ASSERT_TRUE(client_->start(form()));
    const auto status = finish();
    EXPECT_EQ(status.phase, ExportPhase::Failed);
    EXPECT_NE(status.error.find(expected), std::string::npos) << status.error;
  }

  annexa::test::FixtureRoot root;
  FakeExportApi api;
  std::mutex phasesMutex;
  std::vector<ExportPhase> phases;
  std::unique_ptr<ExportClient> client_;
};

TEST_F(ExportClientTest, PostsPollsDownloadsAndVerifiesEveryFile) {
  ASSERT_TRUE(client().start(form()));
  const auto status = finish();
  ASSERT_EQ(status.phase, ExportPhase::Done) << status.error;
  EXPECT_EQ(status.filesDone, 2u);
  EXPECT_FLOAT_EQ(status.fraction(), 1.0f);
  for (const auto& [name, bytes] : api.files) EXPECT_EQ(readAll(root.path() / "pack" / name), bytes) << name;
  EXPECT_FALSE(fs::exists(root.path() / "pack" / "assessment-results.json.part"));
  const auto body = nlohmann::json::parse(api.postBody);
  EXPECT_EQ(body["from"], "2026-10-01T00:00:00Z");
  EXPECT_EQ(body["hosts"], "web");
  EXPECT_FALSE(body.contains("at")) << "an empty instant is the collector's now";
  EXPECT_GE(api.polls, 3);
  std::lock_guard lock(phasesMutex);
  EXPECT_EQ(phases, (std::vector<ExportPhase>{ExportPhase::Starting, ExportPhase::Running, ExportPhase::Downloading, ExportPhase::Done}));
}

TEST_F(ExportClientTest, AHashMismatchFailsClearlyAndKeepsNoCopyOfTheFile) {
  api.corruptFile = "csv/hosts.csv";
  expectFailure("csv/hosts.csv does not match");
  EXPECT_FALSE(fs::exists(root.path() / "pack" / "csv" / "hosts.csv"));
  EXPECT_FALSE(fs::exists(root.path() / "pack" / "csv" / "hosts.csv.part"));
}

TEST_F(ExportClientTest, AnHttpErrorShowsTheApisMessage) {
  api.postStatus = 409;
  api.postError = "an export is already running; wait for it to finish";
  expectFailure("HTTP 409 an export is already running");
}

TEST_F(ExportClientTest, ACollectorThatIsDownOrFailsTheJobIsAnError) {
  api.down = true;
  expectFailure("cannot reach the collector");
  api.down = false;
  api.jobError = "cannot sign the manifest";
  expectFailure("could not export: cannot sign the manifest");
}

TEST_F(ExportClientTest, AnUnsafeNameInTheListingIsRefused) {
  api.listedName = "../../outside.json";
  expectFailure("unsafe file name");
  EXPECT_FALSE(fs::exists(root.path() / "outside.json"));
}

TEST_F(ExportClientTest, ANonEmptyFolderIsRefusedBeforeTheCollectorIsAsked) {
  fs::create_directories(root.path() / "pack");
  std::ofstream(root.path() / "pack" / "old.txt") << "x";
  expectFailure("not empty");
  EXPECT_TRUE(api.requests.empty());
}

TEST_F(ExportClientTest, CancelStopsFollowingAndSecondStartIsRefusedMeanwhile) {
  api.runningPolls = 1'000'000;
  auto& c = client();
  ASSERT_TRUE(c.start(form()));
  ASSERT_TRUE(waitUntil([&] { return c.status().phase == ExportPhase::Running; }));
  EXPECT_FALSE(c.start(form())) << "one export at a time";
  c.cancel();
  const auto status = finish();
  EXPECT_EQ(status.phase, ExportPhase::Cancelled);
}

TEST_F(ExportClientTest, OpenFolderReportsWhenTheDesktopCannotOpenIt) {
  std::vector<fs::path> opened;
  auto& c = client([&](const fs::path& folder) -> VoidResult {
    opened.push_back(folder);
    return makeError("xdg-open exited with status 3");
  });
  ASSERT_TRUE(c.start(form()));
  ASSERT_EQ(finish().phase, ExportPhase::Done);
  c.openFolder();
  const auto status = finish();
  EXPECT_EQ(status.phase, ExportPhase::Done);
  EXPECT_EQ(status.openError, "xdg-open exited with status 3");
  EXPECT_EQ(opened, std::vector<fs::path>{root.path() / "pack"});
}

TEST(ExportForm, ValidatesDatesAndFillsDefaults) {
  EXPECT_FALSE(exportRequestBody({"yesterday", "", "", "", "/tmp/x"}));
  EXPECT_FALSE(exportRequestBody({"2026-11-02", "2026-11-01", "", "", "/tmp/x"}));
  EXPECT_FALSE(exportRequestBody({"", "", "soon", "", "/tmp/x"}));
  auto body = exportRequestBody({"", "", "now", "  ", "/tmp/x"});
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, "{}");
  const auto form = defaultExportForm(1'795'424'427, "/home/auditor");  // 2026-11-23T09:00:27Z
  EXPECT_EQ(form.to, "2026-11-23T09:00:27Z");
  EXPECT_EQ(form.from, "2026-10-24T09:00:27Z");
  EXPECT_EQ(form.folder.parent_path(), fs::path("/home/auditor/annexa-evidence"));
  EXPECT_EQ(form.folder.filename().string().size(), 15u);  // YYYYMMDD-HHMMSS
}

TEST(DesktopOpen, RunsXdgOpenFromPathWithoutAShellAndReportsFailures) {
  annexa::test::FixtureRoot root;
  const auto bin = root.path() / "bin";
  fs::create_directories(bin);
  const auto script = bin / "xdg-open";
  std::ofstream(script) << "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$(dirname \"$0\")/opened\"\n[ \"$1\" != /fail ]\n";
  fs::permissions(script, fs::perms::owner_all);
  const std::string savedPath = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (bin.string() + ":/usr/bin:/bin").c_str(), 1);
  const auto opened = openFolderOnDesktop("/tmp/a folder; rm -rf x");
  const auto failed = openFolderOnDesktop("/fail");
  setenv("PATH", bin.c_str(), 1);
  fs::remove(script);
  const auto missing = openFolderOnDesktop("/tmp");
  setenv("PATH", savedPath.c_str(), 1);
  EXPECT_TRUE(opened) << opened.error();
  EXPECT_EQ(readAll(bin / "opened"), "/tmp/a folder; rm -rf x\n/fail\n");  // each argument one word, no shell
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().find("status 1"), std::string::npos) << failed.error();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot run xdg-open"), std::string::npos) << missing.error();
}

}  // namespace
}  // namespace annexa::dashboard
